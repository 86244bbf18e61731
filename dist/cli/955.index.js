"use strict";
exports.id = 955;
exports.ids = [955];
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

/***/ 30955:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   plan: () => (/* binding */ plan)
/* harmony export */ });
/* harmony import */ var _build_size__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(18556);
/* harmony import */ var _deploy_host_inspect__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(59164);
/* harmony import */ var _deploy_plan__WEBPACK_IMPORTED_MODULE_14__ = __webpack_require__(5448);
/* harmony import */ var _release_select__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(21677);
/* harmony import */ var _manifest__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(81237);
/* harmony import */ var _build__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(38555);
/* harmony import */ var _deploy__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(70555);
/* harmony import */ var _environment__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(17507);
/* harmony import */ var _hosts__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(63109);
/* harmony import */ var _rollout__WEBPACK_IMPORTED_MODULE_13__ = __webpack_require__(54235);
/* harmony import */ var _operations__WEBPACK_IMPORTED_MODULE_8__ = __webpack_require__(74630);
/* harmony import */ var _release_plan__WEBPACK_IMPORTED_MODULE_9__ = __webpack_require__(90436);
/* harmony import */ var _stack_roles__WEBPACK_IMPORTED_MODULE_10__ = __webpack_require__(65630);
/* harmony import */ var _upstream__WEBPACK_IMPORTED_MODULE_11__ = __webpack_require__(59985);
/* harmony import */ var _validate__WEBPACK_IMPORTED_MODULE_12__ = __webpack_require__(56082);















/** How an environment's hosts would switch, batch by batch. */
function rolloutLine(environment) {
    const rollout = (0,_rollout__WEBPACK_IMPORTED_MODULE_13__/* .rolloutOf */ .Zb)(environment.config);
    const batches = (0,_rollout__WEBPACK_IMPORTED_MODULE_13__/* .batchesOf */ .cS)(environment.hosts.length, rollout).map((batch) => batch.map((i) => (environment.hosts[i] === undefined ? '?' : (0,_environment__WEBPACK_IMPORTED_MODULE_6__/* .hostLabel */ .vy)(environment.hosts[i]))).join(', '));
    return `Rollout over ${environment.hosts.length} hosts (${rollout.strategy}${rollout.canary ? ', canary first' : ''}): ${batches.map((b, i) => `batch ${i + 1}: ${b}`).join('; ')}; a failure switches every switched host back.`;
}
function digestOf(ref) {
    return ref === undefined ? '—' : ref.slice(ref.indexOf('@') + 1);
}
/**
 * `plan`: what a deploy would do, changing nothing on the host (no lock, no upload, no ledger
 * line). With a version already in the registry it compares digests; otherwise it builds the
 * images locally (pushing nothing) to show their sizes.
 */
async function plan(context) {
    const { settings, reporter, clock } = context;
    const loaded = await (0,_validate__WEBPACK_IMPORTED_MODULE_12__/* .loadAndReport */ .I)(settings.manifest, reporter, 'invalid');
    if (!loaded.ok)
        return loaded.result;
    const manifest = loaded.manifest;
    const environment = (0,_environment__WEBPACK_IMPORTED_MODULE_6__/* .resolveEnvironment */ .g9)(manifest, settings.environment);
    const buildPlan = (0,_release_plan__WEBPACK_IMPORTED_MODULE_9__/* .planRelease */ .F)(settings, manifest, new Date(clock.now()));
    const names = (0,_release_plan__WEBPACK_IMPORTED_MODULE_9__/* .servicesInEnvironment */ .T)(buildPlan, manifest, environment.name, settings.repositoryOwner);
    const infrastructure = (0,_stack_roles__WEBPACK_IMPORTED_MODULE_10__/* .infrastructureOf */ .fm)(manifest, environment.name, loaded.compose[environment.name], settings.repositoryOwner);
    /** The built service whose image a service runs (itself, or the one it shares). */
    const builderOf = (name) => {
        const kind = (0,_manifest__WEBPACK_IMPORTED_MODULE_3__/* .serviceKind */ .Ae)(manifest, name, settings.repositoryOwner);
        return kind.kind === 'shared' ? kind.builder : name;
    };
    /** How a deploy would replace the service's container, and why. */
    const switchOf = (name) => environment.config.engine === 'swarm'
        ? `Swarm update ${(0,_manifest__WEBPACK_IMPORTED_MODULE_3__/* .describeSwarmUpdate */ .p4)((0,_manifest__WEBPACK_IMPORTED_MODULE_3__/* .swarmUpdateOf */ .VT)(manifest, loaded.compose[environment.name], name))}`
        : (0,_manifest__WEBPACK_IMPORTED_MODULE_3__/* .describeSwitch */ .Qd)((0,_manifest__WEBPACK_IMPORTED_MODULE_3__/* .switchStrategyOf */ .LL)(manifest, loaded.compose[environment.name], name, settings.repositoryOwner));
    const builds = buildPlan.builds.filter((b) => names.includes(b.service));
    const versionTag = (0,_release_select__WEBPACK_IMPORTED_MODULE_2__/* .dockerTagFor */ .WV)(buildPlan.version);
    let promoted;
    let built = [];
    if (builds.length > 0) {
        if (!settings.build)
            promoted = await (0,_deploy__WEBPACK_IMPORTED_MODULE_5__/* .promotedImages */ .R1)(context, builds, versionTag);
        else
            built = await (0,_build__WEBPACK_IMPORTED_MODULE_4__/* .buildAndMeasure */ .k3)(context, builds, versionTag);
    }
    const repos = (0,_operations__WEBPACK_IMPORTED_MODULE_8__/* .serviceRepositories */ .k)(manifest, [...names, ...infrastructure.map((s) => s.name)], settings);
    const several = environment.hosts.length > 1;
    const inspected = await (0,_hosts__WEBPACK_IMPORTED_MODULE_7__/* .onEachHost */ .V)(context, environment, async (executor) => (await executor.run((0,_deploy_host_inspect__WEBPACK_IMPORTED_MODULE_1__/* .inspectHostCommand */ .g)((0,_deploy_plan__WEBPACK_IMPORTED_MODULE_14__/* .hostPaths */ .tO)({ path: environment.config.path, runId: '' }), (0,_environment__WEBPACK_IMPORTED_MODULE_6__/* .projectCandidates */ .m)(manifest, environment.name), repos), { step: 'plan' })).stdout);
    const clients = new Map();
    const ownRegistry = manifest.registry?.host ?? _manifest__WEBPACK_IMPORTED_MODULE_3__/* .DEFAULT_REGISTRY_HOST */ .Pu;
    const rows = [];
    const locks = [];
    for (const { target, value: output } of inspected) {
        const on = (label) => (several ? `${label} on ${(0,_environment__WEBPACK_IMPORTED_MODULE_6__/* .hostLabel */ .vy)(target)}` : label);
        const state = (0,_deploy_host_inspect__WEBPACK_IMPORTED_MODULE_1__/* .parseHostState */ .V)(output, repos.map((r) => r.name));
        if (state.lockOwner !== undefined)
            locks.push(several ? `${(0,_environment__WEBPACK_IMPORTED_MODULE_6__/* .hostLabel */ .vy)(target)}: ${state.lockOwner}` : state.lockOwner);
        for (const name of names.filter((n) => (0,_environment__WEBPACK_IMPORTED_MODULE_6__/* .runsService */ .UQ)(target, n))) {
            const running = state.services.find((s) => s.name === name)?.container;
            const repo = repos.find((r) => r.name === name)?.repo ?? '';
            const current = running?.repoDigests.find((ref) => ref.startsWith(`${repo}@`));
            const wanted = promoted?.find((t) => t.service === builderOf(name))?.pinned;
            const image = built.find((b) => b.service === builderOf(name));
            const isBuilt = builds.some((b) => b.service === builderOf(name));
            const label = builderOf(name) === name ? name : `${name} (shares ${builderOf(name)})`;
            const restarts = !isBuilt ? 'if its compose definition changed' : image !== undefined ? 'yes (new build)' : running === undefined || digestOf(current) !== digestOf(wanted) ? 'yes' : 'no (same image)';
            const size = image === undefined ? '—' : `${(0,_build_size__WEBPACK_IMPORTED_MODULE_0__/* .formatBytes */ .z3)(image.bytes)}${image.previous === undefined ? '' : ` (${(0,_build_size__WEBPACK_IMPORTED_MODULE_0__/* .formatSizeDelta */ .N$)(image.bytes, image.previous.bytes)} vs ${image.previous.tag})`}`;
            rows.push([on(label), running?.version ?? (running === undefined ? 'not running' : '—'), digestOf(current), !isBuilt ? 'from compose' : image !== undefined ? `new build of ${buildPlan.version}` : digestOf(wanted), restarts, size, switchOf(name)]);
        }
        for (const service of infrastructure.filter((s) => (0,_environment__WEBPACK_IMPORTED_MODULE_6__/* .runsService */ .UQ)(target, s.name))) {
            const running = state.services.find((s) => s.name === service.name)?.container;
            const recorded = (0,_stack_roles__WEBPACK_IMPORTED_MODULE_10__/* .recordedPin */ .oH)(state.ledger, service.name);
            const tag = await (0,_upstream__WEBPACK_IMPORTED_MODULE_11__/* .movedUpstream */ .Z)(context, service.image, recorded, ownRegistry, clients);
            const moved = tag === undefined ? '' : `; the tag moved upstream to ${tag.upstream}, the host stays at ${tag.current} until the pin changes`;
            rows.push([on(`${service.name} (pinned ${service.image})`), running === undefined ? 'not running' : running.status, recorded === undefined ? '—' : digestOf(recorded.pinned), service.image, `${(0,_stack_roles__WEBPACK_IMPORTED_MODULE_10__/* .infrastructureAction */ .mO)(service, running?.status === 'running', recorded)}${moved}`, '—', switchOf(service.name)]);
        }
    }
    const steps = [
        ...(manifest.backup ?? []).map((b) => `backup ${b.name} (${b.service})`),
        ...(manifest.migrations === undefined ? [] : [`migrations in a one-off ${manifest.migrations.service} container`]),
        ...(manifest.smoke ?? []).map((s) => `smoke check ${s.name}`),
        ...[...(manifest.hooks?.pre_deploy ?? []), ...(manifest.hooks?.post_deploy ?? [])].map((h) => `hook ${h.join(' ')}`),
    ];
    for (const row of rows)
        reporter.info(`${row[0]}: ${row[1]} ${row[2]} -> ${row[3]}; restarts: ${row[4]}; switch: ${row[6]}`);
    return {
        status: 'success',
        outputs: { version: buildPlan.version, services: JSON.stringify(names) },
        summary: {
            title: `stack-deploy: plan for ${buildPlan.version} on ${environment.name} (nothing was changed)`,
            lines: [locks.length === 0 ? 'No deploy holds the lock now.' : `A deploy holds the lock now: ${locks.join('; ')}`, ...(several ? [rolloutLine(environment)] : []), steps.length === 0 ? 'No backups, migrations, smoke checks or hooks are configured.' : `Would also run: ${steps.join('; ')}.`],
            tables: [{ header: ['Service', 'Running', 'Current digest', 'Would deploy', 'Restarts', 'Size', 'Switch'], rows }],
        },
    };
}


/***/ }),

/***/ 59985:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Z: () => (/* binding */ movedUpstream)
/* harmony export */ });
/* harmony import */ var _registry_client__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(32440);
/* harmony import */ var _registry_image_ref__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(18230);
/* harmony import */ var _build__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(38555);



/**
 * The digest a tag pin has in its registry now, to tell that it moved; undefined when it cannot be
 * read (or is pinned by digest). The deploy's credentials go to the stack's own registry only.
 */
async function upstreamDigest(context, image, ownRegistry, clients) {
    const ref = (0,_registry_image_ref__WEBPACK_IMPORTED_MODULE_1__/* .parseImageRef */ .Q)(image);
    if (ref.digest !== undefined || ref.tag === undefined)
        return undefined;
    try {
        const client = ref.registry === ownRegistry ? (0,_build__WEBPACK_IMPORTED_MODULE_2__/* .registryClientFor */ .CA)(context, ref.registry, clients) : new _registry_client__WEBPACK_IMPORTED_MODULE_0__/* .RegistryClient */ .bP(ref.registry, {});
        return (await client.manifest(ref.repository, ref.tag))?.digest;
    }
    catch {
        return undefined;
    }
}
/**
 * Where an infrastructure service's tag moved upstream while the host still runs the digest it
 * resolved for the same pin: `{ upstream, current }`; undefined when it did not move, or cannot
 * be told (no recorded digest, another pin, a registry that does not answer).
 */
async function movedUpstream(context, image, recorded, ownRegistry, clients) {
    if (recorded === undefined || recorded.pin !== image || !recorded.pinned.includes('@'))
        return undefined;
    const upstream = await upstreamDigest(context, image, ownRegistry, clients);
    const current = recorded.pinned.slice(recorded.pinned.indexOf('@') + 1);
    return upstream === undefined || upstream === current ? undefined : { upstream, current };
}


/***/ })

};
;