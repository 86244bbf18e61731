"use strict";
exports.id = 580;
exports.ids = [580,82];
exports.modules = {

/***/ 5448:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   He: () => (/* binding */ BACKUP_MIN_FREE_BYTES),
/* harmony export */   Pe: () => (/* binding */ PULL_TIMEOUT_MS),
/* harmony export */   lH: () => (/* binding */ PROXY_DIR_IN_HOME),
/* harmony export */   qu: () => (/* binding */ BACKUP_TIMEOUT_MS),
/* harmony export */   rU: () => (/* binding */ HOOK_TIMEOUT_MS),
/* harmony export */   tO: () => (/* binding */ hostPaths),
/* harmony export */   u: () => (/* binding */ COMPOSE_TIMEOUT_MS),
/* harmony export */   zH: () => (/* binding */ UPLOAD_TIMEOUT_MS)
/* harmony export */ });
/** The host proxy's directory, under the SSH user's home: one per host, outside every environment's path. */
const PROXY_DIR_IN_HOME = '.stack-deploy-proxy';
const BACKUP_TIMEOUT_MS = 30 * 60_000;
const HOOK_TIMEOUT_MS = 5 * 60_000;
/**
 * Deadlines of the phases that wait on the network or on Docker. The upload's is well under the
 * lease the lock is taken with (nothing renews it then); the pull renews the lease itself.
 */
const UPLOAD_TIMEOUT_MS = 5 * 60_000;
const PULL_TIMEOUT_MS = 30 * 60_000;
/** Each `docker compose` call of the transaction (up, stop, logs); it stops containers within their grace periods. */
const COMPOSE_TIMEOUT_MS = 10 * 60_000;
/** Free space a backup needs at least: twice the previous backup's size, and never under this. */
const BACKUP_MIN_FREE_BYTES = 100 * 1024 * 1024;
/**
 * Where things live on the host, all under the environment's `path`: the one place that names
 * them. Programs sent to the host receive these paths as arguments, never spelled in their text.
 * Entries of one run (`runDir`, `runPins`, `incoming`, `dockerConfig`) are those of `runId`.
 */
function hostPaths(plan) {
    const state = `${plan.path}/.stack-deploy`;
    const runs = `${state}/runs`;
    const runDir = `${runs}/${plan.runId}`;
    const dockerConfigPrefix = `${state}/docker-config.`;
    const incomingPrefix = `${state}/incoming.`;
    return {
        /** The environment's directory: the compose files, and the files the stack's steps run. */
        root: plan.path,
        state,
        lock: `${state}/lock`,
        envFile: `${state}/stack.env`,
        images: `${state}/images.yml`,
        /** Swarm: each service's update_config, and the default network attachable (for the migrations). */
        swarm: `${state}/swarm.yml`,
        /** Swarm: the env file as shell assignments, for `${VAR}` in the compose files of `docker stack deploy`. */
        envScript: `${state}/stack.env.sh`,
        script: `${state}/transaction.sh`,
        /** Every run's directory, named by its id. */
        runs,
        runDir,
        /** Written by the pull phase: `service<TAB>ref` per infrastructure service, for the transaction. */
        runPins: `${runDir}/pins`,
        /** The id of the last run whose transaction was started. */
        lastRun: `${state}/last-run`,
        ledger: `${state}/releases.jsonl`,
        backups: `${state}/backups`,
        /** Per infrastructure service: its pin's text and the digest it was resolved to. */
        pins: `${state}/pins`,
        /** Per service: the image of its last good release (written by the transaction). */
        good: `${state}/good`,
        /** The run's uploaded files, staged here before each is moved into place. */
        incoming: `${incomingPrefix}${plan.runId}`,
        /** What every run's staging directory starts with: the preflight sweeps those that killed uploads left. */
        incomingPrefix,
        /** The private Docker config (registry logins) of the run's pulls. */
        dockerConfig: `${dockerConfigPrefix}${plan.runId}`,
        /** What every run's Docker config starts with: the preflight sweeps those that killed pulls left. */
        dockerConfigPrefix,
    };
}


/***/ }),

/***/ 2688:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   J: () => (/* binding */ openConnection),
/* harmony export */   R: () => (/* binding */ connectToEnvironment)
/* harmony export */ });
/* harmony import */ var _errors__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(83916);
/* harmony import */ var _environment__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(17507);


/** Opens the run's one SSH connection to the environment's host. */
async function connectToEnvironment(context, environment) {
    const { settings, reporter, redactor, clock } = context;
    const { host, port, user } = (0,_environment__WEBPACK_IMPORTED_MODULE_1__/* .onlyHost */ .zp)(environment);
    if (settings.sshPrivateKey === undefined) {
        throw new _errors__WEBPACK_IMPORTED_MODULE_0__/* .StackDeployError */ .O1(`no SSH private key to reach ${user}@${host}:${port}`, {
            step: 'connect',
            hint: 'set the input "ssh-private-key" from a secret (or --identity FILE on the command line)',
        });
    }
    if (settings.sshKnownHosts === undefined) {
        throw new _errors__WEBPACK_IMPORTED_MODULE_0__/* .StackDeployError */ .O1(`no pinned host key for ${host}:${port}`, {
            step: 'connect',
            hint: `set the input "ssh-known-hosts" to the output of "ssh-keyscan -p ${port} ${host}", checked against the server's fingerprint (or --known-hosts FILE)`,
        });
    }
    // The SSH library is loaded by the commands that connect, when they connect.
    const { connectSsh } = await Promise.all(/* import() */[__webpack_require__.e(318), __webpack_require__.e(487), __webpack_require__.e(8)]).then(__webpack_require__.bind(__webpack_require__, 62627));
    return connectSsh({ host, port, user }, { privateKey: settings.sshPrivateKey, knownHosts: settings.sshKnownHosts }, redactor, {
        sleep: (ms) => clock.sleep(ms),
        onRetry: (attempt, delayMs, error) => reporter.warning(`${error.message}; retrying in ${delayMs} ms (attempt ${attempt + 1})`),
    });
}
/** The connection a command that only runs programs needs: the context's own, or SSH. */
function openConnection(context, environment) {
    return context.connect === undefined ? connectToEnvironment(context, environment) : context.connect(environment);
}


/***/ }),

/***/ 17507:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   GH: () => (/* binding */ onHost),
/* harmony export */   UQ: () => (/* binding */ runsService),
/* harmony export */   g9: () => (/* binding */ resolveEnvironment),
/* harmony export */   m: () => (/* binding */ projectCandidates),
/* harmony export */   vy: () => (/* binding */ hostLabel),
/* harmony export */   yg: () => (/* binding */ onHostError),
/* harmony export */   zp: () => (/* binding */ onlyHost)
/* harmony export */ });
/* unused harmony export hostsOf */
/* harmony import */ var _manifest__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(81237);
/* harmony import */ var _errors__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(83916);


/** `user@host:port`, how a host is named in reports. */
function hostLabel(target) {
    return `${target.user}@${target.host}:${target.port}`;
}
/** `error` with the host's label before its message (once): which host failed, in a run over several. */
function onHostError(label, error) {
    if (!(error instanceof Error) || error.message.startsWith(`${label}: `))
        return error;
    if (error instanceof _errors__WEBPACK_IMPORTED_MODULE_1__/* .StackDeployError */ .O1)
        return new _errors__WEBPACK_IMPORTED_MODULE_1__/* .StackDeployError */ .O1(`${label}: ${error.message}`, { ...error.context, host: label });
    return new Error(`${label}: ${error.message}`, { cause: error });
}
/** The hosts of an environment's settings (schema-checked: every host has a user). */
function hostsOf(config) {
    if (config.hosts === undefined)
        return [{ host: config.host ?? '', port: config.port, user: config.user ?? '' }];
    return config.hosts.map((h) => ({ host: h.host, port: h.port ?? config.port, user: h.user ?? config.user ?? '', services: h.services }));
}
/** The environment as seen on one of its hosts: `config.host`, `port` and `user` are that host's. */
function onHost(environment, target) {
    return { name: environment.name, config: { ...environment.config, host: target.host, port: target.port, user: target.user }, hosts: [target] };
}
/** Whether `target` runs `service`. */
function runsService(target, service) {
    return target.services === undefined || target.services.includes(service);
}
/** The environment's one host; an error for commands that work on one host only when it has several. */
function onlyHost(environment) {
    const [first, ...rest] = environment.hosts;
    if (first === undefined || rest.length > 0) {
        throw new _errors__WEBPACK_IMPORTED_MODULE_1__/* .StackDeployError */ .O1(`environment ${environment.name} has ${environment.hosts.length} hosts; this command works on one`, {
            hint: `hosts: ${environment.hosts.map(hostLabel).join(', ')}`,
        });
    }
    return first;
}
/** The environment a run targets: the one named, or the only one the manifest has. */
function resolveEnvironment(manifest, requested) {
    const names = Object.keys(manifest.environments);
    if (requested === undefined || requested === '') {
        const only = names.length === 1 ? names[0] : undefined;
        if (only !== undefined) {
            const config = manifest.environments[only];
            if (config !== undefined)
                return { name: only, config, hosts: hostsOf(config) };
        }
        throw new _errors__WEBPACK_IMPORTED_MODULE_1__/* .StackDeployError */ .O1(`stack.yml has ${names.length} environments; say which one to use`, {
            hint: `set the input "environment" (or -e on the command line) to one of: ${names.join(', ')}`,
        });
    }
    const config = manifest.environments[requested];
    if (config === undefined) {
        throw new _errors__WEBPACK_IMPORTED_MODULE_1__/* .StackDeployError */ .O1(`environment "${requested}" is not in stack.yml`, {
            hint: `use one of: ${names.join(', ')}`,
        });
    }
    return { name: requested, config, hosts: hostsOf(config) };
}
/** The environment's Compose project, and the project it may still run as from before (see legacyProject). */
function projectCandidates(manifest, environment) {
    return { name: (0,_manifest__WEBPACK_IMPORTED_MODULE_0__/* .composeProject */ .O0)(manifest, environment), legacy: (0,_manifest__WEBPACK_IMPORTED_MODULE_0__/* .legacyProject */ .XY)(manifest, environment) };
}


/***/ }),

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