"use strict";
exports.id = 555;
exports.ids = [555];
exports.modules = {

/***/ 59164:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   V: () => (/* binding */ parseHostState),
/* harmony export */   g: () => (/* binding */ inspectHostCommand)
/* harmony export */ });
/* harmony import */ var _commands_command__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(53155);
/* harmony import */ var _manifest__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(81237);
/* harmony import */ var _plan__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(5448);
/* harmony import */ var _remote_commands__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(46748);




/**
 * One read-only round trip: the environment's Compose project (see CHOOSE_PROJECT_SH), the lock's
 * owner, the ledger, and per service its running container and its rollback image (found by
 * Compose labels, so no compose file is needed).
 */
function inspectHostCommand(paths, project, services) {
    return (0,_commands_command__WEBPACK_IMPORTED_MODULE_1__/* .command */ .G)([
        'sh',
        '-c',
        `path=$1 lock=$4 ledger=$5 proxy_dir=$6
${_remote_commands__WEBPACK_IMPORTED_MODULE_2__/* .CHOOSE_PROJECT_SH */ .UJ}
${_manifest__WEBPACK_IMPORTED_MODULE_0__/* .ROLLBACK_TAG_SH */ .Mp}
project=$(choose_project "$path" "$2" "$3")
shift 6
echo "== project"
echo "$project"
echo "== lock"
cat "$lock/owner" 2>/dev/null
echo "== ledger"
tail -n 500 "$ledger" 2>/dev/null
echo "== proxy"
docker inspect -f '{{.State.Status}} {{.Config.Image}}' stack-deploy-proxy 2>/dev/null
echo "== proxy routes"
for conf in "\${HOME:-}/$proxy_dir/conf.d/$project--"*.conf; do
  svc=\${conf##*--}
  [ -f "$conf" ] && awk -v svc="\${svc%.conf}" '$1 == "listen" { sub(/;$/, "", $2); print svc ": " $2 }' "$conf"
done
for pair in "$@"; do
  name=\${pair%%=*} repo=\${pair#*=}
  echo "== service $name"
  cid=$(docker ps -q --filter "label=com.docker.compose.project=$project" --filter "label=com.docker.compose.service=$name" | head -n 1)
  # A stack on a Swarm manager: a task of the service on this node.
  [ -n "$cid" ] || cid=$(docker ps -q --filter "label=com.docker.swarm.service.name=\${project}_$name" | head -n 1)
  [ -n "$cid" ] && docker inspect "$cid" 2>/dev/null
  echo "== image $name"
  [ -n "$cid" ] && docker image inspect "$(docker inspect -f '{{.Image}}' "$cid")" 2>/dev/null
  echo "== rollback $name"
  docker image inspect "$repo:$(rollback_tag "$project" "$name")" 2>/dev/null
done
exit 0`,
        'stack-deploy',
        paths.root,
        project.name,
        project.legacy ?? '',
        paths.lock,
        paths.ledger,
        _plan__WEBPACK_IMPORTED_MODULE_3__/* .PROXY_DIR_IN_HOME */ .lH,
        ...services.map((s) => `${s.name}=${s.repo}`),
    ]);
}
function firstJson(text) {
    const trimmed = text.trim();
    if (trimmed === '')
        return undefined;
    try {
        const parsed = JSON.parse(trimmed);
        return parsed[0];
    }
    catch {
        return undefined;
    }
}
const VERSION_LABEL = 'org.opencontainers.image.version';
function parseHostState(output, names) {
    const sections = new Map();
    let current = '';
    for (const line of output.split('\n')) {
        if (line.startsWith('== ')) {
            current = line.slice(3);
            sections.set(current, []);
        }
        else {
            sections.get(current)?.push(line);
        }
    }
    const text = (key) => (sections.get(key) ?? []).join('\n');
    const ledger = (sections.get('ledger') ?? []).flatMap((line) => {
        try {
            return line.trim() === '' ? [] : [JSON.parse(line)];
        }
        catch {
            return [];
        }
    });
    const services = names.map((name) => {
        const container = firstJson(text(`service ${name}`));
        const image = firstJson(text(`image ${name}`));
        const rollback = firstJson(text(`rollback ${name}`));
        return {
            name,
            container: container === undefined
                ? undefined
                : {
                    id: container.Id ?? '',
                    image: container.Image ?? '',
                    status: container.State?.Status ?? 'unknown',
                    health: container.State?.Health?.Status,
                    startedAt: container.State?.StartedAt ?? '',
                    restarts: container.RestartCount ?? 0,
                    version: image?.Config?.Labels?.[VERSION_LABEL],
                    repoDigests: image?.RepoDigests ?? [],
                },
            rollback: rollback === undefined ? undefined : { image: rollback.Id ?? '', repoDigests: rollback.RepoDigests ?? [], version: rollback.Config?.Labels?.[VERSION_LABEL] },
        };
    });
    const owner = text('lock').trim();
    const proxyLine = text('proxy').trim();
    const proxy = proxyLine === ''
        ? undefined
        : {
            status: proxyLine.split(' ')[0] ?? 'unknown',
            image: proxyLine.split(' ').slice(1).join(' '),
            routes: (sections.get('proxy routes') ?? []).map((line) => line.trim()).filter((line) => line !== ''),
        };
    return { project: text('project').trim(), lockOwner: owner === '' ? undefined : owner, ledger, services, ...(proxy === undefined ? {} : { proxy }) };
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

/***/ 70555:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  xU: () => (/* binding */ PhaseTimer),
  deploy: () => (/* binding */ deploy),
  R1: () => (/* binding */ promotedImages),
  UM: () => (/* binding */ switchEnvironment)
});

// UNUSED EXPORTS: PROXY_PIN, composeCanReset, directUrl, rollbackRepository

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(51455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
// EXTERNAL MODULE: ./src/build/size.ts + 1 modules
var size = __webpack_require__(18556);
// EXTERNAL MODULE: ./src/deploy/plan.ts
var deploy_plan = __webpack_require__(5448);
;// CONCATENATED MODULE: ./src/deploy/data-steps.ts
/** The manifest's hooks, backups, migrations and smoke checks as the host transaction runs them. */
function planDataSteps(manifest) {
    return {
        backups: (manifest.backup ?? []).map((backup) => 'command' in backup
            ? { name: backup.name, service: backup.service, kind: 'command', argv: backup.command, retain: backup.retain }
            : { name: backup.name, service: backup.service, kind: 'sqlite', file: backup.sqlite, retain: backup.retain }),
        migrations: manifest.migrations === undefined ? undefined : { service: manifest.migrations.service, argv: manifest.migrations.command, timeoutMs: manifest.migrations.timeout },
        smoke: (manifest.smoke ?? []).map((check) => 'http' in check
            ? { name: check.name, kind: 'http', url: check.http, status: check.expect.status, bodyContains: check.expect.body_contains, timeoutMs: check.timeout }
            : { name: check.name, kind: 'run', argv: check.run, timeoutMs: check.timeout }),
        preDeploy: manifest.hooks?.pre_deploy ?? [],
        postDeploy: manifest.hooks?.post_deploy ?? [],
    };
}
/** No data steps at all (rollbacks, and stacks without these sections). */
const NO_DATA_STEPS = { backups: [], smoke: [], preDeploy: [], postDeploy: [] };
/**
 * Repository files the host runs: the program of each `smoke.run` and hook when it is a relative
 * path (`./x`, `scripts/x`). Absolute paths and bare command names are the host's own.
 */
function hostScripts(steps) {
    const programs = [...steps.smoke.flatMap((check) => (check.kind === 'run' ? [check.argv[0] ?? ''] : [])), ...[...steps.preDeploy, ...steps.postDeploy].map((argv) => argv[0] ?? '')];
    const scripts = programs.filter((program) => !program.startsWith('/') && (program.startsWith('./') || program.includes('/')));
    return [...new Set(scripts.map((program) => program.replace(/^(?:\.\/)+/u, '')))];
}
function backupsTaken(events) {
    return events.flatMap((event) => {
        if (event.step !== 'backup' || event.status !== 'ok')
            return [];
        const match = /^(.*) \((\d+) bytes\)$/u.exec(event.message);
        return match === null ? [] : [{ name: event.service, path: match[1] ?? '', bytes: Number(match[2]) }];
    });
}

// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(83916);
;// CONCATENATED MODULE: ./src/deploy/local-files.ts



/**
 * The real path of `relativePath` under `directory`, refused when it resolves (through a
 * symlink, its own or a parent directory's) outside `directory`: a link to
 * `/proc/self/environ` or `~/.ssh` must not be shipped to a host. A path that does not exist
 * is returned as it is, for the read to report.
 */
async function realPathInside(directory, relativePath, what) {
    const path = (0,external_node_path_.join)(directory, relativePath);
    let real;
    let realDirectory;
    try {
        [real, realDirectory] = await Promise.all([(0,promises_.realpath)(path), (0,promises_.realpath)(directory)]);
    }
    catch {
        return path;
    }
    if (real !== realDirectory && !real.startsWith(`${realDirectory}${external_node_path_.sep}`)) {
        throw new errors/* StackDeployError */.O1(`${what} resolves to ${real}, outside the directory of stack.yml (${realDirectory}); it is not uploaded`, {
            step: 'upload',
            hint: 'files sent to the host must be inside the directory of stack.yml: copy the file there instead of linking to it',
        });
    }
    return real;
}

;// CONCATENATED MODULE: ./src/deploy/events.ts
function isEvent(value) {
    if (typeof value !== 'object' || value === null)
        return false;
    const v = value;
    return typeof v.t === 'number' && typeof v.step === 'string' && typeof v.status === 'string' && typeof v.service === 'string' && typeof v.message === 'string';
}
/**
 * Splits streamed text into whole lines and parses each event; partial lines wait for more.
 * A line that is not an event is kept in `invalid` and passed to `onInvalid`, never dropped
 * silently: a lost `done` line would otherwise read as "no result".
 */
class EventStream {
    onEvent;
    onInvalid;
    #buffer = '';
    events = [];
    invalid = [];
    constructor(onEvent, onInvalid = () => undefined) {
        this.onEvent = onEvent;
        this.onInvalid = onInvalid;
    }
    push(text) {
        this.#buffer += text;
        let newline = this.#buffer.indexOf('\n');
        while (newline >= 0) {
            this.#parse(this.#buffer.slice(0, newline));
            this.#buffer = this.#buffer.slice(newline + 1);
            newline = this.#buffer.indexOf('\n');
        }
    }
    /** The stream ended: a last line without its newline is parsed too. */
    end() {
        const rest = this.#buffer;
        this.#buffer = '';
        this.#parse(rest);
    }
    #parse(text) {
        const line = text.trim();
        if (line === '')
            return;
        let parsed;
        try {
            parsed = JSON.parse(line);
        }
        catch {
            parsed = undefined;
        }
        if (isEvent(parsed)) {
            this.events.push(parsed);
            this.onEvent(parsed);
        }
        else {
            this.invalid.push(line);
            this.onInvalid(line);
        }
    }
}
/** The transaction's outcome as its last `done` event says, if it got that far. */
function outcomeOf(events) {
    const done = events.findLast((event) => event.step === 'done');
    return done === undefined ? undefined : { result: done.status, message: done.message };
}
/** How one event reads in the log. */
function describeEvent(event) {
    const who = event.service === '' ? '' : ` ${event.service}`;
    const what = event.message === '' ? '' : `: ${event.message}`;
    return `${event.step}${who} ${event.status}${what}`;
}

;// CONCATENATED MODULE: ./src/deploy/host/scripts.generated.ts
// Generated from transaction.sh by scripts/embed-host-scripts.mjs: edit the .sh file, then run npm run build.
const TRANSACTION_SCRIPT = "#!/bin/sh\n# stack-deploy host-side transaction: record -> switch -> verify -> commit, or roll back.\n# Started detached (setsid nohup) by stack-deploy, so a dropped SSH connection or a cancelled\n# run still ends with the new version serving or the previous one restored, and the lock freed.\n#\n# Usage: sh transaction.sh RUN_DIR\n# RUN_DIR/plan.sh (written by stack-deploy, every value shell-quoted) defines:\n#   RUN_ID DEPLOY_PATH STATE_DIR PROJECT FLAVOR COMPOSE_FILES ENV_FILE LOCK_DIR LEASE_SECONDS\n#   KEEP_LOCK (1: the run's runner frees the lock, once every host of the environment is done)\n#   SERVICES (application services, space-separated)  INFRA (infrastructure services: pinned and\n#   compose-only)  PINS_DIR  LEDGER_HEAD (JSON members: time, actor, run url, environment, version)\n#   per service N (0-based, SERVICES then INFRA): SVC_N_NAME SVC_N_ROLLBACK_REF (the\n#   image the service rolls back to is tagged so) SVC_N_PINNED (an\n#   application service's digest; an infrastructure service's pin as written) SVC_N_HEALTH\n#   (http|cmd|auto) SVC_N_URL SVC_N_CMD (shell-quoted argv) SVC_N_TIMEOUT_MS SVC_N_INTERVAL_MS\n#   SVC_N_SWITCH (stop-first|start-first|proxy; '': as the last deploy, see remember_switches) SVC_N_REPLICAS\n#   (containers a start-first or proxy service runs) SVC_N_ROUTES (proxy: host_ip/published/target\n#   ...) SVC_N_DRAIN_S SVC_N_DIRECT_URL (proxy: the health URL, __IP__ for the container's address)\n#   PROXY_IMAGE PROXY_DIR_IN_HOME (the host's proxy, shared by every stack on the host: PROXY_DIR)\n#   COMPOSE_SERVICES (every service the compose files define; deploys only: the others are forgotten)\n#   ACTION (deploy|rollback) VERSION ENVIRONMENT BACKUPS_DIR BACKUPS_DIR_MIN_FREE (bytes)\n#   BACKUP_TIMEOUT_S HOOK_TIMEOUT_S COMPOSE_TIMEOUT_S (each docker compose call)\n#   BACKUP_COUNT, per backup N: BACKUP_N_NAME BACKUP_N_SERVICE BACKUP_N_KIND (command|sqlite)\n#   BACKUP_N_CMD (shell-quoted argv) BACKUP_N_FILE (sqlite path in the container) BACKUP_N_RETAIN\n#   MIGRATE_SERVICE ('' = no migrations) MIGRATE_CMD (shell-quoted argv) MIGRATE_TIMEOUT_S\n#   SMOKE_COUNT, per check N: SMOKE_N_NAME SMOKE_N_KIND (http|run) SMOKE_N_URL SMOKE_N_STATUS\n#   SMOKE_N_BODY SMOKE_N_CMD (shell-quoted argv) SMOKE_N_TIMEOUT_S\n#   PRE_HOOK_COUNT PRE_HOOK_N, POST_HOOK_COUNT POST_HOOK_N (shell-quoted argv)\n#   COMPOSE_UP_PULL (yes|no: `docker compose up` knows --pull; '': ask Compose)\n#   ENGINE (compose|swarm) SWARM_FILE (swarm: each service's update_config) ENV_SCRIPT (swarm: the\n#   env file as shell assignments, for ${VAR} in the compose files) CONVERGE_S (swarm: how long the\n#   stack may take to converge)\n# RUN_DIR/pins (written by the pull phase): `service<TAB>ref` per infrastructure service, its pin\n#   resolved to a digest.\n# Order: record -> pre_deploy hooks -> start missing infrastructure -> backups -> changed\n#   infrastructure, each behind its own health gate -> migrations -> switch -> health -> smoke\n#   -> commit -> post_deploy hooks -> ledger -> unlock. A failure before the switch ends with\n#   result \"failed\" and nothing that was running changed (infrastructure whose new pin failed its\n#   gate goes back to its previous pin); a failure after it rolls back the application services,\n#   while infrastructure that passed its gate stays at its new pin.\n# Writes RUN_DIR/events.jsonl (progress), RUN_DIR/result (success|rolled-back|rollback-failed|failed),\n# STATE_DIR/releases.jsonl (ledger), STATE_DIR/good/<service> (image of the last good release)\n# and BACKUPS_DIR/<name>/<name>-<run id>.(dump|sqlite) (mode 0600, the newest RETAIN kept).\n# With ENGINE=swarm the stack is `docker stack deploy`ed on a Swarm manager (services\n# PROJECT_<service>); the same steps run, but the switch is one stack deploy of every service\n# (infrastructure included: it switches with the stack, after the migrations, behind Swarm's own\n# gate), followed by the wait for Swarm to converge (see swarm_converge), and a failure deploys\n# the whole stack again at the images it ran before, infrastructure too. Images are digest\n# references, never local tags; services the run does not switch stay at the images they run.\n\nset -u\n# Events, step logs, smoke bodies, the ledger, backups: nothing under .stack-deploy is for others.\numask 077\nRUN_DIR=$1\n# shellcheck source=/dev/null # written by stack-deploy for each run\n. \"$RUN_DIR/plan.sh\"\nEVENTS=\"$RUN_DIR/events.jsonl\"\ncd \"$DEPLOY_PATH\" || exit 70\n\nnow_ms() { date +%s%3N; }\n\njson_string() {\n  # Text without control characters, quotes or backslashes (most messages) is its own literal.\n  case \"$1\" in\n    *[[:cntrl:]\\\"\\\\]*) ;;\n    *) printf '\"%s\"' \"$1\"; return 0 ;;\n  esac\n  # Else the same in every POSIX awk (mawk, gawk, busybox): each character is looked up in a\n  # table, so no gsub replacement text (whose backslash rules differ) is involved.\n  printf '%s' \"$1\" | awk 'BEGIN {\n      ORS = \"\"\n      for (i = 1; i < 32; i++) esc[sprintf(\"%c\", i)] = sprintf(\"\\\\u%04x\", i)\n      esc[\"\\\\\"] = \"\\\\\\\\\"; esc[\"\\\"\"] = \"\\\\\\\"\"; esc[\"\\t\"] = \"\\\\t\"; esc[\"\\r\"] = \"\\\\r\"\n      print \"\\\"\"\n    }\n    {\n      if (NR > 1) print \"\\\\n\"\n      n = length($0)\n      for (i = 1; i <= n; i++) { c = substr($0, i, 1); if (c in esc) print esc[c]; else print c }\n    }\n    END { print \"\\\"\" }'\n}\n\nemit() {\n  # emit STEP STATUS SERVICE MESSAGE\n  printf '{\"t\":%s,\"step\":\"%s\",\"status\":\"%s\",\"service\":\"%s\",\"message\":%s}\\n' \\\n    \"$(now_ms)\" \"$1\" \"$2\" \"$3\" \"$(json_string \"$4\")\" >> \"$EVENTS\"\n}\n\nrenew_lease() {\n  echo $(( $(date +%s) + LEASE_SECONDS )) > \"$LOCK_DIR/expires.tmp\" && mv -f \"$LOCK_DIR/expires.tmp\" \"$LOCK_DIR/expires\"\n}\n\n# release_lock: frees the lock if it is this run's. With KEEP_LOCK it renews its lease instead: the\n# runner frees it once every host is done, unless the runner is gone (its post step left\n# RUN_DIR/release-lock); without either, it expires a lease after the end.\nrelease_lock() {\n  [ \"$(cat \"$LOCK_DIR/run\" 2>/dev/null)\" = \"$RUN_ID\" ] || return 0\n  if [ \"${KEEP_LOCK:-}\" = 1 ] && [ ! -e \"$RUN_DIR/release-lock\" ]; then renew_lease; else rm -rf \"$LOCK_DIR\"; fi\n}\n\ncompose() {\n  # compose EXTRA_FILE... -- ARGS...\n  _c_files=\"\"\n  for _c_f in $COMPOSE_FILES; do _c_files=\"$_c_files -f $_c_f\"; done\n  while [ \"$#\" -gt 0 ] && [ \"$1\" != \"--\" ]; do _c_files=\"$_c_files -f $1\"; shift; done\n  [ \"$#\" -gt 0 ] && shift\n  # Every Compose call has a deadline (a plan written before there was one gets the default).\n  if [ \"$FLAVOR\" = v2 ]; then\n    # shellcheck disable=SC2086\n    timeout -k 10 \"${COMPOSE_TIMEOUT_S:-600}\" docker compose -p \"$PROJECT\" $_c_files --env-file \"$ENV_FILE\" \"$@\"\n  else\n    # shellcheck disable=SC2086\n    timeout -k 10 \"${COMPOSE_TIMEOUT_S:-600}\" docker-compose -p \"$PROJECT\" $_c_files --env-file \"$ENV_FILE\" \"$@\"\n  fi\n}\n\nsvc() { eval \"printf '%s' \\\"\\${SVC_$1_$2}\\\"\"; }\n\nswarm() { [ \"${ENGINE:-compose}\" = swarm ]; }\n\n# index_of NAME: the SVC_ index of a service (application or infrastructure).\nindex_of() {\n  _io=0\n  for _io_name in $SERVICES $INFRA; do\n    [ \"$_io_name\" = \"$1\" ] && { printf '%s' \"$_io\"; return 0; }\n    _io=$((_io + 1))\n  done\n  return 1\n}\n\n# The compose overrides stack-deploy owns: the release's digests, the resolved pins, and the\n# published ports hidden behind the host's proxy.\nPINS_OVERRIDE=\"$STATE_DIR/pins.yml\"\nPROXIED_OVERRIDE=\"$STATE_DIR/proxied.yml\"\noverrides() {\n  printf '%s' \"$STATE_DIR/images.yml\"\n  [ -f \"$PINS_OVERRIDE\" ] && printf ' %s' \"$PINS_OVERRIDE\"\n  [ -f \"$PROXIED_OVERRIDE\" ] && printf ' %s' \"$PROXIED_OVERRIDE\"\n  for _ov in \"$@\"; do printf ' %s' \"$_ov\"; done\n}\n\n# compose_up [EXTRA_OVERRIDE...] -- SERVICE...: recreates only what changed, never pulls, never\n# touches other services.\ncompose_up() {\n  _cu_files=\"\"\n  while [ \"$#\" -gt 0 ] && [ \"$1\" != \"--\" ]; do _cu_files=\"$_cu_files $1\"; shift; done\n  [ \"$#\" -gt 0 ] && shift\n  # shellcheck disable=SC2046,SC2086\n  compose $(overrides $_cu_files) -- up -d --no-build --no-deps $PULL_NEVER \"$@\"\n}\n\n# containers_of NAME [STATUS]: every container of a service that is running (or has that\n# status), found by the labels Compose (v1 and v2) puts on it: one docker call, not a Compose\n# start-up, since it runs on every health poll. Never a one-off container (`compose run`).\ncontainers_of() {\n  if swarm; then\n    # The service's tasks that run on this node (the manager).\n    docker ps -q ${2:+-a --filter \"status=$2\"} --filter \"label=com.docker.swarm.service.name=${PROJECT}_$1\" 2>/dev/null\n    return 0\n  fi\n  docker ps -q ${2:+-a --filter \"status=$2\"} --filter \"label=com.docker.compose.project=$PROJECT\" --filter \"label=com.docker.compose.service=$1\" --filter \"label=com.docker.compose.oneoff=False\" 2>/dev/null\n}\n\n# container_of NAME: the service's running container (the first, if several run).\ncontainer_of() { containers_of \"$1\" | head -n 1; }\n\n# snapshot: what runs now, in two docker calls whatever the number of services. SNAPSHOT gets a\n# line per running container of the project (never a one-off): service, container (short ID),\n# image ID, status, restart count, health (none without a healthcheck), its first address. Under\n# Swarm a line per service of the stack: service, -, the image its service is defined with.\nSNAPSHOT=\"\"\nsnapshot() {\n  SNAPSHOT=\"\"\n  if swarm; then\n    _sn_ids=$(docker service ls -q --filter \"label=com.docker.stack.namespace=$PROJECT\" 2>/dev/null)\n    [ -n \"$_sn_ids\" ] || return 0\n    # shellcheck disable=SC2086\n    SNAPSHOT=$(docker service inspect -f '{{.Spec.Name}} - {{.Spec.TaskTemplate.ContainerSpec.Image}}' $_sn_ids 2>/dev/null |\n      awk -v p=\"${PROJECT}_\" 'index($1, p) == 1 { $1 = substr($1, length(p) + 1); print }')\n    return 0\n  fi\n  _sn_ids=$(docker ps -q --filter \"label=com.docker.compose.project=$PROJECT\" --filter \"label=com.docker.compose.oneoff=False\" 2>/dev/null)\n  [ -n \"$_sn_ids\" ] || return 0\n  # A container that went away between the two calls is left out (inspect reports the others).\n  # shellcheck disable=SC2086\n  SNAPSHOT=$(docker inspect -f '{{index .Config.Labels \"com.docker.compose.service\"}} {{printf \"%.12s\" .ID}} {{.Image}} {{.State.Status}} {{.RestartCount}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}} {{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}' $_sn_ids 2>/dev/null)\n}\n\n# snap NAME|-CONTAINER FIELD: a field of the service's first line in SNAPSHOT (or of that\n# container's line): container, image, status, restarts, health, ip. No line: nothing.\nsnap() {\n  snap_find \"$1\" || return 0\n  case \"$2\" in\n    container) printf '%s' \"$SP_C\" ;; image) printf '%s' \"$SP_I\" ;; status) printf '%s' \"$SP_ST\" ;;\n    restarts) printf '%s' \"$SP_R\" ;; health) printf '%s' \"$SP_H\" ;; ip) printf '%s' \"$SP_IP\" ;;\n  esac\n}\n\n# snap_find NAME|-CONTAINER: SP_C (container), SP_I (image), SP_ST (status), SP_R (restarts), SP_H\n# (health), SP_IP (address) of that line of SNAPSHOT, in this shell (the health loop reads them\n# often); 1 when there is none.\nsnap_find() {\n  while read -r _sp_s SP_C SP_I SP_ST SP_R SP_H SP_IP _sp_rest; do\n    case \"$1\" in -*) [ \"-$SP_C\" = \"$1\" ] && return 0 ;; *) [ \"$_sp_s\" = \"$1\" ] && return 0 ;; esac\n  done <<EOF_SNAPSHOT\n$SNAPSHOT\nEOF_SNAPSHOT\n  SP_C=\"\" SP_I=\"\" SP_ST=\"\" SP_R=\"\" SP_H=\"\" SP_IP=\"\"\n  return 1\n}\n\n# getv NAME VAR: NAME set to the value of the variable VAR (no subshell, unlike var).\ngetv() { eval \"$1=\\${$2:-}\"; }\n\n\n# probe_http URL [SECONDS]: 0 when URL answers 2xx/3xx within SECONDS (default 5).\nprobe_http() {\n  if command -v curl >/dev/null 2>&1; then\n    curl -fsS -o /dev/null --max-time \"${2:-5}\" \"$1\" 2>/dev/null\n  else\n    # wget's timeout is whole seconds.\n    wget -q -O /dev/null -T \"$(printf '%s' \"${2:-5}\" | awk '{ s = int($1); if (s < $1) s++; if (s < 1) s = 1; print s }')\" \"$1\" 2>/dev/null\n  fi\n}\n\n# ms_to_s MS: MS milliseconds as seconds with a decimal point (for sleep, curl, timeout).\nms_to_s() { printf '%d.%03d' \"$(($1 / 1000))\" \"$(($1 % 1000))\"; }\n\n# check_state N CONTAINER: the service's container as SNAPSHOT has it: 0 healthy (its own\n# healthcheck, or running long enough without one: auto), 1 not yet, 2 failed for good (exited or\n# restarting), 3 running and to be probed (health.http, health.cmd).\n# shellcheck disable=SC2154 # its variables are set by getv and eval\ncheck_state() {\n  if ! snap_find \"-$2\"; then\n    docker inspect -f '{{.State.Status}}' \"$2\" 2>/dev/null | grep -qx -e exited -e dead && return 2\n    return 1\n  fi\n  case \"$SP_ST\" in exited|dead) return 2 ;; esac\n  [ \"$SP_R\" -gt 0 ] 2>/dev/null && return 2\n  [ \"$SP_ST\" = running ] || return 1\n  eval \"_cs_kind=\\${SVC_${1}_HEALTH:-}\"\n  case \"$_cs_kind\" in http|cmd) return 3 ;; esac\n  case \"$SP_H\" in\n    healthy) return 0 ;;\n    unhealthy) return 2 ;;\n    none)\n      getv _cs_stable \"STABLE_$1\"\n      [ \"${_cs_stable:-0}\" -ge 2 ] && return 0\n      eval \"STABLE_$1=$(( ${_cs_stable:-0} + 1 ))\"\n      return 1 ;;\n    *) return 1 ;;\n  esac\n}\n\n# probe N CONTAINER SECONDS: the service's health.http or health.cmd against that container, at\n# most SECONDS; 0 healthy, 1 not yet (any failing probe: pg_isready exits 2 while starting).\nprobe() {\n  case \"$(svc \"$1\" HEALTH)\" in\n    http)\n      _pr_url=$(var \"SVC_${1}_DIRECT_URL\")\n      # Behind the proxy the published port reaches the proxy: the container itself is checked.\n      if [ -n \"$_pr_url\" ]; then _pr_url=$(printf '%s' \"$_pr_url\" | sed \"s/__IP__/$(snap \"-$2\" ip)/\"); else _pr_url=$(svc \"$1\" URL); fi\n      probe_http \"$_pr_url\" \"$3\" ;;\n    cmd) eval \"set -- \\\"\\$2\\\" \\\"\\$3\\\" $(svc \"$1\" CMD)\"; _pr_c=$1 _pr_t=$2; shift 2; timeout -k 2 \"$_pr_t\" docker exec \"$_pr_c\" \"$@\" >/dev/null 2>&1 ;;\n    *) return 0 ;;\n  esac\n}\n\n# await_health MODE ON_OK N...: the services (SVC_ indices) checked together, each at its own\n# interval until its timeout, in one loop: a round takes one snapshot (two docker calls) and runs\n# the HTTP and command probes that are due at the same time. A service is checked once more at its\n# deadline, and fails then: a failure is noticed within one probe after the deadline. ON_OK N is\n# called for each service once it is healthy. CID_<n>, when set, is the one container of service n\n# to check (a start-first switch). MODE first: returns 1 at the first failure (HEALTH_FAILED its\n# index, HEALTH_REASON why); MODE all: decides every service, then returns 1 if any failed\n# (HEALTH_FAILED lists them, HEALTH_REASON_<n> says why). 0 when every one is healthy.\n# shellcheck disable=SC2154 # its variables are set by getv and eval\nawait_health() {\n  _ah_mode=$1 _ah_ok=$2\n  shift 2\n  _ah_pending=\" $* \" _ah_now=$(now_ms) HEALTH_FAILED=\"\"\n  for _ah_n in \"$@\"; do\n    eval \"DEADLINE_$_ah_n=$(( _ah_now + $(svc \"$_ah_n\" TIMEOUT_MS) )) DUE_$_ah_n=$_ah_now STABLE_$_ah_n=0\"\n  done\n  mkdir -p \"$RUN_DIR/health\"\n  _ah_snapped=0\n  while pending_left \"$_ah_pending\"; do\n    _ah_now=$(now_ms)\n    _ah_round=$_ah_now\n    # The services due now: a health.http that needs no container's address is probed at once,\n    # while the snapshot is taken; the others once the snapshot names their container.\n    _ah_probes=\"\" _ah_due_now=\"\" _ah_early=\"\"\n    for _ah_n in $_ah_pending; do\n      getv _ah_due \"DUE_$_ah_n\"\n      [ \"$_ah_now\" -ge \"$_ah_due\" ] || continue\n      getv _ah_dl \"DEADLINE_$_ah_n\"\n      getv _ah_iv \"SVC_${_ah_n}_INTERVAL_MS\"\n      getv _ah_kind \"SVC_${_ah_n}_HEALTH\"\n      # The next check: one interval on, or at the deadline if that comes first.\n      _ah_due=$((_ah_now + _ah_iv))\n      [ \"$_ah_due\" -gt \"$_ah_dl\" ] && _ah_due=$_ah_dl\n      eval \"DUE_$_ah_n=$_ah_due\"\n      # A probe may take until the deadline, and one interval past it at most (a request at most\n      # 5 s, and at least 0.5 s; a command at least 1 s: docker exec alone takes a tenth of that).\n      _ah_left=$((_ah_dl - _ah_now + _ah_iv)) _ah_min=500\n      if [ \"$_ah_kind\" = cmd ]; then _ah_min=1000; elif [ \"$_ah_left\" -gt 5000 ]; then _ah_left=5000; fi\n      [ \"$_ah_left\" -lt \"$_ah_min\" ] && _ah_left=$_ah_min\n      eval \"LEFT_$_ah_n=$((_ah_left / 1000)).$((_ah_left % 1000 / 100))$((_ah_left % 100 / 10))$((_ah_left % 10))\"\n      # The verdict of the container's state (STATE_RC_<n>), else of the probe (its file, written\n      # this round).\n      eval \"STATE_RC_$_ah_n=\"\n      _ah_due_now=\"$_ah_due_now $_ah_n\"\n      getv _ah_direct \"SVC_${_ah_n}_DIRECT_URL\"\n      if swarm; then\n        ( if swarm_check \"$_ah_n\" \"$(var \"LEFT_$_ah_n\")\"; then echo 0; else echo 1; fi > \"$RUN_DIR/health/$_ah_n\" ) &\n        _ah_probes=\"$_ah_probes $!\"\n      elif [ \"$_ah_kind\" = http ] && [ -z \"$_ah_direct\" ]; then\n        getv _ah_url \"SVC_${_ah_n}_URL\"\n        getv _ah_secs \"LEFT_$_ah_n\"\n        ( if probe_http \"$_ah_url\" \"$_ah_secs\"; then echo 0; else echo 1; fi > \"$RUN_DIR/health/$_ah_n\" ) &\n        _ah_probes=\"$_ah_probes $!\" _ah_early=\"$_ah_early $_ah_n\"\n      fi\n    done\n    if ! swarm; then\n      # A snapshot (two docker calls) while the probes run: in the first round, whenever a service\n      # due needs its container (health.cmd, auto, behind the proxy), and once a second for the\n      # others (a container restarting, or that its own healthcheck calls unhealthy, fails within a\n      # second), but never in a round that ends a deadline: the verdict then waits for no docker call.\n      _ah_need=\"\" _ah_last=\"\"\n      for _ah_n in $_ah_due_now; do\n        case \" $_ah_early \" in\n          *\" $_ah_n \"*) getv _ah_due \"DUE_$_ah_n\"; getv _ah_dl \"DEADLINE_$_ah_n\"; [ \"$_ah_due\" -ge \"$_ah_dl\" ] && _ah_last=1 ;;\n          *) _ah_need=1 ;;\n        esac\n      done\n      [ \"$_ah_snapped\" -eq 0 ] && _ah_need=1\n      [ -z \"$_ah_last\" ] && [ \"$((_ah_now - _ah_snapped))\" -ge 1000 ] && _ah_need=1\n      if [ -n \"$_ah_need\" ]; then snapshot; _ah_snapped=$_ah_now; fi\n      # The container's state: exited or restarting fails it whatever its probe says; none (yet),\n      # or one not running, is not yet healthy.\n      for _ah_n in $_ah_due_now; do\n        getv _ah_cid \"CID_$_ah_n\"\n        if [ -z \"$_ah_cid\" ]; then getv _ah_name \"SVC_${_ah_n}_NAME\"; snap_find \"$_ah_name\" && _ah_cid=$SP_C; fi\n        if [ -z \"$_ah_cid\" ]; then eval \"STATE_RC_$_ah_n=1\"; continue; fi\n        check_state \"$_ah_n\" \"$_ah_cid\"\n        _ah_rc=$?\n        if [ \"$_ah_rc\" -ne 3 ]; then eval \"STATE_RC_$_ah_n=$_ah_rc\"\n        else\n          case \" $_ah_early \" in *\" $_ah_n \"*) continue ;; esac\n          ( if probe \"$_ah_n\" \"$_ah_cid\" \"$(var \"LEFT_$_ah_n\")\"; then echo 0; else echo 1; fi > \"$RUN_DIR/health/$_ah_n\" ) &\n          _ah_probes=\"$_ah_probes $!\"\n        fi\n      done\n    fi\n    # Only the probes (any that fails means \"not yet\": pg_isready exits 2 while the server\n    # starts): the lease keeper is a child of this shell too.\n    # shellcheck disable=SC2086\n    [ -z \"$_ah_probes\" ] || wait $_ah_probes\n    _ah_now=$(now_ms)\n    for _ah_n in $_ah_due_now; do\n      # The container's state, where it decided; else the probe's answer.\n      getv _ah_rc \"STATE_RC_$_ah_n\"\n      [ -n \"$_ah_rc\" ] || { read -r _ah_rc < \"$RUN_DIR/health/$_ah_n\"; } 2>/dev/null || _ah_rc=1\n      if [ \"$_ah_rc\" = 0 ]; then\n        _ah_pending=\"${_ah_pending%% \"$_ah_n\" *} ${_ah_pending#* \"$_ah_n\" }\"\n        \"$_ah_ok\" \"$_ah_n\"\n        continue\n      fi\n      if [ \"$_ah_rc\" = 2 ]; then _ah_why=\"the container exited or restarted\"\n      # Failed for good only by a check that began at its deadline: a round that a slow probe of\n      # another service drew out past it leaves it its last checks.\n      elif getv _ah_dl \"DEADLINE_$_ah_n\" && [ \"$_ah_round\" -ge \"$_ah_dl\" ]; then _ah_why=\"not healthy within $(( $(svc \"$_ah_n\" TIMEOUT_MS) / 1000 ))s\"\n      else continue; fi\n      _ah_pending=\"${_ah_pending%% \"$_ah_n\" *} ${_ah_pending#* \"$_ah_n\" }\"\n      HEALTH_FAILED=\"$HEALTH_FAILED${HEALTH_FAILED:+ }$_ah_n\" HEALTH_REASON=$_ah_why\n      eval \"HEALTH_REASON_$_ah_n=\\$_ah_why\"\n      [ \"$_ah_mode\" = first ] && return 1\n    done\n    pending_left \"$_ah_pending\" || break\n    # Sleep until the next check that is due.\n    _ah_next=\"\"\n    for _ah_n in $_ah_pending; do\n      getv _ah_due \"DUE_$_ah_n\"\n      if [ -z \"$_ah_next\" ] || [ \"$_ah_due\" -lt \"$_ah_next\" ]; then _ah_next=$_ah_due; fi\n    done\n    _ah_wait=$((_ah_next - $(now_ms)))\n    [ \"$_ah_wait\" -gt 0 ] && sleep \"$(ms_to_s \"$_ah_wait\")\"\n  done\n  [ -z \"$HEALTH_FAILED\" ]\n}\n\n# pending_left LIST: LIST (space-separated) names something.\npending_left() { case \"$1\" in *[!\\ ]*) return 0 ;; *) return 1 ;; esac; }\n\n# wait_healthy N [CONTAINER]: one service (or that container of it), as await_health checks it; 0\n# healthy, 1 not (HEALTH_REASON set).\n# shellcheck disable=SC2317 # called by await_health (ON_OK)\nno_event() { :; }\nwait_healthy() {\n  eval \"CID_$1=\\${2:-}\"\n  await_health first no_event \"$1\"\n  _wh_rc=$?\n  eval \"CID_$1=\"\n  return \"$_wh_rc\"\n}\n\n# service_logs NAME [CONTAINER]: the last 50 lines of the service's containers' output (of that\n# container, when given: the one the last snapshot saw).\nservice_logs() {\n  _sl_ids=$2\n  # Under Swarm the snapshot names no container ('-'); a container that exited is not running.\n  [ \"$_sl_ids\" = - ] && _sl_ids=\"\"\n  [ -n \"$_sl_ids\" ] || _sl_ids=$({ containers_of \"$1\"; containers_of \"$1\" exited; } | head -n 3)\n  for _sl in $_sl_ids; do docker logs --tail 50 \"$_sl\" 2>&1; done | tail -n 50\n}\n\nledger() {\n  # ledger RESULT: one JSON line per deploy or rollback\n  _l_entries=\"\"\n  _l_i=0\n  for _l_name in $SERVICES; do\n    _l_from=$(eval \"printf '%s' \\\"\\${FROM_$_l_i:-}\\\"\") _l_to=$(eval \"printf '%s' \\\"\\${TO_$_l_i:-}\\\"\")\n    _l_entries=\"$_l_entries${_l_entries:+,}{\\\"name\\\":\\\"$_l_name\\\",\\\"from\\\":\\\"$_l_from\\\",\\\"to\\\":\\\"$_l_to\\\",\\\"pinned\\\":\\\"$(svc $_l_i PINNED)\\\"}\"\n    _l_i=$((_l_i + 1))\n  done\n  for _l_name in $INFRA; do\n    _l_from=$(eval \"printf '%s' \\\"\\${FROM_$_l_i:-}\\\"\") _l_to=$(running_image \"$_l_name\")\n    # The pin it runs at now, as recorded (a new pin is recorded once it passed its gate).\n    _l_entries=\"$_l_entries${_l_entries:+,}{\\\"name\\\":\\\"$_l_name\\\",\\\"kind\\\":\\\"infrastructure\\\",\\\"from\\\":\\\"$_l_from\\\",\\\"to\\\":\\\"$_l_to\\\",\\\"pinned\\\":\\\"$(sed -n 2p \"$PINS_DIR/$_l_name\" 2>/dev/null)\\\",\\\"pin\\\":\\\"$(sed -n 1p \"$PINS_DIR/$_l_name\" 2>/dev/null)\\\"}\"\n    _l_i=$((_l_i + 1))\n  done\n  printf '{%s,\"run\":\"%s\",\"result\":\"%s\",\"services\":[%s]}\\n' \"$LEDGER_HEAD\" \"$RUN_ID\" \"$1\" \"$_l_entries\" >> \"$STATE_DIR/releases.jsonl\"\n}\n\nfinish() {\n  echo \"$1\" > \"$RUN_DIR/result\"\n  emit \"done\" \"$1\" \"\" \"$2\"\n  [ -n \"${LEASE_KEEPER:-}\" ] && kill \"$LEASE_KEEPER\" 2>/dev/null\n  release_lock\n  exit 0\n}\n\nvar() { eval \"printf '%s' \\\"\\${$1:-}\\\"\"; }\n\n# rc_text RC TIMEOUT_S: why a step's command failed, in words.\nrc_text() {\n  case \"$1\" in\n    124|137) printf 'timed out after %ss' \"$2\" ;;\n    126) printf 'cannot be executed (exit 126)' ;;\n    127) printf 'command not found (exit 127)' ;;\n    *) printf 'exited with %s' \"$1\" ;;\n  esac\n}\n\n# run_on_host TIMEOUT_S PHASE OUTFILE ARGV...: runs ARGV in DEPLOY_PATH with the release's\n# STACK_DEPLOY_* variables, stdout and stderr to OUTFILE, killed after TIMEOUT_S.\nrun_on_host() {\n  _ro_t=$1 _ro_phase=$2 _ro_out=$3\n  shift 3\n  (\n    STACK_DEPLOY_VERSION=$VERSION STACK_DEPLOY_ENVIRONMENT=$ENVIRONMENT STACK_DEPLOY_RUN_ID=$RUN_ID\n    STACK_DEPLOY_SERVICES=$SERVICES STACK_DEPLOY_PATH=$DEPLOY_PATH STACK_DEPLOY_PROJECT=$PROJECT\n    STACK_DEPLOY_PHASE=$_ro_phase STACK_DEPLOY_ENV_FILE=$ENV_FILE STACK_DEPLOY_BACKUPS=$BACKUPS_TAKEN\n    export STACK_DEPLOY_VERSION STACK_DEPLOY_ENVIRONMENT STACK_DEPLOY_RUN_ID STACK_DEPLOY_SERVICES \\\n      STACK_DEPLOY_PATH STACK_DEPLOY_PROJECT STACK_DEPLOY_PHASE STACK_DEPLOY_ENV_FILE STACK_DEPLOY_BACKUPS\n    cd \"$DEPLOY_PATH\" && exec timeout -k 10 \"$_ro_t\" \"$@\"\n  ) > \"$_ro_out\" 2>&1 < /dev/null\n}\n\n# output_event LABEL FILE: a failed step's last 50 output lines.\noutput_event() { emit output failed \"$1\" \"$(tail -n 50 \"$2\" 2>/dev/null)\"; }\n\n# run_hooks PRE|POST PHASE: each hook in order; 1 (HOOK_REASON set) when one fails.\nrun_hooks() {\n  _count=$(var \"$1_HOOK_COUNT\") _h=0 _phase=$2\n  while [ \"$_h\" -lt \"${_count:-0}\" ]; do\n    _cmd=$(var \"$1_HOOK_$_h\") _label=\"$_phase $((_h + 1))\"\n    emit hook start \"$_label\" \"$_cmd\"\n    renew_lease\n    eval \"set -- $_cmd\"\n    _out=\"$RUN_DIR/hook-$_phase-$_h.log\"\n    run_on_host \"$HOOK_TIMEOUT_S\" \"$_phase\" \"$_out\" \"$@\"\n    _rc=$?\n    if [ \"$_rc\" -ne 0 ]; then\n      HOOK_REASON=\"$_phase hook $((_h + 1)) ($_cmd) $(rc_text \"$_rc\" \"$HOOK_TIMEOUT_S\")\"\n      emit hook failed \"$_label\" \"$HOOK_REASON\"\n      output_event \"$_label\" \"$_out\"\n      return 1\n    fi\n    emit hook ok \"$_label\" \"\"\n    _h=$((_h + 1))\n  done\n  return 0\n}\n\n# take_backups: every backup in order, into BACKUPS_DIR; 1 (BACKUP_REASON set) when one fails.\nBACKUPS_TAKEN=\"\"\ntake_backups() {\n  _b=0\n  while [ \"$_b\" -lt \"$BACKUP_COUNT\" ]; do\n    _name=$(var \"BACKUP_${_b}_NAME\") _svc=$(var \"BACKUP_${_b}_SERVICE\") _kind=$(var \"BACKUP_${_b}_KIND\")\n    _retain=$(var \"BACKUP_${_b}_RETAIN\")\n    _ext=dump\n    [ \"$_kind\" = sqlite ] && _ext=sqlite\n    _dir=\"$BACKUPS_DIR/$_name\"\n    _file=\"$_dir/$_name-$RUN_ID.$_ext\"\n    _out=\"$RUN_DIR/backup-$_name.log\"\n    emit backup start \"$_name\" \"$_svc\"\n    renew_lease\n    snapshot\n    _cid=$(container_of \"$_svc\")\n    if [ -z \"$_cid\" ] && swarm && [ -n \"$(running_image \"$_svc\")\" ]; then\n      BACKUP_REASON=\"backup $_name: no task of $_svc runs on this manager, where backups run (constrain $_svc to it: deploy.placement.constraints [node.role == manager])\"\n      emit backup failed \"$_name\" \"$BACKUP_REASON\"\n      return 1\n    fi\n    if [ -z \"$_cid\" ] || [ \"$(docker inspect -f '{{.State.Running}}' \"$_cid\" 2>/dev/null)\" != true ]; then\n      emit backup skipped \"$_name\" \"$_svc is not running (a first deploy?): nothing to back up\"\n      _b=$((_b + 1))\n      continue\n    fi\n    (umask 077 && mkdir -p \"$_dir\")\n    _prev=\"\"\n    for _f in \"$_dir\"/*.\"$_ext\"; do [ -f \"$_f\" ] && _prev=$_f; done\n    _need=$BACKUPS_DIR_MIN_FREE\n    if [ -n \"$_prev\" ]; then\n      _prev_bytes=$(wc -c < \"$_prev\" | tr -d ' ')\n      [ $((_prev_bytes * 2)) -gt \"$_need\" ] && _need=$((_prev_bytes * 2))\n    fi\n    _free_kb=$(df -Pk \"$_dir\" 2>/dev/null | awk 'NR == 2 { print $4 }')\n    if [ -z \"$_free_kb\" ] || [ $((_free_kb * 1024)) -lt \"$_need\" ]; then\n      BACKUP_REASON=\"backup $_name: only $(( ${_free_kb:-0} / 1024 )) MiB free under $BACKUPS_DIR, it needs $((_need / 1048576)) MiB (twice the previous backup, at least $((BACKUPS_DIR_MIN_FREE / 1048576)) MiB)\"\n      emit backup failed \"$_name\" \"$BACKUP_REASON\"\n      return 1\n    fi\n    _partial=\"$_file.partial\"\n    _rc=0\n    (umask 077 && : > \"$_partial\")\n    if [ \"$_kind\" = command ]; then\n      eval \"set -- $(var \"BACKUP_${_b}_CMD\")\"\n      timeout -k 10 \"$BACKUP_TIMEOUT_S\" docker exec \"$_cid\" \"$@\" > \"$_partial\" 2> \"$_out\" < /dev/null || _rc=$?\n      _why=$(rc_text \"$_rc\" \"$BACKUP_TIMEOUT_S\")\n    else\n      _db=$(var \"BACKUP_${_b}_FILE\") _tmp=\"/tmp/stack-deploy-backup-$RUN_ID.sqlite\"\n      _why=\"\"\n      if ! docker exec \"$_cid\" test -f \"$_db\" > \"$_out\" 2>&1 < /dev/null; then\n        _rc=1 _why=\"$_db does not exist in the $_svc container\"\n      elif ! timeout -k 10 \"$BACKUP_TIMEOUT_S\" docker exec \"$_cid\" sqlite3 \"$_db\" \".backup $_tmp\" >> \"$_out\" 2>&1 < /dev/null; then\n        _rc=1 _why=\"sqlite3 .backup failed\"\n      else\n        _check=$(timeout -k 10 \"$BACKUP_TIMEOUT_S\" docker exec \"$_cid\" sqlite3 \"$_tmp\" 'PRAGMA integrity_check;' 2>> \"$_out\" < /dev/null)\n        if [ \"$_check\" != ok ]; then\n          printf 'PRAGMA integrity_check: %s\\n' \"$_check\" >> \"$_out\"\n          _rc=1 _why=\"PRAGMA integrity_check of the copy did not say ok\"\n        elif ! timeout -k 10 \"$BACKUP_TIMEOUT_S\" docker exec \"$_cid\" cat \"$_tmp\" > \"$_partial\" 2>> \"$_out\" < /dev/null; then\n          _rc=1 _why=\"copying the backup out of the container failed\"\n        fi\n      fi\n      docker exec \"$_cid\" rm -f \"$_tmp\" > /dev/null 2>&1 < /dev/null\n    fi\n    if [ \"$_rc\" -ne 0 ]; then\n      rm -f \"$_partial\"\n      BACKUP_REASON=\"backup $_name ($_svc): $_why\"\n      emit backup failed \"$_name\" \"$BACKUP_REASON\"\n      output_event \"backup $_name\" \"$_out\"\n      return 1\n    fi\n    chmod 0600 \"$_partial\" && mv -f \"$_partial\" \"$_file\"\n    _bytes=$(wc -c < \"$_file\" | tr -d ' ')\n    BACKUPS_TAKEN=\"$BACKUPS_TAKEN${BACKUPS_TAKEN:+ }$_file\"\n    emit backup ok \"$_name\" \"$_file ($_bytes bytes)\"\n    # Retention: the newest RETAIN files (names sort by run id, which starts with the time).\n    set -- \"$_dir\"/*.\"$_ext\"\n    _drop=$(($# - _retain))\n    for _f in \"$@\"; do\n      [ \"$_drop\" -gt 0 ] || break\n      [ -f \"$_f\" ] && rm -f \"$_f\" && emit backup pruned \"$_name\" \"$_f\"\n      _drop=$((_drop - 1))\n    done\n    _b=$((_b + 1))\n  done\n  return 0\n}\n\n# run_migrations: a one-off container of MIGRATE_SERVICE from the new (pinned) image; 1 when it fails.\n# remove_migration_containers: the one-off containers of the migration service (`compose run`):\n# the daemon keeps one running when the compose client that started it is gone.\nremove_migration_containers() {\n  docker ps -aq --filter \"label=com.docker.compose.project=$PROJECT\" --filter \"label=com.docker.compose.service=$MIGRATE_SERVICE\" \\\n    --filter \"label=com.docker.compose.oneoff=True\" | xargs -r docker rm -f > /dev/null 2>&1\n}\n\nrun_migrations() {\n  eval \"set -- $MIGRATE_CMD\"\n  _files=\"\"\n  for _f in $COMPOSE_FILES $(overrides); do _files=\"$_files -f $_f\"; done\n  if swarm; then\n    # The services the run does not switch at the images they run (the migration service among\n    # them, in a release of other services), and the stack's networks.\n    _files=\"\"\n    for _f in $COMPOSE_FILES $CURRENT_OVERRIDE $(overrides); do _files=\"$_files -f $_f\"; done\n    swarm_networks_override \"$RUN_DIR/networks.yml\" || { MIGRATE_REASON=\"the stack's networks cannot be listed\"; return 1; }\n    _files=\"$_files -f $RUN_DIR/networks.yml\"\n  fi\n  if [ \"$FLAVOR\" = v2 ]; then\n    # shellcheck disable=SC2086\n    set -- docker compose -p \"$PROJECT\" $_files --env-file \"$ENV_FILE\" run --rm --no-deps -T \"$MIGRATE_SERVICE\" \"$@\"\n  else\n    # shellcheck disable=SC2086\n    set -- docker-compose -p \"$PROJECT\" $_files --env-file \"$ENV_FILE\" run --rm --no-deps -T \"$MIGRATE_SERVICE\" \"$@\"\n  fi\n  _out=\"$RUN_DIR/migrations.log\"\n  timeout -k 10 \"$MIGRATE_TIMEOUT_S\" \"$@\" > \"$_out\" 2>&1 < /dev/null\n  _rc=$?\n  [ \"$_rc\" -eq 0 ] && return 0\n  if [ \"$_rc\" -eq 124 ] || [ \"$_rc\" -eq 137 ]; then\n    # The compose client is gone; its one-off container may still run.\n    remove_migration_containers\n  fi\n  MIGRATE_REASON=$(rc_text \"$_rc\" \"$MIGRATE_TIMEOUT_S\")\n  output_event \"migrations\" \"$_out\"\n  return 1\n}\n\n# smoke_http N OUTFILE: one request; 1 (SMOKE_REASON set) when status or body differ.\nsmoke_http() {\n  _url=$(var \"SMOKE_$1_URL\") _want=$(var \"SMOKE_$1_STATUS\") _body=$(var \"SMOKE_$1_BODY\") _t=$(var \"SMOKE_$1_TIMEOUT_S\")\n  _bodyfile=\"$RUN_DIR/smoke-$1.body\"\n  : > \"$_bodyfile\"\n  if command -v curl > /dev/null 2>&1; then\n    _got=$(curl -sS -o \"$_bodyfile\" -w '%{http_code}' --max-time \"$_t\" \"$_url\" 2> \"$2\")\n  else\n    wget -S -q -O \"$_bodyfile\" -T \"$_t\" \"$_url\" 2> \"$2\"\n    _got=$(awk '/^ *HTTP\\// { code = $2 } END { print code }' \"$2\")\n  fi\n  if [ -z \"$_got\" ] || [ \"$_got\" = 000 ]; then SMOKE_REASON=\"no answer from $_url\"; return 1; fi\n  if [ \"$_got\" != \"$_want\" ]; then\n    SMOKE_REASON=\"$_url answered HTTP $_got, expected $_want\"\n    head -c 4000 \"$_bodyfile\" >> \"$2\"\n    return 1\n  fi\n  if [ -n \"$_body\" ] && ! grep -qF -- \"$_body\" \"$_bodyfile\"; then\n    SMOKE_REASON=\"the body of $_url does not contain \\\"$_body\\\"\"\n    head -c 4000 \"$_bodyfile\" >> \"$2\"\n    return 1\n  fi\n  return 0\n}\n\n# run_smoke: every check in order; 1 (SMOKE_REASON set) at the first failure.\n# shellcheck disable=SC2120 # \"$@\" is each check's own argv (eval set --)\nrun_smoke() {\n  _s=0\n  while [ \"$_s\" -lt \"$SMOKE_COUNT\" ]; do\n    _sname=$(var \"SMOKE_${_s}_NAME\") _st=$(var \"SMOKE_${_s}_TIMEOUT_S\")\n    _out=\"$RUN_DIR/smoke-$_s.log\"\n    emit smoke start \"$_sname\" \"\"\n    renew_lease\n    SMOKE_REASON=\"\"\n    if [ \"$(var \"SMOKE_${_s}_KIND\")\" = http ]; then\n      smoke_http \"$_s\" \"$_out\"\n    else\n      eval \"set -- $(var \"SMOKE_${_s}_CMD\")\"\n      run_on_host \"$_st\" smoke \"$_out\" \"$@\"\n      _rc=$?\n      [ \"$_rc\" -ne 0 ] && SMOKE_REASON=$(rc_text \"$_rc\" \"$_st\")\n    fi\n    if [ -n \"$SMOKE_REASON\" ]; then\n      SMOKE_REASON=\"smoke check $_sname: $SMOKE_REASON\"\n      emit smoke failed \"$_sname\" \"$SMOKE_REASON\"\n      output_event \"smoke $_sname\" \"$_out\"\n      return 1\n    fi\n    emit smoke ok \"$_sname\" \"\"\n    _s=$((_s + 1))\n  done\n  return 0\n}\n\n# abort_unchanged REASON: a step before the switch failed; nothing running changed.\nabort_unchanged() {\n  _au_i=0\n  for _au_name in $SERVICES; do\n    eval \"TO_$_au_i=\\${FROM_$_au_i:-}\"\n    _au_i=$((_au_i + 1))\n  done\n  snapshot\n  ledger failed\n  if [ -n \"$STARTED_INFRA\" ]; then\n    finish failed \"$1; nothing that was running was changed (started and left running:$STARTED_INFRA)\"\n  fi\n  finish failed \"$1; nothing running was changed\"\n}\n\n# running_image NAME: the image ID of the service's running container ('' when none runs); under\n# Swarm the image its service is defined with (a digest reference), '' when there is no such\n# service. As the last snapshot saw it.\nrunning_image() { snap \"$1\" image; }\n\n# resolved_pin NAME: the digest reference the pull phase resolved the service's pin to.\nresolved_pin() {\n  awk -F '\\t' -v s=\"$1\" '$1 == s { print $2; exit }' \"$RUN_DIR/pins\" 2>/dev/null\n}\n\n# write_pins_override: the compose override that runs each infrastructure service at its resolved pin.\nwrite_pins_override() {\n  [ -n \"$INFRA\" ] || return 0\n  {\n    echo \"services:\"\n    for _wp in $INFRA; do printf '  %s:\\n    image: %s\\n' \"$_wp\" \"$(resolved_pin \"$_wp\")\"; done\n  } > \"$PINS_OVERRIDE.tmp\" && mv -f \"$PINS_OVERRIDE.tmp\" \"$PINS_OVERRIDE\"\n}\n\n# record_pins: each infrastructure service's pin and the digest it now runs, reused while the pin's\n# text stays the same.\nrecord_pins() {\n  mkdir -p \"$PINS_DIR\"\n  for _rp in $INFRA; do\n    printf '%s\\n%s\\n' \"$(svc \"$(index_of \"$_rp\")\" PINNED)\" \"$(resolved_pin \"$_rp\")\" > \"$PINS_DIR/$_rp.tmp\" && mv -f \"$PINS_DIR/$_rp.tmp\" \"$PINS_DIR/$_rp\"\n  done\n}\n\n# has_successful_release: the ledger holds a deploy or rollback that succeeded.\nhas_successful_release() {\n  grep -v '\"action\":\"unlock\"' \"$STATE_DIR/releases.jsonl\" 2>/dev/null | grep -q '\"result\":\"success\"'\n}\n\n# gate_infrastructure NAMES...: each must become healthy (checked together); 1 (INFRA_REASON set)\n# at the first that does not.\n# shellcheck disable=SC2317 # called by await_health (ON_OK)\ninfrastructure_ok() { emit infrastructure ok \"$(svc \"$1\" NAME)\" \"healthy at $(resolved_pin \"$(svc \"$1\" NAME)\")\"; }\ngate_infrastructure() {\n  _gi_all=\"\"\n  for _gi in \"$@\"; do _gi_all=\"$_gi_all $(index_of \"$_gi\")\"; done\n  # shellcheck disable=SC2086\n  await_health first infrastructure_ok $_gi_all && return 0\n  _gi=$(svc \"$HEALTH_FAILED\" NAME)\n  INFRA_REASON=\"$_gi: $HEALTH_REASON\"\n  emit infrastructure failed \"$_gi\" \"$HEALTH_REASON\"\n  emit logs failed \"$_gi\" \"$(service_logs \"$_gi\")\"\n  return 1\n}\n\n# start_missing_infrastructure: infrastructure that is not running (a first deploy, or a service new\n# to the stack) is started at its pin and must be healthy before backups and migrations.\nSTARTED_INFRA=\"\"\nstart_missing_infrastructure() {\n  if swarm; then swarm_start_missing; return; fi\n  [ -n \"$INFRA\" ] || return 0\n  _missing=\"\"\n  snapshot\n  for _sm in $INFRA; do [ -n \"$(snap \"$_sm\" container)\" ] || _missing=\"$_missing $_sm\"; done\n  [ -n \"$_missing\" ] || return 0\n  emit infrastructure start \"\" \"starting what is not running:$_missing\"\n  renew_lease\n  # shellcheck disable=SC2086\n  if ! _out=$(compose_up -- $_missing 2>&1); then\n    INFRA_REASON=\"starting$_missing failed: $_out\"\n    emit infrastructure failed \"\" \"$INFRA_REASON\"\n    # shellcheck disable=SC2046,SC2086\n    compose $(overrides) -- stop $_missing >/dev/null 2>&1\n    return 1\n  fi\n  STARTED_INFRA=$_missing\n  # shellcheck disable=SC2086\n  gate_infrastructure $_missing\n}\n\n# switch_infrastructure: Compose recreates each infrastructure service whose pin or definition\n# changed, and leaves the others alone; each one recreated must pass its health gate, or every one\n# recreated goes back to its previous image (INFRA_REASON set, 1).\nINFRA_SWITCHED=\"\"\nswitch_infrastructure() {\n  [ -n \"$INFRA\" ] || return 0\n  # Under Swarm the infrastructure switches with the stack (one stack deploy).\n  swarm && return 0\n  snapshot\n  for _si in $INFRA; do eval \"BEFORE_$(index_of \"$_si\")=\\$(snap \\\"\\$_si\\\" container)\"; done\n  # shellcheck disable=SC2086\n  if ! _out=$(compose_up -- $INFRA 2>&1); then\n    INFRA_REASON=\"docker compose up of the infrastructure failed: $_out\"\n    emit infrastructure failed \"\" \"$INFRA_REASON\"\n  fi\n  _changed=\"\"\n  snapshot\n  for _si in $INFRA; do\n    [ \"$(snap \"$_si\" container)\" = \"$(var \"BEFORE_$(index_of \"$_si\")\")\" ] || _changed=\"$_changed $_si\"\n  done\n  if [ -z \"$_changed\" ] && [ -z \"${INFRA_REASON:-}\" ]; then return 0; fi\n  emit infrastructure start \"\" \"switched:${_changed:- none}\"\n  # shellcheck disable=SC2086\n  if [ -z \"${INFRA_REASON:-}\" ] && gate_infrastructure $_changed; then\n    INFRA_SWITCHED=$_changed\n    return 0\n  fi\n  # shellcheck disable=SC2086\n  revert_infrastructure $_changed\n  return 1\n}\n\n# revert_infrastructure NAMES...: back to the image each ran before this run.\n# shellcheck disable=SC2317 # called by await_health (ON_OK)\ninfrastructure_back() { emit rollback ok \"$(svc \"$1\" NAME)\" \"previous image healthy again\"; }\nrevert_infrastructure() {\n  [ \"$#\" -gt 0 ] || return 0\n  _rb=\"$RUN_DIR/infrastructure-rollback.yml\"\n  echo \"services:\" > \"$_rb\"\n  for _ri_name in \"$@\"; do\n    # The pin it ran at (its container config as before), else the image ID it ran.\n    _ri_from=$(var \"FROM_$(index_of \"$_ri_name\")\") _ri_pin=$(sed -n 2p \"$PINS_DIR/$_ri_name\" 2>/dev/null)\n    if [ -n \"$_ri_pin\" ] && [ \"$(docker image inspect -f '{{.Id}}' \"$_ri_pin\" 2>/dev/null)\" = \"$_ri_from\" ]; then _ri_from=$_ri_pin; fi\n    printf '  %s:\\n    image: %s\\n' \"$_ri_name\" \"$_ri_from\" >> \"$_rb\"\n  done\n  if ! _out=$(compose_up \"$_rb\" -- \"$@\" 2>&1); then\n    emit rollback failed \"\" \"$_out\"\n    REVERT_FAILED=1\n    return 1\n  fi\n  _ri_all=\"\"\n  for _ri_name in \"$@\"; do _ri_all=\"$_ri_all $(index_of \"$_ri_name\")\"; done\n  # shellcheck disable=SC2086\n  if ! await_health all infrastructure_back $_ri_all; then\n    for _ri_n in $HEALTH_FAILED; do emit rollback failed \"$(svc \"$_ri_n\" NAME)\" \"$(var \"HEALTH_REASON_$_ri_n\")\"; done\n    REVERT_FAILED=1\n  fi\n}\n\n# shellcheck disable=SC2317 # called by await_health (ON_OK)\nservice_back() { emit rollback ok \"$(svc \"$1\" NAME)\" \"previous version healthy again\"; }\nMIGRATED=0\nREVERT_FAILED=0\nPULL_NEVER=\"\"\nSTARTED_INFRA=\"\"\nroll_back() {\n  # roll_back REASON\n  if [ \"$MIGRATED\" = 1 ]; then\n    emit warning migrations \"\" \"the migrations ran and the database schema stays migrated while the services roll back: the previous version must work with it (expand/contract); backups taken before the migrations: ${BACKUPS_TAKEN:-none}\"\n  fi\n  if [ -n \"$INFRA_SWITCHED\" ]; then\n    emit warning infrastructure \"\" \"infrastructure switched to its new pin stays there while the application services roll back:$INFRA_SWITCHED (data written by a newer version may not open in an older one)\"\n  fi\n  emit rollback start \"\" \"$1\"\n  renew_lease\n  _rb_outcome=rolled-back\n  if swarm; then\n    swarm_roll_back || _rb_outcome=rollback-failed\n  else\n  # Services switched stop-first come back the same way; the others by the same hand-over in reverse.\n  _rb_stop=\"\" _rb_hand=\"\" _rb_i=0\n  for _rb_name in $SERVICES; do\n    case \" $WITH_TARGET \" in *\" $_rb_name \"*)\n      case \"$(var \"SVC_${_rb_i}_SWITCH\")\" in\n        start-first|proxy) _rb_hand=\"$_rb_hand $_rb_i\" ;;\n        *) _rb_stop=\"$_rb_stop $_rb_name\" ;;\n      esac ;;\n    esac\n    _rb_i=$((_rb_i + 1))\n  done\n  if [ -n \"$_rb_stop\" ]; then\n    # shellcheck disable=SC2086\n    if ! _rb_out=$(compose_up \"$STATE_DIR/rollback.yml\" -- $_rb_stop 2>&1); then\n      emit rollback failed \"\" \"$_rb_out\"\n      _rb_outcome=rollback-failed\n    else\n      _rb_i=0 _rb_all=\"\"\n      for _rb_name in $SERVICES; do\n        case \" $_rb_stop \" in *\" $_rb_name \"*) _rb_all=\"$_rb_all $_rb_i\" ;; esac\n        _rb_i=$((_rb_i + 1))\n      done\n      # shellcheck disable=SC2086\n      if ! await_health all service_back $_rb_all; then\n        for _rb_n in $HEALTH_FAILED; do emit rollback failed \"$(svc \"$_rb_n\" NAME)\" \"$(var \"HEALTH_REASON_$_rb_n\")\"; done\n        _rb_outcome=rollback-failed\n      fi\n    fi\n  fi\n  for _rb_n in $_rb_hand; do\n    _rb_name=$(svc \"$_rb_n\" NAME)\n    if start_first \"$_rb_n\" \"$STATE_DIR/rollback.yml\"; then emit rollback ok \"$_rb_name\" \"previous version healthy again\"\n    else emit rollback failed \"$_rb_name\" \"$SWITCH_REASON\"; _rb_outcome=rollback-failed; fi\n  done\n  for _rb_name in $WITHOUT_TARGET; do\n    # shellcheck disable=SC2046\n    compose $(overrides) -- stop \"$_rb_name\" >/dev/null 2>&1\n    unroute_service \"$_rb_name\"\n    emit rollback ok \"$_rb_name\" \"stopped: it had no previous version\"\n  done\n  fi\n  snapshot\n  _rb_i=0\n  for _rb_name in $SERVICES; do\n    _rb_now=$(running_image \"$_rb_name\")\n    eval \"TO_$_rb_i=\\$_rb_now\"\n    emit final ok \"$_rb_name\" \"$_rb_now\"\n    _rb_i=$((_rb_i + 1))\n  done\n  for _rb_name in $INFRA; do emit final ok \"$_rb_name\" \"$(running_image \"$_rb_name\")\"; done\n  ledger \"$_rb_outcome\"\n  finish \"$_rb_outcome\" \"$1\"\n}\n\n# detect_pull_never: PULL_NEVER is \"--pull never\" where Compose's up knows the option.\n# COMPOSE_UP_PULL (yes|no), when the plan has it, is what the preflight found (and keeps per Compose\n# version): asking Compose costs a second of its start-up.\ndetect_pull_never() {\n  case \"${COMPOSE_UP_PULL:-}\" in\n    yes) PULL_NEVER=\"--pull never\"; return 0 ;;\n    no) return 0 ;;\n  esac\n  [ \"$FLAVOR\" = v2 ] && docker compose up --help 2>/dev/null | grep -q -- '--pull' && PULL_NEVER=\"--pull never\"\n}\n\n# seen STEP STATUS: this run's events have one with that step and status.\nseen() { grep -q \"\\\"step\\\":\\\"$1\\\",\\\"status\\\":\\\"$2\\\"\" \"$EVENTS\"; }\n\n# event_services STEP STATUS: the services of this run's events with that step and status.\nevent_services() {\n  grep -o \"\\\"step\\\":\\\"$1\\\",\\\"status\\\":\\\"$2\\\",\\\"service\\\":\\\"[^\\\"]*\\\"\" \"$EVENTS\" 2>/dev/null | sed 's/.*\"service\":\"\\([^\"]*\\)\"$/\\1/'\n}\n\n# recorded_image NAME: the image the service ran when this run recorded it.\nrecorded_image() {\n  sed -n \"s/.*\\\"step\\\":\\\"record\\\",\\\"status\\\":\\\"ok\\\",\\\"service\\\":\\\"$1\\\",\\\"message\\\":\\\"\\\\([^\\\"]*\\\\)\\\".*/\\\\1/p\" \"$EVENTS\" | head -n 1\n}\n\n# recover: this run's transaction was killed (it left no result), and whatever it had started is\n# gone too (the caller killed the rest of its session). A run that had written its ledger line\n# ends as that line says; one that had passed its checks and begun to commit is finished; when\n# its switch had started, the previous release comes back as in a rollback; before that nothing\n# running was changed, unless a service stopped. Frees the lock in every case.\nrecover() {\n  if [ \"$(cat \"$LOCK_DIR/run\" 2>/dev/null)\" != \"$RUN_ID\" ]; then\n    emit \"done\" failed \"\" \"the transaction was killed, and the lock is no longer this run's: check the host (docker compose -p $PROJECT ps)\"\n    exit 0\n  fi\n  detect_pull_never\n  detect_stack_detach\n  [ -f \"$RUN_DIR/current.yml\" ] && CURRENT_OVERRIDE=\"$RUN_DIR/current.yml\"\n  emit recover start \"\" \"the transaction was killed before it ended\"\n  start_lease_keeper\n  remember_switches\n  _rc_ledger=$(grep -F \"\\\"run\\\":\\\"$RUN_ID\\\"\" \"$STATE_DIR/releases.jsonl\" 2>/dev/null | tail -n 1 | sed -n 's/.*\"result\":\"\\([a-z-]*\\)\".*/\\1/p')\n  if [ -n \"$_rc_ledger\" ]; then\n    finish \"$_rc_ledger\" \"the transaction was killed after it had recorded its result ($_rc_ledger) in the ledger\"\n  fi\n  WITH_TARGET=\" $(event_services target ok | tr '\\n' ' ')\" WITHOUT_TARGET=\" $(event_services target none | tr '\\n' ' ')\"\n  _rc_i=0\n  for _rc_name in $SERVICES $INFRA; do\n    _rc_from=$(recorded_image \"$_rc_name\")\n    eval \"FROM_$_rc_i=\\$_rc_from\"\n    _rc_i=$((_rc_i + 1))\n  done\n  _rc_backups=$(event_services backup ok | tr '\\n' ' ')\n  seen migrations ok && MIGRATED=1\n  if seen migrations start && ! seen migrations ok && ! seen migrations failed; then\n    # Its container outlives the killed compose client: stop it before anything else runs.\n    remove_migration_containers\n    emit warning migrations \"\" \"the migrations were running when the transaction was killed and were stopped: the database may be partly migrated; backups taken before them:${_rc_backups:- none}\"\n  fi\n  if seen commit start; then\n    COMMIT_REASON=\"the transaction was killed after the release had passed its health and smoke checks; it was finished (post_deploy hooks may not have run)\"\n    SKIP_POST_HOOKS=1\n    commit\n  fi\n  if seen switch start && [ -s \"$STATE_DIR/rollback.yml\" ]; then\n    roll_back \"the transaction was killed after its switch had started; the previous release was brought back\"\n  fi\n  _rc_down=\"\"\n  snapshot\n  for _rc_name in $SERVICES $INFRA; do\n    [ -n \"$(running_image \"$_rc_name\")\" ] || _rc_down=\"$_rc_down $_rc_name\"\n  done\n  abort_unchanged \"the transaction was killed before its switch${_rc_down:+; not running:$_rc_down (start them with: docker compose -p $PROJECT up -d$_rc_down)}\"\n}\n\n# start_run: the lease keeper, and what every step needs.\nstart_run() {\n  emit transaction start \"\" \"run $RUN_ID on $(hostname)\"\n  start_lease_keeper\n  mkdir -p \"$STATE_DIR/good\"\n  # Backups a killed run left half-written (the lock says no other run is writing one now).\n  rm -f \"$BACKUPS_DIR\"/*/*.partial\n  detect_pull_never\n  detect_stack_detach\n}\n\n# start_lease_keeper: the lease is renewed for the whole run (or recovery), whatever it waits for\n# (compose up, health, backups), by a keeper that stops when this shell is gone (a SIGKILL) or the\n# lock is no longer this run's: then the lease runs out and the next deploy can take the lock over.\n# A program of its own (named stack-deploy-lease-keeper in the process list); a main shell that\n# is gone, or a zombie nobody reaped yet, stops it.\nstart_lease_keeper() {\n  renew_lease\n  # shellcheck disable=SC2016\n  sh -c 'main=$1 lock=$2 run=$3 lease=$4\n    alive() { kill -0 \"$1\" 2>/dev/null && ! grep -qs \"^State:[[:space:]]*Z\" \"/proc/$1/status\"; }\n    while sleep \"$5\"; do\n      alive \"$main\" || exit 0\n      [ \"$(cat \"$lock/run\" 2>/dev/null)\" = \"$run\" ] || exit 0\n      echo $(( $(date +%s) + lease )) > \"$lock/expires.tmp\" && mv -f \"$lock/expires.tmp\" \"$lock/expires\"\n    done' stack-deploy-lease-keeper \"$$\" \"$LOCK_DIR\" \"$RUN_ID\" \"$LEASE_SECONDS\" \"${LEASE_RENEW_SECONDS:-10}\" > /dev/null 2>&1 < /dev/null &\n  LEASE_KEEPER=$!\n}\n\n# remember_switches: how each application service is switched, as the deploy planned it, kept\n# in STATE_DIR/switch/<name> (strategy, replicas, routes, drain seconds, direct health URL: a line\n# each); a run whose plan does not say (a rollback reads no compose files) switches it as the\n# last deploy did. Then PROXIED_OVERRIDE: the published ports of every service behind the proxy\n# are reset, the proxy owns them.\nremember_switches() {\n  mkdir -p \"$STATE_DIR/switch\" || return 1\n  _rm_i=0\n  for _rm_name in $SERVICES; do\n    _rm_file=\"$STATE_DIR/switch/$_rm_name\"\n    if [ -n \"$(var \"SVC_${_rm_i}_SWITCH\")\" ]; then\n      printf '%s\\n' \"$(var \"SVC_${_rm_i}_SWITCH\")\" \"$(var \"SVC_${_rm_i}_REPLICAS\")\" \"$(var \"SVC_${_rm_i}_ROUTES\")\" \\\n        \"$(var \"SVC_${_rm_i}_DRAIN_S\")\" \"$(var \"SVC_${_rm_i}_DIRECT_URL\")\" \"$(var \"SVC_${_rm_i}_HOST_NAMES\")\" > \"$_rm_file.tmp\" && mv -f \"$_rm_file.tmp\" \"$_rm_file\" || return 1\n    elif [ -f \"$_rm_file\" ]; then\n      _rm_l=1\n      for _rm_var in SWITCH REPLICAS ROUTES DRAIN_S DIRECT_URL HOST_NAMES; do\n        _rm_v=$(sed -n \"${_rm_l}p\" \"$_rm_file\")\n        eval \"SVC_${_rm_i}_${_rm_var}=\\$_rm_v\"\n        _rm_l=$((_rm_l + 1))\n      done\n    fi\n    _rm_i=$((_rm_i + 1))\n  done\n  # A service the compose files no longer define: an override naming it would make the project\n  # invalid, and its route would hold its port.\n  if [ -n \"${COMPOSE_SERVICES:-}\" ]; then\n    for _rm_file in \"$STATE_DIR\"/switch/*; do\n      [ -f \"$_rm_file\" ] || continue\n      case \" $COMPOSE_SERVICES \" in *\" ${_rm_file##*/} \"*) continue ;; esac\n      rm -f \"$_rm_file\"\n      unroute_service \"${_rm_file##*/}\"\n    done\n  fi\n  _rm_yml=\"services:\"\n  for _rm_file in \"$STATE_DIR\"/switch/*; do\n    [ -f \"$_rm_file\" ] && [ \"$(sed -n 1p \"$_rm_file\")\" = proxy ] && _rm_yml=\"$_rm_yml\n  ${_rm_file##*/}:\n    ports: !reset []\"\n  done\n  if [ \"$_rm_yml\" = \"services:\" ]; then rm -f \"$PROXIED_OVERRIDE\"; return 0; fi\n  printf '%s\\n' \"$_rm_yml\" > \"$PROXIED_OVERRIDE.tmp\" && mv -f \"$PROXIED_OVERRIDE.tmp\" \"$PROXIED_OVERRIDE\"\n}\n\n# image_known IMAGE: the host has IMAGE (record's one image inspect listed it; an image named\n# otherwise than by its ID is asked for on its own).\nimage_known() {\n  case \"$1\" in\n    sha256:*) image_tags \"$1\" ;;\n    *) docker image inspect \"$1\" >/dev/null 2>&1 ;;\n  esac\n}\n\n# image_tags ID: _IT_TAGS set to the image's tags as record's image inspect listed them (\" a b \");\n# 1 when it did not list the image.\nimage_tags() {\n  while read -r _it_id _IT_TAGS; do\n    [ \"$_it_id\" = \"$1\" ] && { _IT_TAGS=\" $_IT_TAGS \"; return 0; }\n  done <<EOF_IMAGES\n$_rec_images\nEOF_IMAGES\n  _IT_TAGS=\"\"\n  return 1\n}\n\n# good_of NAME: _GOOD set to the image of the service's last good release ('' when none).\ngood_of() { { read -r _GOOD < \"$STATE_DIR/good/$1\"; } 2>/dev/null || _GOOD=\"\"; }\n\n# record: what runs now, and the image to come back to (the last good release first), in\n# FROM_<i>, TARGET_<i>, WITH_TARGET, WITHOUT_TARGET and STATE_DIR/rollback.yml.\nrecord() {\n  emit record start \"\" \"\"\n  snapshot\n  _rec_yml=\"services:\"\n  _rec_i=0\n  WITH_TARGET=\"\" WITHOUT_TARGET=\"\" _rec_tags=\"\"\n  # Every image a service may come back to (its last good release, the image it runs), with its\n  # tags, in one docker call: an image that is gone prints nothing.\n  _rec_images=\"\"\n  if ! swarm; then\n    _rec_candidates=\"\"\n    for _rec_name in $SERVICES; do\n      good_of \"$_rec_name\"\n      snap_find \"$_rec_name\"\n      _rec_candidates=\"$_rec_candidates $_GOOD $SP_I\"\n    done\n    # shellcheck disable=SC2086\n    [ -n \"${_rec_candidates## }\" ] && _rec_images=$(docker image inspect -f '{{.Id}} {{range .RepoTags}}{{.}} {{end}}' $_rec_candidates 2>/dev/null)\n  fi\n  for _rec_name in $SERVICES; do\n    snap_find \"$_rec_name\"\n    _rec_running=$SP_I\n    good_of \"$_rec_name\"\n    _rec_good=$_GOOD\n    _rec_target=\"\"\n    # Under Swarm the good release is a digest reference its nodes pull (an image ID, written\n    # while the environment ran on Compose, is not). Under Compose an image ID the host still has.\n    if [ -n \"$_rec_good\" ] && if swarm; then case \"$_rec_good\" in *@sha256:*) true ;; *) false ;; esac; else image_known \"$_rec_good\"; fi; then _rec_target=$_rec_good; else _rec_target=$_rec_running; fi\n    eval \"FROM_$_rec_i=\\$_rec_running\"\n    eval \"TARGET_$_rec_i=\\$_rec_target\"\n    if [ -n \"$_rec_target\" ]; then\n      if swarm; then\n        _rec_ref=$_rec_target\n      else\n        getv _rec_ref \"SVC_${_rec_i}_ROLLBACK_REF\"\n        # Tagged below, all at once (unless the tag names that image already).\n        image_tags \"$_rec_target\"\n        case \"$_IT_TAGS\" in\n          *\" $_rec_ref \"*) ;;\n          *) docker tag \"$_rec_target\" \"$_rec_ref\" 2> \"$RUN_DIR/tag-$_rec_name.err\" &\n             _rec_tags=\"$_rec_tags $!:$_rec_name\" ;;\n        esac\n      fi\n      _rec_yml=\"$_rec_yml\n  $_rec_name:\n    image: $_rec_ref\"\n      WITH_TARGET=\"$WITH_TARGET $_rec_name\"\n      emit record ok \"$_rec_name\" \"$_rec_running\"\n      emit target ok \"$_rec_name\" \"$_rec_target\"\n    else\n      WITHOUT_TARGET=\"$WITHOUT_TARGET $_rec_name\"\n      # Under Swarm, going back means no task of it (Compose stops it instead).\n      swarm && _rec_yml=\"$_rec_yml\n  $_rec_name:\n    deploy:\n      replicas: 0\"\n      emit record ok \"$_rec_name\" \"$_rec_running\"\n      emit target none \"$_rec_name\" \"first deploy: nothing to roll back to\"\n    fi\n    _rec_i=$((_rec_i + 1))\n  done\n  for _rec_name in $INFRA; do\n    _rec_image=$(running_image \"$_rec_name\")\n    eval \"FROM_$_rec_i=\\$_rec_image\"\n    emit record ok \"$_rec_name\" \"$_rec_image\"\n    # Under Swarm the whole stack goes back: the infrastructure to the image it runs now.\n    swarm && [ -n \"$_rec_image\" ] && _rec_yml=\"$_rec_yml\n  $_rec_name:\n    image: $_rec_image\"\n    _rec_i=$((_rec_i + 1))\n  done\n  # The rollback tags, set at the same time: any that failed, and nothing changes.\n  for _rec_tag in $_rec_tags; do\n    if ! wait \"${_rec_tag%%:*}\"; then\n      _rec_name=${_rec_tag#*:}\n      abort_unchanged \"tagging $_rec_name's rollback image $(svc \"$(index_of \"$_rec_name\")\" ROLLBACK_REF) failed: $(cat \"$RUN_DIR/tag-$_rec_name.err\" 2>/dev/null)\"\n    fi\n  done\n  # docker stack deploy refuses a file whose services are null.\n  swarm && [ \"$_rec_yml\" = \"services:\" ] && _rec_yml=\"services: {}\"\n  if swarm && ! write_current_override; then\n    abort_unchanged \"the services this run leaves alone cannot be listed (docker compose config --services) or written to $RUN_DIR/current.yml\"\n  fi\n  # A rollback reads this file: if it cannot be written whole (a full disk), nothing may change.\n  if ! { printf '%s\\n' \"$_rec_yml\" > \"$STATE_DIR/rollback.yml.tmp\" && [ -s \"$STATE_DIR/rollback.yml.tmp\" ] &&\n    mv -f \"$STATE_DIR/rollback.yml.tmp\" \"$STATE_DIR/rollback.yml\"; }; then\n    abort_unchanged \"the recorded state $STATE_DIR/rollback.yml cannot be written (is the disk full?)\"\n  fi\n  write_pins_override || abort_unchanged \"the resolved pins $PINS_OVERRIDE cannot be written (is the disk full?)\"\n  remember_switches || abort_unchanged \"how the services are switched cannot be written under $STATE_DIR/switch (is the disk full?)\"\n}\n\n# prepare: before the switch (nothing running changes here): pre_deploy hooks, missing\n# infrastructure, backups, changed infrastructure, migrations.\nprepare() {\n  if ! run_hooks PRE pre_deploy; then abort_unchanged \"$HOOK_REASON\"; fi\n  start_missing_infrastructure || abort_unchanged \"$INFRA_REASON\"\n  if [ \"$BACKUP_COUNT\" -gt 0 ]; then\n    if has_successful_release; then\n      take_backups || abort_unchanged \"$BACKUP_REASON; the migrations did not run\"\n    else\n      _b=0\n      while [ \"$_b\" -lt \"$BACKUP_COUNT\" ]; do\n        emit backup skipped \"$(var \"BACKUP_${_b}_NAME\")\" \"no release of this environment succeeded yet: nothing to protect\"\n        _b=$((_b + 1))\n      done\n    fi\n  fi\n  if ! switch_infrastructure; then\n    if [ \"$REVERT_FAILED\" = 1 ]; then\n      snapshot\n      ledger rollback-failed\n      finish rollback-failed \"$INFRA_REASON; going back to the previous image did not finish cleanly: check the host\"\n    fi\n    abort_unchanged \"$INFRA_REASON; it is back on its previous image and nothing else changed\"\n  fi\n  # Under Swarm the pins switch with the stack: recorded once it is committed.\n  [ -n \"$INFRA\" ] && ! swarm && record_pins\n  if [ -n \"$MIGRATE_SERVICE\" ]; then\n    emit migrations start \"$MIGRATE_SERVICE\" \"$MIGRATE_CMD\"\n    renew_lease\n    if run_migrations; then\n      MIGRATED=1\n      emit migrations ok \"$MIGRATE_SERVICE\" \"\"\n    else\n      emit migrations failed \"$MIGRATE_SERVICE\" \"$MIGRATE_REASON; backups kept: ${BACKUPS_TAKEN:-none}\"\n      abort_unchanged \"migrations failed ($MIGRATE_REASON); backups kept: ${BACKUPS_TAKEN:-none}\"\n    fi\n  fi\n}\n\n# switch: the application services to the release's images.\nswitch() {\n  emit switch start \"\" \"$SERVICES\"\n  renew_lease\n  if swarm; then swarm_switch; return; fi\n  _sw_i=0 _sw_stop_first=\"\" _sw_start_first=\"\"\n  for _sw_name in $SERVICES; do\n    case \"$(var \"SVC_${_sw_i}_SWITCH\")\" in\n      start-first|proxy) _sw_start_first=\"$_sw_start_first $_sw_i\" ;;\n      *) _sw_stop_first=\"$_sw_stop_first $_sw_name\" ;;\n    esac\n    _sw_i=$((_sw_i + 1))\n  done\n  # A service no longer behind the proxy publishes its ports itself again: the proxy lets them go first.\n  _sw_i=0\n  for _sw_name in $SERVICES; do\n    [ \"$(var \"SVC_${_sw_i}_SWITCH\")\" != proxy ] && unroute_service \"$_sw_name\"\n    _sw_i=$((_sw_i + 1))\n  done\n  if [ -n \"$_sw_stop_first\" ]; then\n    # shellcheck disable=SC2086\n    _sw_out=$(compose_up -- $_sw_stop_first 2>&1)\n    _sw_rc=$?\n    if [ \"$_sw_rc\" -ne 0 ]; then\n      emit switch failed \"\" \"$_sw_out\"\n      roll_back \"docker compose up $(rc_text \"$_sw_rc\" \"${COMPOSE_TIMEOUT_S:-600}\")\"\n    fi\n  fi\n  for _sw_n in $_sw_start_first; do\n    _sw_name=$(svc \"$_sw_n\" NAME)\n    if ! start_first \"$_sw_n\"; then\n      # Its old containers never stopped: nothing of it to bring back.\n      WITH_TARGET=$(printf '%s' \" $WITH_TARGET \" | sed \"s/ $_sw_name / /\")\n      emit switch failed \"$_sw_name\" \"$SWITCH_REASON; its running containers were left as they were\"\n      roll_back \"$_sw_name: $SWITCH_REASON\"\n    fi\n    emit switch ok \"$_sw_name\" \"started next to the running containers, which stopped once it was healthy\"\n  done\n  emit switch ok \"\" \"\"\n}\n\n# start_first N [OVERRIDE]: starts the service's new containers (its release's image, or the one\n# OVERRIDE names: a rollback) next to the running ones, as many as it should run (REPLICAS),\n# without recreating these; waits until each new one is healthy; behind the proxy, moves the\n# routes to the new ones and lets the old ones drain; then stops the old ones (each within its\n# stop_grace_period) and removes them. 1 (SWITCH_REASON set) when that fails: the new containers\n# are removed, and the old ones serve on.\nstart_first() {\n  _sf_name=$(svc \"$1\" NAME) _sf_override=${2:-}\n  _sf_log=\"$RUN_DIR/switch-$_sf_name.log\"\n  _sf_old=$(containers_of \"$_sf_name\" | tr '\\n' ' ')\n  # A stopped container would be started again instead of a new one being made.\n  # shellcheck disable=SC2046\n  docker rm $(containers_of \"$_sf_name\" exited) $(containers_of \"$_sf_name\" created) > /dev/null 2>&1\n  _sf_count=$(printf '%s' \"$_sf_old\" | wc -w | tr -d ' ')\n  _sf_want=$(var \"SVC_${1}_REPLICAS\")\n  _sf_want=${_sf_want:-1}\n  if [ \"$_sf_count\" -eq 0 ]; then\n    # Nothing runs that must keep running: a plain start.\n    # shellcheck disable=SC2086\n    compose_up $_sf_override -- \"$_sf_name\" > \"$_sf_log\" 2>&1 || { SWITCH_REASON=\"docker compose up failed: $(tail -n 5 \"$_sf_log\")\"; return 1; }\n    if [ \"$(var \"SVC_${1}_SWITCH\")\" = proxy ]; then\n      # Routed only once healthy: no request reaches a container before it passed its check.\n      _sf_new=$(containers_of \"$_sf_name\" | tr '\\n' ' ')\n      for _sf_c in $_sf_new; do\n        wait_healthy \"$1\" \"$_sf_c\" || { SWITCH_REASON=\"the new container is not healthy: $HEALTH_REASON\"; return 1; }\n      done\n      ensure_proxy && route_service \"$1\" \"$_sf_new\" || return 1\n    fi\n    return 0\n  fi\n  # shellcheck disable=SC2046,SC2086\n  if ! compose $(overrides $_sf_override) -- up -d --no-build --no-deps --no-recreate $PULL_NEVER --scale \"$_sf_name=$((_sf_count + _sf_want))\" \"$_sf_name\" > \"$_sf_log\" 2>&1; then\n    SWITCH_REASON=\"docker compose up failed: $(tail -n 5 \"$_sf_log\")\"\n    _sf_new=$(new_containers \"$_sf_name\" \"$_sf_old\")\n    # shellcheck disable=SC2086\n    [ -n \"$_sf_new\" ] && docker rm -f $_sf_new > /dev/null 2>&1\n    return 1\n  fi\n  _sf_new=$(new_containers \"$_sf_name\" \"$_sf_old\")\n  if [ -z \"$_sf_new\" ]; then\n    SWITCH_REASON=\"docker compose up started no new container\"\n    return 1\n  fi\n  for _sf_c in $_sf_new; do\n    if ! wait_healthy \"$1\" \"$_sf_c\"; then\n      SWITCH_REASON=\"the new container is not healthy: $HEALTH_REASON\"\n      emit logs failed \"$_sf_name\" \"$(docker logs --tail 50 \"$_sf_c\" 2>&1 | tail -n 50)\"\n      # shellcheck disable=SC2086\n      docker rm -f $_sf_new > /dev/null 2>&1\n      return 1\n    fi\n  done\n  if [ \"$(var \"SVC_${1}_SWITCH\")\" = proxy ] && ! hand_over \"$1\" \"$_sf_old\" \"$_sf_new\"; then\n    # shellcheck disable=SC2086\n    docker rm -f $_sf_new > /dev/null 2>&1\n    return 1\n  fi\n  # shellcheck disable=SC2086\n  docker stop $_sf_old > /dev/null 2>&1\n  # shellcheck disable=SC2086\n  docker rm $_sf_old > /dev/null 2>&1\n  return 0\n}\n\n# hand_over N OLD_IDS NEW_IDS: the proxy's routes of the service move to its new containers; the\n# old ones keep the connections they have until these end, at most the drain timeout. Old\n# containers that still publish the ports themselves (the first deploy behind the proxy) stop\n# first, so that the proxy can take the ports: the only gap, once. 1 (SWITCH_REASON set) when\n# the routes cannot move: the old containers serve on (started again if they had stopped).\nhand_over() {\n  _ho_freed=\"\"\n  for _ho_c in $2; do\n    [ -n \"$(docker port \"$_ho_c\" 2>/dev/null)\" ] && _ho_freed=\"$_ho_freed $_ho_c\"\n  done\n  # shellcheck disable=SC2086\n  [ -n \"$_ho_freed\" ] && docker stop $_ho_freed > /dev/null 2>&1\n  emit proxy start \"$(svc \"$1\" NAME)\" \"moving its routes to the new container\"\n  if ! ensure_proxy || ! route_service \"$1\" \"$3\"; then\n    # shellcheck disable=SC2086\n    [ -n \"$_ho_freed\" ] && docker start $_ho_freed > /dev/null 2>&1\n    return 1\n  fi\n  emit proxy ok \"$(svc \"$1\" NAME)\" \"routes moved to the new container; the old one drains for at most $(var \"SVC_${1}_DRAIN_S\")s\"\n  wait_drained \"$1\"\n}\n\n# The host's proxy: one nginx container for every stack on the host (network host), configured\n# from PROXY_DIR (outside every environment's path): nginx.conf, and conf.d/<project>--<service>.conf\n# for each proxied service. A route change rewrites one file and reloads nginx gracefully, under\n# a host-wide lock held only for the change: new connections go to the new upstream at once,\n# while the old workers finish the connections they hold (worker_shutdown_timeout: the longest\n# drain timeout on the host).\nPROXY_CONTAINER=stack-deploy-proxy\nPROXY_DIR=${PROXY_DIR:-${HOME:-}/${PROXY_DIR_IN_HOME:-.stack-deploy-proxy}}\n\n# route_file NAME, drain_file NAME: where the proxy keeps a service's route, and its drain seconds.\nroute_file() { printf '%s' \"$PROXY_DIR/conf.d/$PROJECT--$1.conf\"; }\ndrain_file() { printf '%s' \"$PROXY_DIR/drain/$PROJECT--$1\"; }\n\n# proxy_nginx ARGS: nginx in the proxy container, with the configuration stack-deploy writes.\nproxy_nginx() { docker exec \"$PROXY_CONTAINER\" nginx -c /etc/stack-deploy-proxy/nginx.conf \"$@\"; }\n\n# container_ip CID: the container's address on its first network.\ncontainer_ip() {\n  docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}' \"$1\" 2>/dev/null | awk '{ print $1 }'\n}\n\n# write_proxy_conf: nginx.conf, with the longest drain timeout of every proxied service on the host.\nwrite_proxy_conf() {\n  _wp_drain=$(cat \"$PROXY_DIR\"/drain/* 2>/dev/null | sort -n | tail -n 1)\n  cat > \"$PROXY_DIR/nginx.conf.tmp\" <<EOF || return 1\n# Written by stack-deploy: the host's proxy. Routes: conf.d/, one file per proxied service.\nworker_processes auto;\npid /tmp/stack-deploy-proxy.pid;\nworker_shutdown_timeout ${_wp_drain:-30}s;\nevents { worker_connections 4096; }\nhttp {\n  access_log off;\n  # The app decides what it accepts, as it did when it published its ports itself.\n  client_max_body_size 0;\n  # Each client connection closes after its response: a reload then never closes an idle\n  # connection that a client is about to reuse (a request sent on it would be lost).\n  keepalive_timeout 0;\n  map \\$http_upgrade \\$connection_upgrade { default upgrade; '' close; }\n  include /etc/stack-deploy-proxy/conf.d/*.conf;\n}  # http\nEOF\n  mv -f \"$PROXY_DIR/nginx.conf.tmp\" \"$PROXY_DIR/nginx.conf\"\n}\n\n# ensure_proxy: the proxy runs (started with PROXY_IMAGE the first time; a running proxy is never\n# restarted by a deploy, whatever image it runs). 1 (SWITCH_REASON set) when it cannot start.\nensure_proxy() {\n  _ep_running=$(docker inspect -f '{{.State.Running}}' \"$PROXY_CONTAINER\" 2>/dev/null)\n  if [ -n \"$_ep_running\" ]; then\n    # One proxy per host, configured from one directory: a proxy started by another SSH user\n    # reads another directory, and would never see this deploy's routes.\n    _ep_source=$(docker inspect -f '{{range .Mounts}}{{if eq .Destination \"/etc/stack-deploy-proxy\"}}{{.Source}}{{end}}{{end}}' \"$PROXY_CONTAINER\" 2>/dev/null)\n    if [ \"$_ep_source\" != \"$PROXY_DIR\" ] && [ \"$_ep_source\" != \"$(cd \"$PROXY_DIR\" 2>/dev/null && pwd -P)\" ]; then\n      SWITCH_REASON=\"the host's proxy ($PROXY_CONTAINER) reads its routes from ${_ep_source:-nowhere}, not from $PROXY_DIR: deploy every stack behind the proxy on this host as the same SSH user\"\n      return 1\n    fi\n  fi\n  [ \"$_ep_running\" = true ] && return 0\n  if ! { mkdir -p \"$PROXY_DIR/conf.d\" \"$PROXY_DIR/drain\" && write_proxy_conf; }; then\n    SWITCH_REASON=\"the proxy's configuration cannot be written under $PROXY_DIR\"\n    return 1\n  fi\n  if [ \"$_ep_running\" = false ]; then\n    docker start \"$PROXY_CONTAINER\" > /dev/null 2>&1 && return 0\n    docker rm -f \"$PROXY_CONTAINER\" > /dev/null 2>&1\n  fi\n  # The image as the pull phase resolved it (a digest), else as stack.yml names it.\n  _ep_image=$(resolved_pin stack-deploy-proxy)\n  _ep_image=${_ep_image:-${PROXY_IMAGE:-}}\n  if ! _ep_out=$(docker run -d --name \"$PROXY_CONTAINER\" --restart unless-stopped --network host \\\n    --label org.stack-deploy.proxy=true -v \"$PROXY_DIR:/etc/stack-deploy-proxy:ro\" \"$_ep_image\" \\\n    nginx -c /etc/stack-deploy-proxy/nginx.conf -g 'daemon off;' 2>&1); then\n    SWITCH_REASON=\"the proxy ($_ep_image) does not start: $_ep_out\"\n    return 1\n  fi\n  emit proxy ok \"\" \"started $PROXY_CONTAINER ($_ep_image)\"\n}\n\n# route_service N CIDS: the service's routes (SVC_N_ROUTES: host_ip/published/target, host_ip *\n# for every address) go to those containers; nginx checks the new configuration before it is\n# used, and the previous one stays when it fails. 1 (SWITCH_REASON set) on failure.\nroute_service() {\n  _rs_name=$(svc \"$1\" NAME)\n  _rs_conf=$(route_file \"$_rs_name\")\n  _rs_servers=\"\"\n  for _rs_c in $2; do\n    _rs_ip=$(container_ip \"$_rs_c\")\n    [ -n \"$_rs_ip\" ] || { SWITCH_REASON=\"container $_rs_c of $_rs_name has no network address the proxy can reach\"; return 1; }\n    _rs_servers=\"$_rs_servers $_rs_ip\"\n  done\n  {\n    echo \"# Written by stack-deploy: $PROJECT $_rs_name, run $RUN_ID.\"\n    set -f # a route of every address starts with *\n    for _rs_route in $(var \"SVC_${1}_ROUTES\"); do\n      _rs_host=${_rs_route%%/*} _rs_rest=${_rs_route#*/}\n      _rs_pub=${_rs_rest%%/*} _rs_target=${_rs_rest#*/}\n      _rs_up=\"sd_${PROJECT}_${_rs_name}_$_rs_pub\"\n      printf 'upstream %s {\\n' \"$_rs_up\"\n      for _rs_ip in $_rs_servers; do printf '  server %s:%s;\\n' \"$_rs_ip\" \"$_rs_target\"; done\n      printf '}\\nserver {\\n  listen %s:%s;\\n' \"$_rs_host\" \"$_rs_pub\"\n      # Every address, as Docker publishes it: IPv6 too.\n      [ \"$_rs_host\" = '*' ] && [ -f /proc/net/if_inet6 ] && printf '  listen [::]:%s;\\n' \"$_rs_pub\"\n      # Routed by the request's host name where stack.yml gives names (validated there).\n      [ -n \"$(var \"SVC_${1}_HOST_NAMES\")\" ] && printf '  server_name %s;\\n' \"$(var \"SVC_${1}_HOST_NAMES\")\"\n      printf '  location / {\\n    proxy_pass http://%s;\\n' \"$_rs_up\"\n      # shellcheck disable=SC2016 # nginx variables\n      printf '    proxy_http_version 1.1;\\n    proxy_set_header Host $http_host;\\n    proxy_set_header Upgrade $http_upgrade;\\n'\n      # shellcheck disable=SC2016 # nginx variables\n      printf '    proxy_set_header Connection $connection_upgrade;\\n    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\\n'\n      printf '    proxy_read_timeout 1h;\\n    proxy_send_timeout 1h;\\n  }\\n}\\n'\n    done\n    set +f\n  } > \"$_rs_conf.next\" || { SWITCH_REASON=\"the proxy's route file cannot be written under $PROXY_DIR\"; return 1; }\n  if ! (\n    flock -w 60 9 || { echo \"another deploy kept the proxy's lock for 60 s\" > \"$RUN_DIR/proxy.log\"; exit 1; }\n    # Two services on one address and port: only told apart by their host names.\n    awk '$1 == \"listen\" { sub(/;$/, \"\", $2); print $2 }' \"$_rs_conf.next\" | while read -r _rs_listen; do\n      for _rs_other in \"$PROXY_DIR\"/conf.d/*.conf; do\n        [ -f \"$_rs_other\" ] && [ \"$_rs_other\" != \"$_rs_conf\" ] || continue\n        grep -qxF \"  listen $_rs_listen;\" \"$_rs_other\" || continue\n        if ! grep -q '^  server_name ' \"$_rs_conf.next\" || ! grep -q '^  server_name ' \"$_rs_other\"; then\n          echo \"$_rs_listen is already served by the proxy for $(basename \"$_rs_other\" .conf | sed 's/--/ /'): give both services host names (environments.<env>.host_names), or another port\" > \"$RUN_DIR/proxy.log\"\n          exit 1\n        fi\n      done\n    done || { rm -f \"$_rs_conf.next\"; exit 1; }\n    [ -f \"$_rs_conf\" ] && cp -p \"$_rs_conf\" \"$_rs_conf.prev\"\n    { mv -f \"$_rs_conf.next\" \"$_rs_conf\" && printf '%s\\n' \"$(var \"SVC_${1}_DRAIN_S\")\" > \"$(drain_file \"$_rs_name\")\" && write_proxy_conf; } || exit 1\n    if ! proxy_nginx -t > \"$RUN_DIR/proxy.log\" 2>&1; then\n      restore_route \"$_rs_conf\"\n      exit 1\n    fi\n    _rs_before=$(proxy_workers)\n    if ! proxy_nginx -s reload >> \"$RUN_DIR/proxy.log\" 2>&1; then\n      restore_route \"$_rs_conf\"\n      proxy_nginx -s reload > /dev/null 2>&1\n      exit 1\n    fi\n    # The reload returns before the new workers run: wait (at most 5 s) until none of the\n    # workers that took connections before is among those that take them now.\n    _rs_t=0\n    while [ \"$_rs_t\" -lt 100 ]; do\n      _rs_now=$(proxy_workers)\n      _rs_same=\"\"\n      for _rs_p in $_rs_now; do case \" $_rs_before \" in *\" $_rs_p \"*) _rs_same=1 ;; esac; done\n      [ -n \"$_rs_now\" ] && [ -z \"$_rs_same\" ] && break\n      sleep 0.05\n      _rs_t=$((_rs_t + 1))\n    done\n    # nginx keeps its old workers when it cannot apply the configuration (a port that another\n    # process holds, for one): the routes did not move.\n    if [ \"$_rs_t\" -ge 100 ]; then\n      echo \"nginx did not apply the new configuration within 5 s (see: docker logs $PROXY_CONTAINER)\" >> \"$RUN_DIR/proxy.log\"\n      restore_route \"$_rs_conf\"\n      proxy_nginx -s reload > /dev/null 2>&1\n      exit 1\n    fi\n  ) 9> \"$PROXY_DIR/lock\"; then\n    SWITCH_REASON=\"the proxy did not take the new route: $(tail -n 5 \"$RUN_DIR/proxy.log\" 2>/dev/null)\"\n    return 1\n  fi\n  rm -f \"$_rs_conf.prev\"\n}\n\n# restore_route CONF: the route file as it was before this change (none, if there was none); a\n# proxy that already loaded the new one is reloaded by the caller.\nrestore_route() {\n  if [ -f \"$1.prev\" ]; then mv -f \"$1.prev\" \"$1\"; else rm -f \"$1\"; fi\n}\n\n# unroute_service NAME: the proxy stops serving the service's ports (its route file goes, nginx\n# reloads), so that the service can publish them itself again; nothing for a service it does not serve.\nunroute_service() {\n  [ -f \"$(route_file \"$1\")\" ] || return 0\n  (\n    flock -w 60 9 || exit 1\n    rm -f \"$(route_file \"$1\")\" \"$(drain_file \"$1\")\"\n    write_proxy_conf || exit 1\n    proxy_nginx -s reload > /dev/null 2>&1\n  ) 9> \"$PROXY_DIR/lock\"\n  emit proxy ok \"$1\" \"no longer behind the proxy: it publishes its ports itself again\"\n}\n\n# proxy_processes: the proxy container's processes, as `pid args` lines.\nproxy_processes() { docker top \"$PROXY_CONTAINER\" -o pid,args 2>/dev/null; }\n\n# proxy_workers: the pids of the proxy's workers that take new connections.\nproxy_workers() {\n  proxy_processes | awk '/nginx: worker process$/ { print $1 }' | tr '\\n' ' '\n}\n\n# wait_drained N: until no old nginx worker holds connections any more, at most the service's drain timeout.\nwait_drained() {\n  _wd_deadline=$(( $(date +%s) + $(var \"SVC_${1}_DRAIN_S\") ))\n  while proxy_processes | grep -q 'shutting down'; do\n    [ \"$(date +%s)\" -ge \"$_wd_deadline\" ] && return 0\n    sleep 0.2\n  done\n}\n\n# new_containers NAME OLD_IDS: the service's running containers that are not among OLD_IDS.\nnew_containers() {\n  for _nc in $(containers_of \"$1\"); do\n    case \" $2 \" in *\" $_nc \"*) ;; *) printf '%s ' \"$_nc\" ;; esac\n  done\n}\n\n# verify: every service healthy within its timeout (checked together), then the smoke checks; a\n# failure rolls back.\n# shellcheck disable=SC2317 # called by await_health (ON_OK)\nhealth_ok() { emit health ok \"$(svc \"$1\" NAME)\" \"\"; }\nverify() {\n  _ver_i=0 _ver_all=\"\"\n  for _ver_name in $SERVICES; do\n    emit health start \"$_ver_name\" \"\"\n    _ver_all=\"$_ver_all $_ver_i\"\n    _ver_i=$((_ver_i + 1))\n  done\n  # shellcheck disable=SC2086\n  if ! await_health first health_ok $_ver_all; then\n    _ver_name=$(svc \"$HEALTH_FAILED\" NAME)\n    emit health failed \"$_ver_name\" \"$HEALTH_REASON\"\n    emit logs failed \"$_ver_name\" \"$(service_logs \"$_ver_name\" \"$(snap \"$_ver_name\" container)\")\"\n    roll_back \"$_ver_name: $HEALTH_REASON\"\n  fi\n  # Smoke checks against the whole stack; a failure rolls back like a failed health check.\n  if [ \"$SMOKE_COUNT\" -gt 0 ]; then\n    run_smoke || roll_back \"$SMOKE_REASON\"\n  fi\n}\n\n# commit: these images are now the last good release; post_deploy hooks; the ledger.\ncommit() {\n  emit commit start \"\" \"\"\n  snapshot\n  _com_i=0\n  for _com_name in $SERVICES; do\n    _com_image=$(running_image \"$_com_name\")\n    if ! { echo \"$_com_image\" > \"$STATE_DIR/good/$_com_name.tmp\" && mv -f \"$STATE_DIR/good/$_com_name.tmp\" \"$STATE_DIR/good/$_com_name\"; }; then\n      emit warning state \"$_com_name\" \"$STATE_DIR/good/$_com_name cannot be written (is the disk full?): the next rollback of $_com_name goes to the image it runs before that deploy\"\n    fi\n    eval \"TO_$_com_i=\\$_com_image\"\n    emit final ok \"$_com_name\" \"$_com_image\"\n    _com_i=$((_com_i + 1))\n  done\n  for _com_name in $INFRA; do emit final ok \"$_com_name\" \"$(running_image \"$_com_name\")\"; done\n  swarm && [ -n \"$INFRA\" ] && record_pins\n  # post_deploy hooks: the release stays; a failing hook is a warning.\n  if [ -z \"${SKIP_POST_HOOKS:-}\" ] && ! run_hooks POST post_deploy; then\n    emit warning hooks \"\" \"$HOOK_REASON; the deploy stays (it is healthy and passed its smoke checks)\"\n  fi\n  ledger success\n  finish success \"${COMMIT_REASON:-deployed}\"\n}\n\n# ---------------------------------------------------------------- Swarm (ENGINE=swarm)\n\n# detect_stack_detach: STACK_DETACH is --detach=true where `docker stack deploy` knows it (it\n# waits for nothing then, as before the option existed: swarm_converge waits).\nSTACK_DETACH=\"\"\ndetect_stack_detach() {\n  swarm && docker stack deploy --help 2>/dev/null | grep -q -- '--detach' && STACK_DETACH=\"--detach=true\"\n}\n\n# write_current_override: every service of the compose files that this run does not switch (a\n# release of some services, a rollback of some), at the image it runs now: a stack deploy\n# redeploys every service, and would otherwise take them off their pinned digests.\nCURRENT_OVERRIDE=\"\"\nwrite_current_override() {\n  CURRENT_OVERRIDE=\"$RUN_DIR/current.yml\"\n  _wc_defined=$(compose -- config --services 2>/dev/null) || return 1\n  _wc_yml=\"\"\n  snapshot\n  for _wc in $_wc_defined; do\n    case \" $SERVICES $INFRA \" in *\" $_wc \"*) continue ;; esac\n    _wc_image=$(running_image \"$_wc\")\n    [ -n \"$_wc_image\" ] && _wc_yml=\"$_wc_yml\n  $_wc:\n    image: $_wc_image\"\n  done\n  # docker stack deploy refuses a file whose services are null.\n  printf 'services:%s\\n' \"${_wc_yml:- {\\}}\" > \"$CURRENT_OVERRIDE\"\n}\n\n# stack_deploy [OVERRIDE...]: the stack from the compose files, the release's images and pins,\n# each service's update_config (SWARM_FILE), and OVERRIDE...; ${VAR} in the files come from the\n# env file (ENV_SCRIPT), as Compose reads them. The images are digests: nothing is resolved.\nstack_deploy() {\n  _sd_files=\"\"\n  for _sd_f in $COMPOSE_FILES $CURRENT_OVERRIDE $(overrides) \"$SWARM_FILE\" \"$@\"; do _sd_files=\"$_sd_files -c $_sd_f\"; done\n  (\n    set -a\n    # shellcheck source=/dev/null # written by stack-deploy for each run\n    . \"$ENV_SCRIPT\" || exit 1\n    set +a\n    # shellcheck disable=SC2086\n    timeout -k 10 \"${COMPOSE_TIMEOUT_S:-600}\" docker stack deploy --with-registry-auth --resolve-image never $STACK_DETACH $_sd_files \"$PROJECT\"\n  ) < /dev/null\n}\n\n# swarm_check N SECONDS: 0 when the service passes its health.http or health.cmd (a task on this\n# node) within SECONDS; without either, Swarm's own convergence (its healthcheck) was the gate.\nswarm_check() {\n  case \"$(svc \"$1\" HEALTH)\" in\n    http) probe_http \"$(svc \"$1\" URL)\" \"$2\" ;;\n    cmd)\n      _sc_cid=$(container_of \"$(svc \"$1\" NAME)\")\n      [ -n \"$_sc_cid\" ] || return 1\n      probe \"$1\" \"$_sc_cid\" \"$2\" ;;\n    *) return 0 ;;\n  esac\n}\n\n# swarm_state SINCE: a line per service of the stack: name, update state, tasks wanted (-1:\n# global, -2: a job, never waited for), tasks running its current image. The state is Swarm's\n# UpdateStatus (reset by every stack deploy) unless it started over a minute before SINCE (the\n# stack deploy's start, in seconds: a status no deploy since has reset, of a service no longer in\n# the files); `waiting` when the service was updated less than a second ago and Swarm has\n# not begun an update of it (it begins one within milliseconds when the task template changed,\n# and never when it did not: its old tasks may run the same image, with an old env); `none`\n# otherwise. 1 when docker fails.\nswarm_state() {\n  _ss_ids=$(docker service ls -q --filter \"label=com.docker.stack.namespace=$PROJECT\") || return 1\n  [ -n \"$_ss_ids\" ] || return 1\n  # shellcheck disable=SC2086\n  _ss_services=$(docker service inspect -f '{{.Spec.Name}} {{.Spec.TaskTemplate.ContainerSpec.Image}} {{if .UpdateStatus}}{{.UpdateStatus.State}} {{if .UpdateStatus.StartedAt}}{{.UpdateStatus.StartedAt.Unix}}{{else}}0{{end}}{{else}}none 0{{end}} {{if .Spec.Mode.Replicated}}{{.Spec.Mode.Replicated.Replicas}}{{else if .Spec.Mode.Global}}-1{{else}}-2{{end}} {{.UpdatedAt.UnixNano}}' $_ss_ids) || return 1\n  _ss_tasks=$(docker stack ps \"$PROJECT\" --no-trunc --filter desired-state=running --format '{{.Name}} {{.Image}} {{.CurrentState}}') || return 1\n  printf '%s\\n--\\n%s\\n' \"$_ss_services\" \"$_ss_tasks\" | awk -v since=\"$1\" -v now_ms=\"$(now_ms)\" -v grace_ms=1000 '\n    $0 == \"--\" { tasks = 1; next }\n    !tasks {\n      name = $1; image[name] = $2; want[name] = $5; order[++n] = name\n      if ($3 != \"none\" && $4 + 60 >= since + 0) state[name] = $3\n      else if (now_ms - $6 / 1000000 < grace_ms + 0) state[name] = \"waiting\"\n      else state[name] = \"none\"\n      next\n    }\n    {\n      task = $1; sub(/\\.[^.]*$/, \"\", task)\n      if ($3 == \"Running\" && $2 == image[task]) running[task]++\n    }\n    END { for (i = 1; i <= n; i++) { s = order[i]; printf \"%s %s %s %d\\n\", s, state[s], want[s], running[s] } }'\n}\n\n# swarm_converge SINCE: waits, at most CONVERGE_S, until Swarm has settled every service of the\n# stack: no update or rollback in progress or about to begin, and as many tasks running its\n# current image as it wants. 0 when each did so without Swarm rolling an update back or pausing\n# it; else 1 with CONVERGE_REASON set (the services, their state and Swarm's message). SINCE is\n# when the stack deploy began (see swarm_state). A docker call that fails counts as not settled.\nswarm_converge() {\n  _cv_deadline=$(( $(now_ms) + ${CONVERGE_S:-600} * 1000 ))\n  while :; do\n    if _cv_state=$(swarm_state \"$1\") && [ -n \"$_cv_state\" ]; then\n      _cv_moving=$(printf '%s\\n' \"$_cv_state\" | awk 'NF == 4 && ($2 == \"updating\" || $2 == \"rollback_started\" || $2 == \"waiting\") { printf \" %s\", $1 }')\n      _cv_pending=$(printf '%s\\n' \"$_cv_state\" | awk 'NF == 4 && ($2 == \"updating\" || $2 == \"rollback_started\" || $2 == \"waiting\" || ($3 >= 0 && $4 != $3) || ($3 == -1 && $4 < 1)) { printf \" %s\", $1 }')\n      _cv_failed=$(printf '%s\\n' \"$_cv_state\" | awk 'NF == 4 && ($2 == \"paused\" || $2 == \"rollback_paused\" || $2 == \"rollback_completed\") { printf \" %s\", $1 }')\n    else\n      _cv_state=\"\" _cv_moving=\"\" _cv_pending=\" (docker service ls/inspect or docker stack ps failed)\" _cv_failed=\"\"\n    fi\n    if [ -z \"$_cv_pending\" ] || { [ -n \"$_cv_failed\" ] && [ -z \"$_cv_moving\" ]; }; then\n      [ -z \"$_cv_failed\" ] && return 0\n      CONVERGE_REASON=\"\"\n      for _cv_s in $_cv_failed; do\n        CONVERGE_REASON=\"$CONVERGE_REASON${CONVERGE_REASON:+; }${_cv_s#\"${PROJECT}_\"}: $(docker service inspect -f '{{.UpdateStatus.State}}: {{.UpdateStatus.Message}}' \"$_cv_s\" 2>/dev/null)\"\n      done\n      return 1\n    fi\n    if [ \"$(now_ms)\" -ge \"$_cv_deadline\" ]; then\n      CONVERGE_REASON=\"Swarm did not converge within ${CONVERGE_S:-600}s:$(printf '%s\\n' \"$_cv_state\" | awk -v p=\"${PROJECT}_\" 'NF == 4 { n = $1; if (index(n, p) == 1) n = substr(n, length(p) + 1); printf \" %s %s %d/%s;\", n, $2, $4, ($3 == -1 ? \"global\" : $3) }')\"\n      [ -n \"$_cv_state\" ] || CONVERGE_REASON=\"$CONVERGE_REASON$_cv_pending\"\n      return 1\n    fi\n    sleep 0.5\n  done\n}\n\n# swarm_networks_override FILE: a compose override under which `docker compose run` (the\n# migrations) joins the stack's networks instead of making its own: each network the stack made\n# (PROJECT_<name>), as external.\nswarm_networks_override() {\n  _sn=$(docker network ls --filter \"label=com.docker.stack.namespace=$PROJECT\" --format '{{.Name}}') || return 1\n  {\n    echo \"networks:\"\n    for _sn_name in $_sn; do\n      case \"$_sn_name\" in \"${PROJECT}_\"*) printf '  %s:\\n    external: true\\n    name: %s\\n' \"${_sn_name#\"${PROJECT}_\"}\" \"$_sn_name\" ;; esac\n    done\n  } > \"$1\"\n}\n\n# swarm_start_missing: a stack that does not exist yet (a first deploy) starts before backups and\n# migrations with its infrastructure only (the application services have no task yet), so that\n# the migrations find the database and the stack's networks. It must converge. Infrastructure\n# new to a stack that runs starts with the switch (a stack deploy here would change the running\n# services before their backups).\nswarm_start_missing() {\n  [ -z \"$(docker service ls -q --filter \"label=com.docker.stack.namespace=$PROJECT\")\" ] || return 0\n  _ssm_missing=$INFRA\n  _ssm_what=${_ssm_missing:-\" the stack's networks\"}\n  emit infrastructure start \"\" \"starting what is not running:$_ssm_what\"\n  renew_lease\n  _ssm_since=$(date +%s)\n  if ! _out=$(stack_deploy \"$STATE_DIR/rollback.yml\" 2>&1); then\n    INFRA_REASON=\"docker stack deploy of the infrastructure failed: $_out\"\n    emit infrastructure failed \"\" \"$INFRA_REASON\"\n    return 1\n  fi\n  STARTED_INFRA=$_ssm_what\n  if ! swarm_converge \"$_ssm_since\"; then\n    INFRA_REASON=\"$CONVERGE_REASON\"\n    emit infrastructure failed \"\" \"$INFRA_REASON\"\n    return 1\n  fi\n  # shellcheck disable=SC2086\n  gate_infrastructure $_ssm_missing\n}\n\n# swarm_switch: one stack deploy of every service, then Swarm must converge: an update it rolled\n# back or paused brings the whole stack back.\nswarm_switch() {\n  _sw_since=$(date +%s)\n  _sw_out=$(stack_deploy 2>&1)\n  _sw_rc=$?\n  if [ \"$_sw_rc\" -ne 0 ]; then\n    emit switch failed \"\" \"$_sw_out\"\n    roll_back \"docker stack deploy $(rc_text \"$_sw_rc\" \"${COMPOSE_TIMEOUT_S:-600}\")\"\n  fi\n  emit switch ok \"\" \"docker stack deploy: Swarm updates the services\"\n  emit converge start \"\" \"waiting for Swarm (at most ${CONVERGE_S:-600}s)\"\n  if ! swarm_converge \"$_sw_since\"; then\n    emit converge failed \"\" \"$CONVERGE_REASON\"\n    roll_back \"$CONVERGE_REASON\"\n  fi\n  emit converge ok \"\" \"every service runs its new tasks\"\n}\n\n# swarm_roll_back: the whole stack back to the images it ran before (STATE_DIR/rollback.yml: no\n# task for a service that had none); 0 when Swarm converged and each service with a previous\n# version passed its health check again.\nswarm_roll_back() {\n  _srb_since=$(date +%s)\n  if ! _srb_out=$(stack_deploy \"$STATE_DIR/rollback.yml\" 2>&1); then\n    emit rollback failed \"\" \"$_srb_out\"\n    return 1\n  fi\n  if ! swarm_converge \"$_srb_since\"; then\n    emit rollback failed \"\" \"$CONVERGE_REASON\"\n    return 1\n  fi\n  _srb_rc=0 _srb_i=0 _srb_all=\"\"\n  for _srb_name in $SERVICES; do\n    case \" $WITH_TARGET \" in\n      *\" $_srb_name \"*) _srb_all=\"$_srb_all $_srb_i\" ;;\n      *) emit rollback ok \"$_srb_name\" \"no task: it had no previous version\" ;;\n    esac\n    _srb_i=$((_srb_i + 1))\n  done\n  # shellcheck disable=SC2086\n  if ! await_health all service_back $_srb_all; then\n    for _srb_n in $HEALTH_FAILED; do emit rollback failed \"$(svc \"$_srb_n\" NAME)\" \"$(var \"HEALTH_REASON_$_srb_n\")\"; done\n    _srb_rc=1\n  fi\n  return \"$_srb_rc\"\n}\n\nmain() {\n  start_run\n  record\n  prepare\n  switch\n  verify\n  commit\n}\n\nif [ \"${2:-}\" = recover ]; then recover; else main; fi\n";

// EXTERNAL MODULE: ./src/deploy/host-inspect.ts
var host_inspect = __webpack_require__(59164);
// EXTERNAL MODULE: ./src/deploy/remote-commands.ts
var remote_commands = __webpack_require__(46748);
// EXTERNAL MODULE: ./node_modules/yaml/dist/index.js
var dist = __webpack_require__(38815);
// EXTERNAL MODULE: ./src/compose/dotenv.ts
var dotenv = __webpack_require__(65508);
// EXTERNAL MODULE: ./src/exec/quote.ts
var quote = __webpack_require__(96197);
;// CONCATENATED MODULE: ./src/deploy/render.ts





/** Whole seconds for the host's `timeout` command (at least 1). */
function seconds(ms) {
    return String(Math.max(1, Math.ceil(ms / 1000)));
}
/** plan.sh variables for hooks, backups, migrations and smoke checks (counts 0 when absent). */
function dataStepVars(steps) {
    const vars = [
        ['BACKUPS_DIR_MIN_FREE', String(deploy_plan/* BACKUP_MIN_FREE_BYTES */.He)],
        ['BACKUP_TIMEOUT_S', seconds(deploy_plan/* BACKUP_TIMEOUT_MS */.qu)],
        ['HOOK_TIMEOUT_S', seconds(deploy_plan/* HOOK_TIMEOUT_MS */.rU)],
        ['COMPOSE_TIMEOUT_S', seconds(deploy_plan/* COMPOSE_TIMEOUT_MS */.u)],
    ];
    const backups = steps?.backups ?? [];
    vars.push(['BACKUP_COUNT', String(backups.length)]);
    backups.forEach((backup, i) => {
        vars.push([`BACKUP_${i}_NAME`, backup.name], [`BACKUP_${i}_SERVICE`, backup.service], [`BACKUP_${i}_KIND`, backup.kind], [`BACKUP_${i}_CMD`, backup.kind === 'command' ? (0,quote/* toShellString */.jY)(backup.argv) : ''], [`BACKUP_${i}_FILE`, backup.kind === 'sqlite' ? backup.file : ''], [`BACKUP_${i}_RETAIN`, String(backup.retain)]);
    });
    const migrations = steps?.migrations;
    vars.push(['MIGRATE_SERVICE', migrations?.service ?? ''], ['MIGRATE_CMD', migrations === undefined ? '' : (0,quote/* toShellString */.jY)(migrations.argv)], ['MIGRATE_TIMEOUT_S', migrations === undefined ? '' : seconds(migrations.timeoutMs)]);
    const smoke = steps?.smoke ?? [];
    vars.push(['SMOKE_COUNT', String(smoke.length)]);
    smoke.forEach((check, i) => {
        vars.push([`SMOKE_${i}_NAME`, check.name], [`SMOKE_${i}_KIND`, check.kind], [`SMOKE_${i}_URL`, check.kind === 'http' ? check.url : ''], [`SMOKE_${i}_STATUS`, check.kind === 'http' ? String(check.status) : ''], [`SMOKE_${i}_BODY`, check.kind === 'http' ? (check.bodyContains ?? '') : ''], [`SMOKE_${i}_CMD`, check.kind === 'run' ? (0,quote/* toShellString */.jY)(check.argv) : ''], [`SMOKE_${i}_TIMEOUT_S`, seconds(check.timeoutMs)]);
    });
    for (const [prefix, hooks] of [['PRE_HOOK', steps?.preDeploy ?? []], ['POST_HOOK', steps?.postDeploy ?? []]]) {
        vars.push([`${prefix}_COUNT`, String(hooks.length)]);
        hooks.forEach((argv, i) => vars.push([`${prefix}_${i}`, (0,quote/* toShellString */.jY)(argv)]));
    }
    return vars;
}
/** plan.sh: the transaction's inputs as shell assignments, every value quoted. */
function renderPlanScript(plan) {
    const paths = (0,deploy_plan/* hostPaths */.tO)(plan);
    const ledgerHead = [
        `"time":${JSON.stringify(plan.startedAt.toISOString())}`,
        `"actor":${JSON.stringify(plan.actor)}`,
        `"run_url":${JSON.stringify(plan.runUrl)}`,
        `"environment":${JSON.stringify(plan.environment)}`,
        `"version":${JSON.stringify(plan.version)}`,
        `"action":${JSON.stringify(plan.action)}`,
    ].join(',');
    const vars = [
        ['RUN_ID', plan.runId],
        ['DEPLOY_PATH', plan.path],
        ['STATE_DIR', paths.state],
        ['PROJECT', plan.project],
        ['FLAVOR', plan.flavor],
        ['COMPOSE_FILES', plan.composeFiles.join(' ')],
        ['ENV_FILE', paths.envFile],
        ['LOCK_DIR', paths.lock],
        ['LEASE_SECONDS', String(plan.leaseSeconds)],
        ['KEEP_LOCK', plan.keepLock === true ? '1' : ''],
        ['SERVICES', plan.services.map((s) => s.name).join(' ')],
        ['LEDGER_HEAD', ledgerHead],
        ['ACTION', plan.action],
        ['VERSION', plan.version],
        ['ENVIRONMENT', plan.environment],
        ['BACKUPS_DIR', paths.backups],
        ['PINS_DIR', paths.pins],
        ['INFRA', (plan.infrastructure ?? []).map((s) => s.name).join(' ')],
        ['PROXY_IMAGE', plan.proxyImage ?? ''],
        ['COMPOSE_SERVICES', (plan.composeServices ?? []).join(' ')],
        ['PROXY_DIR_IN_HOME', deploy_plan/* PROXY_DIR_IN_HOME */.lH],
        ['ENGINE', plan.engine ?? 'compose'],
        ['SWARM_FILE', paths.swarm],
        ['ENV_SCRIPT', paths.envScript],
        ['CONVERGE_S', String(plan.convergeSeconds ?? 600)],
        ['COMPOSE_UP_PULL', plan.composeUpPull === undefined ? '' : plan.composeUpPull ? 'yes' : 'no'],
        ...dataStepVars(plan.steps),
    ];
    // Application services first (index = position in SERVICES), then infrastructure.
    const all = [...plan.services, ...(plan.infrastructure ?? []).map((s) => ({ ...s, rollbackRef: '', pinned: s.image }))];
    all.forEach((service, i) => {
        vars.push([`SVC_${i}_NAME`, service.name], [`SVC_${i}_ROLLBACK_REF`, service.rollbackRef], [`SVC_${i}_PINNED`, service.pinned ?? ''], [`SVC_${i}_HEALTH`, service.health.kind], [`SVC_${i}_URL`, service.health.kind === 'http' ? service.health.url : ''], [`SVC_${i}_CMD`, service.health.kind === 'cmd' ? (0,quote/* toShellString */.jY)(service.health.argv) : ''], [`SVC_${i}_TIMEOUT_MS`, String(service.timeoutMs)], [`SVC_${i}_INTERVAL_MS`, String(service.intervalMs)], [`SVC_${i}_SWITCH`, 'switch' in service ? (service.switch ?? '') : ''], [`SVC_${i}_REPLICAS`, String('replicas' in service ? (service.replicas ?? 1) : 1)], [`SVC_${i}_ROUTES`, 'routes' in service ? (service.routes ?? []).map((r) => `${r.hostIp}/${r.published}/${r.target}`).join(' ') : ''], [`SVC_${i}_DRAIN_S`, String('drainSeconds' in service ? (service.drainSeconds ?? 30) : 30)], [`SVC_${i}_DIRECT_URL`, 'directUrl' in service ? (service.directUrl ?? '') : ''], [`SVC_${i}_HOST_NAMES`, 'hostNames' in service ? (service.hostNames ?? []).join(' ') : '']);
    });
    return `${vars.map(([name, value]) => `${name}=${(0,quote/* quoteArg */.X1)(value)}`).join('\n')}\n`;
}
/** The compose override stack-deploy owns: each deployed service pinned to its digest. */
function renderImagesOverride(plan) {
    const services = {};
    for (const service of plan.services)
        if (service.pinned !== undefined)
            services[service.name] = { image: service.pinned };
    return `# Written by stack-deploy for run ${plan.runId}: the images of version ${plan.version}.\n${(0,dist/* stringify */.As)({ services })}`;
}
/**
 * Swarm: the compose override with each service's whole `deploy.update_config`, and the default
 * network attachable, so that the migrations (`docker compose run`) can join it.
 */
function renderSwarmOverride(plan) {
    const services = {};
    for (const update of plan.swarmUpdates ?? [])
        services[update.name] = { deploy: { update_config: update.config } };
    return `# Written by stack-deploy for run ${plan.runId}: each service's Swarm update.\n${(0,dist/* stringify */.As)({ services, networks: { default: { attachable: true } } })}`;
}
/** A name the shell can export (dotenv allows more: those cannot reach `${VAR}` of `docker stack deploy`). */
const SHELL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/u;
/** Names that would change the shell or the docker client that runs `docker stack deploy`, not the stack. */
const RUNNER_NAMES = new Set(['PATH', 'HOME', 'IFS', 'ENV', 'CDPATH', 'PS1', 'PS2', 'PS4', 'OPTIND', 'OPTARG', 'PWD', 'OLDPWD', 'PPID', 'UID', 'EUID', 'SHELL', 'SHELLOPTS', 'TMPDIR', 'POSIXLY_CORRECT']);
const RUNNER_PREFIXES = ['DOCKER_', 'LD_', 'BASH'];
/** Whether `${name}` from the env file can reach `docker stack deploy` (see renderEnvScript). */
function swarmCanInterpolate(name) {
    return SHELL_NAME.test(name) && !RUNNER_NAMES.has(name) && !RUNNER_PREFIXES.some((prefix) => name.startsWith(prefix));
}
/**
 * Swarm: the env file as `NAME='value'` lines, read by the shell that runs `docker stack deploy`
 * (for `${VAR}` in the compose files), and the names `left` out: those that would change that
 * shell or its docker client (PATH, IFS, DOCKER_HOST, ...), and those no shell can export.
 */
function renderEnvScript(envFile) {
    const entries = (0,dotenv/* dotenvEntries */.R)(envFile);
    return {
        script: entries.filter(([name]) => swarmCanInterpolate(name)).map(([name, value]) => `${name}=${(0,quote/* quoteArg */.X1)(value)}\n`).join(''),
        left: [...new Set(entries.map(([name]) => name).filter((name) => !swarmCanInterpolate(name)))],
    };
}
const ENV_LINE = /^(?:export\s+)?[A-Za-z_][A-Za-z0-9_]*=/u;
// A quoted value must be closed (Compose refuses the file otherwise, and then no switch or
// rollback can read it): '…' has no ' inside; "…" allows \" escapes. A comment may follow.
const QUOTED_VALUE_CLOSED = {
    "'": /^'[^']*'\s*(?:#.*)?$/u,
    '"': /^"(?:[^"\\]|\\.)*"\s*(?:#.*)?$/u,
};
/**
 * Checks the `env` input line by line (never echoing a line: it holds secrets). Called before
 * anything is built or changed.
 */
function checkEnvText(userEnv) {
    const lines = (userEnv ?? '').split(/\r?\n/u);
    lines.forEach((line, index) => {
        const trimmed = line.trim();
        if (trimmed === '' || trimmed.startsWith('#'))
            return;
        if (!ENV_LINE.test(trimmed)) {
            throw new errors/* StackDeployError */.O1(`line ${index + 1} of the env input is not NAME=value`, {
                step: 'select',
                hint: 'write one NAME=value per line (names: letters, digits and "_"); the line is not shown because it may hold a secret',
            });
        }
        const value = trimmed.slice(trimmed.indexOf('=') + 1).trim();
        const quoted = QUOTED_VALUE_CLOSED[value[0] ?? ''];
        if (quoted !== undefined && !quoted.test(value)) {
            throw new errors/* StackDeployError */.O1(`line ${index + 1} of the env input opens a quote it does not close`, {
                step: 'select',
                hint: 'close the quote (NAME=\'value\' or NAME="value", with \\" inside double quotes), or leave the value unquoted; the line is not shown because it may hold a secret',
            });
        }
    });
}
/** The stack's env file: the `env` input plus what the release knows about itself. */
function renderEnvFile(userEnv, plan) {
    checkEnvText(userEnv);
    const lines = (userEnv ?? '').split(/\r?\n/u);
    const own = [
        `STACK_DEPLOY_VERSION=${plan.version}`,
        `STACK_DEPLOY_ENVIRONMENT=${plan.environment}`,
        `BUILD_VERSION=${plan.version}`,
        `STACK_DEPLOY_ENV_FILE=${(0,deploy_plan/* hostPaths */.tO)(plan).envFile}`,
    ];
    const user = lines.filter((line) => line.trim() !== '').join('\n');
    return `${user === '' ? '' : `${user}\n`}${own.join('\n')}\n`;
}

;// CONCATENATED MODULE: ./src/deploy/tar-writer.ts
function field(text, length) {
    const buffer = Buffer.alloc(length);
    buffer.write(text, 'utf8');
    return buffer;
}
function octal(value, length) {
    return field(`${value.toString(8).padStart(length - 1, '0')}\0`, length);
}
/**
 * A ustar archive of regular files, for sending several files in one command. Paths must fit
 * ustar's 100-byte name field (stack-deploy's own paths and validated compose paths do).
 */
function createTar(files, mtime) {
    const blocks = [];
    for (const file of files) {
        const data = Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content, 'utf8');
        if (Buffer.byteLength(file.path) > 100)
            throw new Error(`archive path too long: ${file.path}`);
        const header = Buffer.concat([
            field(file.path, 100),
            octal(file.mode & 0o7777, 8),
            octal(0, 8),
            octal(0, 8),
            octal(data.length, 12),
            octal(Math.floor(mtime.getTime() / 1000), 12),
            Buffer.from('        '),
            Buffer.from('0'),
            field('', 100),
            field('ustar\0', 6),
            field('00', 2),
            field('', 32),
            field('', 32),
            octal(0, 8),
            octal(0, 8),
            field('', 155),
            field('', 12),
        ]);
        let sum = 0;
        for (const byte of header)
            sum += byte;
        header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
        blocks.push(header, data, Buffer.alloc((512 - (data.length % 512)) % 512));
    }
    blocks.push(Buffer.alloc(1024));
    return Buffer.concat(blocks);
}

// EXTERNAL MODULE: ./src/manifest/index.ts + 13 modules
var src_manifest = __webpack_require__(81237);
// EXTERNAL MODULE: ./src/manifest/schema.ts + 2 modules
var schema = __webpack_require__(49424);
// EXTERNAL MODULE: ./src/release/select.ts
var release_select = __webpack_require__(21677);
// EXTERNAL MODULE: ./src/registry/image-ref.ts
var image_ref = __webpack_require__(18230);
// EXTERNAL MODULE: ./src/engine/build.ts + 7 modules
var engine_build = __webpack_require__(38555);
// EXTERNAL MODULE: ./src/engine/connect.ts
var connect = __webpack_require__(2688);
// EXTERNAL MODULE: ./src/engine/environment.ts
var engine_environment = __webpack_require__(17507);
// EXTERNAL MODULE: ./src/engine/host-preflight.ts
var host_preflight = __webpack_require__(40988);
;// CONCATENATED MODULE: ./src/engine/lock.ts


function describeOwner(text) {
    try {
        const owner = JSON.parse(text);
        return `run ${owner.run ?? '?'} by ${owner.actor ?? '?'} since ${owner.started ?? '?'}${owner.url ? ` (${owner.url})` : ''}`;
    }
    catch {
        return text.trim() === '' ? 'an unknown run' : text.trim();
    }
}
/** The attempt's lock is the run's now (an expired lease taken over is reported). */
function lockTaken(attempt, host, reporter) {
    if (attempt.verdict === 'taken-over')
        reporter.warning(`took over an expired deploy lock on ${host}, held by ${describeOwner(attempt.holder)}`);
    return attempt.verdict !== 'held';
}
/**
 * Takes the host's deploy lock, waiting for a live holder up to `timeoutMs` (polling with
 * backoff), taking over an expired lease with a warning. `first`: the attempt already made (in
 * the preflight's round trip), so that the next one comes after the first wait.
 */
async function acquireLock(executor, args, clock, reporter) {
    const deadline = clock.now() + args.timeoutMs;
    let delay = 1_000;
    let announced = false;
    let attempt = args.first;
    for (;;) {
        if (attempt === undefined) {
            const result = await executor.run((0,remote_commands/* acquireLockCommand */.he)(args.lockDir, args.owner.run, JSON.stringify(args.owner), args.leaseSeconds), { step: 'lock' });
            const [verdict = '', ...rest] = result.stdout.split('\n');
            attempt = { verdict: verdict === 'acquired' || verdict === 'taken-over' ? verdict : 'held', holder: rest.join('\n') };
        }
        if (lockTaken(attempt, executor.host, reporter))
            return;
        const holder = describeOwner(attempt.holder);
        attempt = undefined;
        if (clock.now() + delay > deadline) {
            throw new errors/* StackDeployError */.O1(`another deploy holds the lock on ${executor.host}: ${holder}`, {
                host: executor.host,
                step: 'lock',
                hint: 'wait for it to finish (or raise lock-timeout); if that run is dead, its lease expires by itself, or run the unlock command',
            });
        }
        if (!announced) {
            reporter.info(`waiting for the deploy lock held by ${holder}`);
            announced = true;
        }
        await clock.sleep(delay);
        delay = Math.min(delay * 2, 10_000);
    }
}

// EXTERNAL MODULE: ./src/engine/settings.ts
var settings = __webpack_require__(94441);
// EXTERNAL MODULE: ./src/engine/release-plan.ts + 1 modules
var release_plan = __webpack_require__(90436);
// EXTERNAL MODULE: ./src/engine/stack-roles.ts
var stack_roles = __webpack_require__(65630);
// EXTERNAL MODULE: ./src/engine/release-images.ts
var release_images = __webpack_require__(21198);
// EXTERNAL MODULE: ./src/engine/rollout.ts
var rollout = __webpack_require__(54235);
// EXTERNAL MODULE: ./src/engine/validate.ts
var validate = __webpack_require__(56082);
;// CONCATENATED MODULE: ./src/engine/deploy.ts






























const LEASE_SECONDS = 15 * 60;
/** Times each phase of the run, for the summary. */
class PhaseTimer {
    now;
    phases = [];
    constructor(now) {
        this.now = now;
    }
    async time(phase, work) {
        const started = this.now();
        try {
            return await work();
        }
        finally {
            this.phases.push([phase, this.now() - started]);
        }
    }
}
/**
 * Frees this run's lock after a failure before the switch. Freeing it can fail too (the connection
 * that just broke, say): that is a warning, and the original error is the one the run reports.
 */
async function releaseLockAfterFailure(context, executor, lockDir, runId, host) {
    try {
        await executor.run((0,remote_commands/* releaseLockCommand */.OF)(lockDir, runId), { step: 'unlock', allowFailure: true });
        context.cleanup.lockSettled(host);
    }
    catch (error) {
        context.reporter.warning(`could not free the deploy lock on ${executor.host} (${error instanceof Error ? error.message : String(error)}). It expires by itself within ${LEASE_SECONDS / 60} minutes, or run the unlock command`);
    }
}
/**
 * Swarm: how long a stack deploy may take to converge: the longest health timeout of its
 * services, plus two minutes for Swarm's own update, monitor window and rollback.
 */
function convergeSeconds(manifest, names) {
    return Math.ceil(Math.max(0, ...names.map((name) => (0,stack_roles/* healthOf */.Wr)(manifest, name).timeoutMs)) / 1000) + 120;
}
function newRunId(now) {
    return `${now.toISOString().replace(/[-:]/gu, '').replace(/\.\d+Z$/u, 'Z')}-${(0,external_node_crypto_.randomBytes)(3).toString('hex')}`;
}
function rollbackRepository(manifest, service, targets) {
    return targets.find((t) => t.service === service)?.image ?? `stack-deploy/${manifest.name}-${service}`;
}
function deployServices(manifest, names, targets, project, switches) {
    return names.map((name) => ({
        name,
        rollbackRef: `${rollbackRepository(manifest, name, targets)}:${(0,src_manifest/* rollbackTag */.Np)(project, name)}`,
        pinned: targets.find((b) => b.service === name)?.pinned,
        ...(0,stack_roles/* healthOf */.Wr)(manifest, name),
        // Not known without the compose files (a rollback): the host switches it as the last deploy did.
        ...switches.get(name),
    }));
}
/** Compose hides a service's published ports with `!reset` from v2.24 on. */
function composeCanReset(compose) {
    const [major = 0, minor = 0] = compose.version.split('.').map((part) => Number.parseInt(part, 10));
    return compose.flavor === 'v2' && (major > 2 || (major === 2 && minor >= 24));
}
/** The name the host's proxy image is pulled and resolved under, with the infrastructure pins. */
const PROXY_PIN = 'stack-deploy-proxy';
/** A health URL that reaches a published port, aimed at the container itself (`__IP__`) instead. */
function directUrl(url, routes) {
    const port = (0,src_manifest/* urlPort */.lq)(url);
    const route = routes.find((r) => r.published === port);
    if (port === undefined || route === undefined)
        return undefined;
    const parsed = new URL(url);
    return `${parsed.protocol}//__IP__:${route.target}${parsed.pathname}${parsed.search}`;
}
/**
 * Each service's switch on the host, from its strategy (stack.yml and the environment's compose
 * files). Without the compose files (a rollback reads none) none: the host switches each service
 * as the last deploy did.
 */
function hostSwitches(manifest, environment, compose, names, owner) {
    const switches = new Map();
    if (compose === undefined)
        return switches;
    for (const name of names) {
        const decision = (0,src_manifest/* switchStrategyOf */.LL)(manifest, compose, name, owner);
        if (decision.strategy !== 'proxy') {
            switches.set(name, { switch: decision.strategy });
            continue;
        }
        const definition = compose.all.find((s) => s.name === name);
        const routes = (definition?.ports ?? [])
            .filter((port) => port.published !== undefined && /^\d+$/u.test(port.published) && port.protocol === 'tcp')
            .map((port) => ({ hostIp: port.hostIp ?? '*', published: port.published ?? '', target: port.target }));
        const health = (0,stack_roles/* healthOf */.Wr)(manifest, name).health;
        switches.set(name, {
            switch: 'proxy',
            routes,
            drainSeconds: Math.ceil((decision.drainTimeoutMs ?? src_manifest/* DEFAULT_DRAIN_TIMEOUT_MS */.It) / 1000),
            directUrl: health.kind === 'http' ? directUrl(health.url, routes) : undefined,
            hostNames: manifest.environments[environment]?.host_names?.[name] ?? [],
        });
    }
    return switches;
}
/** The run's files for the host, and its registry logins (`LOGINS_ENTRY`: the host keeps them out of the deploy path). */
async function uploadArchive(context, plan, manifestDir, logins) {
    const paths = (0,deploy_plan/* hostPaths */.tO)(plan);
    const relative = (abs) => abs.slice(plan.path.length + 1);
    const files = [];
    for (const file of plan.composeFiles) {
        const local = await realPathInside(manifestDir, file, `the compose file ${file}`);
        let content;
        try {
            content = await (0,promises_.readFile)(local, 'utf8');
        }
        catch {
            throw new errors/* StackDeployError */.O1(`the compose file ${file} cannot be read`, { step: 'upload', hint: `environments.${plan.environment}.compose names it relative to the directory of stack.yml (${manifestDir})` });
        }
        files.push({ path: file, content, mode: 0o600 });
    }
    // Scripts that smoke checks and hooks run on the host, with their local mode (executable bits).
    for (const script of hostScripts(plan.steps ?? NO_DATA_STEPS)) {
        const where = { step: 'upload', hint: 'smoke `run:` and hook programs that are paths name files relative to the directory of stack.yml, inside it' };
        if (script.split('/').includes('..'))
            throw new errors/* StackDeployError */.O1(`the script ${script} leaves the directory of stack.yml`, where);
        const local = await realPathInside(manifestDir, script, `the script ${script}`);
        let content;
        let mode;
        try {
            [content, mode] = await Promise.all([(0,promises_.readFile)(local), (0,promises_.stat)(local).then((info) => info.mode & 0o777)]);
        }
        catch {
            throw new errors/* StackDeployError */.O1(`the script ${script} (run by a smoke check or hook) cannot be read`, { ...where, hint: `${where.hint} (${manifestDir})` });
        }
        files.push({ path: script, content, mode });
    }
    const envFile = renderEnvFile(context.settings.envFile, plan);
    const envScript = plan.engine === 'swarm' ? renderEnvScript(envFile) : undefined;
    const left = envScript?.left ?? [];
    if (left.length > 0)
        context.reporter.warning(`${left.join(', ')} from the env input ${left.length === 1 ? 'is' : 'are'} not given to docker stack deploy for \${VAR} in the compose files: ${left.length === 1 ? 'it names' : 'they name'} a setting of the shell or docker client that runs it (env_file: still passes ${left.length === 1 ? 'it' : 'them'} to the containers)`);
    files.push({ path: relative(paths.images), content: renderImagesOverride(plan), mode: 0o600 }, { path: relative(paths.envFile), content: envFile, mode: 0o600 }, ...(envScript === undefined ? [] : [{ path: relative(paths.envScript), content: envScript.script, mode: 0o600 }]), ...(plan.swarmUpdates === undefined ? [] : [{ path: relative(paths.swarm), content: renderSwarmOverride(plan), mode: 0o600 }]), { path: relative(paths.script), content: TRANSACTION_SCRIPT, mode: 0o600 }, { path: `${relative(paths.runDir)}/plan.sh`, content: renderPlanScript(plan), mode: 0o600 }, { path: remote_commands/* LOGINS_ENTRY */.Md, content: logins, mode: 0o600 });
    return createTar(files, plan.startedAt);
}
/**
 * `registry<TAB>user<TAB>password` lines for the registries of `refs` that are the stack's own
 * (where its images are pushed): the deploy's credentials never go to another registry.
 */
function registryLogins(context, refs, ownRegistries) {
    const registries = [...new Set(refs.map((ref) => (0,image_ref/* parseImageRef */.Q)(ref).registry))].filter((registry) => ownRegistries.includes(registry));
    return registries
        .flatMap((registry) => {
        const credentials = (0,settings/* credentialsFor */.Og)(registry, context.settings);
        return credentials === undefined ? [] : [`${registry}\t${credentials.username}\t${credentials.password}\n`];
    })
        .join('');
}
/** How an earlier run ended on the host, as its events say. */
async function previousOutcome(executor, path, run) {
    const events = new EventStream(() => undefined);
    events.push((await executor.run((0,remote_commands/* readRunCommand */.pt)((0,deploy_plan/* hostPaths */.tO)({ path, runId: run.id }).runDir), { step: 'preflight' })).stdout);
    events.end();
    const outcome = outcomeOf(events.events);
    return outcome === undefined ? 'ended without a result (the host may have restarted)' : `ended with "${outcome.result}": ${outcome.message}`;
}
/**
 * Reports the host's previous run when no runner saw it end (its connection dropped). A run
 * still running is reported once this run holds the lock, that is once it has ended: see
 * `reportRunThatHeldTheLock`.
 */
async function reportPreviousRun(context, executor, path, last) {
    if (last === undefined || last.reported || last.running)
        return;
    context.reporter.warning(`the previous deploy (run ${last.id}) lost its connection before it finished; on the host it ${await previousOutcome(executor, path, last)}`);
}
/** After the lock: how the run that was still running when this one started ended. */
async function reportRunThatHeldTheLock(context, executor, path, last) {
    if (last === undefined || last.reported || !last.running)
        return;
    const how = await previousOutcome(executor, path, last);
    const message = `the previous deploy (run ${last.id}) was still running on the host when this run started; it ${how}`;
    if (how.startsWith('ended with "success"'))
        context.reporter.info(message);
    else
        context.reporter.warning(message);
}
/** One row per service; a service that shares a built image is labelled with it, an infrastructure service with its pin. */
function serviceTable(services, events) {
    const short = (image) => (image.startsWith('sha256:') ? image.slice(7, 19) : image === '' ? '—' : image);
    return {
        header: ['Service', 'From', 'To', 'Health'],
        rows: services.map((service) => {
            const of = (step) => events.findLast((e) => e.step === step && e.service === service.name);
            const health = of('health') ?? of('infrastructure');
            const rollback = of('rollback');
            const healthText = health === undefined ? 'not checked' : health.status === 'ok' ? 'healthy' : `${health.status}: ${health.message}`;
            return [service.label ?? service.name, short(of('record')?.message ?? ''), short(of('final')?.message ?? ''), rollback === undefined ? healthText : `${healthText}; rollback ${rollback.status}`];
        }),
    };
}
/** What the summary says about backups, migrations, smoke checks and hooks (nothing when none ran). */
function dataSummary(events) {
    const lines = [];
    const tables = [];
    const backups = events.filter((e) => e.step === 'backup' && e.status !== 'start' && e.status !== 'pruned');
    if (backups.length > 0) {
        const taken = backupsTaken(events);
        tables.push({
            header: ['Backup', 'File', 'Size'],
            rows: backups.map((e) => {
                const file = taken.find((t) => t.name === e.service && e.status === 'ok');
                return file === undefined ? [e.service, `${e.status}: ${e.message}`, '—'] : [e.service, file.path, (0,size/* formatBytes */.z3)(file.bytes)];
            }),
        });
        if (taken.length > 0)
            lines.push(`Backups taken: ${taken.map((t) => `${t.name} → ${t.path} (${(0,size/* formatBytes */.z3)(t.bytes)})`).join(', ')}.`);
    }
    const migrations = events.findLast((e) => e.step === 'migrations' && e.status !== 'start');
    const migrationsStarted = events.some((e) => e.step === 'migrations');
    if (migrations !== undefined)
        lines.push(migrations.status === 'ok' ? `Migrations ran in a one-off ${migrations.service} container.` : `Migrations failed: ${migrations.message}.`);
    else if (migrationsStarted)
        lines.push('Migrations started but did not report an end.');
    for (const warning of events.filter((e) => e.step === 'warning'))
        lines.push(`**Warning:** ${warning.message}.`);
    const smoke = events.filter((e) => e.step === 'smoke' && e.status !== 'start');
    if (smoke.length > 0)
        tables.push({ header: ['Smoke check', 'Result'], rows: smoke.map((e) => [e.service, e.status === 'ok' ? 'passed' : `${e.status}: ${e.message}`]) });
    const hooks = events.filter((e) => e.step === 'hook' && e.status !== 'start');
    if (hooks.length > 0)
        tables.push({ header: ['Hook', 'Result'], rows: hooks.map((e) => [e.service, e.status === 'ok' ? 'ok' : `${e.status}: ${e.message}`]) });
    return { lines, tables };
}
/** Runs `work` on every host at once; the first error (by host order) is thrown once all settled. */
async function onEveryHost(runs, several, work) {
    const settled = await Promise.allSettled(runs.map((run) => work(run)));
    const failed = settled.findIndex((s) => s.status === 'rejected');
    if (failed >= 0) {
        const run = runs[failed];
        const rejected = settled[failed];
        throw run === undefined || !several ? rejected.reason : (0,engine_environment/* onHostError */.yg)(run.label, rejected.reason);
    }
    return settled.map((s) => s.value);
}
/**
 * Connects to each host of the environment that runs a service of the request (at once), checks
 * them, takes their locks one by one in a fixed order, uploads and pulls on each, then switches
 * them in batches (`rollout`). A host that fails ends with its previous release (its transaction
 * rolls back); every host switched before it is then switched back to its own previous images,
 * and the run fails. Returns the run's result.
 */
async function switchEnvironment(context, request) {
    const { settings, reporter, clock } = context;
    const { manifest, environment, names, timer } = request;
    const infrastructure = request.kind === 'deploy' ? (request.infrastructure ?? []) : [];
    const several = environment.hosts.length > 1;
    const involved = environment.hosts.filter((h) => [...names, ...infrastructure.map((s) => s.name)].some((name) => (0,engine_environment/* runsService */.UQ)(h, name)));
    if (involved.length === 0) {
        throw new errors/* StackDeployError */.O1(`no host of environment ${environment.name} runs ${names.join(', ')}`, { step: 'select', hint: `environments.${environment.name}.hosts[].services says which services each host runs` });
    }
    const { path } = environment.config;
    const startedAt = new Date(clock.now());
    const runId = newRunId(startedAt);
    const paths = (0,deploy_plan/* hostPaths */.tO)({ path, runId });
    const newStream = (label) => new EventStream((event) => reporter.info(`${several ? `${label}: ` : ''}${describeEvent(event)}`), (line) => reporter.warning(`${several ? `the transaction on ${label}` : "the host's transaction"} wrote a progress line that is not an event, so it is left out of this report: ${line}`));
    const connectTitle = involved.map(engine_environment/* hostLabel */.vy).join(', ');
    const connected = await timer.time('connect', () => reporter.group(`Connect to ${connectTitle}`, async () => {
        const settled = await Promise.allSettled(involved.map((target) => (0,connect/* openConnection */.J)(context, (0,engine_environment/* onHost */.GH)(environment, target))));
        const failure = settled.find((s) => s.status === 'rejected');
        if (failure !== undefined) {
            await Promise.all(settled.map((s) => (s.status === 'fulfilled' ? s.value.close().catch(() => undefined) : undefined)));
            throw failure.reason;
        }
        return settled.map((s) => s.value);
    }));
    const runs = involved.map((target, i) => {
        const executor = connected[i];
        return {
            target,
            label: (0,engine_environment/* hostLabel */.vy)(target),
            executor,
            names: names.filter((name) => (0,engine_environment/* runsService */.UQ)(target, name)),
            infrastructure: infrastructure.filter((s) => (0,engine_environment/* runsService */.UQ)(target, s.name)),
            stream: newStream((0,engine_environment/* hostLabel */.vy)(target)),
            project: '',
            version: request.version,
            targets: (request.targets ?? []).filter((t) => (0,engine_environment/* runsService */.UQ)(target, t.service)),
            lockHeld: false,
            started: false,
        };
    });
    const freeLocks = async () => {
        for (const run of runs.filter((r) => r.lockHeld && r.lockOwner !== undefined)) {
            await releaseLockAfterFailure(context, run.executor, paths.lock, run.lockOwner ?? runId, run.label);
            run.lockHeld = false;
        }
    };
    const dataHosts = dataStepHosts(manifest, involved);
    const owner = { run: runId, actor: settings.actor ?? 'unknown', url: settings.runUrl ?? '', started: startedAt.toISOString() };
    const lockTakenOn = (run) => {
        run.lockHeld = true;
        run.lockOwner = runId;
        context.cleanup.lockTaken({ host: run.target.host, port: run.target.port, user: run.target.user, lockDir: paths.lock, runDir: paths.runDir, runId, script: paths.script });
    };
    try {
        try {
            const candidates = (0,engine_environment/* projectCandidates */.m)(manifest, environment.name);
            // The lock is taken in the preflight's round trip, on every host at once.
            const lock = { runId, owner: JSON.stringify(owner), leaseSeconds: LEASE_SECONDS };
            const preflights = await timer.time('preflight', () => onEveryHost(runs, several, async (run) => {
                const needsHttp = (0,host_preflight/* needsHttpProbe */.iA)(manifest, [...run.names, ...run.infrastructure.map((s) => s.name)], request.kind === 'deploy');
                const preflight = await (0,host_preflight/* runPreflight */.hg)(run.executor, path, needsHttp, candidates, { lock });
                if (preflight.lock !== undefined && preflight.lock.verdict !== 'held')
                    lockTakenOn(run);
                run.project = preflight.project;
                if (preflight.project !== candidates.name) {
                    reporter.warning(`${several ? `${run.label}: ` : ''}environment ${environment.name} keeps running as the Compose project "${preflight.project}", as deployed before each environment had a project of its own: a new project would start on new, empty named volumes. Set environments.${environment.name}.project: ${preflight.project} in stack.yml to keep it and silence this warning`);
                }
                reporter.info(`${several ? run.label : run.executor.host}: Docker ${preflight.docker}, compose ${preflight.compose.flavor} ${preflight.compose.version}, ${(0,size/* formatBytes */.z3)(preflight.freeBytes)} free`);
                const proxied = run.names.filter((name) => request.switches?.get(name)?.switch === 'proxy');
                if (proxied.length > 0 && !composeCanReset(preflight.compose)) {
                    throw new errors/* StackDeployError */.O1(`${proxied.join(', ')} ${proxied.length === 1 ? 'is' : 'are'} switched behind the host's proxy, which needs Docker Compose v2.24 or later on the host (it has ${preflight.compose.flavor} ${preflight.compose.version})`, {
                        host: run.executor.host,
                        step: 'preflight',
                        hint: `upgrade Docker Compose on the host (the proxy hides the services' published ports with \`!reset\`), or set services.<name>.switch: start-first or stop-first`,
                    });
                }
                await reportPreviousRun(context, run.executor, path, preflight.lastRun);
                if (request.resolveTargets !== undefined) {
                    const resolved = await request.resolveTargets(run.executor, run.project, run.names);
                    run.version = resolved.version;
                    run.targets = resolved.targets;
                }
                run.plan = {
                    runId,
                    environment: environment.name,
                    version: run.version,
                    project: run.project,
                    path,
                    flavor: preflight.compose.flavor,
                    composeFiles: environment.config.compose,
                    services: deployServices(manifest, run.names, run.targets, run.project, request.switches ?? new Map()),
                    proxyImage: proxied.length > 0 ? (manifest.proxy?.image ?? schema/* DEFAULT_PROXY_IMAGE */.l5) : undefined,
                    composeServices: request.composeServices,
                    infrastructure: run.infrastructure.map(({ name, image, health, timeoutMs, intervalMs }) => ({ name, image, health, timeoutMs, intervalMs })),
                    actor: settings.actor ?? 'unknown',
                    runUrl: settings.runUrl ?? '',
                    leaseSeconds: LEASE_SECONDS,
                    startedAt,
                    action: request.kind,
                    // Hooks, backups, migrations and smoke checks belong to deploys; a rollback runs none.
                    steps: request.kind === 'deploy' ? hostDataSteps(planDataSteps(manifest), dataHosts, run.target) : NO_DATA_STEPS,
                    keepLock: several,
                    engine: environment.config.engine ?? 'compose',
                    swarmUpdates: request.swarmUpdates,
                    convergeSeconds: convergeSeconds(manifest, [...run.names, ...run.infrastructure.map((i) => i.name)]),
                    composeUpPull: preflight.composeUpPull,
                };
                return preflight;
            }));
            const lastVersions = new Set(preflights.map((p) => p.lastVersion));
            if (several && lastVersions.size > 1) {
                reporter.warning(`the hosts disagree: ${runs.map((run, i) => `${run.label} runs ${preflights[i]?.lastVersion || 'nothing deployed yet'}`).join(', ')} (a run that did not finish on every host, or a host added since); this ${request.kind} brings every host to ${request.version}`);
            }
            for (const [i, run] of runs.entries()) {
                const attempt = preflights[i]?.lock;
                if (attempt !== undefined && run.lockHeld)
                    lockTaken(attempt, run.label, reporter);
            }
            if (runs.some((run) => !run.lockHeld)) {
                const first = new Map(runs.map((run, i) => [run, preflights[i]?.lock]));
                // Another run holds a lock: with several hosts, the locks this run took go back first, and
                // are then taken one host at a time, in one order for every run (by user@host:port), so
                // that two runs over the same hosts never hold one lock each while waiting for the other's.
                if (several) {
                    await freeLocks();
                    first.clear();
                }
                await timer.time('lock', async () => {
                    for (const run of [...runs].sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0))) {
                        if (run.lockHeld)
                            continue;
                        await acquireLock(run.executor, { lockDir: paths.lock, owner, leaseSeconds: LEASE_SECONDS, timeoutMs: settings.lockTimeoutMs, first: first.get(run) }, clock, reporter);
                        lockTakenOn(run);
                    }
                });
            }
            await Promise.all(runs.map((run, i) => reportRunThatHeldTheLock(context, run.executor, path, preflights[i]?.lastRun)));
            await onEveryHost(runs, several, (run) => uploadAndPull(context, request, run, run.plan, timer));
        }
        catch (error) {
            await freeLocks();
            throw error instanceof errors/* StackDeployError */.O1 ? new errors/* StackDeployError */.O1(`${error.message}; nothing running was changed`, error.context) : error;
        }
        const versions = [...new Set(runs.map((r) => r.version))];
        const version = versions.length === 1 ? (versions[0] ?? request.version) : request.version;
        if (!several) {
            await switchInBatches(context, request, runs, version, several, paths.lock);
            return switchResult(context, request, runs, version, several, undefined);
        }
        // From here every host's lock is the run's until endRollout (or freeLocks, whatever happens).
        try {
            const failure = await switchInBatches(context, request, runs, version, several, paths.lock);
            if (failure !== undefined)
                await undoSwitchedHosts(context, request, runs, failure.batch);
            const result = switchResult(context, request, runs, version, several, failure);
            await endRollout(context, runs, paths, {
                time: startedAt.toISOString(),
                actor: settings.actor ?? 'unknown',
                run_url: settings.runUrl ?? '',
                environment: environment.name,
                version,
                action: 'rollout',
                run: runId,
                result: result.status,
                of: request.kind,
                hosts: Object.fromEntries(runs.map((run) => [run.label, hostOutcome(run)])),
            });
            return result;
        }
        finally {
            await freeLocks();
        }
    }
    finally {
        await Promise.all(runs.map((run) => run.executor.close()));
    }
}
/** How a host's part of the run ended, in the `hosts` output and the environment's ledger line. */
function hostOutcome(run) {
    return run.undo === undefined ? (run.result ?? 'not switched') : `undone: ${run.undo.result}`;
}
/**
 * Writes the environment's ledger line (every host's outcome) on each host whose transaction ran
 * and whose lock the run still holds, and frees that lock in the same round trip. A host that was
 * not switched keeps its ledger as it was (freeLocks frees its lock).
 */
async function endRollout(context, runs, paths, line) {
    await Promise.all(runs
        .filter((run) => run.started && run.lockHeld && run.lockOwner !== undefined)
        .map(async (run) => {
        try {
            await run.executor.run((0,remote_commands/* endRolloutCommand */.s7)(paths, run.lockOwner ?? '', JSON.stringify(line)), { step: 'unlock' });
            run.lockHeld = false;
            context.cleanup.lockSettled(run.label);
        }
        catch (error) {
            context.reporter.warning(`${run.label}: could not write the environment's ledger line and free the lock (${error instanceof Error ? error.message : String(error)}); freeing the lock`);
        }
    }));
}
/** The first host (in stack.yml's order) that runs each service: where its backups and migrations run. */
function dataStepHosts(manifest, hosts) {
    const first = new Map();
    const services = [...(manifest.backup ?? []).map((b) => b.service), ...(manifest.migrations === undefined ? [] : [manifest.migrations.service])];
    for (const service of services) {
        const host = hosts.find((h) => (0,engine_environment/* runsService */.UQ)(h, service));
        if (host !== undefined)
            first.set(service, host);
    }
    return first;
}
/** A host's share of the data steps: backups and migrations once, on the first host running their service; smoke checks and hooks on every host. */
function hostDataSteps(steps, first, host) {
    return {
        ...steps,
        backups: steps.backups.filter((b) => first.get(b.service) === host),
        migrations: steps.migrations !== undefined && first.get(steps.migrations.service) === host ? steps.migrations : undefined,
    };
}
/** Uploads a host's files and pulls its images (with the run's registry logins). */
async function uploadAndPull(context, request, run, plan, timer) {
    const { reporter } = context;
    const several = request.environment.hosts.length > 1;
    const { manifest } = request;
    const paths = (0,deploy_plan/* hostPaths */.tO)(plan);
    const refs = [...new Set(run.targets.map((t) => t.pinned))];
    const infrastructure = plan.infrastructure ?? [];
    const pins = [...infrastructure.map((s) => ({ service: s.name, image: s.image })), ...(plan.proxyImage === undefined ? [] : [{ service: PROXY_PIN, image: plan.proxyImage }])];
    const logins = registryLogins(context, [...refs, ...pins.map((p) => p.image)], [manifest.registry?.host ?? src_manifest/* DEFAULT_REGISTRY_HOST */.Pu, ...refs.map((ref) => (0,image_ref/* parseImageRef */.Q)(ref).registry)]);
    const archive = await uploadArchive(context, plan, request.manifestDir, logins);
    await timer.time('upload and pull', () => reporter.group(`Upload the run's files and pull new images on ${several ? run.label : 'the host'}`, () => run.executor.run((0,remote_commands/* uploadAndPullCommand */.b2)(paths, archive, plan.runId, refs, pins, LEASE_SECONDS), {
        step: 'pull',
        timeoutMs: deploy_plan/* UPLOAD_TIMEOUT_MS */.zH + deploy_plan/* PULL_TIMEOUT_MS */.Pe,
        onOutput: (chunk) => reporter.info(chunk.trimEnd()),
    })));
}
/** Runs a host's transaction, streaming its events; records how it ended. */
async function runTransaction(context, run, plan, stream, several) {
    const paths = (0,deploy_plan/* hostPaths */.tO)(plan);
    try {
        await run.executor.run((0,remote_commands/* startTransactionCommand */.ki)(paths, plan.runId, plan.keepLock === true, LEASE_SECONDS), {
            step: 'switch',
            onOutput: (chunk, which) => {
                if (which === 'stdout')
                    stream.push(chunk);
            },
        });
        stream.end();
        const outcome = outcomeOf(stream.events);
        run.result = outcome?.result ?? 'failed';
        run.message = outcome?.message ?? 'no result';
    }
    catch (error) {
        stream.end();
        if (error instanceof errors/* StackDeployError */.O1 && error.context.exitCode === 255) {
            throw new errors/* StackDeployError */.O1(`${several ? `${run.label}: ` : ''}the SSH connection dropped during the switch; the transaction goes on on the host and ends with the new version or the previous one`, {
                ...error.context,
                hint: 'the next deploy (or the status command) reports how it ended',
            });
        }
        throw error;
    }
}
/** Runs the batch hooks (`hooks.pre_batch`, `hooks.post_batch`) on the runner; throws on the first failure. */
async function runBatchHooks(context, request, which, batch, index, version) {
    const hooks = request.manifest.hooks?.[which] ?? [];
    for (const argv of hooks) {
        const env = { STACK_DEPLOY_HOSTS: batch.map((r) => r.target.host).join(' '), STACK_DEPLOY_BATCH: String(index + 1), STACK_DEPLOY_ENVIRONMENT: request.environment.name, STACK_DEPLOY_VERSION: version };
        context.reporter.info(`hooks.${which} for ${env.STACK_DEPLOY_HOSTS}: ${argv.join(' ')}`);
        const result = await context.local.run({ argv }, { cwd: request.manifestDir, env, allowFailure: true, timeoutMs: deploy_plan/* HOOK_TIMEOUT_MS */.rU, step: 'hook', onOutput: (chunk) => context.reporter.info(chunk.trimEnd()) });
        if (result.exitCode !== 0) {
            throw new errors/* StackDeployError */.O1(`hooks.${which} ${argv.join(' ')} failed (exit ${result.exitCode}) for ${env.STACK_DEPLOY_HOSTS}`, { step: 'hook', hint: 'fix the hook, or run it by hand, then deploy again' });
        }
    }
}
/**
 * Switches the hosts batch by batch (`rollout`); the first batch with a failed host (or batch
 * hook) stops the rollout, and is returned. One host: its transaction, as it always was (it frees
 * its lock; an error is thrown).
 */
async function switchInBatches(context, request, runs, version, several, lockDir) {
    const { reporter, cleanup } = context;
    if (!several) {
        const run = runs[0];
        run.started = true;
        run.lockHeld = false; // from here the host's transaction owns the lock and frees it when it ends
        await request.timer.time('switch', () => reporter.group(`Switch ${request.names.join(', ')} to ${version}`, () => runTransaction(context, run, run.plan, run.stream, false)));
        cleanup.lockSettled();
        return undefined;
    }
    const batches = (0,rollout/* batchesOf */.cS)(runs.length, (0,rollout/* rolloutOf */.Zb)(request.environment.config)).map((batch) => batch.flatMap((i) => (runs[i] === undefined ? [] : [runs[i]])));
    const hookFailed = (index, error) => {
        const hook = error instanceof Error ? error.message : String(error);
        reporter.error(hook);
        return { batch: index, hook };
    };
    for (const [index, batch] of batches.entries()) {
        try {
            // Every lock the run holds lives a lease from now, however long the batches before took (the
            // first batch follows the pulls, which renew it as they go).
            if (index > 0)
                await renewLeases(runs, lockDir);
            await runBatchHooks(context, request, 'pre_batch', batch, index, version);
        }
        catch (error) {
            return hookFailed(index, error);
        }
        const title = `Switch ${batch.map((r) => r.label).join(', ')}${batches.length > 1 ? ` (batch ${index + 1} of ${batches.length})` : ''} to ${version}`;
        await request.timer.time('switch', () => reporter.group(title, () => Promise.all(batch.map(async (run) => {
            run.started = true;
            try {
                await runTransaction(context, run, run.plan, run.stream, true);
            }
            catch (error) {
                run.result = 'unknown';
                run.message = error instanceof Error ? error.message : String(error);
                reporter.error(run.message);
            }
        }))));
        if (batch.some((run) => run.result !== 'success'))
            return { batch: index };
        try {
            await runBatchHooks(context, request, 'post_batch', batch, index, version);
        }
        catch (error) {
            return hookFailed(index, error);
        }
    }
    return undefined;
}
/** Renews the lease of every lock the run holds (a rollout keeps them past its transactions). */
async function renewLeases(runs, lockDir) {
    await Promise.all(runs
        .filter((run) => run.lockHeld && run.lockOwner !== undefined)
        .map((run) => run.executor.run((0,remote_commands/* renewLeaseCommand */.r9)(lockDir, run.lockOwner ?? '', LEASE_SECONDS), { step: 'lock' }).catch((error) => Promise.reject((0,engine_environment/* onHostError */.yg)(run.label, error)))));
}
/**
 * After a failed batch: every host whose transaction succeeded (earlier batches, and the failed
 * batch's others) is switched back to its own previous images (its rollback images), under the
 * lock it still holds for this run. Hosts whose transaction failed have rolled back themselves.
 */
async function undoSwitchedHosts(context, request, runs, failedAt) {
    const { reporter } = context;
    const switched = runs.filter((run) => run.result === 'success');
    if (switched.length === 0)
        return;
    reporter.warning(`the rollout stopped at batch ${failedAt + 1}: switching ${switched.map((r) => r.label).join(', ')} back to the previous release`);
    await Promise.all(switched.map(async (run) => {
        const plan = run.plan;
        const undoId = `${plan.runId}-undo`;
        const paths = (0,deploy_plan/* hostPaths */.tO)({ path: plan.path, runId: undoId });
        const stream = new EventStream((event) => reporter.info(`${run.label} (undo): ${describeEvent(event)}`), () => undefined);
        try {
            const applications = run.names.filter((name) => (0,stack_roles/* isApplicationService */.WQ)(request.manifest, name, context.settings.repositoryOwner));
            if (applications.length === 0) {
                // As on a single host after a failed switch: infrastructure that passed its gate keeps its new pin.
                run.undo = { result: 'success', message: 'only infrastructure, which keeps its new pin', events: [] };
                return;
            }
            const repos = applications.map((name) => ({ name, repo: rollbackRepository(request.manifest, name, run.targets) }));
            const state = (0,host_inspect/* parseHostState */.V)((await run.executor.run((0,host_inspect/* inspectHostCommand */.g)(paths, { name: run.project }, repos), { step: 'undo' })).stdout, applications);
            const previous = (0,release_images/* rollbackImages */.BL)(state, repos);
            await run.executor.run((0,remote_commands/* handOverLockCommand */.sU)(paths.lock, run.lockOwner ?? plan.runId, undoId), { step: 'undo' });
            run.lockOwner = undoId;
            context.cleanup.lockTaken({ host: run.target.host, port: run.target.port, user: run.target.user, lockDir: paths.lock, runDir: paths.runDir, runId: undoId, script: paths.script });
            const undoPlan = {
                ...plan,
                runId: undoId,
                version: previous.version,
                services: deployServices(request.manifest, applications, previous.targets, run.project, new Map()),
                infrastructure: [],
                proxyImage: undefined,
                composeServices: undefined,
                action: 'rollback',
                steps: NO_DATA_STEPS,
            };
            await uploadAndPull(context, request, { ...run, targets: previous.targets }, undoPlan, request.timer);
            const undoRun = { ...run, result: undefined, message: undefined };
            await runTransaction(context, undoRun, undoPlan, stream, true);
            run.undo = { result: undoRun.result ?? 'failed', message: undoRun.message ?? '', events: stream.events };
        }
        catch (error) {
            const message = error instanceof errors/* StackDeployError */.O1 ? (0,errors/* describeError */.Uc)(error).replace(/\n\s*/gu, '; ') : String(error);
            run.undo = { result: 'failed', message, events: stream.events };
        }
        if (run.undo.result !== 'success')
            reporter.error(`${run.label}: switching back to the previous release failed: ${run.undo.message}`);
    }));
}
/** The run's result from every host's outcome. */
function switchResult(context, request, runs, version, several, failure) {
    const { reporter, settings } = context;
    const { manifest, environment, names } = request;
    const verb = request.kind === 'rollback' ? 'rollback' : 'deploy';
    const all = failure === undefined && runs.every((run) => run.result === 'success');
    const events = runs.flatMap((run) => run.stream.events);
    let status;
    let why;
    let result;
    if (!several) {
        const run = runs[0];
        result = run?.result ?? 'failed';
        why = run?.message ?? 'no result';
        status = result === 'success' ? 'success' : result === 'rolled-back' ? 'rolled-back' : 'failed';
    }
    else if (all) {
        result = 'success';
        why = '';
        status = 'success';
    }
    else {
        const failed = runs.filter((run) => run.result !== undefined && run.result !== 'success');
        why = [...failed.map((run) => `${run.label}: ${run.message ?? run.result ?? ''}`), ...(failure?.hook === undefined ? [] : [failure.hook])].join('; ') || 'no result';
        const restored = runs.every((run) => run.result === 'rolled-back' || run.result === 'failed' || (run.result === undefined && !run.started) || run.undo?.result === 'success');
        result = restored && runs.some((run) => run.result === 'rolled-back' || run.undo !== undefined) ? 'rolled-back' : restored ? 'failed' : 'rollback-failed';
        status = result === 'rolled-back' ? 'rolled-back' : 'failed';
    }
    const logs = events.filter((e) => (e.step === 'logs' || e.step === 'output') && e.message.trim() !== '');
    const lines = [];
    if (status === 'success')
        lines.push(`${names.join(', ')} now ${names.length === 1 ? 'runs' : 'run'} ${version} on ${environment.name}${several ? ` (${runs.length} hosts)` : ''}.`);
    else
        lines.push(`The ${verb} of ${version} to ${environment.name} failed: ${why}.`);
    if (status === 'rolled-back')
        lines.push(several ? 'Every host that had switched was switched back to its previous version.' : 'Every changed service was switched back to its previous version, which is healthy.');
    if (result === 'rollback-failed')
        lines.push('**The rollback did not finish cleanly: check the host.**');
    if (several) {
        for (const run of runs.filter((r) => !r.started))
            lines.push(`${run.label} was not switched.`);
    }
    const data = dataSummary(events);
    lines.push(...data.lines);
    for (const warning of events.filter((e) => e.step === 'warning'))
        reporter.warning(warning.message);
    const details = logs.length > 0 ? logs.map((e) => `${e.step === 'logs' ? 'last log lines' : 'last output lines'} of ${e.service}:\n${e.message}`).join('\n\n') : undefined;
    if (status !== 'success')
        reporter.error(`${verb} of ${version} to ${environment.name}: ${result}: ${why}${details === undefined ? '' : `\n${details}`}`);
    const targets = runs.flatMap((run) => run.targets);
    const labelled = (run) => [
        ...(run.plan?.services ?? []).map(({ name }) => {
            const kind = (0,src_manifest/* serviceKind */.Ae)(manifest, name, settings.repositoryOwner);
            return { name, label: kind.kind === 'shared' ? `${name} (shares ${kind.builder})` : name };
        }),
        ...(run.plan?.infrastructure ?? []).map(({ name, image }) => ({ name, label: `${name} (pinned ${image})` })),
    ];
    const first = runs[0];
    const serviceTables = several ? [hostServiceTable(runs, labelled)] : first === undefined ? [] : [serviceTable(labelled(first), first.stream.events)];
    return {
        status,
        outputs: {
            version,
            services: JSON.stringify(names),
            images: JSON.stringify(Object.fromEntries(targets.map((t) => [t.service, t.pinned]))),
            sizes: JSON.stringify(Object.fromEntries(targets.flatMap((t) => (t.bytes === undefined ? [] : [[t.service, t.bytes]])))),
            ...(several ? { hosts: JSON.stringify(Object.fromEntries(runs.map((run) => [run.label, hostOutcome(run)]))) } : {}),
        },
        summary: {
            title: `stack-deploy: ${environment.name} ${status === 'success' ? 'runs' : status === 'rolled-back' ? 'rolled back from' : `failed to ${verb} to`} ${version}`,
            lines,
            tables: [...serviceTables, ...data.tables, { header: ['Phase', 'Seconds'], rows: request.timer.phases.map(([phase, ms]) => [phase, (ms / 1000).toFixed(1)]) }],
            details,
        },
    };
}
/** One row per service, one column per host: what each host runs now, and how it got there. */
function hostServiceTable(runs, labelled) {
    const services = new Map();
    for (const run of runs)
        for (const s of labelled(run))
            if (!services.has(s.name))
                services.set(s.name, s.label);
    const cell = (run, service) => {
        if (!labelled(run).some((s) => s.name === service))
            return '—';
        if (!run.started)
            return 'not switched';
        const table = serviceTable([{ name: service }], run.stream.events).rows[0] ?? [];
        const [, from = '', to = '', health = ''] = table;
        const undo = run.undo === undefined ? '' : `; switched back: ${run.undo.result === 'success' ? serviceTable([{ name: service }], run.undo.events).rows[0]?.[2] ?? 'ok' : run.undo.message}`;
        return `${from} → ${to} (${health})${undo}`;
    };
    return { header: ['Service', ...runs.map((r) => r.label)], rows: [...services].map(([name, label]) => [label, ...runs.map((run) => cell(run, name))]) };
}
/** Images of `version` already in the registry (promotion without a rebuild). */
async function promotedImages(context, builds, versionTag) {
    const clients = new Map();
    const found = await Promise.all(builds.map(async (build) => {
        const { registry, repository } = (0,image_ref/* parseImageRef */.Q)(build.image);
        const manifest = await (0,engine_build/* registryClientFor */.CA)(context, registry, clients).manifest(repository, versionTag);
        return { build, digest: manifest?.digest };
    }));
    const missing = found.filter((f) => f.digest === undefined).map((f) => `${f.build.image}:${versionTag}`);
    if (missing.length > 0) {
        throw new errors/* StackDeployError */.O1(`${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not in the registry`, {
            step: 'select',
            hint: `build and push version ${versionTag} first (command: build), or deploy with build: 'true'`,
        });
    }
    return found.map(({ build, digest }) => ({ service: build.service, image: build.image, pinned: `${build.image}@${digest ?? ''}` }));
}
/** `deploy`: build and push (or promote existing images), then switch the environment's host. */
async function deploy(context) {
    const { settings, reporter, clock } = context;
    const timer = new PhaseTimer(() => clock.now());
    checkEnvText(settings.envFile);
    // The env file the host gets: the compose files' required variables are checked against it now.
    const variables = new Map([...(0,dotenv/* parseDotenv */.q)(settings.envFile ?? ''), ['STACK_DEPLOY_VERSION', settings.version ?? 'release'], ['BUILD_VERSION', settings.version ?? 'release']]);
    if (settings.environment !== undefined)
        variables.set('STACK_DEPLOY_ENVIRONMENT', settings.environment);
    const loaded = await (0,validate/* loadAndReport */.I)(settings.manifest, reporter, 'invalid', variables);
    if (!loaded.ok)
        return loaded.result;
    const manifest = loaded.manifest;
    const manifestDir = (0,external_node_path_.dirname)((0,external_node_path_.resolve)(settings.manifest));
    const environment = (0,engine_environment/* resolveEnvironment */.g9)(manifest, settings.environment);
    await context.onEnvironment?.(environment.name);
    const infrastructure = (0,stack_roles/* infrastructureOf */.fm)(manifest, environment.name, loaded.compose[environment.name], settings.repositoryOwner);
    if (!settings.build && settings.version === undefined) {
        throw new errors/* StackDeployError */.O1('build is "false" but no version says which images to deploy', {
            step: 'select',
            hint: 'set the input "version" to a version already in the registry (promotion), or leave build on',
        });
    }
    const buildPlan = (0,release_plan/* planRelease */.F)(settings, manifest, new Date(clock.now()));
    const names = (0,release_plan/* servicesInEnvironment */.T)(buildPlan, manifest, environment.name, settings.repositoryOwner);
    const builds = buildPlan.builds.filter((b) => names.includes(b.service));
    const versionTag = (0,release_select/* dockerTagFor */.WV)(buildPlan.version);
    let targets = [];
    if (builds.length > 0) {
        targets = settings.build
            ? (await timer.time('build', () => (0,engine_build/* buildAndPublish */.T0)(context, builds, versionTag))).map((b) => ({ service: b.service, image: b.image, pinned: b.pinned ?? '', bytes: b.bytes }))
            : await timer.time('resolve', () => reporter.group(`Find ${versionTag} in the registry`, () => promotedImages(context, builds, versionTag)));
    }
    // A service that shares a built image runs exactly that image.
    targets = [...targets, ...names.flatMap((name) => {
            const kind = (0,src_manifest/* serviceKind */.Ae)(manifest, name, settings.repositoryOwner);
            const builder = kind.kind === 'shared' ? targets.find((t) => t.service === kind.builder) : undefined;
            return builder === undefined ? [] : [{ ...builder, service: name, bytes: undefined }];
        })];
    const model = loaded.compose[environment.name];
    const swarm = environment.config.engine === 'swarm';
    // Under Swarm, Swarm replaces the tasks (each service's update_config): no host switch, no proxy.
    const switches = swarm ? new Map() : hostSwitches(manifest, environment.name, model, names, settings.repositoryOwner);
    const composeServices = model?.all.map((s) => s.name);
    const swarmUpdates = swarm ? (composeServices ?? []).map((name) => ({ name, config: (0,src_manifest/* swarmUpdateOf */.VT)(manifest, model, name).config })) : undefined;
    return switchEnvironment(context, { manifest, manifestDir, environment, names, version: buildPlan.version, kind: 'deploy', timer, targets, infrastructure, switches, composeServices, swarmUpdates });
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

/***/ 40988:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   hg: () => (/* binding */ runPreflight),
/* harmony export */   iA: () => (/* binding */ needsHttpProbe)
/* harmony export */ });
/* unused harmony export MIN_FREE_BYTES */
/* harmony import */ var _errors__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(83916);
/* harmony import */ var _deploy_plan__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(5448);
/* harmony import */ var _deploy_remote_commands__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(46748);



/**
 * Whether `services` (default: every service) or, for a deploy, a smoke check probe over HTTP,
 * so that the host needs curl or wget.
 */
function needsHttpProbe(manifest, services = Object.keys(manifest.services), smoke = true) {
    return services.some((name) => manifest.services[name]?.health?.http !== undefined) || (smoke && (manifest.smoke ?? []).some((check) => 'http' in check));
}
/** Free space below this on the deploy path or Docker's data root fails the preflight: pulls and backups need room. */
const MIN_FREE_BYTES = 500 * 1024 * 1024;
/** What each tool the preflight reports missing lacks; the transaction uses every one. */
const MISSING_TOOL = {
    date: '`date +%s%3N` does not print milliseconds (GNU date)',
    tail: '`tail` has no --pid option (GNU tail)',
    timeout: '`timeout` has no -k/--kill-after option (GNU timeout)',
    flock: '`flock` is not installed (util-linux)',
};
/**
 * One round trip: Docker, Compose, free space, the deploy directory, the previous run, and with
 * `lock` the deploy lock taken last (see `acquireLock` for a lock another run holds). Changes
 * nothing running; with `readOnly` (check) it changes nothing at all. A host that fails a check
 * after its lock was taken gets its lock back (one more round trip, on that failure only).
 */
async function runPreflight(executor, path, needsHttpProbe, project = { name: '' }, options = {}) {
    const paths = (0,_deploy_plan__WEBPACK_IMPORTED_MODULE_1__/* .hostPaths */ .tO)({ path, runId: '' });
    const result = await executor.run((0,_deploy_remote_commands__WEBPACK_IMPORTED_MODULE_2__/* .preflightCommand */ .LB)(paths, project.name, project.legacy, options.readOnly === true, options.lock), { step: 'preflight' });
    const facts = new Map();
    for (const line of result.stdout.split('\n')) {
        const at = line.indexOf('=');
        if (at > 0)
            facts.set(line.slice(0, at), line.slice(at + 1).trim());
    }
    const lock = options.lock === undefined ? undefined : lockAttemptOf(executor, facts);
    try {
        return checkFacts(executor, path, needsHttpProbe, project, facts, lock);
    }
    catch (error) {
        if (options.lock !== undefined && (lock?.verdict === 'acquired' || lock?.verdict === 'taken-over')) {
            await executor.run((0,_deploy_remote_commands__WEBPACK_IMPORTED_MODULE_2__/* .releaseLockCommand */ .OF)(paths.lock, options.lock.runId), { step: 'unlock', allowFailure: true }).catch(() => undefined);
        }
        throw error;
    }
}
/** The lock lines of the preflight's output; a lock that could not be taken at all throws. */
function lockAttemptOf(executor, facts) {
    const verdict = facts.get('lock');
    if (verdict === undefined)
        return undefined;
    if (verdict === 'acquired' || verdict === 'taken-over' || verdict === 'held')
        return { verdict, holder: facts.get('lock_owner') ?? '' };
    throw new _errors__WEBPACK_IMPORTED_MODULE_0__/* .StackDeployError */ .O1(`the deploy lock cannot be taken: ${facts.get('lock_error') || 'the lock program failed'}`, {
        host: executor.host,
        step: 'lock',
        hint: 'check that the deploy user can write the deploy directory, and that flock (util-linux) is installed on the host',
    });
}
function checkFacts(executor, path, needsHttpProbe, project, facts, lock) {
    const where = { host: executor.host, step: 'preflight' };
    const docker = facts.get('docker') ?? '';
    if (docker === '') {
        throw new _errors__WEBPACK_IMPORTED_MODULE_0__/* .StackDeployError */ .O1('the Docker engine is not reachable on the host', {
            ...where,
            hint: 'install Docker on the host and add the SSH user to the "docker" group',
        });
    }
    const [flavor, version = ''] = (facts.get('compose') ?? 'none').split(' ');
    if (flavor !== 'v2' && flavor !== 'v1') {
        throw new _errors__WEBPACK_IMPORTED_MODULE_0__/* .StackDeployError */ .O1('Docker Compose is not installed on the host', { ...where, hint: 'install the Compose v2 plugin ("docker compose") on the host' });
    }
    if (facts.get('path') !== 'ok') {
        throw new _errors__WEBPACK_IMPORTED_MODULE_0__/* .StackDeployError */ .O1(`the deploy directory ${path} cannot be created or written by the SSH user`, {
            ...where,
            hint: `create it on the host and give the deploy user write access (sudo install -d -o USER ${path})`,
        });
    }
    const freeBytes = Number(facts.get('free_kb') ?? '0') * 1024;
    if (freeBytes < MIN_FREE_BYTES) {
        throw new _errors__WEBPACK_IMPORTED_MODULE_0__/* .StackDeployError */ .O1(`only ${Math.round(freeBytes / 1024 / 1024)} MiB are free on the host under ${path}`, {
            ...where,
            hint: 'free disk space on the host (docker image prune removes unused images; stack-deploy never removes rollback images)',
        });
    }
    const dockerRoot = facts.get('docker_root') ?? '';
    const dockerFree = facts.get('docker_free_kb') ?? '';
    if (dockerRoot !== '' && dockerFree !== '' && Number(dockerFree) * 1024 < MIN_FREE_BYTES) {
        throw new _errors__WEBPACK_IMPORTED_MODULE_0__/* .StackDeployError */ .O1(`only ${Math.round((Number(dockerFree) * 1024) / 1024 / 1024)} MiB are free on the host under Docker's data root ${dockerRoot}`, {
            ...where,
            hint: 'free disk space there (docker image prune removes unused images; stack-deploy never removes rollback images): pulls and new containers need it',
        });
    }
    const httpProbe = (facts.get('http_probe') ?? 'none');
    if (needsHttpProbe && httpProbe === 'none') {
        throw new _errors__WEBPACK_IMPORTED_MODULE_0__/* .StackDeployError */ .O1('an http health check needs curl or wget on the host, and neither is installed', { ...where, hint: 'install curl on the host' });
    }
    if (facts.get('setsid') !== 'yes') {
        throw new _errors__WEBPACK_IMPORTED_MODULE_0__/* .StackDeployError */ .O1('setsid is not installed on the host', { ...where, hint: 'install util-linux on the host' });
    }
    const missing = (facts.get('missing_tools') ?? '').split(' ').filter((tool) => tool !== '');
    if (missing.length > 0) {
        throw new _errors__WEBPACK_IMPORTED_MODULE_0__/* .StackDeployError */ .O1(`the host's ${missing.map((tool) => MISSING_TOOL[tool] ?? tool).join(', ')}`, {
            ...where,
            hint: 'install GNU coreutils and util-linux on the host (busybox versions of these tools lack these options)',
        });
    }
    const lastId = facts.get('last_run');
    const lastResult = facts.get('last_result') ?? '';
    return {
        docker,
        compose: { flavor, version },
        freeBytes,
        httpProbe,
        project: facts.get('project') || project.name,
        lastVersion: facts.get('last_version') ?? '',
        composeUpPull: facts.has('compose_up_pull') ? facts.get('compose_up_pull') === 'yes' : undefined,
        lock,
        lastRun: lastId === undefined
            ? undefined
            : {
                id: lastId,
                result: lastResult,
                // Writing its result is the transaction's last act before it frees the lock and exits: with
                // a result it has ended, even while its process still shows (a process that outlived its
                // parent stays until the system's init collects it, and `kill -0` finds it until then).
                running: facts.get('last_running') === 'yes' && lastResult === '',
                reported: facts.get('last_reported') === 'yes',
            },
    };
}


/***/ }),

/***/ 21198:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   BL: () => (/* binding */ rollbackImages),
/* harmony export */   ZL: () => (/* binding */ previousReleaseImages),
/* harmony export */   s2: () => (/* binding */ imagesOfVersion)
/* harmony export */ });
/* harmony import */ var _errors__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(83916);
/* harmony import */ var _release_select__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(21677);


/** The images the ledger records for the last successful deploy of `version`, per service. */
function imagesOfVersion(state, repos, version, environment) {
    // A run over several hosts adds a line for the environment (`rollout`): each host's own line says what it ran.
    const successes = state.ledger.filter((entry) => entry.result === 'success' && (entry.action ?? 'deploy') !== 'unlock' && entry.action !== 'rollout' && entry.version !== undefined);
    const matching = successes.filter((entry) => entry.version === version || (0,_release_select__WEBPACK_IMPORTED_MODULE_1__/* .dockerTagFor */ .WV)(entry.version ?? '') === (0,_release_select__WEBPACK_IMPORTED_MODULE_1__/* .dockerTagFor */ .WV)(version));
    if (matching.length === 0) {
        const known = [...new Set(successes.map((entry) => entry.version))].reverse();
        throw new _errors__WEBPACK_IMPORTED_MODULE_0__/* .StackDeployError */ .O1(`version "${version}" was never deployed successfully to ${environment}`, {
            step: 'select',
            hint: known.length === 0 ? 'the ledger on the host has no successful deploy yet' : `the ledger knows: ${known.join(', ')}`,
        });
    }
    return repos.map(({ name, repo }) => {
        const record = matching
            .flatMap((entry) => entry.services ?? [])
            .filter((service) => service.name === name && service.pinned !== '')
            .at(-1);
        if (record === undefined) {
            throw new _errors__WEBPACK_IMPORTED_MODULE_0__/* .StackDeployError */ .O1(`service ${name} was not part of a deploy of version ${version}`, {
                service: name,
                step: 'select',
                hint: 'choose the services of that release with the input "services"',
            });
        }
        return { service: name, image: repo, pinned: record.pinned };
    });
}
/** Each service's rollback image (`<repo>:rollback-<project>-<service>`), by digest; and the version it carries. */
function rollbackImages(state, repos) {
    const versions = new Set();
    const targets = repos.map(({ name, repo }) => {
        const rollback = state.services.find((service) => service.name === name)?.rollback;
        const digest = rollback?.repoDigests.find((ref) => ref.startsWith(`${repo}@`));
        if (rollback === undefined || digest === undefined) {
            throw new _errors__WEBPACK_IMPORTED_MODULE_0__/* .StackDeployError */ .O1(`there is no previous version of ${name} to roll back to on the host`, {
                service: name,
                step: 'select',
                hint: 'a service gets a rollback image from its second deploy on; to go to a given release, set the input "version"',
            });
        }
        if (rollback.version !== undefined)
            versions.add(rollback.version);
        return { service: name, image: repo, pinned: digest };
    });
    return { version: versions.size === 1 ? [...versions][0] ?? 'previous' : 'previous', targets };
}
/**
 * Under Swarm, where no rollback image is tagged: per service, the image it ran before the one it
 * runs, as the ledger says (its last successful deploy or rollback with another image), and the
 * version when they all come from one release.
 */
function previousReleaseImages(state, repos, environment) {
    const successes = state.ledger.filter((entry) => entry.result === 'success' && (entry.action ?? 'deploy') !== 'unlock' && entry.action !== 'rollout' && entry.version !== undefined);
    const versions = new Set();
    const targets = repos.map(({ name, repo }) => {
        const records = successes.flatMap((entry) => (entry.services ?? []).filter((service) => service.name === name && service.pinned !== '').map((service) => ({ version: entry.version ?? '', pinned: service.pinned })));
        const current = records.at(-1);
        const previous = records.filter((record) => record.pinned !== current?.pinned).at(-1);
        if (previous === undefined) {
            throw new _errors__WEBPACK_IMPORTED_MODULE_0__/* .StackDeployError */ .O1(`there is no previous version of ${name} in ${environment} to roll back to`, {
                service: name,
                step: 'select',
                hint: current === undefined ? 'the ledger on the host has no successful deploy of it yet' : `the ledger knows only ${current.version} of it; to go to a given release, set the input "version"`,
            });
        }
        versions.add(previous.version);
        return { service: name, image: repo, pinned: previous.pinned };
    });
    return { version: versions.size === 1 ? ([...versions][0] ?? 'previous') : 'previous', targets };
}


/***/ }),

/***/ 90436:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  F: () => (/* binding */ planRelease),
  T: () => (/* binding */ servicesInEnvironment)
});

// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(83916);
// EXTERNAL MODULE: ./src/manifest/index.ts + 13 modules
var src_manifest = __webpack_require__(81237);
// EXTERNAL MODULE: ./src/release/select.ts
var release_select = __webpack_require__(21677);
;// CONCATENATED MODULE: ./src/build/plan.ts




/** Which services a run releases, under which version: from the ref, the inputs and stack.yml. */
function selectServices(input) {
    if (input.ref === undefined || input.sha === undefined) {
        throw new errors/* StackDeployError */.O1('cannot tell which commit is being released: no Git ref and SHA', {
            step: 'select',
            hint: 'run inside a Git checkout, or pass --ref (the CLI) / run from a workflow (the action)',
        });
    }
    // Only built services are released; a service that shares a built image is released with it.
    const manifest = input.manifest;
    const built = Object.keys(manifest.services).filter((name) => manifest.services[name]?.build !== undefined);
    const services = built.map((name) => ({ name, releaseTag: (0,src_manifest/* releaseTagPattern */.Yt)(manifest, name) }));
    const requested = [...new Set(input.requested.map((name) => manifest.services[name]?.image_from ?? builderByImage(manifest, name) ?? name))];
    const infrastructure = requested.filter((name) => manifest.services[name] !== undefined && !built.includes(name));
    if (infrastructure.length > 0) {
        throw new errors/* StackDeployError */.O1(`${infrastructure.join(', ')} ${infrastructure.length === 1 ? 'is' : 'are'} not released by stack-deploy: ${infrastructure.length === 1 ? 'it runs' : 'they run'} the image pinned in stack.yml or the compose files`, {
            step: 'select',
            hint: 'to change a pinned service, change its tag or digest and deploy; request built services only',
        });
    }
    const selection = (0,release_select/* selectRelease */.gQ)({ ref: input.ref, sha: input.sha, services, requested });
    const version = input.version ?? selection.version;
    if (!(0,release_select/* isValidDockerTag */.dR)((0,release_select/* dockerTagFor */.WV)(version))) {
        throw new errors/* StackDeployError */.O1(`the version "${version}" cannot be an image tag`, {
            step: 'select',
            hint: 'use letters, digits, ".", "_" and "-" (at most 128 characters, not starting with "." or "-")',
        });
    }
    return { version, selection };
}
/** The built service whose repository a service without `build` names as its `image` (no tag), if any. */
function builderByImage(manifest, name) {
    const image = manifest.services[name]?.image;
    if (image === undefined || manifest.services[name]?.build !== undefined)
        return undefined;
    return Object.keys(manifest.services).find((other) => manifest.services[other]?.build !== undefined && manifest.services[other]?.image === image);
}
/** Everything the build phase will do, decided before anything runs. */
function planBuild(input) {
    const { version, selection } = selectServices(input);
    const versionTag = (0,release_select/* dockerTagFor */.WV)(version);
    const shaTag = `sha-${selection.shortSha}`;
    const builds = [];
    for (const service of selection.services) {
        const config = input.manifest.services[service];
        const build = config?.build;
        if (config === undefined || build === undefined)
            continue;
        const image = (0,src_manifest/* defaultImage */.XS)(input.manifest, service, input.repositoryOwner);
        const refs = [...new Set([`${image}:${versionTag}`, `${image}:${shaTag}`])];
        const labels = {
            'org.opencontainers.image.created': input.now.toISOString(),
            'org.opencontainers.image.revision': input.sha ?? '',
            'org.opencontainers.image.title': `${input.manifest.name}-${service}`,
            'org.opencontainers.image.version': version,
        };
        if (input.repositoryUrl !== undefined)
            labels['org.opencontainers.image.source'] = input.repositoryUrl;
        builds.push({
            service,
            image,
            releaseRef: `${image}:${versionTag}`,
            refs,
            context: (0,external_node_path_.isAbsolute)(build.context) ? build.context : (0,external_node_path_.resolve)(input.manifestDir, build.context),
            dockerfile: build.dockerfile,
            target: build.target,
            buildArgs: build.args ?? {},
            labels,
            platforms: build.platforms,
            network: build.network,
            sizeLimit: config.size_limit,
        });
    }
    return { version, selection, builds };
}

;// CONCATENATED MODULE: ./src/engine/release-plan.ts




/** The release the run's ref, inputs and stack.yml describe: services, version, images to build. */
function planRelease(settings, manifest, now) {
    return planBuild({
        manifest,
        manifestDir: (0,external_node_path_.dirname)((0,external_node_path_.resolve)(settings.manifest)),
        ref: settings.ref,
        sha: settings.sha,
        requested: settings.services,
        version: settings.version,
        repositoryOwner: settings.repositoryOwner,
        repositoryUrl: settings.repositoryUrl,
        now,
    });
}
/** The released services that the environment runs; an error when there are none. */
function servicesInEnvironment(release, manifest, environment, repositoryOwner) {
    const inEnvironment = (0,src_manifest/* environmentServices */.og)(manifest, environment);
    const released = new Set(release.selection.services.flatMap((name) => [name, ...(0,src_manifest/* followersOf */.n$)(manifest, name, repositoryOwner)]));
    const names = inEnvironment.filter((name) => released.has(name));
    if (names.length === 0) {
        const released = release.selection.services;
        throw new errors/* StackDeployError */.O1(`${released.join(', ')} ${released.length === 1 ? 'is' : 'are'} not deployed to ${environment}`, {
            step: 'select',
            hint: `environment "${environment}" runs: ${inEnvironment.join(', ')}`,
        });
    }
    return names;
}


/***/ }),

/***/ 54235:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Zb: () => (/* binding */ rolloutOf),
/* harmony export */   cS: () => (/* binding */ batchesOf)
/* harmony export */ });
/* unused harmony export batchSize */
function rolloutOf(environment) {
    const rollout = environment.rollout;
    return { strategy: rollout?.strategy ?? 'parallel', batch: rollout?.batch ?? 1, canary: rollout?.canary ?? false };
}
/** Hosts per batch: a count, or a percentage of `hosts` rounded up; at least 1. */
function batchSize(batch, hosts) {
    if (typeof batch === 'number')
        return Math.max(1, batch);
    const percent = Number.parseInt(batch, 10);
    return Math.max(1, Math.ceil((hosts * percent) / 100));
}
/**
 * The batches `count` hosts switch in, as indexes in stack.yml's order: with `canary` the first
 * host alone first; then every other host at once (parallel) or `batch` at a time (rolling).
 */
function batchesOf(count, rollout) {
    const indexes = Array.from({ length: count }, (_, i) => i);
    const batches = [];
    let rest = indexes;
    if (rollout.canary && count > 1) {
        batches.push([0]);
        rest = indexes.slice(1);
    }
    if (rest.length === 0)
        return batches;
    if (rollout.strategy === 'parallel')
        return [...batches, rest];
    const size = batchSize(rollout.batch, count);
    for (let i = 0; i < rest.length; i += size)
        batches.push(rest.slice(i, i + size));
    return batches;
}


/***/ }),

/***/ 65630:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   WQ: () => (/* binding */ isApplicationService),
/* harmony export */   Wr: () => (/* binding */ healthOf),
/* harmony export */   fm: () => (/* binding */ infrastructureOf),
/* harmony export */   mO: () => (/* binding */ infrastructureAction),
/* harmony export */   oH: () => (/* binding */ recordedPin)
/* harmony export */ });
/* unused harmony exports DEFAULT_HEALTH_TIMEOUT_MS, DEFAULT_HEALTH_INTERVAL_MS */
/* harmony import */ var _compose_model__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8320);
/* harmony import */ var _errors__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(83916);
/* harmony import */ var _manifest__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(81237);



const DEFAULT_HEALTH_TIMEOUT_MS = 60_000;
const DEFAULT_HEALTH_INTERVAL_MS = 1_000;
/** A service's health gate as stack.yml configures it (none: the container's own, or running without restarts). */
function healthOf(manifest, name) {
    const health = manifest.services[name]?.health;
    return {
        health: health?.http !== undefined ? { kind: 'http', url: health.http } : health?.cmd !== undefined ? { kind: 'cmd', argv: health.cmd } : { kind: 'auto' },
        timeoutMs: health?.timeout ?? DEFAULT_HEALTH_TIMEOUT_MS,
        intervalMs: health?.interval ?? DEFAULT_HEALTH_INTERVAL_MS,
    };
}
/** Built services and the services that share their images: what releases switch. */
function isApplicationService(manifest, name, repositoryOwner) {
    if (manifest.services[name] === undefined)
        return false;
    const kind = (0,_manifest__WEBPACK_IMPORTED_MODULE_2__/* .serviceKind */ .Ae)(manifest, name, repositoryOwner).kind;
    return kind === 'built' || kind === 'shared';
}
/**
 * The infrastructure an environment runs: its pinned and compose-only services, whether declared
 * in stack.yml or only in the compose files. With an explicit `services` list, compose-only
 * services count when listed or when a listed service depends on them.
 */
function infrastructureOf(manifest, environment, compose, repositoryOwner) {
    const explicit = manifest.environments[environment]?.services;
    const declared = (0,_manifest__WEBPACK_IMPORTED_MODULE_2__/* .environmentServices */ .og)(manifest, environment);
    const active = compose?.services ?? [];
    const candidates = explicit === undefined ? [...declared, ...active.map((s) => s.name)] : (0,_compose_model__WEBPACK_IMPORTED_MODULE_0__/* .dependencyClosure */ .N)(compose ?? { all: [] }, declared);
    const names = [...new Set(candidates)].filter((name) => !isApplicationService(manifest, name, repositoryOwner));
    return names.flatMap((name) => {
        const definition = compose?.all.find((s) => s.name === name);
        const kind = manifest.services[name] === undefined ? undefined : (0,_manifest__WEBPACK_IMPORTED_MODULE_2__/* .serviceKind */ .Ae)(manifest, name, repositoryOwner);
        const image = kind?.kind === 'pinned' ? kind.image : definition?.image;
        if (image === undefined || image === '') {
            // A compose service that Compose builds itself is not stack-deploy's to deploy.
            if (definition?.build === true && manifest.services[name] === undefined)
                return [];
            throw new _errors__WEBPACK_IMPORTED_MODULE_1__/* .StackDeployError */ .O1(`service ${name} has no image to deploy`, {
                service: name,
                step: 'select',
                hint: definition === undefined ? `define ${name} in the compose files of environment "${environment}"` : `give it an image with a tag in ${definition.where.file}, or pin it in stack.yml (services.${name}.image: "<image>:<tag>")`,
            });
        }
        return [{ name, image, kind: kind?.kind === 'pinned' ? 'pinned' : 'compose', ...healthOf(manifest, name) }];
    });
}
/** What the ledger last recorded for an infrastructure service: its pin's text and the digest it ran. */
function recordedPin(ledger, name) {
    for (const entry of [...ledger].reverse()) {
        const record = entry.services?.find((s) => s.name === name && s.kind === 'infrastructure');
        if (record?.pin !== undefined && record.pinned !== '')
            return { pin: record.pin, pinned: record.pinned };
    }
    return undefined;
}
/** What a deploy would do to an infrastructure service, from what runs and what the ledger recorded. */
function infrastructureAction(service, running, recorded) {
    if (!running)
        return 'start it (not running)';
    if (recorded === undefined)
        return 'keep it, unless its compose definition changed';
    if (recorded.pin !== service.image)
        return `switch it: the pin changed from ${recorded.pin}`;
    return 'nothing (pin unchanged)';
}


/***/ }),

/***/ 21677:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   WV: () => (/* binding */ dockerTagFor),
/* harmony export */   dR: () => (/* binding */ isValidDockerTag),
/* harmony export */   gQ: () => (/* binding */ selectRelease)
/* harmony export */ });
/* unused harmony export parseServicesInput */
/* harmony import */ var _errors__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(83916);

const DOCKER_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/u;
const DOCKER_TAG_CHARACTERS = 'letters, digits, "_", "." and "-", not starting with "." or "-", at most 128 characters';
const FULL_SHA = /^[0-9a-f]{40}$/iu;
const SHA = /^[0-9a-f]{7,40}$/iu;
const STACK_TAG = /^v([0-9].*)$/su;
const STACK_TAG_PATTERN = 'v*';
const SHORT_SHA_LENGTH = 7;
/** True when `tag` can be used as a Docker image tag. */
function isValidDockerTag(tag) {
    return DOCKER_TAG.test(tag);
}
/** The Docker image tag for a release version: `+` (SemVer build metadata) becomes `-`. */
function dockerTagFor(version) {
    return version.replace(/\+/gu, '-');
}
/**
 * Splits the `services` input: names separated by commas, newlines or other white space.
 * Empty entries are dropped and repeated names kept once, in first-seen order.
 */
function parseServicesInput(text) {
    const names = text
        .split(/[\s,]+/u)
        .map((name) => name.trim())
        .filter((name) => name !== '');
    return [...new Set(names)];
}
function selectRelease(input) {
    const shortSha = shortShaOf(input.sha);
    const serviceNames = validateServices(input.services);
    const requested = validateRequested(input.requested ?? [], serviceNames);
    const ref = classifyRef(input.ref, input.services);
    if (ref.kind === 'sha' && !ref.sha.toLowerCase().startsWith(input.sha.toLowerCase())) {
        throw selectError(`ref "${input.ref}" is a commit SHA that differs from sha "${input.sha}"`, {
            hint: 'pass the same commit as ref and sha, or a branch or tag as ref',
        });
    }
    if (ref.kind === 'branch' || ref.kind === 'sha') {
        const version = `sha-${shortSha}`;
        return requested.length > 0
            ? { version, services: inManifestOrder(requested, serviceNames), source: 'requested', shortSha }
            : { version, services: [...serviceNames], source: ref.kind, shortSha };
    }
    const release = releaseForTag(ref.tag, input.services);
    validateVersion(ref.tag, release.version);
    if (release.service !== undefined) {
        const released = release.service;
        const contradicting = requested.filter((name) => name !== released);
        if (contradicting.length > 0) {
            throw selectError(`tag "${ref.tag}" releases only service "${released}", but services ${quoteList(contradicting)} were requested`, {
                service: released,
                hint: `leave the services input empty, request only "${released}", or push a tag for each service`,
            });
        }
        return { version: release.version, services: [released], source: 'service-tag', shortSha };
    }
    return requested.length > 0
        ? { version: release.version, services: inManifestOrder(requested, serviceNames), source: 'requested', shortSha }
        : { version: release.version, services: [...serviceNames], source: 'stack-tag', shortSha };
}
function classifyRef(ref, services) {
    if (ref.trim() === '') {
        throw selectError('the Git ref is empty', {
            hint: 'pass a ref such as refs/tags/v1.2.3, refs/heads/main, a tag, a branch or a commit SHA',
        });
    }
    if (ref.startsWith('refs/tags/')) {
        const tag = ref.slice('refs/tags/'.length);
        if (tag === '')
            throw selectError(`ref "${ref}" names no tag`, { hint: 'pass a ref such as refs/tags/v1.2.3' });
        return { kind: 'tag', tag };
    }
    if (ref.startsWith('refs/'))
        return { kind: 'branch' };
    if (FULL_SHA.test(ref))
        return { kind: 'sha', sha: ref };
    const looksLikeReleaseTag = STACK_TAG.test(ref) || services.some((service) => matchGlob(service.releaseTag, ref) !== undefined);
    return looksLikeReleaseTag ? { kind: 'tag', tag: ref } : { kind: 'branch' };
}
function releaseForTag(tag, services) {
    const matches = services.flatMap((service) => {
        const captured = matchGlob(service.releaseTag, tag);
        return captured === undefined ? [] : [{ service, captured }];
    });
    const [first, ...others] = matches;
    if (first !== undefined && others.length > 0) {
        const described = matches.map((m) => `${m.service.name} (${m.service.releaseTag})`).join(', ');
        throw selectError(`tag "${tag}" matches the release tag patterns of several services: ${described}`, {
            hint: 'give each service a releaseTag pattern that no other service\'s tags can match, such as "<name>-v*"',
        });
    }
    if (first !== undefined)
        return { version: stripVPrefix(first.captured), service: first.service.name };
    const stack = STACK_TAG.exec(tag);
    if (stack?.[1] !== undefined)
        return { version: stack[1] };
    const patterns = [...services.map((service) => service.releaseTag), `${STACK_TAG_PATTERN} (every service)`];
    throw selectError(`"${tag}" matches no release tag pattern; patterns: ${patterns.join(', ')}`, {
        hint: 'push a tag that matches one of the patterns (for example v1.2.3), or run from a branch',
    });
}
/** The text `*` matched, or undefined when `text` does not match `pattern`. `*` matches one or more characters. */
function matchGlob(pattern, text) {
    const star = pattern.indexOf('*');
    const prefix = pattern.slice(0, star);
    const suffix = pattern.slice(star + 1);
    if (text.length <= prefix.length + suffix.length)
        return undefined;
    if (!text.startsWith(prefix) || !text.endsWith(suffix))
        return undefined;
    return text.slice(prefix.length, text.length - suffix.length);
}
function stripVPrefix(captured) {
    return /^v[0-9]/u.test(captured) ? captured.slice(1) : captured;
}
function validateVersion(tag, version) {
    const dockerTag = dockerTagFor(version);
    if (!isValidDockerTag(dockerTag)) {
        throw selectError(`tag "${tag}" gives version "${version}", which is not a valid Docker tag ("${dockerTag}")`, {
            hint: `a Docker tag may contain only ${DOCKER_TAG_CHARACTERS}`,
        });
    }
}
function shortShaOf(sha) {
    if (!SHA.test(sha)) {
        throw selectError(`sha "${sha}" is not a commit SHA (7 to 40 hexadecimal characters)`, {
            hint: 'pass the full 40-character commit SHA, such as GITHUB_SHA or the output of git rev-parse HEAD',
        });
    }
    return sha.slice(0, SHORT_SHA_LENGTH).toLowerCase();
}
function validateServices(services) {
    if (services.length === 0) {
        throw selectError('the stack has no services to release', { hint: 'declare at least one service in stack.yml' });
    }
    const names = services.map((service) => service.name);
    const duplicates = names.filter((name, index) => names.indexOf(name) !== index);
    if (duplicates.length > 0) {
        throw selectError(`service names must be unique; repeated: ${quoteList([...new Set(duplicates)])}`, {
            hint: 'rename the repeated services in stack.yml',
        });
    }
    for (const service of services) {
        const stars = service.releaseTag.split('*').length - 1;
        if (stars !== 1) {
            throw selectError(`release tag pattern "${service.releaseTag}" of service "${service.name}" must contain exactly one "*"`, { service: service.name, hint: `use a pattern such as "${service.name}-v*"` });
        }
    }
    return names;
}
function validateRequested(requested, serviceNames) {
    const unknown = requested.filter((name) => !serviceNames.includes(name));
    const [firstUnknown] = unknown;
    if (firstUnknown !== undefined) {
        const guesses = unknown.flatMap((name) => {
            const guess = closestName(name, serviceNames);
            return guess === undefined ? [] : [`"${name}" → "${guess}"`];
        });
        const didYouMean = guesses.length > 0 ? `did you mean ${guesses.join(', ')}? ` : '';
        throw selectError(`unknown service${unknown.length > 1 ? 's' : ''} requested: ${quoteList(unknown)}`, {
            service: firstUnknown,
            hint: `${didYouMean}valid services: ${serviceNames.join(', ')}`,
        });
    }
    return [...new Set(requested)];
}
function inManifestOrder(requested, serviceNames) {
    return serviceNames.filter((name) => requested.includes(name));
}
/** The service name nearest to `name` by edit distance, when near enough to be a likely typo. */
function closestName(name, candidates) {
    let best;
    for (const candidate of candidates) {
        const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
        if (best === undefined || distance < best.distance)
            best = { name: candidate, distance };
    }
    if (best === undefined)
        return undefined;
    const tolerance = Math.max(1, Math.floor(Math.max(name.length, best.name.length) / 3));
    return best.distance <= tolerance ? best.name : undefined;
}
function editDistance(a, b) {
    let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const current = [i];
        for (let j = 1; j <= b.length; j++) {
            const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
            const deletion = (previous[j] ?? 0) + 1;
            const insertion = (current[j - 1] ?? 0) + 1;
            current.push(Math.min(substitution, deletion, insertion));
        }
        previous = current;
    }
    return previous[b.length] ?? 0;
}
function quoteList(names) {
    return names.map((name) => `"${name}"`).join(', ');
}
function selectError(message, context) {
    return new _errors__WEBPACK_IMPORTED_MODULE_0__/* .StackDeployError */ .O1(message, { step: 'select', ...context });
}


/***/ })

};
;