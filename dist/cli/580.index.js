"use strict";
exports.id = 580;
exports.ids = [580,82];
exports.modules = {

/***/ 63109:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   V: () => (/* binding */ onEachHost)
/* harmony export */ });
/* harmony import */ var _connect__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(2688);
/* harmony import */ var _environment__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(17507);


/**
 * Connects to each of `hosts` (all of the environment's by default) at once, runs `work` on each
 * connection, and closes them all. The first failure (in the hosts' order) is thrown once every
 * host is done, with the host named when the environment has several.
 */
async function onEachHost(context, environment, work, hosts = environment.hosts) {
    const title = hosts.map(_environment__WEBPACK_IMPORTED_MODULE_1__/* .hostLabel */ .vy).join(', ');
    const settled = await context.reporter.group(`Connect to ${title}`, () => Promise.allSettled(hosts.map(async (target) => {
        const executor = await (0,_connect__WEBPACK_IMPORTED_MODULE_0__/* .openConnection */ .J)(context, (0,_environment__WEBPACK_IMPORTED_MODULE_1__/* .onHost */ .GH)(environment, target));
        try {
            return await work(executor, target);
        }
        finally {
            await executor.close();
        }
    })));
    const failed = settled.findIndex((s) => s.status === 'rejected');
    if (failed >= 0) {
        const reason = settled[failed].reason;
        const target = hosts[failed];
        throw environment.hosts.length > 1 && target !== undefined ? (0,_environment__WEBPACK_IMPORTED_MODULE_1__/* .onHostError */ .yg)((0,_environment__WEBPACK_IMPORTED_MODULE_1__/* .hostLabel */ .vy)(target), reason) : reason;
    }
    return settled.map((s, i) => ({ target: hosts[i], value: s.value }));
}


/***/ }),

/***/ 39580:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   unlock: () => (/* binding */ unlock)
/* harmony export */ });
/* harmony import */ var _deploy_plan__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(5448);
/* harmony import */ var _deploy_remote_commands__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(46748);
/* harmony import */ var _hosts__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(63109);
/* harmony import */ var _environment__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(17507);
/* harmony import */ var _validate__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(56082);





/** `unlock`: frees a stale deploy lock on each host of the environment and writes who did it to the ledger. */
async function unlock(context) {
    const { settings, reporter, clock } = context;
    const loaded = await (0,_validate__WEBPACK_IMPORTED_MODULE_2__/* .loadAndReport */ .I)(settings.manifest, reporter, 'invalid', undefined, { compose: false });
    if (!loaded.ok)
        return loaded.result;
    const environment = (0,_environment__WEBPACK_IMPORTED_MODULE_1__/* .resolveEnvironment */ .g9)(loaded.manifest, settings.environment);
    const line = `${JSON.stringify({
        time: new Date(clock.now()).toISOString(),
        actor: settings.actor ?? 'unknown',
        run_url: settings.runUrl ?? '',
        environment: environment.name,
        action: 'unlock',
        result: 'unlocked',
    })}\n`;
    const results = await (0,_hosts__WEBPACK_IMPORTED_MODULE_0__/* .onEachHost */ .V)(context, environment, async (executor, target) => {
        const output = (await executor.run((0,_deploy_remote_commands__WEBPACK_IMPORTED_MODULE_3__/* .forceUnlockCommand */ .Vs)((0,_deploy_plan__WEBPACK_IMPORTED_MODULE_4__/* .hostPaths */ .tO)({ path: environment.config.path, runId: '' }), line), { step: 'unlock' })).stdout;
        const [verdict = '', ...owner] = output.trim().split('\n');
        const where = environment.hosts.length > 1 ? (0,_environment__WEBPACK_IMPORTED_MODULE_1__/* .hostLabel */ .vy)(target) : executor.host;
        return verdict === 'released' ? `released the deploy lock on ${where}, held by ${owner.join(' ').trim() || 'an unknown run'}` : `${where} had no deploy lock`;
    });
    const messages = results.map((r) => r.value);
    for (const message of messages)
        reporter.info(message);
    return { status: 'success', outputs: {}, summary: { title: `stack-deploy: ${environment.name} unlocked`, lines: messages, tables: [] } };
}


/***/ }),

/***/ 56082:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   I: () => (/* binding */ loadAndReport),
/* harmony export */   validate: () => (/* binding */ validate)
/* harmony export */ });
/* unused harmony export envVariables */
/* harmony import */ var _compose_dotenv__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(65508);
/* harmony import */ var _manifest__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(81237);


/** The variables compose files are interpolated with: the env text when it is given. */
function envVariables(envText) {
    return envText === undefined || envText.trim() === '' ? undefined : (0,_compose_dotenv__WEBPACK_IMPORTED_MODULE_1__/* .parseDotenv */ .q)(envText);
}
/**
 * Loads stack.yml and reports every problem in it (each one also as an annotation on its file
 * and line). Commands that need a manifest start here. The environments' compose files are read
 * too, unless `compose` is false: commands that neither deploy nor report what runs need none.
 */
async function loadAndReport(file, reporter, failedStatus, variables, options = {}) {
    const loaded = await (0,_manifest__WEBPACK_IMPORTED_MODULE_0__/* .loadManifest */ .eY)(file, { variables, compose: options.compose });
    if (loaded.ok) {
        for (const warning of loaded.warnings ?? [])
            reporter.warning(warning);
        return { ok: true, manifest: loaded.manifest, compose: loaded.compose ?? {} };
    }
    for (const issue of loaded.issues) {
        reporter.error((0,_manifest__WEBPACK_IMPORTED_MODULE_0__/* .formatIssue */ .Hd)(issue), { file: issue.file, line: issue.line, column: issue.column, title: 'invalid manifest' });
    }
    const count = loaded.issues.length;
    const headline = `${loaded.file}: ${count} ${count === 1 ? 'problem' : 'problems'} found`;
    return {
        ok: false,
        result: {
            status: failedStatus,
            outputs: {},
            summary: {
                title: 'stack-deploy: invalid manifest',
                lines: [headline],
                tables: [{ header: ['Where', 'Key', 'Problem'], rows: loaded.issues.map((i) => [`${i.file}:${i.line}:${i.column}`, i.path || '(root)', i.hint === undefined ? i.message : `${i.message} (${i.hint})`]) }],
            },
        },
    };
}
/** `validate`: every error in stack.yml, or one summary line. */
async function validate(file, reporter, envText) {
    const outcome = await loadAndReport(file, reporter, 'failed', envVariables(envText));
    if (!outcome.ok)
        return outcome.result;
    const manifest = outcome.manifest;
    const services = Object.keys(manifest.services);
    const environments = Object.keys(manifest.environments);
    const line = `${file} is valid: stack "${manifest.name}", ${services.length} ${services.length === 1 ? 'service' : 'services'} (${services.join(', ')}), ${environments.length} ${environments.length === 1 ? 'environment' : 'environments'} (${environments.join(', ')})`;
    reporter.info(line);
    return {
        status: 'success',
        outputs: { services: JSON.stringify(services) },
        summary: { title: 'stack-deploy: manifest is valid', lines: [line], tables: [] },
    };
}


/***/ })

};
;