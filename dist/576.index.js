"use strict";
exports.id = 576;
exports.ids = [576];
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

/***/ 13576:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  check: () => (/* binding */ check)
});

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(51455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
// EXTERNAL MODULE: ./node_modules/yaml/dist/index.js
var dist = __webpack_require__(38815);
;// CONCATENATED MODULE: ./src/audit/compose-findings.ts

/** Images of databases and queues, and their usual ports: never published beyond the host. */
const DATA_IMAGES = /(^|\/)(postgres|postgis|mysql|mariadb|mongo|redis|valkey|keydb|rabbitmq|memcached|kafka|zookeeper|nats|elasticsearch|opensearch|clickhouse|cassandra|couchdb|influxdb|etcd|minio)(:|@|$)/u;
const DATA_PORTS = new Set([5432, 3306, 27017, 6379, 5672, 15672, 11211, 9092, 2181, 4222, 9200, 9300, 8123, 9000, 9042, 5984, 8086, 2379]);
/** Variable names that hold secrets; `*_FILE` names hold a path to one instead. */
const SECRET_KEY = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIAL)(?!.*_FILE$)/iu;
const SECRET_VALUE = [
    /[a-z][a-z0-9+.-]*:\/\/[^/:@\s]+:[^@\s$]+@/iu, // a URL with a password: postgres://user:pass@db/app
    /-----BEGIN [A-Z ]*PRIVATE KEY-----/u,
    /\bAKIA[0-9A-Z]{16}\b/u,
    /\bgh[pousr]_[A-Za-z0-9]{30,}\b/u,
    /\bsk_live_[A-Za-z0-9]{16,}\b/u,
];
const DOCKER_SOCKETS = new Set(['/var/run/docker.sock', '/run/docker.sock']);
/** A literal value, as opposed to `${VAR}` interpolation or an empty placeholder. */
function isLiteral(value) {
    const trimmed = value.trim();
    return trimmed !== '' && !/^\$\{[^}]+\}$|^\$[A-Za-z_][A-Za-z0-9_]*$/u.test(trimmed);
}
function locator(file, node, lines) {
    return {
        where: (path) => {
            const start = node(path)?.range?.[0];
            const line = start === undefined ? undefined : lines.linePos(start).line;
            return `${file}${line === undefined ? '' : `:${line}`} ${['services', ...path].join('.')}`;
        },
    };
}
function scalarText(node) {
    return (0,dist/* isScalar */.jn)(node) && (typeof node.value === 'string' || typeof node.value === 'number') ? String(node.value) : undefined;
}
/** `[IP:]HOST:CONTAINER[/proto]` or the long form → the published port, its address, the container port. */
function portOf(node) {
    if ((0,dist/* isMap */.jh)(node)) {
        const published = Number(scalarText(node.get('published', true)));
        const target = Number(scalarText(node.get('target', true)));
        return { address: scalarText(node.get('host_ip', true)) ?? '', published: Number.isInteger(published) ? published : undefined, target: Number.isInteger(target) ? target : undefined };
    }
    const spec = scalarText(node)?.replace(/\/(tcp|udp)$/u, '');
    if (spec === undefined)
        return undefined;
    const parts = spec.split(':');
    const target = Number(parts.at(-1));
    if (parts.length === 1)
        return { address: '', target: Number.isInteger(target) ? target : undefined };
    const published = Number(parts.at(-2));
    return { address: parts.slice(0, -2).join(':'), published: Number.isInteger(published) ? published : undefined, target: Number.isInteger(target) ? target : undefined };
}
function isLoopback(address) {
    return address.startsWith('127.') || address === '::1' || address === '[::1]' || address === 'localhost';
}
/**
 * Findings in one compose file: secrets written in plain text, database and queue ports published
 * on every interface, privileged containers, mounted Docker sockets, and images of services
 * stack-deploy does not build that are not pinned to a tag. `built` names the services stack.yml
 * builds (their image is pinned by digest on every deploy).
 */
function composeFindings(file, text, built) {
    const lines = new dist/* LineCounter */.HN();
    const document = (0,dist/* parseDocument */.Tp)(text, { lineCounter: lines });
    const services = document.get('services', true);
    if (!(0,dist/* isMap */.jh)(services))
        return [];
    const at = locator(file, (path) => document.getIn(['services', ...path], true), lines);
    const findings = [];
    for (const pair of services.items) {
        const name = scalarText(pair.key);
        const service = pair.value;
        if (name === undefined || !(0,dist/* isMap */.jh)(service))
            continue;
        const image = scalarText(service.get('image', true));
        const builds = service.has('build') || built.has(name);
        const environment = service.get('environment', true);
        const entries = [];
        if ((0,dist/* isMap */.jh)(environment)) {
            for (const item of environment.items) {
                const key = scalarText(item.key);
                const value = scalarText(item.value);
                if (key !== undefined && value !== undefined)
                    entries.push({ key, value, path: [name, 'environment', key] });
            }
        }
        else if ((0,dist/* isSeq */.oP)(environment)) {
            environment.items.forEach((item, index) => {
                const pairText = scalarText(item);
                const eq = pairText?.indexOf('=') ?? -1;
                if (pairText !== undefined && eq > 0)
                    entries.push({ key: pairText.slice(0, eq), value: pairText.slice(eq + 1), path: [name, 'environment', index] });
            });
        }
        for (const entry of entries) {
            const byName = SECRET_KEY.test(entry.key) && isLiteral(entry.value);
            const byValue = SECRET_VALUE.some((pattern) => pattern.test(entry.value));
            if (byName || byValue) {
                findings.push({
                    severity: 'high',
                    where: at.where(entry.path),
                    what: `${entry.key} of "${name}" is written in plain text in the compose file (and in Git)`,
                    fix: `move the value to the env secret and write ${entry.key}: \${${entry.key}} (or env_file: ["\${STACK_DEPLOY_ENV_FILE}"]); rotate the exposed value`,
                });
            }
        }
        const ports = service.get('ports', true);
        const isData = (image !== undefined && DATA_IMAGES.test(image)) || DATA_IMAGES.test(name);
        if ((0,dist/* isSeq */.oP)(ports)) {
            ports.items.forEach((item, index) => {
                const port = portOf(item);
                if (port === undefined || isLoopback(port.address))
                    return;
                if (!isData && (port.target === undefined || !DATA_PORTS.has(port.target)))
                    return;
                const shown = port.published ?? port.target;
                findings.push({
                    severity: 'high',
                    where: at.where([name, 'ports', index]),
                    what: `port ${String(shown)} of "${name}" (a database or queue) is published on all interfaces`,
                    fix: `bind it to the host's loopback ("127.0.0.1:${String(shown)}:${String(port.target ?? shown)}"), or drop it and reach "${name}" on the Compose network`,
                });
            });
        }
        if (service.get('privileged') === true) {
            findings.push({ severity: 'high', where: at.where([name, 'privileged']), what: `"${name}" runs privileged: root on the host if it is compromised`, fix: 'remove privileged: true; grant only the capabilities it needs (cap_add)' });
        }
        const volumes = service.get('volumes', true);
        if ((0,dist/* isSeq */.oP)(volumes)) {
            volumes.items.forEach((item, index) => {
                const source = (0,dist/* isMap */.jh)(item) ? scalarText(item.get('source', true)) : scalarText(item)?.split(':')[0];
                if (source !== undefined && DOCKER_SOCKETS.has(source)) {
                    findings.push({ severity: 'high', where: at.where([name, 'volumes', index]), what: `"${name}" mounts the Docker socket: full control of the host`, fix: 'remove the mount, or put a filtering socket proxy in front of it (read-only endpoints only)' });
                }
            });
        }
        if (!builds && image !== undefined) {
            const withoutDigest = image.includes('@') ? undefined : image;
            const colon = withoutDigest?.lastIndexOf(':') ?? -1;
            const tag = withoutDigest !== undefined && colon > withoutDigest.lastIndexOf('/') ? withoutDigest.slice(colon + 1) : undefined;
            if (withoutDigest !== undefined && (tag === undefined || tag === 'latest')) {
                findings.push({
                    severity: 'medium',
                    where: at.where([name, 'image']),
                    what: `"${name}" runs ${image}: ${tag === undefined ? 'no tag, so' : ':latest, so'} each pull may bring another version`,
                    fix: `pin a version tag (${image.replace(/:latest$/u, '')}:<version>) or a digest`,
                });
            }
        }
    }
    return findings;
}

;// CONCATENATED MODULE: ./src/audit/finding.ts
const ORDER = { high: 0, medium: 1, low: 2 };
/** High first; otherwise in the order found. */
function sortFindings(findings) {
    return findings.map((finding, index) => ({ finding, index })).sort((a, b) => ORDER[a.finding.severity] - ORDER[b.finding.severity] || a.index - b.index).map(({ finding }) => finding);
}
function formatFinding(finding) {
    return `${finding.severity.toUpperCase()} ${finding.where}: ${finding.what} (fix: ${finding.fix})`;
}

// EXTERNAL MODULE: ./src/commands/command.ts
var command = __webpack_require__(53155);
;// CONCATENATED MODULE: ./src/audit/host-audit.ts

/**
 * One read-only round trip: who the deploy user is, the env file's mode and owner, and the
 * configuration of the sshd serving this connection (found by walking up from this shell to the
 * sshd listener and reading its `-f` file, else /etc/ssh/sshd_config), with Include lines
 * expanded in place.
 */
function auditHostCommand(envFile) {
    return (0,command/* command */.G)([
        'sh',
        '-c',
        `env_file=$1
echo "== user"
id -u; id -un
echo "== envfile"
if [ -e "$env_file" ]; then stat -c '%a %U' "$env_file"; else echo missing; fi
config=/etc/ssh/sshd_config
pid=$PPID
while [ "$pid" -gt 1 ] 2>/dev/null; do
  if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = sshd ]; then
    args=$(tr '\\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null)
    case "$args" in
      *" -f "*) config=\${args#*" -f "}; config=\${config%% *}; break ;;
    esac
  fi
  pid=$(awk '{ print $4 }' "/proc/$pid/stat" 2>/dev/null) || break
done
echo "== sshd $config"
expand() {
  [ -r "$1" ] || { echo "# unreadable: $1"; return; }
  while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in
      [Ii]nclude\\ *|[Ii]nclude\\	*)
        for pattern in \${line#* }; do
          case "$pattern" in /*) ;; *) pattern=/etc/ssh/$pattern ;; esac
          for f in $pattern; do [ -f "$f" ] && cat "$f"; done
        done ;;
      *) printf '%s\\n' "$line" ;;
    esac
  done < "$1"
}
expand "$config"
exit 0`,
        'stack-deploy-audit',
        envFile,
    ]);
}
function sections(output) {
    const found = new Map();
    let current = '';
    for (const line of output.split('\n')) {
        if (line.startsWith('== ')) {
            current = line.slice(3);
            found.set(current, []);
        }
        else {
            found.get(current)?.push(line);
        }
    }
    return found;
}
/** sshd takes the first value of a keyword, outside Match blocks; PasswordAuthentication defaults to yes. */
function sshdAllowsPasswords(config) {
    if (config.some((line) => line.startsWith('# unreadable: ')))
        return undefined;
    for (const raw of config) {
        const line = raw.trim();
        if (/^match\s/iu.test(line))
            break;
        const match = /^passwordauthentication[\s=]+(\S+)/iu.exec(line);
        if (match !== null)
            return match[1]?.toLowerCase() === 'yes';
    }
    return true;
}
/** Findings on the host: the deploy user, the env file's mode and owner, sshd's password logins. */
function hostFindings(output, where) {
    const parts = sections(output);
    const findings = [];
    const [uid, user] = parts.get('user') ?? [];
    if (uid?.trim() === '0') {
        findings.push({ severity: 'high', where: where.host, what: 'the deploy user is root', fix: 'deploy as a user of its own in the "docker" group (environments.<name>.user), and disable root logins (PermitRootLogin no)' });
    }
    const envFile = (parts.get('envfile') ?? [])[0]?.trim() ?? '';
    if (envFile === 'missing' || envFile === '') {
        findings.push({ severity: 'low', where: `${where.host} ${where.envFile}`, what: 'no env file yet (nothing was deployed here)', fix: 'deploy once, then audit again' });
    }
    else {
        const [mode = '', owner = ''] = envFile.split(' ');
        if ((Number.parseInt(mode, 8) & 0o077) !== 0) {
            findings.push({ severity: 'high', where: `${where.host} ${where.envFile}`, what: `the env file is readable by others (mode ${mode})`, fix: `chmod 600 ${where.envFile} (every deploy writes it 0600 again)` });
        }
        if (user !== undefined && owner !== user.trim()) {
            findings.push({ severity: 'medium', where: `${where.host} ${where.envFile}`, what: `the env file belongs to ${owner}, not to the deploy user ${user.trim()}`, fix: `chown ${user.trim()} ${where.envFile}` });
        }
    }
    const sshd = [...parts.entries()].find(([name]) => name.startsWith('sshd '));
    if (sshd !== undefined) {
        const file = sshd[0].slice('sshd '.length);
        const allows = sshdAllowsPasswords(sshd[1]);
        if (allows === undefined) {
            findings.push({ severity: 'low', where: `${where.host} ${file}`, what: 'the sshd configuration is not readable by the deploy user', fix: 'check by hand that it says PasswordAuthentication no' });
        }
        else if (allows) {
            findings.push({ severity: 'high', where: `${where.host} ${file}`, what: 'sshd allows password logins', fix: 'set PasswordAuthentication no (and KbdInteractiveAuthentication no) and reload sshd; use keys only' });
        }
    }
    return findings;
}

// EXTERNAL MODULE: ./src/deploy/plan.ts
var plan = __webpack_require__(5448);
;// CONCATENATED MODULE: ./src/engine/audit.ts






/** The environment's compose files (read here: they are uploaded unchanged) checked for risky settings. */
async function composeFileFindings(manifestFile, manifest, environment) {
    const built = new Set(Object.entries(manifest.services).filter(([, service]) => service.build !== undefined).map(([name]) => name));
    const findings = [];
    for (const file of environment.config.compose) {
        let text;
        try {
            text = await (0,promises_.readFile)((0,external_node_path_.join)((0,external_node_path_.dirname)((0,external_node_path_.resolve)(manifestFile)), file), 'utf8');
        }
        catch (error) {
            findings.push({ severity: 'medium', where: file, what: `cannot read the compose file: ${error.code ?? String(error)}`, fix: 'run the audit in the checkout that holds stack.yml and its compose files' });
            continue;
        }
        findings.push(...composeFindings(file, text, built));
    }
    return findings;
}
/**
 * The production audit: the compose files, and over the open connection the deploy user, the
 * env file and sshd. Every finding is reported with its severity, where it is and the fix.
 */
async function auditEnvironment(executor, manifestFile, manifest, environment, reporter) {
    const envFile = (0,plan/* hostPaths */.tO)({ path: environment.config.path, runId: '' }).envFile;
    const output = await executor.run(auditHostCommand(envFile), { step: 'audit' });
    const findings = sortFindings([...(await composeFileFindings(manifestFile, manifest, environment)), ...hostFindings(output.stdout, { host: executor.host, envFile })]);
    for (const finding of findings) {
        if (finding.severity === 'high')
            reporter.error(formatFinding(finding));
        else if (finding.severity === 'medium')
            reporter.warning(formatFinding(finding));
        else
            reporter.info(formatFinding(finding));
    }
    const high = findings.filter((finding) => finding.severity === 'high').length;
    reporter.info(findings.length === 0 ? 'audit: no findings' : `audit: ${findings.length} ${findings.length === 1 ? 'finding' : 'findings'}, ${high} high`);
    return {
        findings,
        high,
        table: { header: ['Severity', 'Where', 'Finding', 'Fix'], rows: findings.map((f) => [f.severity, f.where, f.what, f.fix]) },
    };
}

// EXTERNAL MODULE: ./src/build/size.ts + 1 modules
var size = __webpack_require__(18556);
// EXTERNAL MODULE: ./src/engine/hosts.ts
var hosts = __webpack_require__(63109);
// EXTERNAL MODULE: ./src/engine/environment.ts
var engine_environment = __webpack_require__(17507);
// EXTERNAL MODULE: ./src/engine/host-preflight.ts
var host_preflight = __webpack_require__(40988);
// EXTERNAL MODULE: ./src/engine/validate.ts
var validate = __webpack_require__(56082);
;// CONCATENATED MODULE: ./src/engine/check.ts






/**
 * `check`: validates stack.yml, connects to each of the environment's hosts with its pinned host key
 * and runs the preflight a deploy runs (Docker, Compose, the deploy directory, free space, the
 * tools the transaction needs), read only: a passing check promises a passing preflight. With
 * `audit`, also the production audit, which fails the check on a high finding.
 */
async function check(context) {
    const { settings, reporter } = context;
    const loaded = await (0,validate/* loadAndReport */.I)(settings.manifest, reporter, 'invalid', undefined, { compose: false });
    if (!loaded.ok)
        return loaded.result;
    const environment = (0,engine_environment/* resolveEnvironment */.g9)(loaded.manifest, settings.environment);
    const checked = await (0,hosts/* onEachHost */.V)(context, environment, async (executor, target) => {
        const hostFacts = await (0,host_preflight/* runPreflight */.hg)(executor, environment.config.path, (0,host_preflight/* needsHttpProbe */.iA)(loaded.manifest), (0,engine_environment/* projectCandidates */.m)(loaded.manifest, environment.name), { readOnly: true });
        const report = settings.audit === true ? await auditEnvironment(executor, settings.manifest, loaded.manifest, (0,engine_environment/* onHost */.GH)(environment, target), reporter) : undefined;
        return { facts: hostFacts, audit: report };
    });
    const rows = checked.map(({ target, value: { facts } }) => {
        const composeName = facts.compose.flavor === 'v2' ? 'docker compose' : 'docker-compose';
        reporter.info(`${(0,engine_environment/* hostLabel */.vy)(target)} (${environment.name}): Docker ${facts.docker}, ${composeName} ${facts.compose.version}, ${(0,size/* formatBytes */.z3)(facts.freeBytes)} free under ${environment.config.path}`);
        return [environment.name, (0,engine_environment/* hostLabel */.vy)(target), facts.docker, `${composeName} ${facts.compose.version}`];
    });
    const audits = checked.flatMap(({ value }) => (value.audit === undefined ? [] : [value.audit]));
    const audit = audits.length === 0 ? undefined : audits.length === 1 ? audits[0] : { findings: audits.flatMap((a) => a.findings), high: audits.reduce((n, a) => n + a.high, 0), table: { header: audits[0]?.table.header ?? [], rows: audits.flatMap((a) => a.table.rows) } };
    const failedAudit = audit !== undefined && audit.high > 0;
    return {
        status: failedAudit ? 'failed' : 'success',
        outputs: audit === undefined ? {} : { audit: JSON.stringify(audit.findings) },
        summary: {
            title: audit === undefined ? `stack-deploy: ${environment.name} is reachable` : `stack-deploy: audit of ${environment.name}: ${audit.findings.length} ${audit.findings.length === 1 ? 'finding' : 'findings'}, ${audit.high} high`,
            lines: failedAudit ? ['High findings fail the audit: fix them before deploying to production.'] : [],
            tables: [
                {
                    header: ['Environment', 'Host', 'Docker', 'Compose'],
                    rows,
                },
                ...(audit === undefined || audit.findings.length === 0 ? [] : [audit.table]),
            ],
        },
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


/***/ })

};
;