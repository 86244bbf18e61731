"use strict";
exports.id = 871;
exports.ids = [871];
exports.modules = {

/***/ 72871:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  init: () => (/* binding */ init)
});

// UNUSED EXPORTS: INIT_DEFAULT_ENVIRONMENT

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(51455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
// EXTERNAL MODULE: ./node_modules/yaml/dist/index.js
var dist = __webpack_require__(38815);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(83916);
;// CONCATENATED MODULE: ./src/init/compose-model.ts

function isRecord(value) {
    return value !== null && typeof value === 'object' && !Array.isArray(value);
}
function compose_model_text(value) {
    return typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : undefined;
}
/** `build: dir` or `build: { context, dockerfile, target, args (map or KEY=VALUE list), network }`. */
function buildOf(value) {
    if (value === undefined || value === null)
        return undefined;
    if (typeof value === 'string')
        return { context: value, args: {} };
    if (!isRecord(value))
        return undefined;
    const args = {};
    if (Array.isArray(value.args)) {
        for (const item of value.args) {
            const pair = compose_model_text(item);
            const at = pair?.indexOf('=') ?? -1;
            if (pair !== undefined && at > 0)
                args[pair.slice(0, at)] = pair.slice(at + 1);
        }
    }
    else if (isRecord(value.args)) {
        for (const [key, arg] of Object.entries(value.args)) {
            const written = compose_model_text(arg);
            if (written !== undefined)
                args[key] = written;
        }
    }
    return { context: compose_model_text(value.context) ?? '.', dockerfile: compose_model_text(value.dockerfile), target: compose_model_text(value.target), args, network: compose_model_text(value.network) };
}
/**
 * `healthcheck.test` as an argv: `[CMD, a, b]` → `[a, b]`; `[CMD-SHELL, s]` and a plain string
 * → `[sh, -c, s]`; `[NONE]` and `disable: true` → none.
 */
function healthcheckOf(value) {
    if (!isRecord(value) || value.disable === true)
        return undefined;
    const test = value.test;
    if (typeof test === 'string')
        return test.trim() === '' ? undefined : ['sh', '-c', test];
    if (!Array.isArray(test))
        return undefined;
    const [kind, ...rest] = test.map((word) => String(word));
    if (kind === 'CMD' && rest.length > 0)
        return rest;
    if (kind === 'CMD-SHELL' && rest.length > 0)
        return ['sh', '-c', rest.join(' ')];
    return undefined;
}
const ANY_ADDRESS = new Set(['', '0.0.0.0', '::', '[::]']);
/** The host side of `ports:` entries that publish one fixed port: `[IP:]HOST:CONTAINER[/proto]` or the long form. */
function publishedPortsOf(value) {
    if (!Array.isArray(value))
        return [];
    const found = [];
    for (const entry of value) {
        let address;
        let published;
        if (isRecord(entry)) {
            published = compose_model_text(entry.published);
            address = compose_model_text(entry.host_ip) ?? '';
        }
        else {
            const spec = (compose_model_text(entry) ?? '').replace(/\/(tcp|udp)$/u, '');
            const colon = spec.lastIndexOf(':');
            if (colon < 0)
                continue;
            const hostSide = spec.slice(0, colon);
            const split = hostSide.lastIndexOf(':');
            published = split < 0 ? hostSide : hostSide.slice(split + 1);
            address = split < 0 ? '' : hostSide.slice(0, split);
        }
        if (published === undefined || !/^[0-9]+$/u.test(published))
            continue;
        const host = ANY_ADDRESS.has(address) || address.includes(':') ? '127.0.0.1' : address;
        found.push({ host, port: Number(published) });
    }
    return found;
}
/** Reads the parts of a compose file (already parsed from YAML) that `init` needs. */
function readComposeModel(data, file) {
    if (!isRecord(data) || !isRecord(data.services) || Object.keys(data.services).length === 0) {
        throw new errors/* StackDeployError */.O1(`${file} has no services`, { hint: 'pass the compose file of your stack with -c, e.g. -c compose.yml' });
    }
    const services = Object.entries(data.services).map(([name, value]) => {
        const service = isRecord(value) ? value : {};
        return {
            name,
            image: compose_model_text(service.image),
            build: buildOf(service.build),
            healthcheck: healthcheckOf(service.healthcheck),
            publishedPorts: publishedPortsOf(service.ports),
        };
    });
    return { name: compose_model_text(data.name), services };
}

;// CONCATENATED MODULE: ./src/init/manifest-from-compose.ts



const SAFE_NAME = /^[a-z0-9][a-z0-9_-]*$/u;
function stackName(model, fallback) {
    if (model.name !== undefined && SAFE_NAME.test(model.name))
        return model.name;
    const cleaned = fallback.toLowerCase().replace(/[^a-z0-9_-]+/gu, '-').replace(/^[^a-z0-9]+/u, '');
    return cleaned === '' ? 'stack' : cleaned;
}
/** `repo:tag` / `repo@sha256:…` → `{ repo, pinned: true }`; `repo` → `{ repo, pinned: false }`. */
function splitImage(image) {
    const at = image.indexOf('@');
    const withoutDigest = at < 0 ? image : image.slice(0, at);
    const colon = withoutDigest.lastIndexOf(':');
    const tagged = colon > withoutDigest.lastIndexOf('/');
    return { repo: tagged ? withoutDigest.slice(0, colon) : withoutDigest, pinned: at >= 0 || tagged };
}
/** A path relative to the compose file's directory, made relative to stack.yml's directory. */
function fromStackDir(composeDir, path, what) {
    const joined = external_node_path_.posix.normalize(external_node_path_.posix.join(composeDir, path));
    if (external_node_path_.posix.isAbsolute(path) || joined === '..' || joined.startsWith('../')) {
        throw new errors/* StackDeployError */.O1(`the ${what} "${path}" is outside the directory of stack.yml`, {
            hint: 'write stack.yml in a directory that holds the compose file and every build context (-f DIR/stack.yml)',
        });
    }
    return joined;
}
function healthOf(service) {
    if (service.healthcheck !== undefined)
        return { cmd: [...service.healthcheck] };
    const port = service.publishedPorts[0];
    return port === undefined ? undefined : { http: `http://${port.host}:${port.port}/` };
}
/**
 * A stack.yml for a compose file: services Compose builds (`build:`), or whose untagged image has
 * a Dockerfile directory next to the compose file, become services stack-deploy builds, pins and
 * health-gates; services on a tagged image are left to Compose (listed only when they have a
 * healthcheck to gate on). Health comes from healthchecks, else from the first published port.
 */
function manifestFromCompose(model, options) {
    const composeDir = external_node_path_.posix.dirname(options.composeFile);
    const notes = [];
    const services = {};
    for (const service of model.services) {
        const image = service.image === undefined ? undefined : splitImage(service.image);
        const entry = {};
        if (service.build !== undefined) {
            const build = { context: fromStackDir(composeDir, service.build.context, `build context of "${service.name}"`) };
            if (service.build.dockerfile !== undefined)
                build.dockerfile = service.build.dockerfile;
            if (service.build.target !== undefined)
                build.target = service.build.target;
            if (Object.keys(service.build.args).length > 0)
                build.args = { ...service.build.args };
            if (service.build.network === 'host' || service.build.network === 'none')
                build.network = service.build.network;
            entry.build = build;
            if (image !== undefined)
                entry.image = image.repo;
        }
        else if (image !== undefined && !image.pinned && ['services', '.'].some((parent) => options.hasDockerfile(external_node_path_.posix.join(composeDir, parent, service.name)))) {
            const context = ['services', '.'].map((parent) => external_node_path_.posix.join(composeDir, parent, service.name)).find((dir) => options.hasDockerfile(dir)) ?? '';
            entry.build = { context };
            entry.image = image.repo;
            notes.push(`${service.name}: built from ${context}/Dockerfile (its compose image ${service.image ?? ''} has no tag)`);
        }
        else if (image !== undefined) {
            if (!image.pinned)
                notes.push(`${service.name}: ${service.image ?? ''} has no tag; pin one (image:tag) so every deploy runs the same image`);
            if (service.healthcheck === undefined) {
                notes.push(`${service.name}: left to Compose (${service.image ?? ''})`);
                continue;
            }
            notes.push(`${service.name}: left to Compose (${service.image ?? ''}); its healthcheck gates deploys`);
        }
        else {
            notes.push(`${service.name}: skipped: it has neither build nor image`);
            continue;
        }
        const health = healthOf(service);
        if (health !== undefined)
            entry.health = health;
        services[service.name] = entry;
    }
    const names = Object.keys(services);
    if (names.length === 0) {
        throw new errors/* StackDeployError */.O1(`${options.composeFile} has no service for stack-deploy to build or health-gate`, {
            hint: 'give the services you build a "build:" section in the compose file, then run init again',
        });
    }
    const name = stackName(model, options.fallbackName);
    const { environment } = options;
    return {
        manifest: {
            version: 1,
            name,
            services,
            environments: {
                [environment.name]: { host: environment.host, user: environment.user, path: environment.path ?? `/opt/${name}`, compose: [options.composeFile] },
            },
        },
        notes,
    };
}
/** stack.yml's text: the schema comment line (editor completion), then the manifest. */
function manifestText(draft, schemaUrl) {
    return `# yaml-language-server: $schema=${schemaUrl}\n${(0,dist/* stringify */.As)(draft.manifest, { lineWidth: 0 })}`;
}

// EXTERNAL MODULE: ./src/manifest/index.ts + 13 modules
var manifest = __webpack_require__(81237);
;// CONCATENATED MODULE: ./src/engine/init.ts








const INIT_DEFAULT_ENVIRONMENT = 'production';
const PLACEHOLDER_HOST = 'deploy.example.com';
const DEFAULT_USER = 'deploy';
async function readCompose(file) {
    let text;
    try {
        text = await (0,promises_.readFile)(file, 'utf8');
    }
    catch (error) {
        throw new errors/* StackDeployError */.O1(`cannot read the compose file ${file}: ${error.code ?? String(error)}`, {
            hint: 'pass your compose file with -c, e.g. -c compose.yml',
        });
    }
    try {
        return (0,dist/* parse */.qg)(text);
    }
    catch (error) {
        throw new errors/* StackDeployError */.O1(`${file} is not valid YAML: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    }
}
function nextSteps(manifestFile, environment, host, port) {
    return [
        `Next steps:`,
        `1. Read ${manifestFile} (services, health checks, environment "${environment}"), then run: stack-deploy validate -f ${manifestFile}`,
        `2. Pin the host key. On the server: ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub`,
        `   Here: ssh-keyscan -p ${port} -t ed25519 ${host} | ssh-keygen -lf -   (the fingerprints must match)`,
        `   Store the line of "ssh-keyscan -p ${port} -t ed25519 ${host}" as the repository secret SSH_KNOWN_HOSTS.`,
        `3. Store the deploy user's private key as the repository secret SSH_PRIVATE_KEY.`,
        `4. Try the connection: stack-deploy check -e ${environment}`,
    ];
}
/**
 * `init`: writes a stack.yml for an existing compose file (see manifestFromCompose), checked
 * against the schema before it is written. Never overwrites a file unless told to.
 */
async function init(context) {
    const { settings, reporter } = context;
    const request = settings.init;
    if (request === undefined)
        throw new errors/* StackDeployError */.O1('init needs a compose file', { hint: 'run: stack-deploy init -c compose.yml' });
    const manifestFile = settings.manifest;
    const stackDir = (0,external_node_path_.dirname)((0,external_node_path_.resolve)(manifestFile));
    const composePath = (0,external_node_path_.relative)(stackDir, (0,external_node_path_.resolve)(request.composeFile)).split(external_node_path_.sep).join('/');
    if (composePath.startsWith('../') || composePath === '..' || composePath.startsWith('/')) {
        throw new errors/* StackDeployError */.O1(`the compose file ${request.composeFile} is outside the directory of ${manifestFile}`, {
            hint: 'stack.yml refers to compose files below its own directory: write it higher up (-f DIR/stack.yml)',
        });
    }
    const model = readComposeModel(await readCompose(request.composeFile), request.composeFile);
    const environment = settings.environment ?? INIT_DEFAULT_ENVIRONMENT;
    const host = request.host ?? PLACEHOLDER_HOST;
    const draft = manifestFromCompose(model, {
        composeFile: composePath,
        fallbackName: (0,external_node_path_.basename)((0,external_node_path_.dirname)((0,external_node_path_.resolve)(request.composeFile))),
        environment: { name: environment, host, user: request.user ?? DEFAULT_USER, path: request.path },
        hasDockerfile: (dir) => (0,external_node_fs_.existsSync)((0,external_node_path_.join)(stackDir, dir, 'Dockerfile')),
    });
    const text = manifestText(draft, manifest/* MANIFEST_SCHEMA_ID */.SJ);
    const checked = (0,manifest/* parseManifest */.Ng)(text, manifestFile);
    if (!checked.ok) {
        throw new errors/* StackDeployError */.O1(`the stack.yml made from ${request.composeFile} is not valid: ${checked.issues.map(manifest/* formatIssue */.Hd).join('; ')}`, {
            hint: 'fix the value named (from --host, --user, --path, -e or the compose file) and run init again',
        });
    }
    try {
        await (0,promises_.writeFile)(manifestFile, text, { flag: request.force ? 'w' : 'wx' });
    }
    catch (error) {
        if (error.code === 'EEXIST') {
            throw new errors/* StackDeployError */.O1(`${manifestFile} already exists; nothing was written`, { hint: 'add --force to replace it, or write elsewhere with -f FILE' });
        }
        throw error;
    }
    const placeholders = [request.host === undefined ? `environments.${environment}.host (${PLACEHOLDER_HOST})` : undefined, request.user === undefined ? `environments.${environment}.user (${DEFAULT_USER})` : undefined, request.path === undefined ? `environments.${environment}.path` : undefined].filter((item) => item !== undefined);
    const notes = [...draft.notes, ...(placeholders.length > 0 ? [`defaults to check: ${placeholders.join(', ')}`] : [])];
    for (const note of notes)
        reporter.info(note);
    const services = Object.keys(draft.manifest.services);
    return {
        status: 'success',
        outputs: { services: JSON.stringify(services) },
        summary: {
            title: `stack-deploy: wrote ${manifestFile}`,
            lines: [`${manifestFile}: stack "${String(draft.manifest.name)}", services ${services.join(', ')}, environment "${environment}".`, '', ...nextSteps(manifestFile, environment, host, 22)],
            tables: [],
        },
    };
}


/***/ })

};
;