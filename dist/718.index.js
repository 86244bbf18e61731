"use strict";
exports.id = 718;
exports.ids = [718];
exports.modules = {

/***/ 36701:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  h4: () => (/* binding */ githubContext),
  QU: () => (/* binding */ maskSecrets),
  Ko: () => (/* binding */ readInputs)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 10 modules
var core = __webpack_require__(57264);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(83916);
// EXTERNAL MODULE: ./src/compose/dotenv.ts
var dotenv = __webpack_require__(65508);
;// CONCATENATED MODULE: ./src/engine/dotenv.ts

/**
 * The values of dotenv text as Compose reads them (see dotenvEntries), so that the value each
 * variable really gets can be registered as a secret before anything is logged. `${VAR}`
 * references are not expanded: the referenced variable is registered on its own.
 */
function dotenvValues(text) {
    return (0,dotenv/* dotenvEntries */.R)(text)
        .map(([, value]) => value)
        .filter((value) => value !== '');
}

// EXTERNAL MODULE: ./src/engine/settings.ts
var engine_settings = __webpack_require__(94441);
;// CONCATENATED MODULE: ./src/action/inputs.ts




/** The run's GitHub context, from the runner's environment. */
function githubContext(env) {
    const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
    return {
        repositoryUrl: env.GITHUB_REPOSITORY === undefined ? undefined : `${server}/${env.GITHUB_REPOSITORY}`,
        runUrl: env.GITHUB_REPOSITORY === undefined || env.GITHUB_RUN_ID === undefined
            ? undefined
            : `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}${env.GITHUB_RUN_ATTEMPT === undefined ? '' : `/attempts/${env.GITHUB_RUN_ATTEMPT}`}`,
        ref: env.GITHUB_REF,
        sha: env.GITHUB_SHA,
        repositoryOwner: env.GITHUB_REPOSITORY_OWNER ?? env.GITHUB_REPOSITORY?.split('/')[0],
        actor: env.GITHUB_ACTOR,
    };
}
function optional(value) {
    const trimmed = value.trim();
    return trimmed === '' ? undefined : trimmed;
}
function parseCommand(value) {
    const name = value.trim() === '' ? 'deploy' : value.trim();
    if (engine_settings/* COMMANDS */.Lo.includes(name))
        return name;
    throw new errors/* StackDeployError */.O1(`the input "command" is "${name}", which is not a command`, {
        hint: `use one of: ${engine_settings/* COMMANDS */.Lo.join(', ')}`,
    });
}
/** `true` or `false`; undefined when not set (the default is applied with the others). */
function parseBoolean(name, value) {
    const text = value.trim().toLowerCase();
    if (text === '')
        return undefined;
    if (text === 'true')
        return true;
    if (text === 'false')
        return false;
    throw new errors/* StackDeployError */.O1(`the input "${name}" is "${value}"; it must be "true" or "false"`);
}
/**
 * Reads every input once into one typed object. Nothing else in the action calls getInput.
 * Throws StackDeployError naming the input for a bad value.
 */
function readInputs(getInput, github) {
    const command = parseCommand(getInput('command'));
    const githubToken = optional(getInput('github-token'));
    const registryUsername = optional(getInput('registry-username'));
    const registryPassword = optional(getInput('registry-password'));
    const sshPrivateKey = optional(getInput('ssh-private-key'));
    const envFile = getInput('env');
    const secrets = [githubToken, registryPassword, sshPrivateKey, ...dotenvValues(envFile)].filter((value) => value !== undefined);
    const registryCredentials = registryPassword === undefined ? undefined : { username: registryUsername ?? github.actor ?? '', password: registryPassword };
    if (registryCredentials !== undefined && registryCredentials.username === '') {
        throw new errors/* StackDeployError */.O1('the input "registry-password" is set but there is no user name for it', {
            hint: 'set the input "registry-username"',
        });
    }
    const settings = (0,engine_settings/* resolveSettings */.Mo)({
        command,
        manifest: getInput('manifest'),
        environment: getInput('environment'),
        services: getInput('services'),
        version: getInput('version'),
        ...github,
        registryCredentials,
        githubToken,
        sshPrivateKey,
        sshKnownHosts: getInput('ssh-known-hosts'),
        envFile,
        lockTimeout: getInput('lock-timeout'),
        buildCache: getInput('build-cache'),
        build: parseBoolean('build', getInput('build')),
        audit: parseBoolean('audit', getInput('audit')),
        logs: { follow: false },
    }, { lockTimeout: 'the input "lock-timeout"', buildCache: 'the input "build-cache"' });
    return { secrets, settings };
}
/** Masks every secret of the inputs in the runner's log, and registers it with `redactor`. */
function maskSecrets(inputs, redactor) {
    for (const secret of inputs.secrets) {
        // The runner masks a multi-line value only line by line: register each line too.
        for (const part of new Set([secret, ...secret.split(/\r?\n/u)]))
            if (part.trim().length >= 4)
                core/* setSecret */.Pq(part.trim());
        redactor.add(secret);
    }
}


/***/ }),

/***/ 27718:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   runPost: () => (/* binding */ runPost)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(57264);
/* harmony import */ var _deploy_remote_commands__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(46748);
/* harmony import */ var _errors__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(83916);
/* harmony import */ var _exec_redact__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(84524);
/* harmony import */ var _registry_docker_config__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(30026);
/* harmony import */ var _inputs__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(36701);
/* harmony import */ var _state__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(33175);







/** The main step's private Docker config, left behind when it was cut short: its logins go with it. */
async function removeDockerConfig(state) {
    const dir = state.get(_state__WEBPACK_IMPORTED_MODULE_4__/* .DOCKER_CONFIG_DIR */ .KO);
    if (dir === '')
        return;
    await (0,_registry_docker_config__WEBPACK_IMPORTED_MODULE_2__/* .removeRunDockerConfig */ .EJ)(dir);
    const registries = (0,_state__WEBPACK_IMPORTED_MODULE_4__/* .registriesToLogOut */ .PD)(state);
    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`stack-deploy: removed this run's Docker config${registries.length > 0 ? ` and its logins to ${registries.join(', ')}` : ''}`);
}
/** SSH, with its library loaded only when there is a lock to release. */
const connectSsh = async (...args) => (await Promise.all(/* import() */[__webpack_require__.e(318), __webpack_require__.e(487), __webpack_require__.e(627)]).then(__webpack_require__.bind(__webpack_require__, 62627))).connectSsh(...args);
async function releaseAbandonedLock(lock, getInput, connect) {
    const redactor = new _exec_redact__WEBPACK_IMPORTED_MODULE_5__/* .Redactor */ .p();
    const where = `${lock.user}@${lock.host}:${lock.port}`;
    try {
        // The SSH key and known_hosts as the main step read them: the same inputs, the same normalisation.
        const inputs = (0,_inputs__WEBPACK_IMPORTED_MODULE_3__/* .readInputs */ .Ko)(getInput, (0,_inputs__WEBPACK_IMPORTED_MODULE_3__/* .githubContext */ .h4)(process.env));
        (0,_inputs__WEBPACK_IMPORTED_MODULE_3__/* .maskSecrets */ .QU)(inputs, redactor);
        const { sshPrivateKey, sshKnownHosts } = inputs.settings;
        if (sshPrivateKey === undefined || sshKnownHosts === undefined) {
            throw new _errors__WEBPACK_IMPORTED_MODULE_1__/* .StackDeployError */ .O1(`the input "${sshPrivateKey === undefined ? 'ssh-private-key' : 'ssh-known-hosts'}" is not set`);
        }
        const executor = await connect({ host: lock.host, port: lock.port, user: lock.user }, { privateKey: sshPrivateKey, knownHosts: sshKnownHosts }, redactor, { attempts: 2 });
        try {
            const result = await executor.run((0,_deploy_remote_commands__WEBPACK_IMPORTED_MODULE_6__/* .releaseAbandonedLockCommand */ .Us)(lock), { step: 'post' });
            const verdict = result.stdout.trim().split('\n').at(-1);
            if (verdict?.startsWith('released: ') === true)
                _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .warning */ .$e(`stack-deploy: the run stopped while it held the deploy lock on ${where}, after its transaction there had ended ("${verdict.slice('released: '.length)}"); the lock is released`);
            else if (verdict === 'released')
                _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .warning */ .$e(`stack-deploy: the run stopped while it held the deploy lock on ${where}; the lock is released (nothing had been switched)`);
            else if (verdict === 'transaction-running')
                _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`stack-deploy: the deploy transaction still runs on ${where}; it releases the lock when it ends`);
            else if (verdict?.startsWith('recovered: ') === true) {
                const outcome = verdict.slice('recovered: '.length).trim();
                const how = outcome === 'rolled-back' ? 'the previous release serves again' : outcome === 'success' ? 'it had passed its checks, and the new release was finished' : outcome === 'failed' ? 'nothing had been switched' : outcome === '' ? 'the recovery ended without a result: the stack may be down; run status, then deploy or rollback' : `it ended with "${outcome}": check the host with the status command`;
                _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .warning */ .$e(`stack-deploy: the deploy transaction on ${where} was killed before it finished; it was recovered (${how}), and the lock is released`);
            }
            else
                _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`stack-deploy: the deploy lock on ${where} is no longer this run's`);
        }
        finally {
            await executor.close();
        }
    }
    catch (error) {
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .warning */ .$e(`stack-deploy: could not release the deploy lock on ${where}: ${redactor.redact((0,_errors__WEBPACK_IMPORTED_MODULE_1__/* .describeError */ .Uc)(error))}. It expires by itself after its lease, or run the unlock command.`);
    }
}
/**
 * The action's post step: runs after the job's other steps, also when the run failed or was
 * cancelled, and undoes what the main step may have left behind: its private Docker config (with
 * its registry logins) on the runner and a deploy lock on a host that no transaction owns.
 */
async function runPost(state, getInput = (name) => _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .getInput */ .V4(name), connect = connectSsh) {
    const locks = (0,_state__WEBPACK_IMPORTED_MODULE_4__/* .locksToRelease */ .RN)(state);
    if (state.get(_state__WEBPACK_IMPORTED_MODULE_4__/* .DOCKER_CONFIG_DIR */ .KO) === '' && locks.length === 0) {
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq('stack-deploy: nothing to clean up');
        return;
    }
    await removeDockerConfig(state);
    await Promise.all(locks.map((lock) => releaseAbandonedLock(lock, getInput, connect)));
}


/***/ }),

/***/ 65508:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   R: () => (/* binding */ dotenvEntries),
/* harmony export */   q: () => (/* binding */ parseDotenv)
/* harmony export */ });
/**
 * dotenv text read the way Docker Compose reads an env file (`--env-file`):
 * - `#` lines are comments; `export ` before a name is allowed; `NAME: value` works like `=`;
 * - unquoted: the rest of the line, cut at the first ` #` (an inline comment), trimmed;
 * - single quotes: literal, may span lines (`\'` is a quote);
 * - double quotes: may span lines; `\n` and `\r` are line breaks, `\X` is X.
 * `${VAR}` references are not expanded.
 */
function dotenvEntries(text) {
    const entries = [];
    const source = text.replace(/\r\n/gu, '\n');
    let at = 0;
    while (at < source.length) {
        const lineEnd = endOfLine(source, at);
        const statement = /^[ \t\f\v]*(?:export[ \t]+)?([A-Za-z0-9_.[\]-]+)[ \t]*[=:][ \t\f\v]*/u.exec(source.slice(at, lineEnd));
        if (statement === null) {
            // Blank, comment, a name without a value (taken from the environment), or not dotenv.
            at = lineEnd + 1;
            continue;
        }
        const valueStart = at + statement[0].length;
        const quote = source[valueStart];
        if (quote === '"' || quote === "'") {
            const quoted = readQuoted(source, valueStart, quote);
            if (quoted !== undefined) {
                entries.push([statement[1] ?? '', quoted.value]);
                at = endOfLine(source, quoted.end) + 1;
                continue;
            }
        }
        const value = (source.slice(valueStart, lineEnd).split(' #')[0] ?? '').trimEnd();
        entries.push([statement[1] ?? '', value]);
        at = lineEnd + 1;
    }
    return entries;
}
function endOfLine(source, from) {
    const newline = source.indexOf('\n', from);
    return newline === -1 ? source.length : newline;
}
/** The value of the quoted string opening at `start`, and where its closing quote is; undefined when it never closes. */
function readQuoted(source, start, quote) {
    let raw = '';
    let escaped = false;
    for (let i = start + 1; i < source.length; i += 1) {
        const char = source[i] ?? '';
        if (escaped) {
            escaped = false;
            raw += char === quote ? char : `\\${char}`;
            continue;
        }
        if (char === '\\') {
            escaped = true;
            continue;
        }
        if (char === quote)
            return { value: quote === '"' ? expandEscapes(raw) : raw, end: i };
        raw += char;
    }
    return undefined;
}
function expandEscapes(raw) {
    return raw.replace(/\\(.)/gsu, (_match, char) => {
        if (char === 'n')
            return '\n';
        if (char === 'r')
            return '\r';
        return char;
    });
}
/** The variables of dotenv text; a later line wins. */
function parseDotenv(text) {
    return new Map(dotenvEntries(text));
}


/***/ }),

/***/ 94441:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Lo: () => (/* binding */ COMMANDS),
/* harmony export */   Mo: () => (/* binding */ resolveSettings),
/* harmony export */   Og: () => (/* binding */ credentialsFor)
/* harmony export */ });
/* unused harmony exports CLI_ONLY_COMMANDS, BUILD_CACHE_MODES, SETTING_DEFAULTS, normalizePrivateKey, splitList, GITHUB_CONTAINER_REGISTRY */
/* harmony import */ var _errors__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(83916);
/* harmony import */ var _manifest_duration__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(87197);


/** Everything a run needs, read once from action inputs or CLI flags. `''` never means "set". */
const COMMANDS = ['validate', 'check', 'build', 'deploy', 'rollback', 'status', 'plan', 'unlock', 'logs'];
/** Commands of the command line only: they attach a terminal, or write files in the checkout. */
const CLI_ONLY_COMMANDS = (/* unused pure expression or super */ null && (['exec', 'init']));
/**
 * Where builds keep their cache between runs: buildx's GitHub Actions cache, a `:buildcache` tag
 * in the registry, a directory (or the last image) on this machine, or nowhere.
 */
const BUILD_CACHE_MODES = ['gha', 'registry', 'local', 'off'];
/** The default of every setting that has one, for the action and the CLI alike. */
const SETTING_DEFAULTS = {
    manifest: 'stack.yml',
    lockTimeout: '10m',
    buildCache: 'gha',
    build: true,
    audit: false,
};
function isSet(value) {
    return value !== undefined && value.trim() !== '';
}
/**
 * An SSH private key as ssh2 reads it: Windows line ends made Unix, trailing blank lines and
 * spaces dropped, and one final newline (keys pasted into secrets often lose theirs).
 */
function normalizePrivateKey(key) {
    return `${key.replace(/\r\n/gu, '\n').trim()}\n`;
}
/**
 * Applies the defaults: the one place that decides what an unset input means. Throws
 * StackDeployError naming the input for a value that cannot be read.
 */
function resolveSettings(input, names) {
    const lockTimeoutText = isSet(input.lockTimeout) ? input.lockTimeout.trim() : SETTING_DEFAULTS.lockTimeout;
    const lockTimeoutMs = (0,_manifest_duration__WEBPACK_IMPORTED_MODULE_1__/* .parseDuration */ .E)(lockTimeoutText);
    if (lockTimeoutMs === undefined) {
        throw new _errors__WEBPACK_IMPORTED_MODULE_0__/* .StackDeployError */ .O1(`${names.lockTimeout} is "${lockTimeoutText}", which is not a duration`, {
            hint: 'write it like "90s", "10m" or "1h"',
        });
    }
    const optional = (value) => (isSet(value) ? value.trim() : undefined);
    return {
        command: input.command,
        manifest: optional(input.manifest) ?? SETTING_DEFAULTS.manifest,
        environment: optional(input.environment),
        services: splitList(input.services ?? ''),
        version: optional(input.version),
        ref: optional(input.ref),
        sha: optional(input.sha),
        repositoryOwner: optional(input.repositoryOwner),
        repositoryUrl: optional(input.repositoryUrl),
        runUrl: optional(input.runUrl),
        actor: optional(input.actor),
        registryCredentials: input.registryCredentials,
        githubToken: optional(input.githubToken),
        sshPrivateKey: isSet(input.sshPrivateKey) ? normalizePrivateKey(input.sshPrivateKey) : undefined,
        sshKnownHosts: optional(input.sshKnownHosts),
        envFile: isSet(input.envFile) ? input.envFile : undefined,
        lockTimeoutMs,
        buildCache: parseBuildCache(input.buildCache, names.buildCache),
        build: input.build ?? SETTING_DEFAULTS.build,
        audit: input.audit ?? SETTING_DEFAULTS.audit,
        logs: input.logs,
        exec: input.exec,
        init: input.init,
    };
}
/** A build cache mode; `true` is the default mode and `false` is `off`, as the boolean input was. */
function parseBuildCache(value, name) {
    const text = isSet(value) ? value.trim().toLowerCase() : 'true';
    if (text === 'true')
        return SETTING_DEFAULTS.buildCache;
    if (text === 'false')
        return 'off';
    if (BUILD_CACHE_MODES.includes(text))
        return text;
    throw new _errors__WEBPACK_IMPORTED_MODULE_0__/* .StackDeployError */ .O1(`${name} is "${value ?? ''}", which is not a build cache mode`, {
        hint: `use one of: ${BUILD_CACHE_MODES.join(', ')} (true is ${SETTING_DEFAULTS.buildCache}, false is off)`,
    });
}
/** `a, b`, one per line, or a JSON array (another step's `services` output) → ['a', 'b']. */
function splitList(value) {
    const trimmed = value.trim();
    if (trimmed.startsWith('[')) {
        try {
            const parsed = JSON.parse(trimmed);
            if (Array.isArray(parsed) && parsed.every((item) => typeof item === 'string'))
                return parsed.map((item) => item.trim()).filter((item) => item !== '');
        }
        catch {
            // Not JSON: split it as text below.
        }
    }
    return trimmed
        .split(/[\s,]+/u)
        .map((item) => item.trim())
        .filter((item) => item !== '');
}
const GITHUB_CONTAINER_REGISTRY = 'ghcr.io';
/** The credentials to log in to `registry` with, or undefined to use whatever login exists. */
function credentialsFor(registry, settings) {
    if (settings.registryCredentials !== undefined)
        return settings.registryCredentials;
    if (registry === GITHUB_CONTAINER_REGISTRY && settings.githubToken !== undefined && settings.actor !== undefined) {
        return { username: settings.actor, password: settings.githubToken };
    }
    return undefined;
}


/***/ }),

/***/ 83916:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   O1: () => (/* binding */ StackDeployError),
/* harmony export */   Uc: () => (/* binding */ describeError),
/* harmony export */   os: () => (/* binding */ tailLines)
/* harmony export */ });
class StackDeployError extends Error {
    context;
    constructor(message, context = {}, options) {
        super(message, options);
        this.name = 'StackDeployError';
        this.context = context;
    }
    /** A copy of this error that knows more about where it happened. */
    withContext(more) {
        const copy = new StackDeployError(this.message, { ...more, ...this.context }, { cause: this.cause });
        return copy;
    }
}
/** The last `lines` non-empty lines of `text`. */
function tailLines(text, lines) {
    const all = text.replace(/\s+$/u, '').split('\n');
    return all.slice(Math.max(0, all.length - lines)).join('\n');
}
/**
 * A multi-line, human-readable report of any thrown value. Known errors show their context;
 * anything else shows its message only: users never see a stack trace.
 */
function describeError(error) {
    if (error instanceof StackDeployError) {
        const c = error.context;
        const where = [
            c.host !== undefined ? `host ${c.host}` : undefined,
            c.service !== undefined ? `service ${c.service}` : undefined,
            c.step !== undefined ? `step ${c.step}` : undefined,
        ].filter((part) => part !== undefined);
        const lines = [where.length > 0 ? `${where.join(', ')}: ${error.message}` : error.message];
        if (c.command !== undefined)
            lines.push(`  command: ${c.command}`);
        if (c.exitCode !== undefined)
            lines.push(`  exit code: ${c.exitCode}`);
        if (c.outputTail !== undefined && c.outputTail.trim() !== '') {
            lines.push('  last output:');
            for (const line of c.outputTail.split('\n'))
                lines.push(`    ${line}`);
        }
        if (c.hint !== undefined)
            lines.push(`  next: ${c.hint}`);
        return lines.join('\n');
    }
    if (error instanceof Error)
        return error.message;
    return String(error);
}


/***/ }),

/***/ 84524:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   p: () => (/* binding */ Redactor)
/* harmony export */ });
/**
 * Replaces every known secret in text with `***`. Secrets shorter than 4 characters are not
 * registered: masking them would corrupt ordinary output and hides nothing worth hiding.
 */
class Redactor {
    #secrets = new Set();
    add(secret) {
        if (secret === undefined)
            return;
        for (const part of [secret, ...secret.split(/\r?\n/u)]) {
            const trimmed = part.trim();
            if (trimmed.length >= 4)
                this.#secrets.add(trimmed);
        }
    }
    redact(text) {
        let out = text;
        // Longest first, so a secret that contains another is masked whole.
        const ordered = [...this.#secrets].sort((a, b) => b.length - a.length);
        for (const secret of ordered)
            out = out.split(secret).join('***');
        return out;
    }
    get size() {
        return this.#secrets.size;
    }
}


/***/ }),

/***/ 87197:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   C: () => (/* binding */ DURATION_PATTERN),
/* harmony export */   E: () => (/* binding */ parseDuration)
/* harmony export */ });
/** Durations in stack.yml: `500ms`, `60s`, `2m`, `1h`, or combined like `1m30s`. */
const DURATION_PATTERN = /^(?:\d+(?:ms|s|m|h))+$/u;
const PART = /(\d+)(ms|s|m|h)/gu;
const MILLISECONDS_PER_UNIT = {
    ms: 1,
    s: 1_000,
    m: 60_000,
    h: 3_600_000,
};
/** Milliseconds, or undefined when the text is not a duration. */
function parseDuration(text) {
    if (!DURATION_PATTERN.test(text))
        return undefined;
    let total = 0;
    for (const [, amount, unit] of text.matchAll(PART)) {
        total += Number(amount) * (MILLISECONDS_PER_UNIT[unit ?? ''] ?? Number.NaN);
    }
    return Number.isSafeInteger(total) ? total : undefined;
}


/***/ }),

/***/ 30026:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   D: () => (/* binding */ dockerConfigCredentials),
/* harmony export */   EJ: () => (/* binding */ removeRunDockerConfig),
/* harmony export */   IT: () => (/* binding */ createRunDockerConfig)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(73024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(51455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(48161);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_os__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(76760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_3___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_3__);




/**
 * The credentials `docker login` stored for a registry in the runner's Docker config
 * (`$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`), when stored inline (`auths`).
 * Used to read the registry's API on the runner only; never sent to a host.
 */
function dockerConfigCredentials(registry, env) {
    const file = (0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)(env.DOCKER_CONFIG ?? (0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)(env.HOME ?? (0,node_os__WEBPACK_IMPORTED_MODULE_2__.homedir)(), '.docker'), 'config.json');
    let parsed;
    try {
        parsed = JSON.parse((0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync)(file, 'utf8'));
    }
    catch {
        return undefined;
    }
    const entry = parsed.auths?.[registry] ?? parsed.auths?.[`https://${registry}`] ?? parsed.auths?.[`http://${registry}`];
    if (entry?.auth === undefined)
        return undefined;
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0)
        return undefined;
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
function userDockerConfigDir(env) {
    return env.DOCKER_CONFIG ?? (0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)(env.HOME ?? (0,node_os__WEBPACK_IMPORTED_MODULE_2__.homedir)(), '.docker');
}
/**
 * A Docker client config directory private to one run (mode 0700 under `parent`), so that the
 * run's `docker login` and `docker logout` never touch the runner's own config: a login made
 * by an earlier step stays, and this run's logins go when the directory is removed. It starts
 * as a copy of the runner's config.json without `credsStore` (logins made here stay in this
 * file), and links the runner's CLI plugins, buildx builders and contexts.
 */
async function createRunDockerConfig(parent, env) {
    const userDir = userDockerConfigDir(env);
    const dir = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.mkdtemp)((0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)(parent, 'stack-deploy-docker-'));
    let config = {};
    try {
        const parsed = JSON.parse(await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.readFile)((0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)(userDir, 'config.json'), 'utf8'));
        if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
            config = parsed;
    }
    catch {
        // No config yet, or one docker cannot read either: start empty.
    }
    delete config.credsStore;
    await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.writeFile)((0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)(dir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
    for (const shared of ['cli-plugins', 'buildx', 'contexts']) {
        if ((0,node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync)((0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)(userDir, shared)))
            await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.symlink)((0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)(userDir, shared), (0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)(dir, shared));
    }
    return dir;
}
/** Removes a run's private Docker config, and with it every login the run made. */
async function removeRunDockerConfig(dir) {
    await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.rm)(dir, { recursive: true, force: true });
}


/***/ })

};
;