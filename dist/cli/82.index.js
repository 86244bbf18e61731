"use strict";
exports.id = 82;
exports.ids = [82];
exports.modules = {

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