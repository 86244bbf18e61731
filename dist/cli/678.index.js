"use strict";
exports.id = 678;
exports.ids = [678];
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

/***/ 28678:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   status: () => (/* binding */ status)
/* harmony export */ });
/* unused harmony export disagreements */
/* harmony import */ var _deploy_host_inspect__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(59164);
/* harmony import */ var _deploy_plan__WEBPACK_IMPORTED_MODULE_8__ = __webpack_require__(5448);
/* harmony import */ var _environment__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(17507);
/* harmony import */ var _hosts__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(63109);
/* harmony import */ var _operations__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(74630);
/* harmony import */ var _stack_roles__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(65630);
/* harmony import */ var _upstream__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(59985);
/* harmony import */ var _validate__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(56082);
/* harmony import */ var _manifest__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(81237);









function shortDigest(refs, repo) {
    const ref = refs.find((r) => r.startsWith(`${repo}@`)) ?? refs[0];
    return ref === undefined ? '—' : ref.slice(ref.indexOf('@') + 1);
}
/** The lock owner a host's state records, as JSON (null: no deploy holds the lock). */
function lockOf(owner) {
    return owner === undefined ? null : JSON.parse(owner);
}
/** The status of each service on one host. */
function serviceRows(state, repos, infrastructure) {
    return state.services.map((service) => {
        const repo = repos.find((r) => r.name === service.name)?.repo ?? '';
        const c = service.container;
        const infra = infrastructure.find((s) => s.name === service.name);
        return {
            service: service.name,
            kind: infra === undefined ? 'application' : 'infrastructure',
            pin: infra?.image ?? null,
            running: c !== undefined && c.status === 'running',
            version: c?.version ?? null,
            digest: c === undefined ? null : shortDigest(c.repoDigests, infra === undefined ? repo : ((0,_stack_roles__WEBPACK_IMPORTED_MODULE_4__/* .recordedPin */ .oH)(state.ledger, service.name)?.pinned ?? '').split('@')[0] ?? ''),
            image: c?.image ?? null,
            health: c === undefined ? 'not running' : (c.health ?? (c.status === 'running' ? (c.restarts > 0 ? `running, ${c.restarts} restarts` : 'running') : c.status)),
            since: c?.startedAt ?? null,
            rollbackVersion: service.rollback?.version ?? null,
        };
    });
}
/**
 * Services whose hosts run different versions (or images): a run that did not finish on every
 * host, or a host added since. One line each.
 */
function disagreements(hosts) {
    const names = [...new Set(hosts.flatMap((h) => h.services.map((s) => s.service)))];
    return names.flatMap((name) => {
        const on = hosts.flatMap((h) => h.services.filter((s) => s.service === name).map((s) => ({ host: h.label, what: s.version ?? s.digest ?? 'not running' })));
        return new Set(on.map((o) => o.what)).size > 1 ? [`${name}: ${on.map((o) => `${o.what} on ${o.host}`).join(', ')}`] : [];
    });
}
/** `status`: what runs on the host, its health, and the last ledger entries. Read only: no lock. */
async function status(context) {
    const { settings, reporter } = context;
    const loaded = await (0,_validate__WEBPACK_IMPORTED_MODULE_6__/* .loadAndReport */ .I)(settings.manifest, reporter, 'invalid');
    if (!loaded.ok)
        return loaded.result;
    const manifest = loaded.manifest;
    const environment = (0,_environment__WEBPACK_IMPORTED_MODULE_1__/* .resolveEnvironment */ .g9)(manifest, settings.environment);
    const infrastructure = settings.services.length > 0 ? [] : (0,_stack_roles__WEBPACK_IMPORTED_MODULE_4__/* .infrastructureOf */ .fm)(manifest, environment.name, loaded.compose[environment.name], settings.repositoryOwner);
    const names = [...new Set([...(0,_operations__WEBPACK_IMPORTED_MODULE_3__/* .operationServices */ .e)(manifest, environment.name, settings, false), ...infrastructure.map((s) => s.name)])];
    const repos = (0,_operations__WEBPACK_IMPORTED_MODULE_3__/* .serviceRepositories */ .k)(manifest, names, settings);
    const several = environment.hosts.length > 1;
    const inspected = await (0,_hosts__WEBPACK_IMPORTED_MODULE_2__/* .onEachHost */ .V)(context, environment, async (executor) => (await executor.run((0,_deploy_host_inspect__WEBPACK_IMPORTED_MODULE_0__/* .inspectHostCommand */ .g)((0,_deploy_plan__WEBPACK_IMPORTED_MODULE_8__/* .hostPaths */ .tO)({ path: environment.config.path, runId: '' }), (0,_environment__WEBPACK_IMPORTED_MODULE_1__/* .projectCandidates */ .m)(manifest, environment.name), repos), { step: 'status' })).stdout);
    const hosts = inspected.map(({ target, value }) => {
        const state = (0,_deploy_host_inspect__WEBPACK_IMPORTED_MODULE_0__/* .parseHostState */ .V)(value, names.filter((name) => (0,_environment__WEBPACK_IMPORTED_MODULE_1__/* .runsService */ .UQ)(target, name)));
        return { label: (0,_environment__WEBPACK_IMPORTED_MODULE_1__/* .hostLabel */ .vy)(target), state, services: serviceRows(state, repos, infrastructure) };
    });
    const first = hosts[0];
    if (first === undefined)
        throw new Error('an environment has at least one host');
    const state = first.state;
    const services = first.services;
    // A tag pin that moved in its registry: the host stays at the digest it resolved, until the pin changes.
    const clients = new Map();
    const ownRegistry = manifest.registry?.host ?? _manifest__WEBPACK_IMPORTED_MODULE_7__/* .DEFAULT_REGISTRY_HOST */ .Pu;
    const moved = [];
    for (const service of infrastructure) {
        const tag = await (0,_upstream__WEBPACK_IMPORTED_MODULE_5__/* .movedUpstream */ .Z)(context, service.image, (0,_stack_roles__WEBPACK_IMPORTED_MODULE_4__/* .recordedPin */ .oH)(state.ledger, service.name), ownRegistry, clients);
        if (tag !== undefined)
            moved.push(`${service.name}: ${service.image} moved upstream to ${tag.upstream}; the host stays at ${tag.current} until the pin changes`);
    }
    for (const line of moved)
        reporter.info(line);
    if (several)
        return severalHostsStatus(context, environment.name, names, hosts, moved);
    const recent = state.ledger.slice(-10).reverse();
    const json = { environment: environment.name, project: state.project, lock: lockOf(state.lockOwner), services, ledger: recent, proxy: state.proxy ?? null };
    for (const s of services)
        reporter.info(`${s.service}: ${s.version ?? '—'} ${s.digest ?? ''} ${s.health}${s.since === null ? '' : ` since ${s.since}`}`);
    const proxyLine = state.proxy === undefined ? undefined : `The host's proxy is ${state.proxy.status} (${state.proxy.image})${state.proxy.routes.length > 0 ? `, serving ${state.proxy.routes.join(', ')}` : ''}.`;
    if (proxyLine !== undefined)
        reporter.info(proxyLine);
    return {
        status: 'success',
        outputs: { status: JSON.stringify(json), services: JSON.stringify(names) },
        summary: {
            title: `stack-deploy: status of ${environment.name} (Compose project ${state.project})`,
            lines: [
                state.lockOwner === undefined ? 'No deploy is running.' : `A deploy holds the lock: ${state.lockOwner}`,
                ...(proxyLine === undefined ? [] : [proxyLine]),
                ...moved,
            ],
            tables: [
                { header: ['Service', 'Version', 'Digest', 'Health', 'Since', 'Rollback to'], rows: services.map((s) => [s.service, s.pin === null ? (s.version ?? '—') : `${s.pin} (pinned)`, s.digest ?? '—', s.health, s.since ?? '—', s.kind === 'infrastructure' ? 'stays (infrastructure)' : (s.rollbackVersion ?? '—')]) },
                { header: ['Time', 'Action', 'Version', 'Result', 'Actor'], rows: recent.map((e) => [e.time, e.action ?? 'deploy', e.version ?? '—', e.result, e.actor ?? '—']) },
            ],
        },
    };
}
/** `status` of an environment on several hosts: hosts that disagree first, then a host × service table. */
function severalHostsStatus(context, environment, names, hosts, moved) {
    const { reporter } = context;
    const disagree = disagreements(hosts);
    for (const line of disagree)
        reporter.warning(`hosts disagree: ${line}`);
    for (const host of hosts)
        for (const s of host.services)
            reporter.info(`${host.label}: ${s.service}: ${s.version ?? '—'} ${s.digest ?? ''} ${s.health}${s.since === null ? '' : ` since ${s.since}`}`);
    const json = {
        environment,
        disagree,
        hosts: hosts.map((h) => ({ host: h.label, project: h.state.project, lock: lockOf(h.state.lockOwner), services: h.services, ledger: h.state.ledger.slice(-10).reverse(), proxy: h.state.proxy ?? null })),
    };
    const serviceNames = [...new Set(hosts.flatMap((h) => h.services.map((s) => s.service)))];
    const cell = (host, name) => {
        const s = host.services.find((x) => x.service === name);
        return s === undefined ? '—' : `${s.pin === null ? (s.version ?? '—') : `${s.pin} (pinned)`} ${s.digest ?? ''} ${s.health}`.replace(/\s+/gu, ' ');
    };
    const locked = hosts.filter((h) => h.state.lockOwner !== undefined);
    return {
        status: 'success',
        outputs: { status: JSON.stringify(json), services: JSON.stringify(names) },
        summary: {
            title: `stack-deploy: status of ${environment} (${hosts.length} hosts)`,
            lines: [
                ...(disagree.length === 0 ? [] : [`**The hosts disagree** (a run that did not finish on every host); the next deploy brings them together: ${disagree.join('; ')}.`]),
                locked.length === 0 ? 'No deploy is running.' : `A deploy holds the lock on ${locked.map((h) => `${h.label}: ${h.state.lockOwner ?? ''}`).join('; ')}`,
                ...moved,
            ],
            tables: [
                { header: ['Service', ...hosts.map((h) => h.label)], rows: serviceNames.map((name) => [name, ...hosts.map((h) => cell(h, name))]) },
                { header: ['Host', 'Time', 'Action', 'Version', 'Result', 'Actor'], rows: hosts.flatMap((h) => h.state.ledger.slice(-5).reverse().map((e) => [h.label, e.time, e.action ?? 'deploy', e.version ?? '—', e.result, e.actor ?? '—'])) },
            ],
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