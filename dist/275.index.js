"use strict";
exports.id = 275;
exports.ids = [275];
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

/***/ 41275:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  runMain: () => (/* binding */ runMain)
});

// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(48161);
// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 10 modules
var core = __webpack_require__(57264);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(83916);
// EXTERNAL MODULE: ./node_modules/@actions/exec/lib/exec.js + 3 modules
var exec = __webpack_require__(81260);
// EXTERNAL MODULE: external "node:string_decoder"
var external_node_string_decoder_ = __webpack_require__(46193);
;// CONCATENATED MODULE: ./src/exec/child-env.ts
/**
 * The environment a local child process (docker, git) gets: an allow-list of this process's
 * variables. The runner passes every action input as `INPUT_*` (the SSH key and registry
 * password among them) and a workflow may export more secrets; none of that reaches docker,
 * its plugins or the build.
 */
const ALLOWED_NAMES = new Set([
    'PATH',
    'HOME',
    'USER',
    'LOGNAME',
    'SHELL',
    'TERM',
    'LANG',
    'LANGUAGE',
    'TZ',
    'TMPDIR',
    'TMP',
    'TEMP',
    'RUNNER_TEMP',
    'XDG_RUNTIME_DIR',
    'XDG_CONFIG_HOME',
    'SSL_CERT_FILE',
    'SSL_CERT_DIR',
    'http_proxy',
    'https_proxy',
    'no_proxy',
    'all_proxy',
    'HTTP_PROXY',
    'HTTPS_PROXY',
    'NO_PROXY',
    'ALL_PROXY',
    // The GitHub Actions cache service, which buildx's type=gha cache reads from the environment.
    'ACTIONS_RUNTIME_TOKEN',
    'ACTIONS_CACHE_URL',
    'ACTIONS_RESULTS_URL',
    'ACTIONS_CACHE_SERVICE_V2',
]);
/** Prefixes of the Docker client's, buildx's and Git's own settings, and the locale's. */
const ALLOWED_PREFIXES = ['LC_', 'DOCKER_', 'BUILDX_', 'BUILDKIT_', 'GIT_'];
function childEnvironment(env) {
    const allowed = {};
    for (const [name, value] of Object.entries(env)) {
        if (value === undefined)
            continue;
        if (ALLOWED_NAMES.has(name) || ALLOWED_PREFIXES.some((prefix) => name.startsWith(prefix)))
            allowed[name] = value;
    }
    return allowed;
}

// EXTERNAL MODULE: ./src/exec/failure.ts
var failure = __webpack_require__(28843);
// EXTERNAL MODULE: ./src/exec/redact.ts
var redact = __webpack_require__(84524);
;// CONCATENATED MODULE: ./src/exec/local.ts






/** Exit codes of coreutils `timeout`: the command ran out of time (TERM), or had to be killed. */
const TIMED_OUT_EXIT_CODES = new Set([124, 137]);
/** Seconds `timeout` waits after TERM before it kills the command. */
const KILL_AFTER_SECONDS = 5;
/**
 * Runs commands as child processes of this one with `@actions/exec`, without a shell (the
 * toolkit's runner passes argv as it is). Children get only the allow-listed part of `env`
 * (see childEnvironment), never the runner's `INPUT_*` values. The toolkit's own echo of the
 * command line is off (`silent`): output reaches the log only through `onOutput`, redacted.
 */
class LocalExecutor {
    host = 'local';
    #redactor;
    #baseEnv;
    constructor(redactor = new redact/* Redactor */.p(), env = process.env) {
        this.#redactor = redactor;
        this.#baseEnv = childEnvironment(env);
    }
    async run(cmd, options = {}) {
        const [program, ...args] = cmd.argv;
        if (program === undefined)
            throw new errors/* StackDeployError */.O1('an empty command cannot be run');
        // @actions/exec cannot kill what it started: a time limit is coreutils `timeout`'s job.
        const argv = options.timeoutMs === undefined ? [program, ...args] : ['timeout', `--kill-after=${KILL_AFTER_SECONDS}`, `${options.timeoutMs / 1000}s`, program, ...args];
        const decoders = { stdout: new external_node_string_decoder_.StringDecoder('utf8'), stderr: new external_node_string_decoder_.StringDecoder('utf8') };
        const output = { stdout: '', stderr: '' };
        const collect = (stream) => (chunk) => {
            const text = decoders[stream].write(chunk);
            output[stream] += text;
            if (text !== '')
                options.onOutput?.(this.#redactor.redact(text), stream);
        };
        let exitCode;
        try {
            exitCode = await (0,exec/* exec */.m)(argv[0] ?? program, argv.slice(1), {
                cwd: options.cwd,
                env: { ...this.#baseEnv, ...options.env },
                silent: true,
                ignoreReturnCode: true,
                // Only commands that read their input get one. @actions/exec writes it without an error
                // handler, so input for a process that exits before reading it would fail the run with
                // EPIPE; the standard input of every other command stays open and unread.
                input: cmd.stdin === undefined ? undefined : Buffer.from(cmd.stdin),
                listeners: {
                    stdout: options.onStdoutBytes ?? collect('stdout'),
                    stderr: collect('stderr'),
                },
            });
        }
        catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            const reason = /^Unable to locate executable file/u.test(message)
                ? `${program} is not installed or not on PATH`
                : /^The cwd: .* does not exist/u.test(message)
                    ? `${program} could not start: the directory ${options.cwd ?? ''} does not exist`
                    : `${program} could not start: ${this.#redactor.redact(message)}`;
            throw (0,failure/* commandFailure */._I)(this.host, cmd, this.#redactor, { exitCode: 127, stdout: '', stderr: '', reason }, options);
        }
        for (const stream of ['stdout', 'stderr']) {
            const rest = decoders[stream].end();
            output[stream] += rest;
            if (rest !== '')
                options.onOutput?.(this.#redactor.redact(rest), stream);
        }
        // A process ended by a signal has no exit code; 128 says so, as a shell would.
        const result = { exitCode: exitCode ?? 128, stdout: output.stdout, stderr: output.stderr };
        if (options.timeoutMs !== undefined && TIMED_OUT_EXIT_CODES.has(result.exitCode)) {
            throw (0,failure/* commandFailure */._I)(this.host, cmd, this.#redactor, { ...result, reason: `${program} timed out after ${options.timeoutMs} ms` }, options);
        }
        if (result.exitCode !== 0 && options.allowFailure !== true) {
            const reason = exitCode === null ? `${program} was killed by a signal` : undefined;
            throw (0,failure/* commandFailure */._I)(this.host, cmd, this.#redactor, { ...result, reason }, options);
        }
        return result;
    }
    close() {
        return Promise.resolve();
    }
}

;// CONCATENATED MODULE: ./src/engine/context.ts
const systemClock = {
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
const noCleanupRecorder = { registryLogin: () => undefined, lockTaken: () => undefined, lockSettled: () => undefined };

;// CONCATENATED MODULE: ./src/engine/run.ts

/**
 * Runs one command to its end and never throws: every failure becomes a `failed` result whose
 * summary says where it happened and what to do next. Each command's module is loaded when it
 * runs, so a run loads only the code (and the libraries) of its own command.
 */
async function runCommand(context) {
    const { settings, reporter } = context;
    try {
        switch (settings.command) {
            case 'validate': {
                const { validate } = await Promise.all(/* import() */[__webpack_require__.e(441), __webpack_require__.e(237), __webpack_require__.e(82)]).then(__webpack_require__.bind(__webpack_require__, 56082));
                return await validate(settings.manifest, reporter, settings.envFile);
            }
            case 'check': {
                const { check } = await Promise.all(/* import() */[__webpack_require__.e(441), __webpack_require__.e(237), __webpack_require__.e(748), __webpack_require__.e(883), __webpack_require__.e(576)]).then(__webpack_require__.bind(__webpack_require__, 13576));
                return await check(context);
            }
            case 'build': {
                const { build } = await Promise.all(/* import() */[__webpack_require__.e(441), __webpack_require__.e(237), __webpack_require__.e(883), __webpack_require__.e(936), __webpack_require__.e(736)]).then(__webpack_require__.bind(__webpack_require__, 80418));
                return await build(context);
            }
            case 'deploy': {
                const { deploy } = await Promise.all(/* import() */[__webpack_require__.e(441), __webpack_require__.e(237), __webpack_require__.e(748), __webpack_require__.e(883), __webpack_require__.e(936), __webpack_require__.e(555)]).then(__webpack_require__.bind(__webpack_require__, 70555));
                return await deploy(context);
            }
            case 'rollback': {
                const { rollback } = await Promise.all(/* import() */[__webpack_require__.e(441), __webpack_require__.e(237), __webpack_require__.e(748), __webpack_require__.e(883), __webpack_require__.e(936), __webpack_require__.e(555), __webpack_require__.e(92)]).then(__webpack_require__.bind(__webpack_require__, 87092));
                return await rollback(context);
            }
            case 'status': {
                const { status } = await Promise.all(/* import() */[__webpack_require__.e(441), __webpack_require__.e(237), __webpack_require__.e(748), __webpack_require__.e(883), __webpack_require__.e(936), __webpack_require__.e(678)]).then(__webpack_require__.bind(__webpack_require__, 28678));
                return await status(context);
            }
            case 'unlock': {
                const { unlock } = await Promise.all(/* import() */[__webpack_require__.e(441), __webpack_require__.e(237), __webpack_require__.e(748), __webpack_require__.e(580)]).then(__webpack_require__.bind(__webpack_require__, 39580));
                return await unlock(context);
            }
            case 'plan': {
                const { plan } = await Promise.all(/* import() */[__webpack_require__.e(441), __webpack_require__.e(237), __webpack_require__.e(748), __webpack_require__.e(883), __webpack_require__.e(936), __webpack_require__.e(555), __webpack_require__.e(955)]).then(__webpack_require__.bind(__webpack_require__, 30955));
                return await plan(context);
            }
            case 'logs': {
                const { logs } = await Promise.all(/* import() */[__webpack_require__.e(441), __webpack_require__.e(237), __webpack_require__.e(583), __webpack_require__.e(271)]).then(__webpack_require__.bind(__webpack_require__, 16271));
                return await logs(context);
            }
            case 'exec': {
                const { execInService } = await Promise.all(/* import() */[__webpack_require__.e(441), __webpack_require__.e(237), __webpack_require__.e(583), __webpack_require__.e(523)]).then(__webpack_require__.bind(__webpack_require__, 73523));
                return await execInService(context);
            }
            case 'init': {
                const { init } = await Promise.all(/* import() */[__webpack_require__.e(441), __webpack_require__.e(237), __webpack_require__.e(871)]).then(__webpack_require__.bind(__webpack_require__, 72871));
                return await init(context);
            }
            default: {
                const unknown = settings.command;
                throw new errors/* StackDeployError */.O1(`the command "${String(unknown)}" is not a command`);
            }
        }
    }
    catch (error) {
        const report = context.redactor.redact((0,errors/* describeError */.Uc)(error));
        reporter.error(report);
        return {
            status: 'failed',
            outputs: {},
            summary: { title: `stack-deploy ${settings.command} failed`, lines: [], tables: [], details: report },
        };
    }
}

;// CONCATENATED MODULE: ./src/engine/summary.ts
function escapeCell(text) {
    return text.replace(/\|/gu, '\\|').replace(/\r?\n/gu, '<br>');
}
function summaryToMarkdown(summary) {
    const parts = [`## ${summary.title}`, ''];
    for (const line of summary.lines)
        parts.push(line, '');
    for (const table of summary.tables) {
        parts.push(`| ${table.header.map(escapeCell).join(' | ')} |`);
        parts.push(`| ${table.header.map(() => '---').join(' | ')} |`);
        for (const row of table.rows)
            parts.push(`| ${row.map(escapeCell).join(' | ')} |`);
        parts.push('');
    }
    if (summary.details !== undefined)
        parts.push('```text', summary.details.replace(/```/gu, "'''"), '```');
    return `${parts.join('\n').trimEnd()}\n`;
}
function summaryToText(summary) {
    const parts = [summary.title, ...summary.lines];
    for (const table of summary.tables) {
        const widths = table.header.map((cell, i) => Math.max(cell.length, ...table.rows.map((row) => (row[i] ?? '').length)));
        const render = (row) => row
            .map((cell, i) => cell.padEnd(widths[i] ?? 0))
            .join('  ')
            .trimEnd();
        parts.push('', render(table.header), ...table.rows.map(render));
    }
    if (summary.details !== undefined)
        parts.push('', summary.details);
    return `${parts.join('\n')}\n`;
}

// EXTERNAL MODULE: ./src/registry/docker-config.ts
var docker_config = __webpack_require__(30026);
;// CONCATENATED MODULE: ./src/action/deployments.ts

function reason(error) {
    return error instanceof Error ? error.message : String(error);
}
/**
 * Records the run as a GitHub Deployment of the environment (with an in-progress status) when
 * the token may; otherwise says why in one log line and carries on: never a cause of failure.
 */
async function startDeployment(request) {
    const [owner, repo] = (request.repository ?? '').split('/');
    if (request.token === undefined || owner === undefined || repo === undefined || request.sha === undefined || request.environment === undefined)
        return undefined;
    // The GitHub client is loaded only by the runs that record a deployment.
    const { getOctokit } = await __webpack_require__.e(/* import() */ 413).then(__webpack_require__.bind(__webpack_require__, 92413));
    const octokit = getOctokit(request.token);
    let id;
    try {
        const created = await octokit.rest.repos.createDeployment({
            owner,
            repo,
            ref: request.sha,
            environment: request.environment,
            description: request.description,
            auto_merge: false,
            required_contexts: [],
            production_environment: request.environment === 'production',
        });
        if (!('id' in created.data)) {
            core/* info */.pq(`GitHub Deployments: not recorded (${created.data.message ?? 'no deployment was created'})`);
            return undefined;
        }
        id = created.data.id;
        await octokit.rest.repos.createDeploymentStatus({ owner, repo, deployment_id: id, state: 'in_progress', log_url: request.logUrl });
    }
    catch (error) {
        core/* info */.pq(`GitHub Deployments: not recorded (${reason(error)}); give the job "deployments: write" to record them`);
        return undefined;
    }
    return {
        finish: async (status) => {
            try {
                await octokit.rest.repos.createDeploymentStatus({
                    owner,
                    repo,
                    deployment_id: id,
                    state: status === 'success' ? 'success' : 'failure',
                    log_url: request.logUrl,
                    description: status === 'rolled-back' ? 'failed; rolled back to the previous release' : undefined,
                    auto_inactive: status === 'success',
                });
            }
            catch (error) {
                core/* info */.pq(`GitHub Deployments: the final status was not recorded (${reason(error)})`);
            }
        },
    };
}

// EXTERNAL MODULE: ./src/action/inputs.ts + 1 modules
var action_inputs = __webpack_require__(36701);
;// CONCATENATED MODULE: ./src/action/reporter.ts

function annotation(where) {
    if (where === undefined)
        return undefined;
    return { file: where.file, startLine: where.line, startColumn: where.column, title: where.title };
}
/** Reports through workflow commands: log groups, annotations on files and lines. */
function actionReporter() {
    return {
        info: (message) => core/* info */.pq(message),
        warning: (message, where) => core/* warning */.$e(message, annotation(where)),
        error: (message, where) => core/* error */.z3(message, annotation(where)),
        group: (title, work) => core/* group */.Os(title, work),
    };
}

// EXTERNAL MODULE: ./src/action/state.ts
var action_state = __webpack_require__(33175);
;// CONCATENATED MODULE: ./src/action/main.ts













async function publish(result) {
    const outputs = {
        ...result.outputs,
        result: result.status,
        'rolled-back': String(result.status === 'rolled-back'),
    };
    for (const [name, value] of Object.entries(outputs))
        core/* setOutput */.uH(name, value);
    await core/* summary */.z.addRaw(summaryToMarkdown(result.summary)).write();
    if (result.status !== 'success')
        core/* setFailed */.C1(`${result.summary.title}`);
}
/** The action's main step: read inputs once, run the engine, publish what it returns. */
async function runMain(state, env = process.env) {
    state.set(action_state/* IS_POST */.GW, 'true');
    const reporter = actionReporter();
    const redactor = new redact/* Redactor */.p();
    try {
        const inputs = (0,action_inputs/* readInputs */.Ko)((name) => core/* getInput */.V4(name), (0,action_inputs/* githubContext */.h4)(env));
        (0,action_inputs/* maskSecrets */.QU)(inputs, redactor);
        const settings = inputs.settings;
        // Recorded against the environment the engine resolves (the input, or the manifest's only one).
        let deployment;
        const recordDeployment = async (environment) => {
            deployment = await startDeployment({
                token: settings.githubToken,
                repository: env.GITHUB_REPOSITORY,
                sha: settings.sha,
                environment,
                description: `stack-deploy ${settings.command}${settings.version === undefined ? '' : ` ${settings.version}`}`,
                logUrl: settings.runUrl,
            });
        };
        const tempDir = env.RUNNER_TEMP ?? (0,external_node_os_.tmpdir)();
        // docker login and logout of this run go to a config of its own, never the runner's.
        const dockerConfig = await (0,docker_config/* createRunDockerConfig */.IT)(tempDir, env);
        state.set(action_state/* DOCKER_CONFIG_DIR */.KO, dockerConfig);
        let result;
        try {
            const runEnv = { ...env, DOCKER_CONFIG: dockerConfig };
            result = await runCommand({
                settings: inputs.settings,
                reporter,
                redactor,
                clock: systemClock,
                local: new LocalExecutor(redactor, runEnv),
                cleanup: (0,action_state/* stateCleanupRecorder */.uA)(state),
                tempDir,
                env: runEnv,
                onEnvironment: settings.command === 'deploy' || settings.command === 'rollback' ? recordDeployment : undefined,
            });
        }
        finally {
            await (0,docker_config/* removeRunDockerConfig */.EJ)(dockerConfig);
            state.set(action_state/* DOCKER_CONFIG_DIR */.KO, '');
        }
        // Assigned in recordDeployment, which the engine may have called.
        await deployment?.finish(result.status);
        await publish(result);
    }
    catch (error) {
        // Only bad inputs reach here: the engine reports its own failures as results.
        const report = redactor.redact((0,errors/* describeError */.Uc)(error));
        core/* setOutput */.uH('result', 'invalid');
        core/* setOutput */.uH('rolled-back', 'false');
        core/* setFailed */.C1(report);
    }
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

/***/ 28843:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   _I: () => (/* binding */ commandFailure)
/* harmony export */ });
/* unused harmony exports displayCommand, OUTPUT_TAIL_LINES */
/* harmony import */ var _errors__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(83916);
/* harmony import */ var _quote__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(96197);


/** How a command is shown in logs and errors: quoted, secrets masked, stdin summarised. */
function displayCommand(cmd, redactor) {
    const line = redactor.redact((0,_quote__WEBPACK_IMPORTED_MODULE_1__/* .toShellString */ .jY)(cmd.argv));
    if (cmd.stdin === undefined)
        return line;
    return cmd.stdinIsSecret === true ? `${line} (secret on stdin)` : `${line} (${Buffer.byteLength(cmd.stdin)} bytes on stdin)`;
}
const OUTPUT_TAIL_LINES = 50;
function commandFailure(host, cmd, redactor, outcome, where) {
    const output = outcome.stderr.trim() !== '' ? outcome.stderr : outcome.stdout;
    const program = cmd.argv[0] ?? 'command';
    const message = outcome.reason ?? `${program} exited with code ${outcome.exitCode}`;
    return new _errors__WEBPACK_IMPORTED_MODULE_0__/* .StackDeployError */ .O1(message, {
        host,
        service: where.service,
        step: where.step,
        command: displayCommand(cmd, redactor),
        exitCode: outcome.exitCode,
        outputTail: redactor.redact((0,_errors__WEBPACK_IMPORTED_MODULE_0__/* .tailLines */ .os)(output, OUTPUT_TAIL_LINES)),
    });
}


/***/ }),

/***/ 96197:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   C0: () => (/* binding */ toShellStringIn),
/* harmony export */   X1: () => (/* binding */ quoteArg),
/* harmony export */   jY: () => (/* binding */ toShellString)
/* harmony export */ });
/* harmony import */ var _errors__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(83916);

/**
 * The only place where an argv array becomes a shell string. Every argument is wrapped in
 * single quotes (POSIX sh: nothing inside is special), an embedded single quote becomes
 * `'\''`. Arguments that cannot be passed through a shell at all (NUL bytes) are refused.
 * Plain words made only of safe characters are left bare so that logs stay readable.
 */
const BARE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/u;
function quoteArg(arg) {
    if (arg.includes('\0')) {
        throw new _errors__WEBPACK_IMPORTED_MODULE_0__/* .StackDeployError */ .O1('an argument contains a NUL byte and cannot be passed to a shell', {
            hint: 'remove the NUL byte from the value in stack.yml or the action inputs',
        });
    }
    if (arg !== '' && BARE_WORD.test(arg))
        return arg;
    return `'${arg.replace(/'/gu, `'\\''`)}'`;
}
/** Joins argv into one shell command line that the shell splits back into exactly argv. */
function toShellString(argv) {
    if (argv.length === 0) {
        throw new _errors__WEBPACK_IMPORTED_MODULE_0__/* .StackDeployError */ .O1('an empty command cannot be run');
    }
    return argv.map(quoteArg).join(' ');
}
/**
 * A command line that runs argv in `cwd` only when changing into it succeeded
 * (never `cd dir ; cmd`).
 */
function toShellStringIn(cwd, argv) {
    const line = toShellString(argv);
    return cwd === undefined ? line : `cd -- ${quoteArg(cwd)} && ${line}`;
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