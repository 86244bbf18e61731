"use strict";
exports.id = 523;
exports.ids = [523];
exports.modules = {

/***/ 73523:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   execInService: () => (/* binding */ execInService)
/* harmony export */ });
/* harmony import */ var _commands_compose__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(31346);
/* harmony import */ var _errors__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(83916);
/* harmony import */ var _service_session__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(56583);



/**
 * `exec`: runs a command in a service's running container on the environment's host, with this
 * terminal attached (a pseudo-terminal when standard input is a TTY, as `ssh -t` does), and ends
 * with the command's exit code. Takes no lock.
 */
async function execInService(context) {
    const { settings, terminal } = context;
    const request = settings.exec;
    if (terminal === undefined || request === undefined) {
        throw new _errors__WEBPACK_IMPORTED_MODULE_1__/* .StackDeployError */ .O1('exec runs on the command line only: it needs a terminal', {
            hint: 'run "stack-deploy exec -e ENVIRONMENT SERVICE -- COMMAND" in a terminal',
        });
    }
    const opened = await (0,_service_session__WEBPACK_IMPORTED_MODULE_2__/* .openServiceSession */ .C)(context);
    if (!opened.ok)
        return opened.result;
    const { environment, executor, project, cwd } = opened.session;
    let exitCode;
    try {
        const cmd = (0,_commands_compose__WEBPACK_IMPORTED_MODULE_0__/* .composeExec */ .yh)({ ...project, service: request.service, argv: request.argv, tty: terminal.tty !== undefined });
        const restore = terminal.tty === undefined ? () => undefined : terminal.raw();
        try {
            exitCode = await executor.attach(cmd, { stdin: terminal.stdin, write: (chunk, stream) => terminal.write(chunk, stream), pty: terminal.tty, onResize: (listener) => terminal.onResize(listener) }, { cwd });
        }
        finally {
            restore();
        }
    }
    finally {
        await executor.close();
    }
    return {
        status: exitCode === 0 ? 'success' : 'failed',
        exitCode,
        outputs: {},
        summary: { title: `stack-deploy: exec in ${request.service} on ${environment.name}`, lines: [`${request.argv.join(' ')} exited with ${exitCode}.`], tables: [] },
    };
}


/***/ })

};
;