"use strict";
exports.id = 583;
exports.ids = [583,82];
exports.modules = {

/***/ 31346:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   JM: () => (/* binding */ composeVersion),
/* harmony export */   c1: () => (/* binding */ composeLogs),
/* harmony export */   yh: () => (/* binding */ composeExec)
/* harmony export */ });
/* harmony import */ var _errors__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(83916);
/* harmony import */ var _command__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(53155);
/* harmony import */ var _docker__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(81420);



const COMPOSE_NAME = /^[a-z0-9][a-z0-9_-]*$/u;
const DEFAULT_LOG_TAIL = 50;
function composeBase(flavor) {
    return flavor === 'v2' ? ['docker', 'compose'] : ['docker-compose'];
}
function requireComposeName(name, what) {
    if (!COMPOSE_NAME.test(name)) {
        throw new _errors__WEBPACK_IMPORTED_MODULE_0__/* .StackDeployError */ .O1(`${what} name "${name}" is not allowed`, {
            ...(what === 'service' ? { service: name } : {}),
            hint: `a ${what} name must start with a lower-case letter or digit and contain only a-z, 0-9, "_" and "-"`,
        });
    }
    return name;
}
function requireServices(services, subcommand) {
    if (services.length === 0) {
        throw new _errors__WEBPACK_IMPORTED_MODULE_0__/* .StackDeployError */ .O1(`compose ${subcommand} needs at least one service`, {
            hint: 'name the services explicitly: an empty list would act on every service of the project',
        });
    }
    return services.map((service) => requireComposeName(service, 'service'));
}
/** `docker compose --project-name P --file a --file b [--env-file E]`. */
function projectArgv(target) {
    const argv = [...composeBase(target.flavor), '--project-name', requireComposeName(target.project, 'project')];
    if (target.files.length === 0) {
        throw new _errors__WEBPACK_IMPORTED_MODULE_0__/* .StackDeployError */ .O1(`compose project "${target.project}" has no compose file`, {
            hint: 'pass at least one compose file',
        });
    }
    for (const file of target.files)
        argv.push('--file', (0,_docker__WEBPACK_IMPORTED_MODULE_1__/* .requireArgument */ .RD)(file, 'compose file'));
    if (target.envFile !== undefined)
        argv.push('--env-file', (0,_docker__WEBPACK_IMPORTED_MODULE_1__/* .requireArgument */ .RD)(target.envFile, 'env file'));
    return argv;
}
function composeVersion(flavor) {
    return (0,_command__WEBPACK_IMPORTED_MODULE_2__/* .command */ .G)([...composeBase(flavor), 'version', '--short']);
}
/** `... logs --no-color --tail N [--since S] [--follow] SERVICE...`. */
function composeLogs(opts) {
    const services = requireServices(opts.services, 'logs');
    const tail = opts.tail === 'all' ? 'all' : String(requireWholeNumber(opts.tail ?? DEFAULT_LOG_TAIL, 'log tail'));
    const argv = [...projectArgv(opts), 'logs', '--no-color', '--tail', tail];
    if (opts.since !== undefined) {
        if (opts.flavor === 'v1') {
            throw new _errors__WEBPACK_IMPORTED_MODULE_0__/* .StackDeployError */ .O1('docker-compose v1 cannot select log lines by time', {
                hint: 'leave out --since (the last lines are shown), or install the Compose v2 plugin ("docker compose") on the host',
            });
        }
        argv.push('--since', (0,_docker__WEBPACK_IMPORTED_MODULE_1__/* .requireArgument */ .RD)(opts.since, 'log start time'));
    }
    if (opts.follow === true)
        argv.push('--follow');
    argv.push(...services);
    return (0,_command__WEBPACK_IMPORTED_MODULE_2__/* .command */ .G)(argv);
}
/** `... exec [-T] SERVICE CMD...`: runs a command in the service's running container. */
function composeExec(opts) {
    const service = requireComposeName(opts.service, 'service');
    if (opts.argv.length === 0 || opts.argv[0] === '') {
        throw new _errors__WEBPACK_IMPORTED_MODULE_0__/* .StackDeployError */ .O1(`no command to run in service "${service}"`, {
            service,
            hint: 'write the command after "--", e.g. stack-deploy exec -e production api -- sh',
        });
    }
    return (0,_command__WEBPACK_IMPORTED_MODULE_2__/* .command */ .G)([...projectArgv(opts), 'exec', ...(opts.tty ? [] : ['-T']), service, ...opts.argv]);
}
function requireWholeNumber(value, what) {
    if (!Number.isSafeInteger(value) || value < 0) {
        throw new _errors__WEBPACK_IMPORTED_MODULE_0__/* .StackDeployError */ .O1(`${what} ${value} is not a whole number of zero or more`, {
            hint: `set ${what} to a whole number such as 10`,
        });
    }
    return value;
}


/***/ }),

/***/ 81420:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   E$: () => (/* binding */ tagImage),
/* harmony export */   Ep: () => (/* binding */ loadImageFile),
/* harmony export */   GH: () => (/* binding */ pushImage),
/* harmony export */   RD: () => (/* binding */ requireArgument),
/* harmony export */   Yt: () => (/* binding */ logoutRegistry),
/* harmony export */   ZF: () => (/* binding */ dockerVersion),
/* harmony export */   ZS: () => (/* binding */ loginRegistry),
/* harmony export */   _w: () => (/* binding */ buildImage),
/* harmony export */   lE: () => (/* binding */ saveImage),
/* harmony export */   rS: () => (/* binding */ saveImageFile),
/* harmony export */   ry: () => (/* binding */ buildxVersion)
/* harmony export */ });
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(76760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _errors__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(83916);
/* harmony import */ var _command__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(53155);



/** Refuses a value that would be empty or read as an option; returns it unchanged otherwise. */
function requireArgument(value, what) {
    if (value.trim() === '') {
        throw new _errors__WEBPACK_IMPORTED_MODULE_1__/* .StackDeployError */ .O1(`${what} is empty`, { hint: `set a non-empty ${what}` });
    }
    if (value.startsWith('-')) {
        throw new _errors__WEBPACK_IMPORTED_MODULE_1__/* .StackDeployError */ .O1(`${what} "${value}" starts with "-" and would be read as an option`, {
            hint: `a ${what} must not start with "-"`,
        });
    }
    return value;
}
/** An image reference (`ghcr.io/acme/api:1.2.3`, an image ID): not empty, no leading "-", no white space. */
function requireImageRef(ref, what = 'image reference') {
    requireArgument(ref, what);
    if (/\s/u.test(ref)) {
        throw new _errors__WEBPACK_IMPORTED_MODULE_1__/* .StackDeployError */ .O1(`${what} "${ref}" contains white space`, {
            hint: 'an image reference looks like registry/owner/name:tag and has no spaces',
        });
    }
    return ref;
}
function dockerVersion() {
    return (0,_command__WEBPACK_IMPORTED_MODULE_2__/* .command */ .G)(['docker', 'version', '--format', '{{json .}}']);
}
function buildxVersion() {
    return (0,_command__WEBPACK_IMPORTED_MODULE_2__/* .command */ .G)(['docker', 'buildx', 'version']);
}
/**
 * `docker buildx build` or `docker build`. Argument order: `--file`, `--target`, `--build-arg`…,
 * `--label`…, `--tag`…, `--platform`, `--network`, `--load`, `--iidfile`, `--cache-from`…,
 * `--cache-to`…, then the context last.
 */
function buildImage(opts) {
    const context = requireArgument(opts.context, 'build context');
    const platforms = opts.platforms ?? [];
    const cacheTo = opts.cacheTo ?? [];
    if (opts.builder === 'classic') {
        const refused = [platforms.length > 0 ? 'platforms' : undefined, cacheTo.length > 0 ? 'cache-to' : undefined].filter((name) => name !== undefined);
        if (refused.length > 0) {
            throw new _errors__WEBPACK_IMPORTED_MODULE_1__/* .StackDeployError */ .O1(`the classic docker builder does not support ${refused.join(' or ')}`, {
                step: 'build',
                hint: 'install the docker buildx plugin (https://github.com/docker/buildx#installing), or remove those build options',
            });
        }
    }
    if (opts.tags.length === 0) {
        throw new _errors__WEBPACK_IMPORTED_MODULE_1__/* .StackDeployError */ .O1('a build needs at least one tag', { step: 'build', hint: 'pass the image tag to build' });
    }
    const argv = opts.builder === 'buildx' ? ['docker', 'buildx', 'build'] : ['docker', 'build'];
    if (opts.dockerfile !== undefined)
        argv.push('--file', dockerfilePath(context, opts.dockerfile));
    if (opts.target !== undefined)
        argv.push('--target', requireArgument(opts.target, 'build target'));
    for (const pair of sortedPairs(opts.buildArgs ?? {}, 'build argument'))
        argv.push('--build-arg', pair);
    for (const pair of sortedPairs(opts.labels ?? {}, 'label'))
        argv.push('--label', pair);
    for (const tag of opts.tags)
        argv.push('--tag', requireImageRef(tag, 'image tag'));
    if (platforms.length > 0) {
        argv.push('--platform', platforms.map((platform) => requireArgument(platform, 'platform')).join(','));
    }
    if (opts.network !== undefined)
        argv.push('--network', requireArgument(opts.network, 'build network'));
    if (opts.builder === 'buildx' && opts.load !== false)
        argv.push('--load');
    if (opts.iidFile !== undefined)
        argv.push('--iidfile', requireArgument(opts.iidFile, 'image ID file'));
    for (const source of opts.cacheFrom ?? [])
        argv.push('--cache-from', requireArgument(source, 'cache source'));
    for (const destination of cacheTo)
        argv.push('--cache-to', requireArgument(destination, 'cache destination'));
    argv.push(context);
    return (0,_command__WEBPACK_IMPORTED_MODULE_2__/* .command */ .G)(argv);
}
/**
 * Docker resolves `--file` against the working directory, not the context: a relative
 * Dockerfile is joined onto the context here. Paths are POSIX (builds run on Linux hosts);
 * an absolute POSIX or Windows path is kept as given.
 */
function dockerfilePath(context, dockerfile) {
    requireArgument(dockerfile, 'Dockerfile path');
    const path = node_path__WEBPACK_IMPORTED_MODULE_0__.posix.isAbsolute(dockerfile) || node_path__WEBPACK_IMPORTED_MODULE_0__.win32.isAbsolute(dockerfile) ? dockerfile : node_path__WEBPACK_IMPORTED_MODULE_0__.posix.join(context, dockerfile);
    return requireArgument(path, 'Dockerfile path');
}
/** `K=V` pairs sorted by key (code-unit order, the same on every machine). */
function sortedPairs(record, what) {
    return Object.keys(record)
        .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
        .map((key) => {
        if (key === '' || key.includes('=') || /\s/u.test(key) || key.startsWith('-')) {
            throw new _errors__WEBPACK_IMPORTED_MODULE_1__/* .StackDeployError */ .O1(`${what} name "${key}" is not valid`, {
                step: 'build',
                hint: `a ${what} name must be non-empty, must not start with "-" and contains no "=" or white space`,
            });
        }
        return `${key}=${record[key] ?? ''}`;
    });
}
function pushImage(ref) {
    return (0,_command__WEBPACK_IMPORTED_MODULE_2__/* .command */ .G)(['docker', 'push', requireImageRef(ref)]);
}
/** Writes the image as a tar archive (`docker save` format) to standard output. */
function saveImage(ref) {
    return (0,_command__WEBPACK_IMPORTED_MODULE_2__/* .command */ .G)(['docker', 'image', 'save', requireImageRef(ref)]);
}
/** Gives an image another name (the local build cache keeps each service's last image so). */
function tagImage(source, target) {
    return (0,_command__WEBPACK_IMPORTED_MODULE_2__/* .command */ .G)(['docker', 'tag', requireImageRef(source, 'source image'), requireImageRef(target, 'target image')]);
}
/** Writes the image as a tar archive (`docker save` format) to a file. */
function saveImageFile(ref, file) {
    return (0,_command__WEBPACK_IMPORTED_MODULE_2__/* .command */ .G)(['docker', 'image', 'save', '--output', requireArgument(file, 'image archive'), requireImageRef(ref)]);
}
/** Loads images from a tar archive written by `docker save`. */
function loadImageFile(file) {
    return (0,_command__WEBPACK_IMPORTED_MODULE_2__/* .command */ .G)(['docker', 'image', 'load', '--input', requireArgument(file, 'image archive')]);
}
/** `docker login` with the password on standard input (marked secret), never in argv. */
function loginRegistry(opts) {
    const registry = requireImageRef(opts.registry, 'registry');
    const username = requireArgument(opts.username, 'registry username');
    if (opts.password === '') {
        throw new _errors__WEBPACK_IMPORTED_MODULE_1__/* .StackDeployError */ .O1(`the password for registry ${registry} is empty`, {
            hint: 'pass a registry token (for GHCR, the GITHUB_TOKEN with packages: write)',
        });
    }
    return (0,_command__WEBPACK_IMPORTED_MODULE_2__/* .command */ .G)(['docker', 'login', registry, '--username', username, '--password-stdin'], {
        text: opts.password,
        secret: true,
    });
}
function logoutRegistry(registry) {
    return (0,_command__WEBPACK_IMPORTED_MODULE_2__/* .command */ .G)(['docker', 'logout', requireImageRef(registry, 'registry')]);
}


/***/ }),

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
    const { connectSsh } = await Promise.all(/* import() */[__webpack_require__.e(318), __webpack_require__.e(487), __webpack_require__.e(627)]).then(__webpack_require__.bind(__webpack_require__, 62627));
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

/***/ 56583:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  C: () => (/* binding */ openServiceSession)
});

// EXTERNAL MODULE: ./src/deploy/plan.ts
var plan = __webpack_require__(5448);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(83916);
// EXTERNAL MODULE: ./src/manifest/index.ts + 13 modules
var src_manifest = __webpack_require__(81237);
// EXTERNAL MODULE: ./src/engine/connect.ts
var connect = __webpack_require__(2688);
// EXTERNAL MODULE: ./src/engine/environment.ts
var engine_environment = __webpack_require__(17507);
// EXTERNAL MODULE: ./src/commands/compose.ts
var commands_compose = __webpack_require__(31346);
// EXTERNAL MODULE: ./src/commands/docker.ts
var commands_docker = __webpack_require__(81420);
;// CONCATENATED MODULE: ./src/engine/host-facts.ts



/** Asks a host which Docker engine and which Compose it has; changes nothing. */
async function readHostFacts(executor) {
    const step = 'preflight';
    const docker = await executor.run((0,commands_docker/* dockerVersion */.ZF)(), { step, allowFailure: true });
    let parsed = {};
    try {
        parsed = JSON.parse(docker.stdout);
    }
    catch {
        // handled below: no server version
    }
    const server = parsed.Server ?? undefined;
    if (docker.exitCode !== 0 || server?.Version === undefined) {
        const detail = (docker.stderr.trim() || docker.stdout.trim()).split('\n').slice(-5).join('\n');
        throw new errors/* StackDeployError */.O1('the Docker engine is not reachable on the host', {
            host: executor.host,
            step,
            exitCode: docker.exitCode,
            outputTail: detail,
            hint: 'install Docker on the host and add the SSH user to the "docker" group (or set DOCKER_HOST for it)',
        });
    }
    for (const flavor of ['v2', 'v1']) {
        const compose = await executor.run((0,commands_compose/* composeVersion */.JM)(flavor), { step, allowFailure: true });
        if (compose.exitCode === 0) {
            return {
                dockerServerVersion: server.Version,
                dockerApiVersion: server.ApiVersion ?? 'unknown',
                compose: { flavor, version: compose.stdout.trim().replace(/^v/u, '') },
            };
        }
    }
    throw new errors/* StackDeployError */.O1('Docker Compose is not installed on the host', {
        host: executor.host,
        step,
        hint: 'install the Compose v2 plugin ("docker compose") on the host',
    });
}

// EXTERNAL MODULE: ./src/engine/validate.ts
var validate = __webpack_require__(56082);
;// CONCATENATED MODULE: ./src/engine/service-session.ts







/**
 * Loads stack.yml, connects to the environment's host (pinned host key) and asks which Compose it
 * has: what `logs` and `exec` need to address the deployed project. Takes no lock and changes
 * nothing. Returns a result instead when stack.yml is invalid.
 */
async function openServiceSession(context) {
    const { settings, reporter } = context;
    const loaded = await (0,validate/* loadAndReport */.I)(settings.manifest, reporter, 'invalid', undefined, { compose: false });
    if (!loaded.ok)
        return loaded;
    const manifest = loaded.manifest;
    const environment = (0,engine_environment/* resolveEnvironment */.g9)(manifest, settings.environment);
    const { path, compose } = environment.config;
    if (environment.config.engine === 'swarm') {
        const project = (0,src_manifest/* composeProject */.O0)(manifest, environment.name);
        throw new errors/* StackDeployError */.O1(`logs and exec address Compose containers, and ${environment.name} runs as a Swarm stack`, {
            step: 'select',
            hint: `on the manager, use docker service logs ${project}_<service>, or docker exec in a task of the service (docker ps --filter label=com.docker.swarm.service.name=${project}_<service>)`,
        });
    }
    // On an environment with several hosts: the first host that runs the (first) service named.
    const wanted = settings.services[0];
    const target = environment.hosts.find((h) => wanted === undefined || (0,engine_environment/* runsService */.UQ)(h, wanted)) ?? environment.hosts[0];
    if (target === undefined)
        throw new Error('an environment has at least one host');
    if (environment.hosts.length > 1)
        reporter.info(`${environment.name} has ${environment.hosts.length} hosts; this command runs on ${(0,engine_environment/* hostLabel */.vy)(target)}, the first${wanted === undefined ? '' : ` that runs ${wanted}`}`);
    const { executor, flavor } = await reporter.group(`Connect to ${(0,engine_environment/* hostLabel */.vy)(target)}`, async () => {
        const connected = await (0,connect/* connectToEnvironment */.R)(context, (0,engine_environment/* onHost */.GH)(environment, target));
        try {
            return { executor: connected, flavor: (await readHostFacts(connected)).compose.flavor };
        }
        catch (error) {
            await connected.close();
            throw error;
        }
    });
    const project = {
        flavor,
        project: (0,src_manifest/* composeProject */.O0)(manifest, environment.name),
        files: compose,
        envFile: (0,plan/* hostPaths */.tO)({ path, runId: '' }).envFile,
    };
    return { ok: true, session: { manifest, environment, executor, project, cwd: path } };
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