"use strict";
exports.id = 271;
exports.ids = [271];
exports.modules = {

/***/ 16271:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   logs: () => (/* binding */ logs)
/* harmony export */ });
/* unused harmony export LOG_LINES */
/* harmony import */ var _commands_compose__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(31346);
/* harmony import */ var _manifest__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(81237);
/* harmony import */ var _service_session__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(56583);



/** Lines printed per service when no start time is given. */
const LOG_LINES = 100;
/**
 * `logs`: the services' Compose logs on the environment's host. On the command line one
 * `compose logs` streams to the terminal (with `--follow` until interrupted); in the action each
 * service's last lines go into a log group of their own. Read only: takes no lock.
 */
async function logs(context) {
    const { settings, reporter, terminal } = context;
    const opened = await (0,_service_session__WEBPACK_IMPORTED_MODULE_2__/* .openServiceSession */ .C)(context);
    if (!opened.ok)
        return opened.result;
    const { environment, executor, project, cwd, manifest } = opened.session;
    const services = settings.services.length > 0 ? [...settings.services] : (0,_manifest__WEBPACK_IMPORTED_MODULE_1__/* .environmentServices */ .og)(manifest, environment.name);
    const since = settings.logs?.since;
    const tail = since === undefined ? LOG_LINES : 'all';
    const title = `stack-deploy: logs of ${environment.name}`;
    try {
        if (terminal !== undefined) {
            const cmd = (0,_commands_compose__WEBPACK_IMPORTED_MODULE_0__/* .composeLogs */ .c1)({ ...project, services, tail, since, follow: settings.logs?.follow === true });
            const exitCode = await executor.attach(cmd, { write: (chunk, stream) => terminal.write(chunk, stream) }, { cwd });
            const lines = exitCode === 0 ? [] : [`docker compose logs exited with ${exitCode} on ${executor.host}`];
            return { status: exitCode === 0 ? 'success' : 'failed', outputs: { services: JSON.stringify(services) }, summary: { title, lines, tables: [] } };
        }
        for (const service of services) {
            await reporter.group(`Logs of ${service}`, async () => {
                const result = await executor.run((0,_commands_compose__WEBPACK_IMPORTED_MODULE_0__/* .composeLogs */ .c1)({ ...project, services: [service], tail, since }), { cwd, step: 'logs', service });
                for (const line of `${result.stdout}${result.stderr}`.split('\n'))
                    if (line !== '')
                        reporter.info(line);
            });
        }
    }
    finally {
        await executor.close();
    }
    const what = since === undefined ? `the last ${LOG_LINES} lines` : `the lines since ${since}`;
    return {
        status: 'success',
        outputs: { services: JSON.stringify(services) },
        summary: { title, lines: [`Printed ${what} of ${services.join(', ')} in the job log.`], tables: [] },
    };
}


/***/ })

};
;