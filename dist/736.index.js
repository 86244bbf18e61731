"use strict";
exports.id = 736;
exports.ids = [736];
exports.modules = {

/***/ 53155:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   G: () => (/* binding */ command)
/* harmony export */ });
function command(argv, stdin) {
    if (stdin === undefined)
        return { argv };
    return { argv, stdin: stdin.text, stdinIsSecret: stdin.secret ?? false };
}


/***/ }),

/***/ 80418:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   build: () => (/* binding */ build)
/* harmony export */ });
/* harmony import */ var _release_select__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(21677);
/* harmony import */ var _build__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(38555);
/* harmony import */ var _release_plan__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(90436);
/* harmony import */ var _validate__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(56082);




const SIZE_HEADER = ['Service', 'Size', 'Budget', 'Change', 'Result'];
function sizeTable(images) {
    return { header: SIZE_HEADER, rows: images.map(_build__WEBPACK_IMPORTED_MODULE_1__/* .sizeRow */ .Yz) };
}
/** `build`: build the selected services' images, check their size budgets, push, read back digests. */
async function build(context) {
    const { settings, reporter, clock } = context;
    // Building needs no compose file: they are read by the commands that deploy.
    const loaded = await (0,_validate__WEBPACK_IMPORTED_MODULE_3__/* .loadAndReport */ .I)(settings.manifest, reporter, 'invalid', undefined, { compose: false });
    if (!loaded.ok)
        return loaded.result;
    const plan = (0,_release_plan__WEBPACK_IMPORTED_MODULE_2__/* .planRelease */ .F)(settings, loaded.manifest, new Date(clock.now()));
    const services = plan.selection.services;
    reporter.info(`Release ${plan.version}: ${services.join(', ')}`);
    const baseOutputs = { version: plan.version, services: JSON.stringify(services) };
    try {
        const images = plan.builds.length === 0 ? [] : await (0,_build__WEBPACK_IMPORTED_MODULE_1__/* .buildAndPublish */ .T0)(context, plan.builds, (0,_release_select__WEBPACK_IMPORTED_MODULE_0__/* .dockerTagFor */ .WV)(plan.version));
        return {
            status: 'success',
            outputs: {
                ...baseOutputs,
                images: JSON.stringify(Object.fromEntries(images.map((image) => [image.service, image.pinned]))),
                sizes: JSON.stringify(Object.fromEntries(images.map((image) => [image.service, image.bytes]))),
            },
            summary: {
                title: `stack-deploy: built ${plan.version}`,
                lines: [
                    `Pushed ${images.length} ${images.length === 1 ? 'image' : 'images'} for ${services.join(', ')}.`,
                ],
                tables: [sizeTable(images), { header: ['Service', 'Image'], rows: images.map((image) => [image.service, image.pinned ?? '']) }],
            },
        };
    }
    catch (error) {
        if (!(error instanceof _build__WEBPACK_IMPORTED_MODULE_1__/* .SizeBudgetError */ .Bm))
            throw error;
        reporter.error(error.message);
        return {
            status: 'failed',
            outputs: { ...baseOutputs, sizes: JSON.stringify(Object.fromEntries(error.images.map((image) => [image.service, image.bytes]))) },
            summary: {
                title: `stack-deploy: ${plan.version} is over its size budget`,
                lines: ['Nothing was pushed. Sizes are the compressed sizes a registry stores (gzip-compressed layers plus the image config).'],
                tables: [sizeTable(error.images)],
                details: `${error.message}\n  next: ${error.context.hint ?? ''}`,
            },
        };
    }
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