"use strict";
exports.id = 936;
exports.ids = [936];
exports.modules = {

/***/ 38555:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  Bm: () => (/* binding */ SizeBudgetError),
  k3: () => (/* binding */ buildAndMeasure),
  T0: () => (/* binding */ buildAndPublish),
  CA: () => (/* binding */ registryClientFor),
  Yz: () => (/* binding */ sizeRow)
});

// UNUSED EXPORTS: budgetVerdict

// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(48161);
// EXTERNAL MODULE: ./src/commands/docker.ts
var docker = __webpack_require__(81420);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(83916);
;// CONCATENATED MODULE: ./src/util/pool.ts
/**
 * Runs `work` on every item with at most `limit` running at once, and waits for all of them,
 * failed or not. Results keep the order of `items`.
 */
async function settleWithLimit(items, limit, work) {
    const results = new Array(items.length);
    let next = 0;
    const worker = async () => {
        while (next < items.length) {
            const index = next;
            next += 1;
            const item = items[index];
            try {
                results[index] = { status: 'fulfilled', value: await work(item) };
            }
            catch (reason) {
                results[index] = { status: 'rejected', reason };
            }
        }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
    return results;
}

;// CONCATENATED MODULE: ./src/build/build-images.ts




const BUILD_ERROR_TAIL_LINES = 30;
/** `docker buildx` when the plugin answers, else the classic builder. */
async function detectBuilder(executor) {
    const probe = await executor.run((0,docker/* buildxVersion */.ry)(), { allowFailure: true, step: 'build' });
    return probe.exitCode === 0 ? 'buildx' : 'classic';
}
/**
 * Builds every image, at most one per core at a time. Each build's output is collected and
 * shown in its own log group when it ends, so parallel logs never interleave. Throws one error
 * naming every failed service, each with the last 30 lines of its output.
 */
async function buildImages(builds, deps) {
    const { executor, reporter, builder } = deps;
    const results = await settleWithLimit(builds, deps.parallelism ?? (0,external_node_os_.availableParallelism)(), async (build) => {
        let log = '';
        const cmd = (0,docker/* buildImage */._w)({
            builder,
            context: build.context,
            dockerfile: build.dockerfile,
            target: build.target,
            buildArgs: { ...build.buildArgs, ...deps.cache?.buildArgs(build) },
            labels: build.labels,
            tags: build.refs,
            platforms: builder === 'buildx' ? build.platforms : undefined,
            network: build.network,
            cacheFrom: deps.cache?.cacheFrom(build),
            cacheTo: deps.cache?.cacheTo(build),
        });
        try {
            await executor.run(cmd, {
                service: build.service,
                step: 'build',
                env: builder === 'buildx' ? { BUILDX_NO_DEFAULT_ATTESTATIONS: '1' } : { DOCKER_BUILDKIT: '0' },
                onOutput: (chunk) => {
                    log += chunk;
                },
            });
        }
        catch (error) {
            const context = error instanceof errors/* StackDeployError */.O1 ? error.context : {};
            throw new errors/* StackDeployError */.O1(`the build of ${build.service} failed${context.exitCode === undefined ? '' : ` (exit code ${context.exitCode})`}`, {
                ...context,
                service: build.service,
                step: 'build',
                outputTail: (0,errors/* tailLines */.os)(log, BUILD_ERROR_TAIL_LINES),
                hint: `fix the build of ${build.service}; its whole log is in the "Build ${build.service}" log group`,
            });
        }
        finally {
            await reporter.group(`Build ${build.service}`, () => {
                reporter.info(log.trimEnd());
                return Promise.resolve();
            });
        }
    });
    const failures = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
    if (failures.length === 0)
        return;
    if (failures.length === 1)
        throw failures[0];
    // Several failed: report each in the log, then fail with the first one's details.
    for (const failure of failures.slice(1))
        reporter.error(failure instanceof Error ? failure.message : String(failure));
    throw failures[0];
}

// EXTERNAL MODULE: ./src/commands/command.ts
var command = __webpack_require__(53155);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
;// CONCATENATED MODULE: ./src/build/default-branch.ts

/**
 * Whether this run builds the repository's default branch: `GITHUB_REF` is
 * `refs/heads/<default branch>`, the branch named in the event payload
 * (`repository.default_branch`, read from `GITHUB_EVENT_PATH`). Unknown counts as "no".
 */
function defaultBranchBuild(env) {
    const branch = defaultBranchFromEvent(env.GITHUB_EVENT_PATH);
    if (branch === undefined)
        return { isDefault: false, why: 'the default branch is unknown (no repository.default_branch in the event payload)' };
    const ref = env.GITHUB_REF ?? '';
    if (ref === `refs/heads/${branch}`)
        return { isDefault: true };
    return { isDefault: false, why: `${ref === '' ? 'the Git ref is unknown' : ref} is not the default branch ${branch}` };
}
function defaultBranchFromEvent(path) {
    if (path === undefined || path === '')
        return undefined;
    try {
        const payload = JSON.parse((0,external_node_fs_.readFileSync)(path, 'utf8'));
        const branch = payload.repository?.default_branch;
        return typeof branch === 'string' && branch !== '' ? branch : undefined;
    }
    catch {
        return undefined;
    }
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(51455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
;// CONCATENATED MODULE: ./src/build/local-cache.ts






/** Files whose change means new dependencies, looked for at the root of a build context. */
const LOCKFILES = [
    'package-lock.json',
    'npm-shrinkwrap.json',
    'yarn.lock',
    'pnpm-lock.yaml',
    'bun.lockb',
    'Gemfile.lock',
    'poetry.lock',
    'Pipfile.lock',
    'uv.lock',
    'requirements.txt',
    'go.sum',
    'Cargo.lock',
    'composer.lock',
    'mix.lock',
];
/** The local tag of a service's last image, kept with an inline cache. Never pushed. */
const LOCAL_CACHE_TAG = 'stack-deploy-cache';
/** The directory this machine keeps build caches in between runs: `$XDG_CACHE_HOME/stack-deploy` or `~/.cache/stack-deploy`. */
function localCacheRoot(env) {
    const xdg = env.XDG_CACHE_HOME;
    if (xdg !== undefined && (0,external_node_path_.isAbsolute)(xdg))
        return (0,external_node_path_.join)(xdg, 'stack-deploy');
    return (0,external_node_path_.join)(env.HOME ?? (0,external_node_os_.homedir)(), '.cache', 'stack-deploy');
}
/** One directory per service image: `<root>/<registry_namespace_service>`. */
function localCacheDir(root, build) {
    return (0,external_node_path_.join)(root, build.image.replace(/[^A-Za-z0-9._-]+/gu, '_'));
}
/**
 * The Actions cache key of a service's cache: its kind, the service, and a hash of its image,
 * its Dockerfile and the lockfiles at the root of its context. The prefix up to the last `-`
 * restores an older cache of the same service when a lockfile changed.
 */
function localCacheKey(kind, build) {
    const prefix = `stack-deploy-local-${kind}-${build.service}-${sha256(build.image).slice(0, 12)}-`;
    const files = (0,external_node_crypto_.createHash)('sha256');
    const dockerfile = build.dockerfile === undefined ? (0,external_node_path_.join)(build.context, 'Dockerfile') : (0,external_node_path_.isAbsolute)(build.dockerfile) ? build.dockerfile : (0,external_node_path_.join)(build.context, build.dockerfile);
    for (const file of [dockerfile, ...LOCKFILES.map((name) => (0,external_node_path_.join)(build.context, name))]) {
        if (!(0,external_node_fs_.existsSync)(file))
            continue;
        files.update(`${file}\0`).update((0,external_node_fs_.readFileSync)(file)).update('\0');
    }
    return { key: `${prefix}${files.digest('hex').slice(0, 32)}`, restoreKeys: [prefix] };
}
function sha256(text) {
    return (0,external_node_crypto_.createHash)('sha256').update(text).digest('hex');
}
/**
 * `local`: the cache lives on this machine, one per service, saved and restored with the Actions
 * cache service where the runner has one. A builder that exports caches (a buildx driver other
 * than `docker`) writes `type=local` to a new directory that then replaces the old one, so the
 * cache never grows. The classic builder and the `docker` driver export only inline caches: the
 * last image of each service is kept (tagged `:stack-deploy-cache`, with `BUILDKIT_INLINE_CACHE=1`)
 * and the next build starts `--cache-from` it.
 */
function localBuildCache(deps, driver) {
    const root = localCacheRoot(deps.env);
    const shared = deps.store.available();
    const where = shared ? 'saved with the Actions cache' : `kept in ${root}`;
    const exports = driver !== undefined && driver !== 'docker';
    return exports ? directoryCache(deps, root, shared, where) : lastImageCache(deps, root, shared, driver !== undefined);
}
/** Restores each service's directory from the Actions cache; returns the keys that matched exactly. */
async function restoreAll(deps, root, kind, builds) {
    const exact = new Set();
    for (const build of builds) {
        const { key, restoreKeys } = localCacheKey(kind, build);
        try {
            const matched = await deps.store.restore(localCacheDir(root, build), key, restoreKeys);
            if (matched === key)
                exact.add(build.service);
        }
        catch (error) {
            deps.warn(`${build.service}: the build cache could not be restored: ${error instanceof Error ? error.message : String(error)}`);
        }
    }
    return exact;
}
async function saveAll(deps, root, kind, builds, unchanged) {
    for (const build of builds) {
        // A key is saved once: an exact hit means the cache service already holds this key.
        if (unchanged.has(build.service))
            continue;
        try {
            await deps.store.save(localCacheDir(root, build), localCacheKey(kind, build).key);
        }
        catch (error) {
            deps.warn(`${build.service}: the build cache could not be saved: ${error instanceof Error ? error.message : String(error)}`);
        }
    }
}
/** Replaces `dir` with `fresh`: the old cache goes, so what is kept is only the last build's. */
async function replaceDirectory(dir, fresh) {
    if (!(0,external_node_fs_.existsSync)(fresh))
        return;
    await (0,promises_.rm)(dir, { recursive: true, force: true });
    await (0,promises_.rename)(fresh, dir);
}
function directoryCache(deps, root, shared, where) {
    let exact = new Set();
    return {
        description: `local directories, ${where}`,
        writesToRegistry: false,
        buildArgs: () => ({}),
        cacheFrom: (build) => {
            const dir = localCacheDir(root, build);
            return (0,external_node_fs_.existsSync)(dir) ? [`type=local,src=${dir}`] : [];
        },
        cacheTo: (build) => [`type=local,dest=${localCacheDir(root, build)}.new,mode=max`],
        restore: async (builds) => {
            await (0,promises_.mkdir)(root, { recursive: true });
            for (const build of builds)
                await (0,promises_.rm)(`${localCacheDir(root, build)}.new`, { recursive: true, force: true });
            if (shared)
                exact = await restoreAll(deps, root, 'dir', builds);
        },
        save: async (builds) => {
            for (const build of builds)
                await replaceDirectory(localCacheDir(root, build), `${localCacheDir(root, build)}.new`);
            if (shared)
                await saveAll(deps, root, 'dir', builds, exact);
        },
    };
}
const IMAGE_FILE = 'image.tar';
function lastImageCache(deps, root, shared, buildx) {
    const cacheRef = (build) => `${build.image}:${LOCAL_CACHE_TAG}`;
    let exact = new Set();
    return {
        description: `the last image of each service (${buildx ? 'inline cache' : 'classic builder'}), ${shared ? 'saved with the Actions cache' : 'kept by this Docker engine'}`,
        writesToRegistry: false,
        // The classic builder reads a local image's layers as they are; BuildKit needs the inline cache.
        buildArgs: () => (buildx ? { BUILDKIT_INLINE_CACHE: '1' } : {}),
        cacheFrom: (build) => [cacheRef(build)],
        cacheTo: () => [],
        restore: async (builds) => {
            if (!shared)
                return;
            exact = await restoreAll(deps, root, 'image', builds);
            for (const build of builds) {
                const file = (0,external_node_path_.join)(localCacheDir(root, build), IMAGE_FILE);
                if (!(0,external_node_fs_.existsSync)(file))
                    continue;
                const loaded = await deps.executor.run((0,docker/* loadImageFile */.Ep)(file), { allowFailure: true, service: build.service, step: 'build' });
                if (loaded.exitCode !== 0)
                    deps.warn(`${build.service}: the cached image could not be loaded: ${loaded.stderr.trim()}`);
            }
        },
        save: async (builds) => {
            for (const build of builds)
                await deps.executor.run((0,docker/* tagImage */.E$)(build.releaseRef, cacheRef(build)), { service: build.service, step: 'build' });
            if (!shared)
                return;
            const changed = builds.filter((build) => !exact.has(build.service));
            for (const build of changed) {
                const dir = localCacheDir(root, build);
                await (0,promises_.rm)(`${dir}.new`, { recursive: true, force: true });
                await (0,promises_.mkdir)(`${dir}.new`, { recursive: true });
                await deps.executor.run((0,docker/* saveImageFile */.rS)(cacheRef(build), (0,external_node_path_.join)(`${dir}.new`, IMAGE_FILE)), { service: build.service, step: 'build' });
                await replaceDirectory(dir, `${dir}.new`);
            }
            await saveAll(deps, root, 'image', builds, exact);
        },
    };
}

;// CONCATENATED MODULE: ./src/build/cache.ts



const NOTHING = {
    cacheFrom: () => [],
    cacheTo: () => [],
    buildArgs: () => ({}),
    writesToRegistry: false,
    restore: () => Promise.resolve(),
    save: () => Promise.resolve(),
};
const cacheOff = (why) => ({ ...NOTHING, disabledBecause: why });
/** The buildx driver of the current builder ("docker", "docker-container", …), or undefined. */
async function buildxDriver(executor) {
    const inspect = await executor.run((0,command/* command */.G)(['docker', 'buildx', 'inspect']), { allowFailure: true, step: 'build' });
    return /^Driver:\s*(\S+)/mu.exec(inspect.stdout)?.[1];
}
const DOCKER_DRIVER = 'the buildx builder uses the "docker" driver, which cannot export caches (add docker/setup-buildx-action before this step)';
/** The build cache `mode` chooses, or the cache off with the reason it cannot work here. */
async function chooseBuildCache(mode, deps) {
    switch (mode) {
        case 'off':
            return cacheOff('build-cache is off');
        case 'gha':
            return githubBuildCache(deps);
        case 'registry':
            return registryBuildCache(deps);
        case 'local':
            return localBuildCache(deps, deps.builder === 'buildx' ? await buildxDriver(deps.executor) : undefined);
    }
}
/**
 * The GitHub Actions cache backend of buildx (`type=gha`), one scope per service. It needs the
 * runner's cache service (ACTIONS_RUNTIME_TOKEN and a cache URL, which buildx reads from the
 * environment, never from argv) and a buildx driver that can export caches (not `docker`).
 * Anywhere else it is off.
 */
async function githubBuildCache(deps) {
    const { env } = deps;
    const onGithub = env.ACTIONS_RUNTIME_TOKEN !== undefined && (env.ACTIONS_CACHE_URL !== undefined || env.ACTIONS_RESULTS_URL !== undefined);
    if (!onGithub)
        return cacheOff('not running on GitHub Actions');
    if (deps.builder !== 'buildx')
        return cacheOff('docker buildx is not installed');
    const driver = await buildxDriver(deps.executor);
    if (driver === undefined || driver === 'docker')
        return cacheOff(DOCKER_DRIVER);
    return {
        ...NOTHING,
        description: 'GitHub Actions cache',
        cacheFrom: (build) => [`type=gha,scope=stack-deploy-${build.service}`],
        cacheTo: (build) => [`type=gha,scope=stack-deploy-${build.service},mode=max`],
    };
}
/** The tag of a service's registry cache: `<repository>:buildcache`. Never a release tag. */
const REGISTRY_CACHE_TAG = 'buildcache';
/**
 * buildx's registry cache (`type=registry`) at `<repository>:buildcache`, one per service. Every
 * run reads it; only a run of the default branch writes it, so branches cannot overwrite the
 * cache the releases use. Needs a driver that can export caches.
 */
async function registryBuildCache(deps) {
    if (deps.builder !== 'buildx')
        return cacheOff('docker buildx is not installed');
    const driver = await buildxDriver(deps.executor);
    if (driver === undefined || driver === 'docker')
        return cacheOff(DOCKER_DRIVER);
    const ref = (build) => `${build.image}:${REGISTRY_CACHE_TAG}`;
    const branch = defaultBranchBuild(deps.env);
    return {
        ...NOTHING,
        description: branch.isDefault ? `registry, <image>:${REGISTRY_CACHE_TAG}` : `registry, <image>:${REGISTRY_CACHE_TAG}, read only: ${branch.why}`,
        writesToRegistry: branch.isDefault,
        cacheFrom: (build) => [`type=registry,ref=${ref(build)}`],
        cacheTo: (build) => (branch.isDefault ? [`type=registry,ref=${ref(build)},mode=max`] : []),
    };
}

;// CONCATENATED MODULE: ./src/build/publish.ts


/**
 * Logs in to each registry that has credentials (password on stdin), runs `work`, and logs out
 * again whatever happened. `onLogin` lets the action's post step log out after a cancelled run.
 */
async function withRegistryLogins(executor, logins, onLogin, work) {
    const loggedIn = [];
    try {
        for (const { registry, credentials } of logins) {
            onLogin(registry);
            try {
                await executor.run((0,docker/* loginRegistry */.ZS)({ registry, username: credentials.username, password: credentials.password }), { step: 'login' });
            }
            catch (error) {
                const context = error instanceof errors/* StackDeployError */.O1 ? error.context : {};
                throw new errors/* StackDeployError */.O1(`docker login to ${registry} as ${credentials.username} failed`, {
                    ...context,
                    step: 'login',
                    hint: registry === 'ghcr.io'
                        ? 'the github-token needs "packages: write" permission in the workflow (or set registry-username/registry-password)'
                        : 'check the registry-username and registry-password inputs',
                });
            }
            loggedIn.push(registry);
        }
        return await work();
    }
    finally {
        // Every registry gets its logout, and a failed logout never hides why the run failed.
        for (const registry of loggedIn)
            await executor.run((0,docker/* logoutRegistry */.Yt)(registry), { step: 'logout', allowFailure: true }).catch(() => undefined);
    }
}
/** Pushes every tag of every image, one push at a time (layers are shared between tags). */
async function pushImages(executor, images) {
    for (const image of images) {
        for (const ref of image.refs) {
            await executor.run((0,docker/* pushImage */.GH)(ref), { service: image.service, step: 'push' });
        }
    }
}

// EXTERNAL MODULE: ./src/build/size.ts + 1 modules
var build_size = __webpack_require__(18556);
;// CONCATENATED MODULE: ./src/build/versions.ts
/**
 * Orders release versions (`1.2.3`, `1.2.3-rc.1`, `2.0`) as SemVer does: numeric parts by
 * value, a pre-release before its release. Returns <0, 0 or >0.
 */
function compareVersions(a, b) {
    const split = (v) => {
        const [core = '', ...rest] = v.replace(/\+.*$/u, '').split('-');
        return { core: core.split('.').map((part) => Number.parseInt(part, 10) || 0), pre: rest.length > 0 ? rest.join('-') : undefined };
    };
    const left = split(a);
    const right = split(b);
    for (let i = 0; i < Math.max(left.core.length, right.core.length); i += 1) {
        const diff = (left.core[i] ?? 0) - (right.core[i] ?? 0);
        if (diff !== 0)
            return diff;
    }
    if (left.pre === right.pre)
        return 0;
    if (left.pre === undefined)
        return 1;
    if (right.pre === undefined)
        return -1;
    const l = left.pre.split('.');
    const r = right.pre.split('.');
    for (let i = 0; i < Math.max(l.length, r.length); i += 1) {
        const x = l[i];
        const y = r[i];
        if (x === undefined)
            return -1;
        if (y === undefined)
            return 1;
        const nx = /^\d+$/u.test(x) ? Number(x) : undefined;
        const ny = /^\d+$/u.test(y) ? Number(y) : undefined;
        if (nx !== undefined && ny !== undefined && nx !== ny)
            return nx - ny;
        if (nx !== undefined && ny === undefined)
            return -1;
        if (nx === undefined && ny !== undefined)
            return 1;
        if (x !== y)
            return x < y ? -1 : 1;
    }
    return 0;
}
const RELEASE_TAG = /^\d+(?:\.\d+)*(?:-[0-9A-Za-z.-]+)?$/u;
/**
 * The release a new version follows: among the registry's tags that look like versions (not
 * `sha-…`), the highest one below `current`; for a non-version build (`sha-…`), the highest.
 */
function previousReleaseTag(tags, current) {
    const releases = tags.filter((tag) => RELEASE_TAG.test(tag) && tag !== current);
    const candidates = RELEASE_TAG.test(current) ? releases.filter((tag) => compareVersions(tag, current) < 0) : releases;
    return candidates.sort(compareVersions).at(-1);
}

// EXTERNAL MODULE: ./src/registry/client.ts
var registry_client = __webpack_require__(32440);
// EXTERNAL MODULE: ./src/registry/docker-config.ts
var docker_config = __webpack_require__(30026);
// EXTERNAL MODULE: ./src/registry/image-ref.ts
var image_ref = __webpack_require__(18230);
// EXTERNAL MODULE: ./src/engine/settings.ts
var settings = __webpack_require__(94441);
;// CONCATENATED MODULE: ./src/engine/build.ts












class SizeBudgetError extends errors/* StackDeployError */.O1 {
    images;
    constructor(message, images, hint) {
        super(message, { step: 'size', hint });
        this.name = 'SizeBudgetError';
        this.images = images;
    }
}
/** One registry client per registry for a run, with the credentials it may read the registry with. */
function registryClientFor(context, registry, clients) {
    let client = clients.get(registry);
    if (client === undefined) {
        // Reading the registry may also use the runner's own docker login (never sent to a host).
        const credentials = (0,settings/* credentialsFor */.Og)(registry, context.settings) ?? (0,docker_config/* dockerConfigCredentials */.D)(registry, context.env);
        client = new registry_client/* RegistryClient */.bP(registry, { credentials });
        clients.set(registry, client);
    }
    return client;
}
/** The size of the release before this one, or undefined when there is none (or it cannot be read). */
async function previousRelease(context, client, build, versionTag) {
    const { repository } = (0,image_ref/* parseImageRef */.Q)(build.image);
    try {
        const tag = previousReleaseTag(await client.tags(repository), versionTag);
        if (tag === undefined)
            return undefined;
        const manifest = await client.manifest(repository, tag);
        if (manifest === undefined)
            return undefined;
        return { tag, bytes: (0,build_size/* manifestCompressedSize */.mQ)(manifest.body) };
    }
    catch (error) {
        context.reporter.warning(`${build.service}: the previous release's size could not be read: ${error instanceof Error ? error.message : String(error)}`);
        return undefined;
    }
}
function budgetVerdict(image) {
    if (image.sizeLimit === undefined)
        return 'no budget';
    return image.bytes <= image.sizeLimit ? 'pass' : 'over budget';
}
/** Size, budget, change from the previous release: the words of one summary row. */
function sizeRow(image) {
    return [
        image.service,
        (0,build_size/* formatBytes */.z3)(image.bytes),
        image.sizeLimit === undefined ? '—' : (0,build_size/* formatBytes */.z3)(image.sizeLimit),
        image.previous === undefined ? '—' : `${(0,build_size/* formatSizeDelta */.N$)(image.bytes, image.previous.bytes)} vs ${image.previous.tag}`,
        budgetVerdict(image),
    ];
}
/** Builds the images locally and measures each against its budget and the previous release. Pushes nothing. */
async function buildAndMeasure(context, builds, versionTag, clients = new Map()) {
    const { reporter, local } = context;
    const builder = await detectBuilder(local);
    // The Actions cache client (and the storage SDK under it) is loaded only when images are built.
    const { actionsCacheStore } = await Promise.all(/* import() */[__webpack_require__.e(318), __webpack_require__.e(116), __webpack_require__.e(192)]).then(__webpack_require__.bind(__webpack_require__, 33192));
    const cache = await chooseBuildCache(context.settings.buildCache, {
        executor: local,
        builder,
        env: context.env,
        store: actionsCacheStore,
        warn: (message) => reporter.warning(message),
    });
    reporter.info(`Building ${builds.map((b) => b.service).join(', ')} with ${builder === 'buildx' ? 'docker buildx' : 'the classic docker builder'}; ` +
        `build cache ${cache.disabledBecause === undefined ? `on (${cache.description ?? context.settings.buildCache})` : `off because ${cache.disabledBecause}`}`);
    await cache.restore(builds);
    // A registry cache is written during the build: the registries' logins must already be there.
    const build = () => buildImages(builds, { executor: local, reporter, builder, cache });
    await (cache.writesToRegistry ? withRegistryLogins(local, registryLogins(context, builds), (registry) => context.cleanup.registryLogin(registry), build) : build());
    await cache.save(builds);
    return reporter.group('Measure image sizes', async () => {
        const results = await settleWithLimit(builds, (0,external_node_os_.availableParallelism)(), async (build) => {
            const client = registryClientFor(context, (0,image_ref/* parseImageRef */.Q)(build.image).registry, clients);
            const [size, previous] = await Promise.all([(0,build_size/* measureImageSize */.zD)(local, build.releaseRef, { service: build.service }), previousRelease(context, client, build, versionTag)]);
            const image = { service: build.service, image: build.image, releaseRef: build.releaseRef, bytes: size.compressedBytes, sizeLimit: build.sizeLimit, previous };
            reporter.info(sizeRow(image).join('  '));
            return image;
        });
        const failed = results.find((r) => r.status === 'rejected');
        if (failed !== undefined)
            throw failed.reason;
        return results.map((r) => r.value);
    });
}
/** The logins a run's registries need: those with credentials in the settings. */
function registryLogins(context, builds) {
    const registries = [...new Set(builds.map((b) => (0,image_ref/* parseImageRef */.Q)(b.image).registry))];
    return registries.flatMap((registry) => {
        const credentials = (0,settings/* credentialsFor */.Og)(registry, context.settings);
        return credentials === undefined ? [] : [{ registry, credentials }];
    });
}
/**
 * Builds the images, measures them against their budgets, and only when every image passes
 * pushes all their tags and reads back each digest and stored size from the registry.
 */
async function buildAndPublish(context, builds, versionTag) {
    const { reporter, local } = context;
    const clients = new Map();
    const measured = await buildAndMeasure(context, builds, versionTag, clients);
    const over = measured.filter((image) => budgetVerdict(image) === 'over budget');
    if (over.length > 0) {
        const details = over.map((image) => {
            const change = image.previous === undefined ? '' : `, ${(0,build_size/* formatSizeDelta */.N$)(image.bytes, image.previous.bytes)} since ${image.previous.tag}`;
            return `${image.service} is ${(0,build_size/* formatBytes */.z3)(image.bytes)}, over its size_limit of ${(0,build_size/* formatBytes */.z3)(image.sizeLimit ?? 0)}${change}`;
        });
        throw new SizeBudgetError(`size budget exceeded: ${details.join('; ')}. Nothing was pushed.`, measured, 'make the image smaller (multi-stage build, slimmer base image, fewer files), or raise services.<name>.size_limit in stack.yml');
    }
    const logins = registryLogins(context, builds);
    await reporter.group('Push images', () => withRegistryLogins(local, logins, (registry) => context.cleanup.registryLogin(registry), () => pushImages(local, builds)));
    return reporter.group('Read back digests', async () => Promise.all(measured.map(async (image) => {
        const { registry, repository } = (0,image_ref/* parseImageRef */.Q)(image.image);
        const manifest = await registryClientFor(context, registry, clients).manifest(repository, versionTag);
        if (manifest === undefined) {
            throw new errors/* StackDeployError */.O1(`the registry has no ${image.releaseRef} right after it was pushed`, { service: image.service, step: 'push' });
        }
        const pinned = `${image.image}@${manifest.digest}`;
        let bytes = image.bytes;
        try {
            bytes = (0,build_size/* manifestCompressedSize */.mQ)(manifest.body);
        }
        catch {
            // A multi-platform index has no single size: keep the measured one.
        }
        reporter.info(`${image.service}: ${pinned} (${(0,build_size/* formatBytes */.z3)(bytes)})`);
        return { ...image, bytes, pinned };
    })));
}


/***/ }),

/***/ 32440:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   bP: () => (/* binding */ RegistryClient)
/* harmony export */ });
/* unused harmony exports MANIFEST_MEDIA_TYPES, parseChallenge */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(77598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _errors__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(83916);
/* harmony import */ var _image_ref__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(18230);



const MANIFEST_MEDIA_TYPES = [
    'application/vnd.oci.image.manifest.v1+json',
    'application/vnd.docker.distribution.manifest.v2+json',
    'application/vnd.oci.image.index.v1+json',
    'application/vnd.docker.distribution.manifest.list.v2+json',
];
/** `Bearer realm="…",service="…",scope="…"` → scheme and parameters. */
function parseChallenge(header) {
    const space = header.indexOf(' ');
    const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
    const params = {};
    for (const match of header.slice(space + 1).matchAll(/([a-zA-Z_]+)="([^"]*)"/gu)) {
        const [, key, value] = match;
        if (key !== undefined && value !== undefined)
            params[key.toLowerCase()] = value;
    }
    return { scheme, params };
}
/**
 * A read-only client of the registry HTTP API (distribution spec): manifests and tags, with
 * Basic and Bearer-token authentication. Credentials only ever travel in headers.
 */
class RegistryClient {
    registry;
    #base;
    #options;
    #authorization = new Map();
    constructor(registry, options = {}) {
        this.registry = registry;
        this.#base = (0,_image_ref__WEBPACK_IMPORTED_MODULE_2__/* .registryBaseUrl */ .m)(registry);
        this.#options = options;
    }
    /** The manifest a tag or digest names, or undefined when the registry has none. */
    async manifest(repository, reference) {
        const response = await this.#get(repository, `/v2/${repository}/manifests/${reference}`, { Accept: MANIFEST_MEDIA_TYPES.join(', ') });
        if (response.status === 404)
            return undefined;
        const body = await response.text();
        if (!response.ok)
            throw this.#failure(repository, `reading the manifest ${repository}:${reference}`, response.status, body);
        const digest = response.headers.get('docker-content-digest') ?? `sha256:${(0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256').update(body).digest('hex')}`;
        const mediaType = response.headers.get('content-type') ?? '';
        return { digest, mediaType, body };
    }
    /** Every tag of a repository (empty when the repository does not exist yet). */
    async tags(repository) {
        const response = await this.#get(repository, `/v2/${repository}/tags/list?n=10000`, { Accept: 'application/json' });
        if (response.status === 404)
            return [];
        const body = await response.text();
        if (!response.ok)
            throw this.#failure(repository, `listing the tags of ${repository}`, response.status, body);
        const parsed = JSON.parse(body);
        return parsed.tags ?? [];
    }
    async #get(repository, path, headers) {
        const fetchImpl = this.#options.fetch ?? fetch;
        const send = (authorization) => fetchImpl(`${this.#base}${path}`, {
            headers: authorization === undefined ? headers : { ...headers, Authorization: authorization },
            signal: AbortSignal.timeout(this.#options.timeoutMs ?? 30_000),
            redirect: 'follow',
        });
        let response = await this.#guard(repository, () => send(this.#authorization.get(repository)));
        if (response.status !== 401)
            return response;
        const challenge = parseChallenge(response.headers.get('www-authenticate') ?? '');
        const authorization = await this.#authorize(repository, challenge);
        if (authorization === undefined)
            return response;
        await response.body?.cancel();
        this.#authorization.set(repository, authorization);
        response = await this.#guard(repository, () => send(authorization));
        return response;
    }
    async #authorize(repository, challenge) {
        const credentials = this.#options.credentials;
        const basic = credentials === undefined ? undefined : `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
        if (challenge.scheme === 'basic')
            return basic;
        if (challenge.scheme !== 'bearer' || challenge.params.realm === undefined)
            return undefined;
        const url = new URL(challenge.params.realm);
        if (challenge.params.service !== undefined)
            url.searchParams.set('service', challenge.params.service);
        url.searchParams.set('scope', challenge.params.scope ?? `repository:${repository}:pull`);
        const fetchImpl = this.#options.fetch ?? fetch;
        const response = await this.#guard(repository, () => fetchImpl(url, { headers: basic === undefined ? {} : { Authorization: basic }, signal: AbortSignal.timeout(this.#options.timeoutMs ?? 30_000) }));
        const body = await response.text();
        if (!response.ok)
            throw this.#failure(repository, 'getting a registry token', response.status, body);
        const granted = JSON.parse(body);
        const token = granted.token ?? granted.access_token;
        return token === undefined ? undefined : `Bearer ${token}`;
    }
    async #guard(repository, request) {
        try {
            return await request();
        }
        catch (error) {
            const reason = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
            throw new _errors__WEBPACK_IMPORTED_MODULE_1__/* .StackDeployError */ .O1(`the registry ${this.registry} could not be reached: ${reason}`, {
                step: 'registry',
                hint: `check that ${this.#base} is reachable from here (repository ${repository})`,
            });
        }
    }
    #failure(repository, what, status, body) {
        const denied = status === 401 || status === 403;
        return new _errors__WEBPACK_IMPORTED_MODULE_1__/* .StackDeployError */ .O1(`the registry ${this.registry} answered ${status} while ${what}`, {
            step: 'registry',
            outputTail: body.slice(0, 500),
            hint: denied
                ? `check the registry credentials (github-token with packages permission for ghcr.io, or registry-username/registry-password) and their access to ${repository}`
                : undefined,
        });
    }
}


/***/ }),

/***/ 18230:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Q: () => (/* binding */ parseImageRef),
/* harmony export */   m: () => (/* binding */ registryBaseUrl)
/* harmony export */ });
/* harmony import */ var _errors__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(83916);

/** Splits `host/repo:tag@sha256:…` the way the docker CLI does. */
function parseImageRef(ref) {
    let rest = ref;
    let digest;
    const at = rest.indexOf('@');
    if (at >= 0) {
        digest = rest.slice(at + 1);
        rest = rest.slice(0, at);
    }
    let tag;
    const lastSlash = rest.lastIndexOf('/');
    const lastColon = rest.lastIndexOf(':');
    if (lastColon > lastSlash) {
        tag = rest.slice(lastColon + 1);
        rest = rest.slice(0, lastColon);
    }
    const slash = rest.indexOf('/');
    const first = slash >= 0 ? rest.slice(0, slash) : '';
    const hasRegistry = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
    const registry = hasRegistry ? first : 'docker.io';
    let repository = hasRegistry ? rest.slice(slash + 1) : rest;
    if (repository === '' || (digest !== undefined && !/^sha256:[a-f0-9]{64}$/u.test(digest))) {
        throw new _errors__WEBPACK_IMPORTED_MODULE_0__/* .StackDeployError */ .O1(`"${ref}" is not an image reference`, { hint: 'write it like ghcr.io/owner/name:tag' });
    }
    if (registry === 'docker.io' && !repository.includes('/'))
        repository = `library/${repository}`;
    return { registry, repository, tag, digest };
}
/** The registry's API base URL: plain HTTP only for loopback registries, as docker does. */
function registryBaseUrl(registry) {
    if (registry === 'docker.io')
        return 'https://registry-1.docker.io';
    const host = registry.replace(/:\d+$/u, '');
    const loopback = host === 'localhost' || /^127\.\d+\.\d+\.\d+$/u.test(host) || host === '[::1]';
    return `${loopback ? 'http' : 'https'}://${registry}`;
}


/***/ })

};
;