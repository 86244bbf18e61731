"use strict";
exports.id = 92;
exports.ids = [92];
exports.modules = {

/***/ 74630:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   e: () => (/* binding */ operationServices),
/* harmony export */   k: () => (/* binding */ serviceRepositories)
/* harmony export */ });
/* harmony import */ var _errors__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(83916);
/* harmony import */ var _manifest__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(81237);
/* harmony import */ var _stack_roles__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(65630);



/** The services an operation acts on: the `services` input (checked), else the environment's. */
function operationServices(manifest, environment, settings, onlyBuilt) {
    const inEnvironment = (0,_manifest__WEBPACK_IMPORTED_MODULE_1__/* .environmentServices */ .og)(manifest, environment);
    if (settings.services.length > 0) {
        const unknown = settings.services.filter((name) => !inEnvironment.includes(name));
        if (unknown.length > 0) {
            throw new _errors__WEBPACK_IMPORTED_MODULE_0__/* .StackDeployError */ .O1(`${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not a service of environment "${environment}"`, {
                step: 'select',
                hint: `use some of: ${inEnvironment.join(', ')}`,
            });
        }
        return inEnvironment.filter((name) => settings.services.includes(name));
    }
    return onlyBuilt ? inEnvironment.filter((name) => (0,_stack_roles__WEBPACK_IMPORTED_MODULE_2__/* .isApplicationService */ .WQ)(manifest, name, settings.repositoryOwner)) : inEnvironment;
}
/** The repository of each service's images: built ones are in the registry; others are local names. */
function serviceRepositories(manifest, names, settings) {
    return names.map((name) => {
        // A service only the compose files define is infrastructure: it has no repository of stack-deploy's.
        const kind = manifest.services[name] === undefined ? undefined : (0,_manifest__WEBPACK_IMPORTED_MODULE_1__/* .serviceKind */ .Ae)(manifest, name, settings.repositoryOwner);
        const builder = kind?.kind === 'built' ? name : kind?.kind === 'shared' ? kind.builder : undefined;
        return { name, repo: builder !== undefined ? (0,_manifest__WEBPACK_IMPORTED_MODULE_1__/* .defaultImage */ .XS)(manifest, builder, settings.repositoryOwner) : `stack-deploy/${manifest.name}-${name}` };
    });
}


/***/ }),

/***/ 87092:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   rollback: () => (/* binding */ rollback)
/* harmony export */ });
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(76760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _deploy_host_inspect__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(59164);
/* harmony import */ var _deploy_plan__WEBPACK_IMPORTED_MODULE_9__ = __webpack_require__(5448);
/* harmony import */ var _errors__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(83916);
/* harmony import */ var _deploy__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(70555);
/* harmony import */ var _release_images__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(21198);
/* harmony import */ var _environment__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(17507);
/* harmony import */ var _operations__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(74630);
/* harmony import */ var _stack_roles__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(65630);
/* harmony import */ var _validate__WEBPACK_IMPORTED_MODULE_8__ = __webpack_require__(56082);










/**
 * `rollback`: every service of the environment (or the input `services`) back to its
 * rollback image, or with `version`, to the images the ledger records for that release.
 * Same lock, transaction, health gate and ledger as a deploy.
 */
async function rollback(context) {
    const { settings, reporter, clock } = context;
    const loaded = await (0,_validate__WEBPACK_IMPORTED_MODULE_8__/* .loadAndReport */ .I)(settings.manifest, reporter, 'invalid', undefined, { compose: false });
    if (!loaded.ok)
        return loaded.result;
    const manifest = loaded.manifest;
    const environment = (0,_environment__WEBPACK_IMPORTED_MODULE_5__/* .resolveEnvironment */ .g9)(manifest, settings.environment);
    await context.onEnvironment?.(environment.name);
    const names = (0,_operations__WEBPACK_IMPORTED_MODULE_6__/* .operationServices */ .e)(manifest, environment.name, settings, true);
    const infrastructure = names.filter((name) => !(0,_stack_roles__WEBPACK_IMPORTED_MODULE_7__/* .isApplicationService */ .WQ)(manifest, name, settings.repositoryOwner));
    if (infrastructure.length > 0) {
        throw new _errors__WEBPACK_IMPORTED_MODULE_2__/* .StackDeployError */ .O1(`${infrastructure.join(', ')} ${infrastructure.length === 1 ? 'is' : 'are'} infrastructure (pinned in stack.yml or the compose files): rollback switches application services only`, {
            step: 'select',
            hint: 'to move a pinned service back, set its previous tag or digest and deploy; a rollback never restarts infrastructure',
        });
    }
    const repos = (0,_operations__WEBPACK_IMPORTED_MODULE_6__/* .serviceRepositories */ .k)(manifest, names, settings);
    return (0,_deploy__WEBPACK_IMPORTED_MODULE_3__/* .switchEnvironment */ .UM)(context, {
        manifest,
        manifestDir: (0,node_path__WEBPACK_IMPORTED_MODULE_0__.dirname)((0,node_path__WEBPACK_IMPORTED_MODULE_0__.resolve)(settings.manifest)),
        environment,
        names,
        version: settings.version ?? 'previous',
        kind: 'rollback',
        timer: new _deploy__WEBPACK_IMPORTED_MODULE_3__/* .PhaseTimer */ .xU(() => clock.now()),
        resolveTargets: async (executor, project, hostNames) => {
            const hostRepos = repos.filter((r) => hostNames.includes(r.name));
            const output = await executor.run((0,_deploy_host_inspect__WEBPACK_IMPORTED_MODULE_1__/* .inspectHostCommand */ .g)((0,_deploy_plan__WEBPACK_IMPORTED_MODULE_9__/* .hostPaths */ .tO)({ path: environment.config.path, runId: '' }), { name: project }, hostRepos), { step: 'select' });
            const state = (0,_deploy_host_inspect__WEBPACK_IMPORTED_MODULE_1__/* .parseHostState */ .V)(output.stdout, hostNames);
            const previous = () => (environment.config.engine === 'swarm' ? (0,_release_images__WEBPACK_IMPORTED_MODULE_4__/* .previousReleaseImages */ .ZL)(state, hostRepos, environment.name) : (0,_release_images__WEBPACK_IMPORTED_MODULE_4__/* .rollbackImages */ .BL)(state, hostRepos));
            const chosen = settings.version === undefined ? previous() : { version: settings.version, targets: (0,_release_images__WEBPACK_IMPORTED_MODULE_4__/* .imagesOfVersion */ .s2)(state, hostRepos, settings.version, environment.name) };
            reporter.info(`${environment.hosts.length > 1 ? `${executor.host}: ` : ''}Rolling back ${hostNames.join(', ')} to ${chosen.version}: ${chosen.targets.map((t) => t.pinned).join(', ')}`);
            return chosen;
        },
    });
}


/***/ })

};
;