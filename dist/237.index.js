"use strict";
exports.id = 237;
exports.ids = [237];
exports.modules = {

/***/ 8320:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  N: () => (/* binding */ dependencyClosure),
  E: () => (/* binding */ readComposeFiles)
});

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(51455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
// EXTERNAL MODULE: ./node_modules/yaml/dist/index.js
var dist = __webpack_require__(38815);
;// CONCATENATED MODULE: ./src/compose/interpolate.ts
/**
 * Compose's variable interpolation (`$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
 * `${VAR:?error}`, `${VAR?error}`, `${VAR:+replacement}`, `${VAR+replacement}`, `$$`), applied
 * to one string. Defaults and replacements may themselves hold variables.
 */
const NAME = /^[A-Za-z_][A-Za-z0-9_]*/u;
/** Index of the `}` that closes the `${` whose body starts at `start`, or -1. */
function closingBrace(text, start) {
    let depth = 1;
    for (let i = start; i < text.length; i += 1) {
        if (text[i] === '$' && text[i + 1] === '{') {
            depth += 1;
            i += 1;
        }
        else if (text[i] === '}') {
            depth -= 1;
            if (depth === 0)
                return i;
        }
    }
    return -1;
}
/**
 * Interpolates `text` with `variables`. When `strict` is false (variables unknown), required
 * variables that are not set are not reported.
 */
function interpolate(text, variables, strict = true) {
    const missing = [];
    let out = '';
    let i = 0;
    while (i < text.length) {
        const char = text[i];
        if (char !== '$') {
            out += char;
            i += 1;
            continue;
        }
        const next = text[i + 1];
        if (next === '$') {
            out += '$';
            i += 2;
            continue;
        }
        if (next === '{') {
            const end = closingBrace(text, i + 2);
            if (end < 0) {
                out += text.slice(i);
                break;
            }
            out += substitute(text.slice(i + 2, end), variables, strict, missing);
            i = end + 1;
            continue;
        }
        const name = NAME.exec(text.slice(i + 1))?.[0];
        if (name === undefined) {
            out += '$';
            i += 1;
            continue;
        }
        out += variables.get(name) ?? '';
        i += 1 + name.length;
    }
    return { value: out, missing };
}
function substitute(body, variables, strict, missing) {
    const name = NAME.exec(body)?.[0] ?? '';
    const rest = body.slice(name.length);
    const value = variables.get(name);
    const nested = (inner) => {
        const result = interpolate(inner, variables, strict);
        missing.push(...result.missing);
        return result.value;
    };
    const operator = /^(:-|-|:\?|\?|:\+|\+)/u.exec(rest)?.[0];
    if (operator === undefined)
        return value ?? '';
    const argument = rest.slice(operator.length);
    const unsetOrEmpty = value === undefined || value === '';
    switch (operator) {
        case ':-':
            return unsetOrEmpty ? nested(argument) : value;
        case '-':
            return value === undefined ? nested(argument) : value;
        case ':?':
        case '?':
            if (operator === ':?' ? unsetOrEmpty : value === undefined) {
                if (strict)
                    missing.push({ name, message: argument === '' ? `required variable ${name} is missing a value` : nested(argument) });
                return '';
            }
            return value ?? '';
        case ':+':
            return unsetOrEmpty ? '' : nested(argument);
        default:
            return value === undefined ? '' : nested(argument);
    }
}

;// CONCATENATED MODULE: ./src/compose/model.ts




function isRecord(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
function model_text(value) {
    return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}
function ports(value) {
    if (!Array.isArray(value))
        return [];
    return value.flatMap((entry) => {
        if (isRecord(entry)) {
            const target = model_text(entry.target);
            const published = model_text(entry.published);
            const hostIp = model_text(entry.host_ip);
            const mode = model_text(entry.mode);
            return target === undefined ? [] : [{ target, published: published === '' ? undefined : published, hostIp: hostIp === '' ? undefined : hostIp, protocol: model_text(entry.protocol) ?? 'tcp', ...(mode === undefined ? {} : { mode }) }];
        }
        const spec = model_text(entry);
        if (spec === undefined)
            return [];
        const [, withoutProtocol = spec, protocol = 'tcp'] = /^(.*?)(?:\/(tcp|udp|sctp))?$/su.exec(spec) ?? [];
        // [ip:][published:]target, where ip may be [v6].
        const match = /^(?:(\[[^\]]*\]|[^:]*):)??(?:([^:]*):)?([^:]+)$/u.exec(withoutProtocol);
        if (match === null)
            return [];
        const [, hostIp, published, target] = match;
        return [{ hostIp: hostIp === '' ? undefined : hostIp, published: published === '' ? undefined : published, target: target ?? '', protocol }];
    });
}
/** A short-syntax source that is a path on the host (a bind mount), not a volume name. */
function isHostPath(source) {
    return source.startsWith('/') || source.startsWith('.') || source.startsWith('~');
}
function mounts(value) {
    if (!Array.isArray(value))
        return [];
    return value.flatMap((entry) => {
        if (isRecord(entry)) {
            const target = model_text(entry.target);
            const source = model_text(entry.source);
            if (target === undefined)
                return [];
            const named = (entry.type === undefined || entry.type === 'volume') && source !== undefined && source !== '' && !isHostPath(source);
            return [named ? { target, volume: source } : { target }];
        }
        const spec = model_text(entry);
        if (spec === undefined)
            return [];
        // source:target[:mode], or target alone (an anonymous volume).
        const [source = '', target] = spec.split(':');
        if (target === undefined)
            return [{ target: spec }];
        return [source === '' || isHostPath(source) ? { target } : { target, volume: source }];
    });
}
function mergeMounts(previous, next) {
    const byTarget = new Map(previous.map((mount) => [mount.target, mount]));
    for (const mount of next)
        byTarget.set(mount.target, mount);
    return [...byTarget.values()];
}
function dependsOn(value) {
    if (Array.isArray(value))
        return value.flatMap((entry) => (typeof entry === 'string' ? [entry] : []));
    return isRecord(value) ? Object.keys(value) : [];
}
function hasHealthcheck(value) {
    if (!isRecord(value) || value.disable === true)
        return false;
    const test = value.test;
    if (Array.isArray(test))
        return test[0] !== 'NONE' && test.length > 0;
    return typeof test === 'string' && test !== '';
}
/** Interpolates every string value (not keys) of `value`, collecting required variables that are missing. */
function interpolateTree(value, variables, strict, path, missing) {
    if (typeof value === 'string') {
        const result = interpolate(value, variables, strict);
        for (const m of result.missing)
            missing.push({ path, message: m.message });
        return result.value;
    }
    if (Array.isArray(value))
        return value.map((entry, i) => interpolateTree(entry, variables, strict, [...path, i], missing));
    if (isRecord(value))
        return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, interpolateTree(entry, variables, strict, [...path, key], missing)]));
    return value;
}
/**
 * Reads compose files the way Compose does for what stack-deploy needs: several files merged in
 * order, `${VAR}` from the env file, services filtered by `COMPOSE_PROFILES`.
 */
async function readComposeFiles(options) {
    const issues = [];
    const merged = new Map();
    const variables = options.variables ?? new Map();
    const strict = options.variables !== undefined;
    for (const file of options.files) {
        let source;
        try {
            source = await (0,promises_.readFile)((0,external_node_path_.join)(options.dir, file), 'utf8');
        }
        catch {
            issues.push({ file, line: 1, column: 1, path: '', message: `the compose file ${file} cannot be read`, hint: `compose files are named relative to the directory of stack.yml (${options.dir})` });
            continue;
        }
        const lineCounter = new dist/* LineCounter */.HN();
        const document = (0,dist/* parseDocument */.Tp)(source, { lineCounter, uniqueKeys: false });
        const at = (offset) => {
            const { line, col } = lineCounter.linePos(offset ?? 0);
            return { file, line, column: col };
        };
        const nodeAt = (path) => {
            const node = document.getIn(path, true);
            const range = (0,dist/* isMap */.jh)(node) || (0,dist/* isSeq */.oP)(node) ? node.range : node?.range;
            return at(range?.[0]);
        };
        if (document.errors.length > 0) {
            const error = document.errors[0];
            const first = (error?.message.split('\n')[0] ?? 'invalid YAML').replace(/ at line \d+, column \d+:?$/u, '').replace(/\.$/u, '');
            const reason = `${first.charAt(0).toLowerCase()}${first.slice(1)}`;
            issues.push({ ...at(error?.pos[0]), path: '', message: `the compose file does not parse: ${reason}` });
            continue;
        }
        const missing = [];
        const data = interpolateTree(document.toJS(), variables, strict, [], missing);
        for (const m of missing) {
            issues.push({ ...nodeAt(m.path), path: m.path.join('.'), message: m.message, hint: 'set it in the environment\'s env (the action\'s `env` input, or --env-file)' });
        }
        if (!isRecord(data) || !isRecord(data.services)) {
            issues.push({ ...at(0), path: 'services', message: 'the compose file has no "services" mapping' });
            continue;
        }
        for (const [name, raw] of Object.entries(data.services)) {
            if (!isRecord(raw))
                continue;
            const previous = merged.get(name);
            const node = document.getIn(['services', name], true);
            const servicesNode = document.get('services', true);
            const keyNode = (0,dist/* isMap */.jh)(servicesNode) ? servicesNode.items.find((pair) => pair.key?.value === name)?.key : undefined;
            const where = at(keyNode?.range?.[0] ?? node?.range?.[0]);
            merged.set(name, {
                image: model_text(raw.image) ?? previous?.image,
                build: raw.build !== undefined || (previous?.build ?? false),
                dependsOn: [...new Set([...(previous?.dependsOn ?? []), ...dependsOn(raw.depends_on)])],
                healthcheck: raw.healthcheck !== undefined ? hasHealthcheck(raw.healthcheck) : (previous?.healthcheck ?? false),
                ports: [...(previous?.ports ?? []), ...ports(raw.ports)],
                networkMode: model_text(raw.network_mode) ?? previous?.networkMode,
                containerName: model_text(raw.container_name) ?? previous?.containerName,
                mounts: mergeMounts(previous?.mounts ?? [], mounts(raw.volumes)),
                profiles: Array.isArray(raw.profiles) ? raw.profiles.filter((p) => typeof p === 'string') : (previous?.profiles ?? []),
                updateConfig: { ...previous?.updateConfig, ...(isRecord(raw.deploy) && isRecord(raw.deploy.update_config) ? raw.deploy.update_config : {}) },
                deployMode: (isRecord(raw.deploy) ? model_text(raw.deploy.mode) : undefined) ?? previous?.deployMode,
                where: previous?.where ?? where,
            });
        }
    }
    const enabled = new Set((variables.get('COMPOSE_PROFILES') ?? '').split(',').map((p) => p.trim()).filter((p) => p !== ''));
    const all = [...merged].map(([name, { mounts: used, ...service }]) => ({
        name,
        ...service,
        namedVolumes: [...new Set(used.flatMap((mount) => (mount.volume === undefined ? [] : [mount.volume])))],
    }));
    const services = all.filter((service) => service.profiles.length === 0 || enabled.has('*') || service.profiles.some((p) => enabled.has(p)));
    return { services, all, issues };
}
/** The service and, recursively, what it depends on (in the model), without duplicates. */
function dependencyClosure(model, names) {
    const found = [];
    const visit = (name) => {
        if (found.includes(name))
            return;
        found.push(name);
        for (const dependency of model.all.find((service) => service.name === name)?.dependsOn ?? [])
            visit(dependency);
    };
    for (const name of names)
        visit(name);
    return found;
}


/***/ }),

/***/ 47936:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   b: () => (/* binding */ describeValue)
/* harmony export */ });
const MAX_SHOWN_STRING = 60;
/** How a value from the YAML file is shown in a message: `"sixty"`, `42`, `a list`, `nothing`. */
function describeValue(value) {
    if (value === null || value === undefined)
        return 'nothing';
    if (typeof value === 'string') {
        const shown = value.length > MAX_SHOWN_STRING ? `${value.slice(0, MAX_SHOWN_STRING)}…` : value;
        return JSON.stringify(shown);
    }
    if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
        return String(value);
    if (Array.isArray(value))
        return 'a list';
    if (typeof value === 'object')
        return 'a mapping';
    return typeof value;
}


/***/ }),

/***/ 50392:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $I: () => (/* binding */ posixUser),
/* harmony export */   Ej: () => (/* binding */ size),
/* harmony export */   GQ: () => (/* binding */ releaseTagGlob),
/* harmony export */   Hi: () => (/* binding */ absolutePath),
/* harmony export */   Ng: () => (/* binding */ serviceReference),
/* harmony export */   SH: () => (/* binding */ repositoryPath),
/* harmony export */   TE: () => (/* binding */ sshHost),
/* harmony export */   U$: () => (/* binding */ registryHost),
/* harmony export */   Xv: () => (/* binding */ splitImageReference),
/* harmony export */   a3: () => (/* binding */ virtualHost),
/* harmony export */   bH: () => (/* binding */ registryNamespace),
/* harmony export */   jC: () => (/* binding */ safeName),
/* harmony export */   p0: () => (/* binding */ duration),
/* harmony export */   q3: () => (/* binding */ httpUrl),
/* harmony export */   rA: () => (/* binding */ imageReference),
/* harmony export */   vU: () => (/* binding */ argv)
/* harmony export */ });
/* unused harmony exports MAX_NAME_LENGTH, imageRepository */
/* harmony import */ var zod__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(12311);
/* harmony import */ var zod__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(88532);
/* harmony import */ var _describe_value__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(47936);
/* harmony import */ var _duration__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(87197);
/* harmony import */ var _size__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(12548);




/**
 * Reusable field schemas with their own plain-language messages. Every string that ends up in a
 * shell command, a file path or a docker reference is constrained here to a safe character set.
 */
const MAX_NAME_LENGTH = 63;
const SAFE_NAME = /^[a-z0-9][a-z0-9_-]*$/u;
/** A lowercase name (stack, service, environment, backup, check): `^[a-z0-9][a-z0-9_-]*$`, at most 63 characters. */
function safeName(kind) {
    return zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP()
        .regex(SAFE_NAME, {
        abort: true,
        error: (issue) => `${(0,_describe_value__WEBPACK_IMPORTED_MODULE_3__/* .describeValue */ .b)(issue.input)} is not a valid ${kind}: use lowercase letters, digits, "-" and "_", starting with a letter or digit`,
    })
        .max(MAX_NAME_LENGTH, {
        error: (issue) => `${(0,_describe_value__WEBPACK_IMPORTED_MODULE_3__/* .describeValue */ .b)(issue.input)} is too long for a ${kind}: use at most ${MAX_NAME_LENGTH} characters`,
    });
}
/** A reference to a key of `services`; whether it exists is checked across the whole manifest. */
const serviceReference = zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP().min(1);
/** Numbers are rejected with a hint that shows the same number with a unit. */
function requireUnit(example, unit) {
    return (value, context) => {
        if (typeof value === 'number') {
            context.addIssue({
                code: 'custom',
                input: value,
                message: `expected ${example}, got ${value}`,
                params: { hint: `add a unit, like "${value}${unit}"` },
            });
        }
        return value;
    };
}
const DURATION_EXAMPLE = 'a duration like "60s"';
/** `500ms`, `60s`, `2m`, `1h`, `1m30s` → milliseconds (more than 0). */
function duration() {
    const expectation = (issue) => `expected ${DURATION_EXAMPLE}, got ${(0,_describe_value__WEBPACK_IMPORTED_MODULE_3__/* .describeValue */ .b)(issue.input)}`;
    const text = zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP({ error: expectation })
        .regex(_duration__WEBPACK_IMPORTED_MODULE_0__/* .DURATION_PATTERN */ .C, { error: expectation })
        .transform((value, context) => {
        const milliseconds = (0,_duration__WEBPACK_IMPORTED_MODULE_0__/* .parseDuration */ .E)(value);
        if (milliseconds === undefined || milliseconds === 0) {
            context.addIssue({
                code: 'custom',
                input: value,
                message: milliseconds === 0 ? 'must be longer than 0' : `${(0,_describe_value__WEBPACK_IMPORTED_MODULE_3__/* .describeValue */ .b)(value)} is too long`,
            });
            return zod__WEBPACK_IMPORTED_MODULE_4__/* .NEVER */ .tm;
        }
        return milliseconds;
    });
    return zod__WEBPACK_IMPORTED_MODULE_2__/* .preprocess */ .vkY(requireUnit(DURATION_EXAMPLE, 's'), text);
}
const SIZE_EXAMPLE = 'a size like "20MB"';
/** `20MB`, `512KiB`, `1.5GB`, `100B` → whole bytes (SI kB/MB/GB = 1000^n, IEC KiB/MiB/GiB = 1024^n). */
function size() {
    const expectation = (issue) => `expected ${SIZE_EXAMPLE}, got ${(0,_describe_value__WEBPACK_IMPORTED_MODULE_3__/* .describeValue */ .b)(issue.input)}`;
    const text = zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP({ error: expectation })
        .regex(_size__WEBPACK_IMPORTED_MODULE_1__/* .SIZE_PATTERN */ .b, { error: expectation })
        .transform((value, context) => {
        const bytes = (0,_size__WEBPACK_IMPORTED_MODULE_1__/* .parseSize */ .D)(value);
        if (bytes === undefined) {
            context.addIssue({
                code: 'custom',
                input: value,
                message: `${(0,_describe_value__WEBPACK_IMPORTED_MODULE_3__/* .describeValue */ .b)(value)} is not a whole number of bytes or is too large`,
            });
            return zod__WEBPACK_IMPORTED_MODULE_4__/* .NEVER */ .tm;
        }
        return bytes;
    });
    return zod__WEBPACK_IMPORTED_MODULE_2__/* .preprocess */ .vkY(requireUnit(SIZE_EXAMPLE, 'MB'), text);
}
function hasParentSegment(path) {
    return path.split('/').includes('..');
}
const ABSOLUTE_PATH = /^\/[A-Za-z0-9._/-]*$/u;
/** An absolute POSIX path made of `[A-Za-z0-9._/-]`, without `..` segments and not `/` itself. */
function absolutePath(kind) {
    return zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP()
        .regex(ABSOLUTE_PATH, {
        abort: true,
        error: (issue) => typeof issue.input === 'string' && !issue.input.startsWith('/')
            ? `${(0,_describe_value__WEBPACK_IMPORTED_MODULE_3__/* .describeValue */ .b)(issue.input)} is not an absolute ${kind}: start it with "/"`
            : `${(0,_describe_value__WEBPACK_IMPORTED_MODULE_3__/* .describeValue */ .b)(issue.input)} is not a valid ${kind}: use only letters, digits, ".", "_", "-" and "/"`,
    })
        .refine((path) => !hasParentSegment(path), {
        abort: true,
        error: (issue) => `${(0,_describe_value__WEBPACK_IMPORTED_MODULE_3__/* .describeValue */ .b)(issue.input)} must not contain ".." segments`,
    })
        .refine((path) => path.replace(/\/+/gu, '') !== '', {
        error: `the ${kind} must not be the root directory "/"`,
    });
}
const RELATIVE_PATH = /^[A-Za-z0-9._][A-Za-z0-9._/-]*$/u;
/** A path relative to the directory of stack.yml: `[A-Za-z0-9._/-]`, not absolute, no `..` segments. */
function repositoryPath(kind) {
    return zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP()
        .regex(RELATIVE_PATH, {
        abort: true,
        error: (issue) => {
            const shown = (0,_describe_value__WEBPACK_IMPORTED_MODULE_3__/* .describeValue */ .b)(issue.input);
            if (typeof issue.input === 'string' && issue.input.startsWith('/')) {
                return `${shown} is absolute: a ${kind} must be relative to the directory of stack.yml`;
            }
            return `${shown} is not a valid ${kind}: use only letters, digits, ".", "_", "-" and "/", not starting with "-"`;
        },
    })
        .refine((path) => !hasParentSegment(path), {
        error: (issue) => `${(0,_describe_value__WEBPACK_IMPORTED_MODULE_3__/* .describeValue */ .b)(issue.input)} must stay inside the repository: remove ".." segments`,
    });
}
const HOST_NAME = /^[A-Za-z0-9][A-Za-z0-9.-]*$/u;
const IPV6_ADDRESS = /^[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*$/u;
const HOST_PATTERN = new RegExp(`${HOST_NAME.source}|${IPV6_ADDRESS.source}`, 'u');
/** A host name or an IP address (IPv6 without brackets). */
const sshHost = zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP()
    .regex(HOST_PATTERN, {
    abort: true,
    error: (issue) => {
        const shown = (0,_describe_value__WEBPACK_IMPORTED_MODULE_3__/* .describeValue */ .b)(issue.input);
        if (typeof issue.input === 'string' && issue.input.startsWith('[')) {
            return `${shown} is not a valid host: write IPv6 addresses without brackets`;
        }
        return `${shown} is not a valid host: use a host name or an IP address`;
    },
})
    .max(253);
const VIRTUAL_HOST = /^(?:\*\.)?[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/u;
/** A host name that the proxy routes by (the request's Host): lowercase, `*.` for every subdomain. */
const virtualHost = zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP()
    .regex(VIRTUAL_HOST, {
    abort: true,
    error: (issue) => `${(0,_describe_value__WEBPACK_IMPORTED_MODULE_3__/* .describeValue */ .b)(issue.input)} is not a valid host name: use lowercase letters, digits, "-" and ".", like "shop.example.com" or "*.example.com"`,
})
    .max(253);
const POSIX_USER = /^[a-z_][a-z0-9_-]*$/u;
const posixUser = zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP()
    .regex(POSIX_USER, {
    abort: true,
    error: (issue) => `${(0,_describe_value__WEBPACK_IMPORTED_MODULE_3__/* .describeValue */ .b)(issue.input)} is not a valid user name: use lowercase letters, digits, "-" and "_", starting with a letter or "_"`,
})
    .max(32);
const DOMAIN_COMPONENT = '[a-z0-9](?:[a-z0-9-]*[a-z0-9])?';
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const IMAGE_REPOSITORY = new RegExp(`^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*(?::[0-9]+)?/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`, 'u');
function imageRepositoryMessage(input) {
    const shown = (0,_describe_value__WEBPACK_IMPORTED_MODULE_3__/* .describeValue */ .b)(input);
    if (typeof input === 'string') {
        if (input.includes('@'))
            return `${shown} must not include a digest: stack-deploy chooses the tag to deploy`;
        if ((input.split('/').at(-1) ?? '').includes(':'))
            return `${shown} must not include a tag: stack-deploy chooses the tag to deploy`;
        if (input !== input.toLowerCase())
            return `${shown} must be lowercase`;
    }
    return `${shown} is not a valid image repository like "ghcr.io/acme/shop-api"`;
}
/** A docker image repository such as `ghcr.io/acme/shop-api`: lowercase, no tag, no digest. */
const imageRepository = zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP().regex(IMAGE_REPOSITORY, { error: (issue) => imageRepositoryMessage(issue.input) });
const IMAGE_REFERENCE = new RegExp(`^(${IMAGE_REPOSITORY.source.slice(1, -1)})(?::([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?(?:@(sha256:[a-f0-9]{64}))?$`, 'u');
/** Splits `repo[:tag][@sha256:…]`; undefined when it is no image reference. */
function splitImageReference(reference) {
    const match = IMAGE_REFERENCE.exec(reference);
    if (match === null)
        return undefined;
    return { repository: match[1] ?? '', tag: match[2], digest: match[3] };
}
/**
 * An image: a repository (`ghcr.io/acme/shop-api`, built or shared) or a reference pinned by tag
 * or digest (`postgres:15.6`, `nats@sha256:…`).
 */
const imageReference = zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP().regex(IMAGE_REFERENCE, {
    error: (issue) => {
        const shown = (0,_describe_value__WEBPACK_IMPORTED_MODULE_3__/* .describeValue */ .b)(issue.input);
        if (typeof issue.input === 'string' && issue.input !== issue.input.toLowerCase() && IMAGE_REFERENCE.test(issue.input.toLowerCase()))
            return `${shown} must be lowercase`;
        return `${shown} is not a valid image like "ghcr.io/acme/shop-api" or, pinned, "postgres:15.6"`;
    },
});
/** A registry host such as `ghcr.io` or `registry.example.com:5000`. */
const registryHost = zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP().regex(/^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?$/u, {
    error: (issue) => `${(0,_describe_value__WEBPACK_IMPORTED_MODULE_3__/* .describeValue */ .b)(issue.input)} is not a valid registry host like "ghcr.io"`,
});
/** A registry namespace (user or organisation, optionally with sub-paths); lowercased at use time. */
const registryNamespace = zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP()
    .regex(/^[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*(?:\/[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*)*$/u, {
    error: (issue) => `${(0,_describe_value__WEBPACK_IMPORTED_MODULE_3__/* .describeValue */ .b)(issue.input)} is not a valid registry namespace like "acme"`,
});
/** A git tag glob with exactly one `*`, e.g. `api-v*`. */
const releaseTagGlob = zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP().regex(/^[A-Za-z0-9._-]*\*[A-Za-z0-9._-]*$/u, {
    error: (issue) => `${(0,_describe_value__WEBPACK_IMPORTED_MODULE_3__/* .describeValue */ .b)(issue.input)} is not a valid release tag pattern: use exactly one "*" and only letters, digits, ".", "_" and "-", like "api-v*"`,
});
/** An http:// or https:// URL. */
const httpUrl = zod__WEBPACK_IMPORTED_MODULE_2__/* .url */ .OZ5({
    protocol: /^https?$/u,
    error: (issue) => `expected an http(s) URL like "http://127.0.0.1:8080/health", got ${(0,_describe_value__WEBPACK_IMPORTED_MODULE_3__/* .describeValue */ .b)(issue.input)}`,
});
/** A command as an argument list: `[program, arg, ...]`, run without a shell. */
const argv = zod__WEBPACK_IMPORTED_MODULE_2__/* .array */ .YOg(zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP()).min(1, { error: 'must list the program and its arguments, e.g. ["./migrate", "up"]' });


/***/ }),

/***/ 81237:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  It: () => (/* reexport */ DEFAULT_DRAIN_TIMEOUT_MS),
  Pu: () => (/* reexport */ DEFAULT_REGISTRY_HOST),
  SJ: () => (/* reexport */ MANIFEST_SCHEMA_ID),
  Mp: () => (/* reexport */ ROLLBACK_TAG_SH),
  O0: () => (/* reexport */ composeProject),
  XS: () => (/* reexport */ defaultImage),
  p4: () => (/* reexport */ describeSwarmUpdate),
  Qd: () => (/* reexport */ describeSwitch),
  og: () => (/* reexport */ environmentServices),
  n$: () => (/* reexport */ followersOf),
  Hd: () => (/* reexport */ formatIssue),
  XY: () => (/* reexport */ legacyProject),
  eY: () => (/* reexport */ loadManifest),
  Ng: () => (/* reexport */ parseManifest),
  Yt: () => (/* reexport */ releaseTagPattern),
  Np: () => (/* reexport */ rollbackTag),
  Ae: () => (/* reexport */ serviceKind),
  VT: () => (/* reexport */ swarmUpdateOf),
  LL: () => (/* reexport */ switchStrategyOf),
  lq: () => (/* reexport */ urlPort)
});

// UNUSED EXPORTS: manifestJsonSchema, manifestSchema, parseDuration, parseSize

// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(83916);
// EXTERNAL MODULE: ./src/manifest/fields.ts
var fields = __webpack_require__(50392);
;// CONCATENATED MODULE: ./src/manifest/suggest.ts
/**
 * Edit distance between two strings counting insertions, deletions, substitutions and swaps of
 * two neighbouring characters (optimal string alignment), so `prot` is 1 away from `port`.
 */
function editDistance(a, b) {
    const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
    const at = (i, j) => rows[i]?.[j] ?? Number.POSITIVE_INFINITY;
    for (let i = 1; i <= a.length; i += 1) {
        const row = rows[i] ?? [];
        for (let j = 1; j <= b.length; j += 1) {
            const cost = a[i - 1] === b[j - 1] ? 0 : 1;
            let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
            if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
                best = Math.min(best, at(i - 2, j - 2) + 1);
            row[j] = best;
        }
    }
    return at(a.length, b.length);
}
/** Short words tolerate fewer edits: 1 up to 5 characters, 2 from 6. */
function maxDistanceFor(word, candidate) {
    return Math.max(word.length, candidate.length) <= 5 ? 1 : 2;
}
/** The closest candidate within a small edit distance (ignoring case), if any. */
function closestMatch(word, candidates) {
    let best;
    for (const candidate of candidates) {
        if (candidate === word)
            continue;
        const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
        if (distance > maxDistanceFor(word, candidate))
            continue;
        if (best === undefined || distance < best.distance)
            best = { candidate, distance };
    }
    return best?.candidate;
}
/** `did you mean "health"?` when a candidate is close enough, otherwise undefined. */
function didYouMean(word, candidates) {
    const match = closestMatch(word, candidates);
    return match === undefined ? undefined : `did you mean "${match}"?`;
}

;// CONCATENATED MODULE: ./src/manifest/accessors.ts



const DEFAULT_REGISTRY_HOST = 'ghcr.io';
function lookup(entries, name, kind) {
    const entry = Object.hasOwn(entries, name) ? entries[name] : undefined;
    if (entry === undefined) {
        const hint = didYouMean(name, Object.keys(entries)) ?? `stack.yml defines: ${Object.keys(entries).join(', ')}`;
        throw new errors/* StackDeployError */.O1(`stack.yml has no ${kind} "${name}"`, { hint });
    }
    return entry;
}
function serviceOf(manifest, service) {
    return lookup(manifest.services, service, 'service');
}
/**
 * The image repository (no tag) of a service: its explicit `image`, otherwise
 * `<registry.host>/<registry.namespace or repository owner>/<service>`, lowercased.
 */
function defaultImage(manifest, service, repositoryOwner) {
    const explicit = serviceOf(manifest, service).image;
    if (explicit !== undefined)
        return explicit;
    const host = manifest.registry?.host ?? DEFAULT_REGISTRY_HOST;
    const namespace = manifest.registry?.namespace ?? repositoryOwner;
    if (namespace === undefined || namespace === '') {
        throw new errors/* StackDeployError */.O1(`cannot tell which image to use for service "${service}": no registry namespace and no repository owner`, {
            service,
            hint: `set registry.namespace in stack.yml, or services.${service}.image`,
        });
    }
    return `${host}/${namespace}/${service}`.toLowerCase();
}
/** The git tag glob that releases a service; default `<service>-v*`. */
function releaseTagPattern(manifest, service) {
    return serviceOf(manifest, service).release_tag ?? `${service}-v*`;
}
function environmentOf(manifest, environment) {
    return lookup(manifest.environments, environment, 'environment');
}
/** The services deployed to an environment: its `services` list, or every service in manifest order. */
function environmentServices(manifest, environment) {
    return [...(environmentOf(manifest, environment).services ?? Object.keys(manifest.services))];
}
function serviceKind(manifest, service, repositoryOwner) {
    const config = serviceOf(manifest, service);
    if (config.build !== undefined)
        return { kind: 'built' };
    if (config.image_from !== undefined)
        return { kind: 'shared', builder: config.image_from };
    if (config.image === undefined)
        return { kind: 'compose' };
    const reference = (0,fields/* splitImageReference */.Xv)(config.image);
    if (reference?.tag !== undefined || reference?.digest !== undefined)
        return { kind: 'pinned', image: config.image };
    const builder = Object.keys(manifest.services).find((name) => manifest.services[name]?.build !== undefined && defaultImage(manifest, name, repositoryOwner) === config.image);
    if (builder === undefined) {
        throw new errors/* StackDeployError */.O1(`services.${service}.image "${config.image}" has no tag, and no built service of stack.yml has that repository`, {
            service,
            hint: `pin it with a tag or digest (e.g. "${config.image}:1.2"), or name the built service whose image it runs with image_from`,
        });
    }
    return { kind: 'shared', builder };
}
/** Services that are released with `builder` because they run its image (not the builder itself). */
function followersOf(manifest, builder, repositoryOwner) {
    return Object.keys(manifest.services).filter((name) => {
        const kind = serviceKind(manifest, name, repositoryOwner);
        return kind.kind === 'shared' && kind.builder === builder;
    });
}
/** The Compose project of an environment on its host: `environments.<env>.project`, default `<name>-<env>`. */
function composeProject(manifest, environment) {
    return environmentOf(manifest, environment).project ?? `${manifest.name}-${environment}`;
}
/**
 * The project an environment ran as before environments had projects of their own (`<name>`):
 * kept, with a warning, while the host still runs it from the environment's path and `project` is
 * not set. Undefined when `project` is set.
 */
function legacyProject(manifest, environment) {
    return environmentOf(manifest, environment).project === undefined ? manifest.name : undefined;
}
/**
 * The tag that marks, on the host, the image a service of one Compose project rolls back to:
 * `rollback-<project>-<service>`, so that no other environment or stack can overwrite it.
 * ROLLBACK_TAG_SH is the same function for host scripts.
 */
function rollbackTag(project, service) {
    return `rollback-${project}-${service}`;
}
const ROLLBACK_TAG_SH = `rollback_tag() { printf 'rollback-%s-%s' "$1" "$2"; }`;

// EXTERNAL MODULE: ./src/manifest/duration.ts
var duration = __webpack_require__(87197);
;// CONCATENATED MODULE: ./src/manifest/issues.ts
function formatPath(path) {
    return path.join('.');
}
/** `stack.yml:12:7 services.api.health.timeout: expected a duration like "60s", got "sixty"`. */
function formatIssue(issue) {
    const where = `${issue.file}:${issue.line}:${issue.column}`;
    const located = issue.path === '' ? `${where}:` : `${where} ${issue.path}:`;
    const hint = issue.hint === undefined ? '' : ` (${issue.hint})`;
    return `${located} ${issue.message}${hint}`;
}
function compareIssuePositions(a, b) {
    return a.line - b.line || a.column - b.column;
}

// EXTERNAL MODULE: ./src/manifest/schema.ts + 2 modules
var schema = __webpack_require__(49424);
;// CONCATENATED MODULE: ./src/manifest/json-schema.ts


/** Identifies the published schema; editors map stack.yml to it (yaml-language-server, SchemaStore). */
const MANIFEST_SCHEMA_ID = 'https://raw.githubusercontent.com/stack-deploy/stack-deploy/main/schema/stack.schema.json';
/**
 * The JSON Schema (draft 2020-12) of stack.yml as written by people (zod's input side: durations
 * and sizes are strings, defaults shown as written). Deterministic: same schema, same output.
 */
function manifestJsonSchema() {
    const generated = z.toJSONSchema(manifestSchema, { io: 'input', target: 'draft-2020-12', unrepresentable: 'throw' });
    const { $schema, ...rest } = generated;
    return { $schema, $id: MANIFEST_SCHEMA_ID, title: 'stack-deploy manifest (stack.yml)', ...rest };
}

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(51455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
// EXTERNAL MODULE: ./node_modules/yaml/dist/index.js
var dist = __webpack_require__(38815);
// EXTERNAL MODULE: ./src/compose/model.ts + 1 modules
var compose_model = __webpack_require__(8320);
// EXTERNAL MODULE: ./src/manifest/describe-value.ts
var describe_value = __webpack_require__(47936);
;// CONCATENATED MODULE: ./src/manifest/messages.ts

/** Required-key wording, shared with the code that locates the issue at the parent key. */
const MISSING_KEY_MESSAGE = 'required key is missing';
const EXPECTED_TYPE_WORDS = {
    string: 'a string',
    number: 'a number',
    int: 'a whole number',
    boolean: 'true or false',
    array: 'a list',
    tuple: 'a list',
    object: 'a mapping',
    record: 'a mapping',
    never: 'nothing here',
};
function expectedTypeWords(expected) {
    return EXPECTED_TYPE_WORDS[expected] ?? expected;
}
function plural(count, singular, pluralForm) {
    return `${count} ${Number(count) === 1 ? singular : pluralForm}`;
}
function tooSmallMessage(issue) {
    const bound = issue.inclusive === false ? 'more than' : 'at least';
    switch (issue.origin) {
        case 'string':
            return Number(issue.minimum) === 1 ? 'must not be empty' : `must be ${bound} ${plural(issue.minimum, 'character', 'characters')} long`;
        case 'array':
        case 'set':
            return `must list ${bound} ${plural(issue.minimum, 'entry', 'entries')}`;
        default:
            return `must be ${bound} ${issue.minimum}, got ${(0,describe_value/* describeValue */.b)(issue.input)}`;
    }
}
function tooBigMessage(issue) {
    const bound = issue.inclusive === false ? 'less than' : 'at most';
    switch (issue.origin) {
        case 'string':
            return `must be ${bound} ${plural(issue.maximum, 'character', 'characters')} long`;
        case 'array':
        case 'set':
            return `must list ${bound} ${plural(issue.maximum, 'entry', 'entries')}`;
        default:
            return `must be ${bound} ${issue.maximum}, got ${(0,describe_value/* describeValue */.b)(issue.input)}`;
    }
}
function unionMessage(issue) {
    if (issue.input === undefined)
        return MISSING_KEY_MESSAGE;
    const expectations = issue.errors
        .map((branch) => branch.find((inner) => inner.path.length === 0 && inner.code === 'invalid_type'))
        .map((inner) => (inner?.code === 'invalid_type' ? expectedTypeWords(inner.expected) : undefined))
        .filter((words) => words !== undefined);
    if (expectations.length === 0)
        return `${(0,describe_value/* describeValue */.b)(issue.input)} is not valid here`;
    return `expected ${[...new Set(expectations)].join(' or ')}, got ${(0,describe_value/* describeValue */.b)(issue.input)}`;
}
/**
 * Plain-language messages for zod's built-in issues. Schemas with their own wording (names,
 * durations, paths...) set it where they are defined; this covers everything else.
 */
const manifestErrorMap = (issue) => {
    switch (issue.code) {
        case 'invalid_type':
            if (issue.input === undefined)
                return MISSING_KEY_MESSAGE;
            return `expected ${expectedTypeWords(issue.expected)}, got ${(0,describe_value/* describeValue */.b)(issue.input)}`;
        case 'too_small':
            return tooSmallMessage(issue);
        case 'too_big':
            return tooBigMessage(issue);
        case 'invalid_value':
            if (issue.values.length === 1)
                return `expected ${(0,describe_value/* describeValue */.b)(issue.values[0])}, got ${(0,describe_value/* describeValue */.b)(issue.input)}`;
            return `expected one of: ${issue.values.map(String).join(', ')}`;
        case 'unrecognized_keys':
            return 'unknown key';
        case 'invalid_union':
            return unionMessage(issue);
        case 'invalid_key':
            return issue.issues[0]?.message ?? `${(0,describe_value/* describeValue */.b)(issue.input)} is not a valid key here`;
        case 'invalid_format':
            return `${(0,describe_value/* describeValue */.b)(issue.input)} is not in the expected format`;
        case 'not_multiple_of':
            return `must be a multiple of ${issue.divisor}, got ${(0,describe_value/* describeValue */.b)(issue.input)}`;
        default:
            return `${(0,describe_value/* describeValue */.b)(issue.input)} is not valid here`;
    }
};

;// CONCATENATED MODULE: ./src/manifest/references.ts


/**
 * Checks that span sections of the manifest: names of services used elsewhere must exist, and
 * names in lists must be unique. Runs on the raw data (before the schema), defensively, so that
 * these mistakes are reported together with every other one.
 */
function isMapping(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
function unknownServiceIssue(path, reference, services, who) {
    if (typeof reference !== 'string' || reference === '' || services.includes(reference))
        return undefined;
    const issue = { path, target: 'value', message: `${who} names unknown service ${(0,describe_value/* describeValue */.b)(reference)}` };
    const hint = didYouMean(reference, services);
    return hint === undefined ? issue : { ...issue, hint };
}
/**
 * `hosts[].services` must name services of the environment, and every service of the environment
 * must run on at least one of its hosts.
 */
function hostServiceIssues(environment, settings, services, declared) {
    if (!Array.isArray(settings.hosts))
        return [];
    const issues = [];
    const ofEnvironment = Array.isArray(settings.services) ? settings.services.filter((s) => typeof s === 'string') : declared;
    let everyService = false;
    const placed = new Set();
    const seen = new Map();
    settings.hosts.forEach((host, index) => {
        if (!isMapping(host))
            return;
        if (typeof host.host === 'string') {
            const first = seen.get(host.host);
            if (first !== undefined)
                issues.push({ path: ['environments', environment, 'hosts', index, 'host'], target: 'value', message: `host ${(0,describe_value/* describeValue */.b)(host.host)} is already environments.${environment}.hosts.${first}: one path on one server would be deployed twice`, hint: 'list each server once, with all the services it runs' });
            else
                seen.set(host.host, index);
        }
        if (!Array.isArray(host.services)) {
            everyService = true;
            return;
        }
        host.services.forEach((reference, i) => {
            const path = ['environments', environment, 'hosts', index, 'services', i];
            const unknown = unknownServiceIssue(path, reference, services, `environment "${environment}"`);
            if (unknown !== undefined)
                issues.push(unknown);
            else if (typeof reference === 'string' && !ofEnvironment.includes(reference)) {
                issues.push({ path, target: 'value', message: `service "${reference}" is not one of environment "${environment}"'s services`, hint: `add it to environments.${environment}.services, or remove it here` });
            }
            if (typeof reference === 'string')
                placed.add(reference);
        });
    });
    if (everyService)
        return issues;
    for (const service of ofEnvironment.filter((name) => !placed.has(name))) {
        issues.push({ path: ['environments', environment, 'hosts'], target: 'key', message: `service "${service}" of environment "${environment}" runs on none of its hosts`, hint: `list it in the services of one of environments.${environment}.hosts; a host without services runs all of them` });
    }
    return issues;
}
function environmentIssues(environments, services, declared) {
    if (!isMapping(environments))
        return [];
    const issues = [];
    for (const [environment, settings] of Object.entries(environments)) {
        if (isMapping(settings))
            issues.push(...hostServiceIssues(environment, settings, services, declared));
        if (!isMapping(settings) || !Array.isArray(settings.services))
            continue;
        const seen = new Set();
        settings.services.forEach((reference, index) => {
            const path = ['environments', environment, 'services', index];
            if (seen.has(reference)) {
                issues.push({ path, target: 'value', message: `lists service ${(0,describe_value/* describeValue */.b)(reference)} twice` });
            }
            seen.add(reference);
            const unknown = unknownServiceIssue(path, reference, services, `environment "${environment}"`);
            if (unknown !== undefined)
                issues.push(unknown);
        });
    }
    return issues;
}
function listIssues(section, list, services) {
    if (!Array.isArray(list))
        return [];
    const issues = [];
    const firstIndexByName = new Map();
    list.forEach((entry, index) => {
        if (!isMapping(entry))
            return;
        const name = entry.name;
        const firstIndex = firstIndexByName.get(name);
        if (typeof name === 'string' && firstIndex !== undefined) {
            issues.push({
                path: [section, index, 'name'],
                target: 'value',
                message: `${section} name ${(0,describe_value/* describeValue */.b)(name)} is already used by ${section}.${firstIndex}`,
            });
        }
        else {
            firstIndexByName.set(name, index);
        }
        if (services !== undefined && section === 'backup') {
            const who = typeof name === 'string' ? `backup "${name}"` : 'backup';
            const unknown = unknownServiceIssue([section, index, 'service'], entry.service, services, who);
            if (unknown !== undefined)
                issues.push(unknown);
        }
    });
    return issues;
}
function imageFromIssues(services) {
    const built = Object.keys(services).filter((name) => isMapping(services[name]) && services[name].build !== undefined);
    return Object.entries(services).flatMap(([name, config]) => {
        if (!isMapping(config) || typeof config.image_from !== 'string' || config.build !== undefined)
            return [];
        const path = ['services', name, 'image_from'];
        if (config.image_from === name)
            return [{ path, target: 'value', message: 'a service cannot share its own image' }];
        if (built.includes(config.image_from))
            return [];
        const unknown = unknownServiceIssue(path, config.image_from, Object.keys(services), `service "${name}"`);
        return [unknown ?? { path, target: 'value', message: `names service ${(0,describe_value/* describeValue */.b)(config.image_from)}, which is not built by stack-deploy (it has no "build")` }];
    });
}
/**
 * `composeServices`: services the compose files define, which `backup`, `migrations` and
 * `environments.*.services` may name too (undefined when the compose files were not read).
 */
/** Two environments on one host must not share a path (lock, env file, ledger) or a Compose project. */
function sharedHostIssues(data) {
    if (!isMapping(data.environments))
        return [];
    const issues = [];
    const seen = [];
    for (const [name, settings] of Object.entries(data.environments)) {
        if (!isMapping(settings))
            continue;
        const hosts = typeof settings.host === 'string' ? [settings.host] : Array.isArray(settings.hosts) ? settings.hosts.flatMap((h) => (isMapping(h) && typeof h.host === 'string' ? [h.host] : [])) : [];
        const path = typeof settings.path === 'string' ? settings.path.replace(/\/+$/u, '') : undefined;
        const project = typeof settings.project === 'string' ? settings.project : typeof data.name === 'string' ? `${data.name}-${name}` : undefined;
        for (const host of hosts) {
            for (const other of seen.filter((o) => o.host === host)) {
                if (path !== undefined && path === other.path) {
                    issues.push({
                        path: ['environments', name, 'path'],
                        target: 'value',
                        message: `environments "${other.name}" and "${name}" share host ${(0,describe_value/* describeValue */.b)(host)} and path ${(0,describe_value/* describeValue */.b)(path)}: their locks, env files, ledgers and backups would be one`,
                        hint: `give environments.${name}.path a directory of its own`,
                    });
                }
                if (project !== undefined && project === other.project) {
                    issues.push({
                        path: ['environments', name, ...(settings.project === undefined ? [] : ['project'])],
                        target: settings.project === undefined ? 'key' : 'value',
                        message: `environments "${other.name}" and "${name}" share host ${(0,describe_value/* describeValue */.b)(host)} and Compose project ${(0,describe_value/* describeValue */.b)(project)}: one would replace the other's containers`,
                        hint: `set environments.${name}.project to a name of its own`,
                    });
                }
            }
        }
        for (const host of new Set(hosts))
            seen.push({ name, host, path, project });
    }
    return issues;
}
function referenceIssues(data, composeServices = []) {
    if (!isMapping(data))
        return [];
    const declared = isMapping(data.services) ? Object.keys(data.services) : undefined;
    const services = declared === undefined ? undefined : [...declared, ...composeServices.filter((name) => !declared.includes(name))];
    const issues = [...listIssues('backup', data.backup, services), ...listIssues('smoke', data.smoke, services), ...sharedHostIssues(data)];
    if (services === undefined)
        return issues;
    issues.push(...environmentIssues(data.environments, services, declared ?? []));
    if (isMapping(data.services))
        issues.push(...imageFromIssues(data.services));
    if (isMapping(data.migrations)) {
        const unknown = unknownServiceIssue(['migrations', 'service'], data.migrations.service, services, 'migrations');
        if (unknown !== undefined)
            issues.push(unknown);
    }
    return issues;
}
/**
 * Every service an environment runs from stack.yml must be defined in that environment's compose
 * files (`byEnvironment`: the names they define, per environment whose files were read).
 */
function composeIssues(data, byEnvironment) {
    if (!isMapping(data) || !isMapping(data.services) || !isMapping(data.environments))
        return [];
    const declared = Object.keys(data.services);
    const issues = [];
    for (const [environment, settings] of Object.entries(data.environments)) {
        const defined = byEnvironment[environment];
        if (defined === undefined || !isMapping(settings))
            continue;
        const files = Array.isArray(settings.compose) ? settings.compose.join(', ') : String(settings.compose);
        const listed = Array.isArray(settings.services) ? settings.services : undefined;
        const candidates = listed === undefined ? declared.map((name) => [name, ['services', name]]) : listed.map((name, i) => [name, ['environments', environment, 'services', i]]);
        for (const [name, path] of candidates) {
            if (typeof name !== 'string' || defined.includes(name) || (listed !== undefined && !declared.includes(name)))
                continue;
            const issue = { path, target: listed === undefined ? 'key' : 'value', message: `service "${name}" is not defined in the compose files of environment "${environment}" (${files})` };
            const hint = didYouMean(name, defined);
            issues.push(hint === undefined ? { ...issue, hint: `they define: ${defined.join(', ') || 'no services'}` } : { ...issue, hint });
        }
    }
    return issues;
}

;// CONCATENATED MODULE: ./src/manifest/switch-strategy.ts


const DEFAULT_DRAIN_TIMEOUT_MS = 30_000;
/**
 * What the service is (see `serviceKind`), without failing where the repository owner is not
 * known (validation): an untagged `image` can only be a built service's repository.
 */
function roleOf(manifest, service, repositoryOwner) {
    const config = Object.hasOwn(manifest.services, service) ? manifest.services[service] : undefined;
    if (config === undefined)
        return { kind: 'compose' };
    if (config.build !== undefined)
        return { kind: 'built' };
    if (config.image_from !== undefined)
        return { kind: 'shared', builder: config.image_from };
    if (config.image === undefined)
        return { kind: 'compose' };
    const reference = (0,fields/* splitImageReference */.Xv)(config.image);
    if (reference?.tag !== undefined || reference?.digest !== undefined)
        return { kind: 'pinned', image: config.image };
    try {
        const kind = serviceKind(manifest, service, repositoryOwner);
        return kind.kind === 'shared' ? kind : { kind: 'shared' };
    }
    catch {
        return { kind: 'shared' };
    }
}
/** A published port as people write it: `127.0.0.1:8080`, `8080` (every interface), `5353/udp`, `container port 80` (any host port). */
function shownPort(port) {
    const address = port.hostIp === undefined ? '' : `${port.hostIp}:`;
    const protocol = port.protocol === 'tcp' ? '' : `/${port.protocol}`;
    return port.published === undefined ? `container port ${port.target}${protocol}` : `${address}${port.published}${protocol}`;
}
const fixedPorts = (definition) => definition.ports.filter((port) => port.published !== undefined);
const isHostNetwork = (definition) => definition.networkMode === 'host';
const switch_strategy_plural = (count, one, many) => (count === 1 ? one : many);
/** What makes a service a singleton for `auto`: it cannot run twice side by side. */
function singletonCauses(definition) {
    const volumes = definition.namedVolumes;
    return [
        ...(definition.containerName === undefined ? [] : [`container_name ${definition.containerName}`]),
        ...(volumes.length === 0 ? [] : [`${switch_strategy_plural(volumes.length, 'named volume', 'named volumes')} ${volumes.join(', ')}`]),
        ...(isHostNetwork(definition) ? ['network_mode host'] : []),
    ];
}
function autoDecision(role, definition, healthUrl) {
    if (role.kind === 'pinned')
        return { strategy: 'stop-first', reason: `auto: pinned ${role.image}` };
    if (role.kind === 'compose')
        return { strategy: 'stop-first', reason: `auto: compose-only${definition?.image === undefined ? '' : `, runs ${definition.image}`}` };
    const what = role.kind === 'built' ? 'built' : role.builder === undefined ? 'shares a built image' : `shares ${role.builder}'s image`;
    if (definition === undefined)
        return { strategy: 'stop-first', reason: `auto: ${what}, not in the compose files` };
    const causes = singletonCauses(definition);
    if (causes.length > 0)
        return { strategy: 'stop-first', reason: `auto: ${what}, ${causes.join(', ')}` };
    const fixed = fixedPorts(definition);
    const notTcp = fixed.filter((port) => port.protocol !== 'tcp');
    // The proxy carries HTTP; two containers cannot both bind a fixed UDP or SCTP port.
    if (notTcp.length > 0)
        return { strategy: 'stop-first', reason: `auto: ${what}, publishes ${notTcp.map(shownPort).join(', ')}` };
    const strategy = fixed.length > 0 ? 'proxy' : 'start-first';
    // A health URL that cannot check the new container alone: one at a time.
    if (healthProblems(strategy, definition, healthUrl).length > 0)
        return { strategy: 'stop-first', reason: `auto: ${what}, health.http ${healthUrl ?? ''} cannot check a new container alone` };
    if (fixed.length > 0)
        return { strategy: 'proxy', reason: `auto: ${what}, publishes ${fixed.map(shownPort).join(', ')}` };
    return { strategy: 'start-first', reason: `auto: ${what}, ${definition.ports.length === 0 ? 'publishes no port' : 'no fixed host port'}` };
}
/** The port a URL reaches: its own, or its scheme's. */
function urlPort(url) {
    try {
        const parsed = new URL(url);
        return parsed.port === '' ? (parsed.protocol === 'https:' ? '443' : '80') : parsed.port;
    }
    catch {
        return undefined;
    }
}
/**
 * A health URL must check the new container alone while the old one still runs: behind the proxy
 * it is aimed at the container's own address through the published port it names; a start-first
 * service has no such port, so any URL may reach the old container.
 */
function healthProblems(strategy, definition, healthUrl) {
    if (healthUrl === undefined)
        return [];
    if (strategy === 'start-first') {
        return [{ reason: `is checked by health.http (${healthUrl}), which may reach the old container while both run`, fix: 'check it with health.cmd instead (run inside the new container)' }];
    }
    const port = urlPort(healthUrl);
    if (fixedPorts(definition).some((p) => p.protocol === 'tcp' && p.published === port))
        return [];
    return [{ reason: `is checked by health.http (${healthUrl}), whose port is not one it publishes, so the check would not reach the new container alone`, fix: 'point health.http at a port it publishes, or check it with health.cmd' }];
}
/** What keeps `strategy` from working with this compose definition (empty when it can). */
function problemsOf(strategy, definition, healthUrl) {
    const problems = [];
    if (strategy === 'stop-first')
        return problems;
    problems.push(...healthProblems(strategy, definition, healthUrl));
    if (definition.containerName !== undefined) {
        problems.push({ reason: `has container_name ${JSON.stringify(definition.containerName)}, which allows one container at a time, and ${strategy} runs the new one next to the old one`, fix: 'remove container_name from the compose file' });
    }
    if (strategy === 'proxy') {
        if (isHostNetwork(definition)) {
            problems.push({ reason: 'uses network_mode: host: it binds the host\'s ports itself, so the proxy cannot own them', fix: 'publish its ports instead of using host networking' });
        }
        else if (definition.ports.length === 0) {
            problems.push({ reason: 'publishes no port for the proxy to own', fix: 'publish the port it serves HTTP on' });
        }
        const notTcp = definition.ports.filter((port) => port.protocol !== 'tcp');
        if (notTcp.length > 0)
            problems.push({ reason: `publishes ${notTcp.map(shownPort).join(', ')}, and the proxy carries HTTP (TCP) only`, fix: 'publish TCP ports only' });
        return problems;
    }
    const fixed = fixedPorts(definition);
    if (fixed.length > 0) {
        const example = fixed[0]?.target ?? '80';
        problems.push({
            reason: `publishes the fixed host ${switch_strategy_plural(fixed.length, 'port', 'ports')} ${fixed.map(shownPort).join(', ')}, which the new container cannot bind while the old one runs`,
            fix: `publish ${switch_strategy_plural(fixed.length, 'it', 'them')} without a host port (like "${example}") so that Compose chooses one`,
        });
    }
    return problems;
}
const STRATEGIES = ['proxy', 'start-first', 'stop-first'];
/** Why an explicit choice cannot work with this compose definition, and what would. */
function explicitRefusals(strategy, service, definition, healthUrl) {
    if (definition === undefined)
        return [];
    const problems = problemsOf(strategy, definition, healthUrl);
    if (problems.length === 0)
        return [];
    const alternatives = STRATEGIES.filter((other) => other !== strategy && problemsOf(other, definition, healthUrl).length === 0).map((other) => `"${other}"`);
    const where = `${service} (${definition.where.file}:${definition.where.line})`;
    return [
        {
            key: 'switch',
            message: `"${strategy}" cannot work: ${where} ${problems.map((p) => p.reason).join('; it ')}`,
            hint: [...problems.map((p) => p.fix), `or use ${alternatives.join(' or ')}`].join(', '),
        },
    ];
}
/**
 * How a deploy would switch `service` in the environment whose compose files are `compose`:
 * `services.<name>.switch`, or for `auto` (the default):
 * - `stop-first` for infrastructure (pinned and compose-only services) and for services that
 *   cannot run twice side by side: `container_name`, named volumes, `network_mode: host`, a fixed
 *   UDP or SCTP host port;
 * - `proxy` for built services (and those sharing a built image) that publish a fixed TCP host port;
 * - `start-first` for the other built and shared services;
 * - but `stop-first` where a `health.http` URL could not check the new container alone (one that
 *   is not a published port behind the proxy; any, for start-first).
 * Also says why an explicit choice, or a `drain_timeout` outside the proxy, cannot work.
 */
function switchStrategyOf(manifest, compose, service, repositoryOwner) {
    const config = Object.hasOwn(manifest.services, service) ? manifest.services[service] : undefined;
    const definition = compose?.all.find((s) => s.name === service);
    const explicit = config?.switch !== undefined && config.switch !== 'auto' ? config.switch : undefined;
    const healthUrl = config?.health?.http;
    const decided = explicit === undefined ? autoDecision(roleOf(manifest, service, repositoryOwner), definition, healthUrl) : { strategy: explicit, reason: 'set in stack.yml' };
    const refusals = explicit === undefined ? [] : explicitRefusals(explicit, service, definition, healthUrl);
    const drain = config?.drain_timeout !== undefined && decided.strategy !== 'proxy'
        ? [{ key: 'drain_timeout', message: `${service} switches ${decided.strategy} (${decided.reason}), and only services that the proxy switches drain`, hint: explicit === undefined ? 'remove drain_timeout, or set switch: proxy' : 'remove drain_timeout' }]
        : [];
    return {
        ...decided,
        chosen: explicit === undefined ? 'auto' : 'explicit',
        ...(decided.strategy === 'proxy' ? { drainTimeoutMs: config?.drain_timeout ?? DEFAULT_DRAIN_TIMEOUT_MS } : {}),
        refusals: [...refusals, ...drain],
    };
}
/** `proxy (auto: built, publishes 127.0.0.1:8080)`: what `plan` shows. */
function describeSwitch(decision) {
    const drain = decision.drainTimeoutMs === undefined || decision.drainTimeoutMs === DEFAULT_DRAIN_TIMEOUT_MS ? '' : `, drains ${decision.drainTimeoutMs / 1000}s`;
    return `${decision.strategy} (${decision.reason}${drain})`;
}
function environmentsLabel(names) {
    const quoted = names.map((name) => `"${name}"`);
    if (quoted.length === 1)
        return `environment ${quoted[0] ?? ''}`;
    return `environments ${quoted.slice(0, -1).join(', ')} and ${quoted.at(-1) ?? ''}`;
}
/**
 * The `switch` and `drain_timeout` of stack.yml that cannot work, for each environment whose
 * compose files were read (`compose`): one issue per key and problem, naming the environments.
 */
function switchIssues(manifest, compose) {
    const issues = [];
    for (const service of Object.keys(manifest.services)) {
        const found = new Map();
        for (const [environment, model] of Object.entries(compose)) {
            if (!Object.hasOwn(manifest.environments, environment) || !environmentServices(manifest, environment).includes(service))
                continue;
            // A service the compose files do not define is reported as such.
            if (!model.all.some((s) => s.name === service))
                continue;
            const swarm = manifest.environments[environment]?.engine === 'swarm';
            for (const refusal of swarm ? swarmUpdateOf(manifest, model, service).refusals : switchStrategyOf(manifest, model, service).refusals) {
                const key = JSON.stringify([refusal.key, refusal.message, refusal.hint]);
                const entry = found.get(key) ?? { refusal, environments: [] };
                entry.environments.push(environment);
                found.set(key, entry);
            }
        }
        for (const { refusal, environments } of found.values()) {
            issues.push({
                path: ['services', service, refusal.key],
                target: refusal.key === 'switch' ? 'value' : 'key',
                message: `in ${environmentsLabel(environments)}, ${refusal.message}`,
                hint: refusal.hint,
            });
        }
    }
    // Under Swarm, a failed first deploy takes an application service back to no task by scaling it to 0.
    for (const [environment, model] of Object.entries(compose)) {
        if (manifest.environments[environment]?.engine !== 'swarm')
            continue;
        for (const service of environmentServices(manifest, environment)) {
            const config = manifest.services[service];
            const definition = model.all.find((s) => s.name === service);
            if ((config?.build === undefined && config?.image_from === undefined) || definition?.deployMode === undefined || definition.deployMode === 'replicated')
                continue;
            issues.push({
                path: ['environments', environment, 'engine'],
                target: 'value',
                message: `${service} runs in deploy.mode ${definition.deployMode} (${definition.where.file}:${definition.where.line}), and under engine: swarm a service stack-deploy builds must be replicated: a failed first deploy scales it to 0`,
                hint: `remove deploy.mode from ${service} (one task per node: deploy.replicas with deploy.placement.max_replicas_per_node: 1)`,
            });
        }
    }
    // Host names route to services behind the proxy only.
    for (const [environment, model] of Object.entries(compose)) {
        if (!Object.hasOwn(manifest.environments, environment))
            continue;
        const deployed = environmentServices(manifest, environment);
        const composeOnly = model.all.map((s) => s.name).filter((name) => !Object.hasOwn(manifest.services, name));
        for (const service of Object.keys(manifest.environments[environment]?.host_names ?? {})) {
            const path = ['environments', environment, 'host_names', service];
            if (!deployed.includes(service) && !composeOnly.includes(service)) {
                issues.push({ path, target: 'key', message: `${service} is not a service of ${environment}`, hint: `name one of: ${[...deployed, ...composeOnly].join(', ')}` });
                continue;
            }
            const decision = switchStrategyOf(manifest, model, service);
            if (decision.strategy !== 'proxy') {
                issues.push({ path, target: 'key', message: `${service} switches ${describeSwitch(decision)}, and only services behind the proxy are routed by host name`, hint: 'remove its host_names, or set its switch to proxy and publish its HTTP port' });
            }
        }
    }
    return issues;
}
/** How long Swarm watches an updated task for a failure (`deploy.update_config.monitor`) unless the compose file says. */
const SWARM_MONITOR_DEFAULT = '10s';
/**
 * A service's Swarm update under `engine: swarm`: `failure_action: rollback`, a `monitor` window,
 * and the order from its switch strategy where the compose files do not set them. Under `auto`
 * it starts the new task first, except where two tasks of it cannot run side by side on one node:
 * a port published in `mode: host`, a named volume or a `container_name` (stop-first). `proxy` is
 * refused: Swarm replaces the tasks itself and there is no host proxy.
 */
function swarmUpdateOf(manifest, compose, service) {
    const config = Object.hasOwn(manifest.services, service) ? manifest.services[service] : undefined;
    const definition = compose?.all.find((s) => s.name === service);
    const written = definition?.updateConfig ?? {};
    const hostPorts = (definition?.ports ?? []).filter((port) => port.mode === 'host' && port.published !== undefined);
    const explicit = config?.switch !== undefined && config.switch !== 'auto' ? config.switch : undefined;
    const refusals = [];
    if (explicit === 'proxy') {
        refusals.push({ key: 'switch', message: '"proxy" cannot work under engine: swarm: Swarm replaces the tasks itself, and there is no host proxy', hint: 'use start-first or stop-first (the Swarm update order), or remove switch' });
    }
    else if (explicit === 'start-first' && hostPorts.length > 0 && written.order === undefined) {
        refusals.push({
            key: 'switch',
            message: `"start-first" cannot work under engine: swarm: ${service} publishes ${hostPorts.map(shownPort).join(', ')} in mode host, which a second task cannot bind on the same node`,
            hint: 'publish the port in ingress mode, or use stop-first',
        });
    }
    const causes = [
        ...hostPorts.map((port) => `publishes ${shownPort(port)} in mode host`),
        ...(definition === undefined ? [] : singletonCauses(definition).filter((cause) => !cause.startsWith('network_mode'))),
    ];
    let order;
    let reason;
    if (typeof written.order === 'string') {
        order = written.order === 'start-first' ? 'start-first' : 'stop-first';
        reason = 'set in the compose file';
    }
    else if (explicit === 'start-first' || explicit === 'stop-first') {
        order = explicit;
        reason = 'set in stack.yml';
    }
    else if (causes.length > 0) {
        order = 'stop-first';
        reason = `auto: ${causes.join(', ')}`;
    }
    else {
        order = 'start-first';
        reason = 'auto: two tasks can run side by side';
    }
    const defaults = { order, failure_action: 'rollback', monitor: SWARM_MONITOR_DEFAULT };
    const added = Object.keys(defaults).filter((key) => written[key] === undefined);
    return { config: { ...defaults, ...written }, added, reason, refusals };
}
/** `order start-first (auto: …), failure_action rollback, monitor 10s (added)`: what `plan` shows for a Swarm service. */
function describeSwarmUpdate(update) {
    const shown = (key) => `${key} ${String(update.config[key])}${update.added.includes(key) ? ' (added)' : ''}`;
    return `order ${String(update.config.order)} (${update.reason})${update.added.includes('order') ? ' (added)' : ''}, ${shown('failure_action')}, ${shown('monitor')}`;
}

// EXTERNAL MODULE: ./node_modules/zod/v4/classic/schemas.js + 7 modules
var schemas = __webpack_require__(12311);
;// CONCATENATED MODULE: ./src/manifest/schema-keys.ts

/** The schema without wrappers that do not change the shape of the data (optional, default, pipes...). */
function unwrap(schema) {
    if (schema instanceof schemas/* ZodOptional */.IiU || schema instanceof schemas/* ZodNullable */.l1C)
        return unwrap(schema.unwrap());
    if (schema instanceof schemas/* ZodDefault */.XiL || schema instanceof schemas/* ZodPrefault */.xgV)
        return unwrap(schema.unwrap());
    if (schema instanceof schemas/* ZodPipe */.utH)
        return unwrap(schema.in instanceof schemas/* ZodTransform */.CLY ? schema.out : schema.in);
    return schema;
}
function child(schema, segment) {
    const inner = unwrap(schema);
    if (inner instanceof schemas/* ZodObject */.bvH) {
        const field = inner.shape[String(segment)];
        return field === undefined ? [] : [field];
    }
    if (inner instanceof schemas/* ZodRecord */.b8S)
        return [inner.valueType];
    if (inner instanceof schemas/* ZodArray */.naA)
        return [inner.element];
    if (inner instanceof schemas/* ZodUnion */.fZ7)
        return inner.options.flatMap((option) => child(option, segment));
    return [];
}
/** The keys a mapping at `path` may have, according to `schema` (empty when it is not a fixed mapping). */
function allowedKeysAt(schema, path) {
    let candidates = [schema];
    for (const segment of path)
        candidates = candidates.flatMap((candidate) => child(candidate, segment));
    for (const candidate of candidates) {
        const inner = unwrap(candidate);
        if (inner instanceof schemas/* ZodObject */.bvH)
            return Object.keys(inner.shape);
    }
    return [];
}

;// CONCATENATED MODULE: ./src/manifest/zod-issues.ts


function stringParam(params, name) {
    const value = params?.[name];
    return typeof value === 'string' ? value : undefined;
}
function withHint(issue, hint) {
    return hint === undefined ? issue : { ...issue, hint };
}
/**
 * The one union branch that accepted the type of the value (so its issues say what is wrong
 * inside it), if there is exactly one.
 */
function matchingUnionBranch(branches) {
    const typeMatches = branches.filter((branch) => !branch.some((inner) => inner.path.length === 0 && inner.code === 'invalid_type'));
    return typeMatches.length === 1 ? typeMatches[0] : undefined;
}
/**
 * zod's issues as path issues: one per unknown key (pointing at the key, with a "did you mean"
 * against the keys allowed there), invalid record keys pointing at the key, and hints or key
 * targets carried by custom issues, and union failures reduced to the branch that applies. Messages were already worded by the error map.
 */
function pathIssuesFromZod(issues, schema, parentPath = []) {
    return issues.flatMap((issue) => {
        const ownPath = issue.path.filter((segment) => typeof segment !== 'symbol');
        const path = [...parentPath, ...ownPath];
        switch (issue.code) {
            case 'invalid_union': {
                const relevant = matchingUnionBranch(issue.errors);
                if (relevant !== undefined)
                    return pathIssuesFromZod(relevant, schema, path);
                return [{ path, message: issue.message, target: 'value' }];
            }
            case 'unrecognized_keys': {
                const allowed = allowedKeysAt(schema, path);
                return issue.keys.map((key) => withHint({ path: [...path, key], message: issue.message, target: 'key' }, didYouMean(key, allowed)));
            }
            case 'invalid_key':
                return [{ path, message: issue.message, target: 'key' }];
            case 'custom': {
                const target = stringParam(issue.params, 'target') === 'key' ? 'key' : 'value';
                return [withHint({ path, message: issue.message, target }, stringParam(issue.params, 'hint'))];
            }
            default:
                return [{ path, message: issue.message, target: 'value' }];
        }
    });
}

;// CONCATENATED MODULE: ./src/manifest/validate.ts





function validateManifestData(data, compose = {}, models = {}) {
    const composeServices = [...new Set(Object.values(compose).flat())];
    const parsed = schema/* manifestSchema */.rc.safeParse(data, { error: manifestErrorMap });
    const issues = [
        ...(parsed.success ? switchIssues(parsed.data, models) : pathIssuesFromZod(parsed.error.issues, schema/* manifestSchema */.rc)),
        ...referenceIssues(data, composeServices),
        ...composeIssues(data, compose),
    ];
    if (parsed.success && issues.length === 0)
        return { ok: true, manifest: parsed.data };
    return { ok: false, issues };
}

;// CONCATENATED MODULE: ./src/manifest/yaml-source.ts


const PARSER_MESSAGES = {
    MULTIPLE_DOCS: 'expected one YAML document, found several (separated by "---")',
    TAB_AS_INDENT: 'tabs are not allowed for indentation: use spaces',
};
/** The parser's message in the manifest's style: no trailing period, no API advice, lowercase start. */
function cleanParserMessage(error) {
    const known = PARSER_MESSAGES[error.code];
    if (known !== undefined)
        return known;
    const text = error.message.split('\n')[0]?.replace(/\.$/u, '') ?? error.message;
    return `invalid YAML: ${text.charAt(0).toLowerCase()}${text.slice(1)}`;
}
function positionOf(lineCounter, offset) {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
}
function keyText(key) {
    return (0,dist/* isScalar */.jn)(key) ? String(key.value) : String(key);
}
function findDuplicateKeys(node, path, lineCounter, found) {
    if ((0,dist/* isMap */.jh)(node)) {
        const firstLineByKey = new Map();
        for (const pair of node.items) {
            const key = keyText(pair.key);
            const keyStart = (0,dist/* isNode */.Ll)(pair.key) ? (pair.key.range?.[0] ?? 0) : 0;
            const firstLine = firstLineByKey.get(key);
            if (firstLine === undefined) {
                firstLineByKey.set(key, positionOf(lineCounter, keyStart).line);
            }
            else {
                found.push({
                    ...positionOf(lineCounter, keyStart),
                    path: formatPath([...path, key]),
                    message: `duplicate key "${key}"`,
                    hint: `first defined on line ${firstLine}`,
                });
            }
            findDuplicateKeys(pair.value, [...path, key], lineCounter, found);
        }
    }
    else if ((0,dist/* isSeq */.oP)(node)) {
        node.items.forEach((item, index) => findDuplicateKeys(item, [...path, index], lineCounter, found));
    }
}
/** Parses YAML text; syntax errors come back as located issues, duplicate keys are reported but not fatal. */
function readYaml(text) {
    const lineCounter = new dist/* LineCounter */.HN();
    const document = (0,dist/* parseDocument */.Tp)(text, { lineCounter, uniqueKeys: false, prettyErrors: false });
    if (document.errors.length > 0) {
        const issues = document.errors.map((error) => ({
            ...positionOf(lineCounter, error.pos[0]),
            path: '',
            message: cleanParserMessage(error),
        }));
        return { ok: false, issues };
    }
    const duplicateKeys = [];
    findDuplicateKeys(document.contents, [], lineCounter, duplicateKeys);
    const isEmpty = document.contents === null || ((0,dist/* isScalar */.jn)(document.contents) && document.contents.value === null);
    return { ok: true, source: { document, lineCounter }, isEmpty, duplicateKeys };
}
function startOf(node) {
    return (0,dist/* isNode */.Ll)(node) ? node.range?.[0] : undefined;
}
/** Whether a value node carries no source text (`key:` with nothing after it). */
function isBlankValue(node) {
    if (!(0,dist/* isNode */.Ll)(node))
        return true;
    if ((0,dist/* isCollection */.P3)(node))
        return false;
    const range = node.range;
    return range === undefined || range === null || range[0] === range[1];
}
/**
 * Where an issue found at a data path is in the source: the value for a bad value, the key for
 * an unknown or misplaced key, the parent mapping's key for a missing key (1:1 for the root).
 */
function locateIssue(source, issue) {
    const { document, lineCounter } = source;
    let node = document.contents;
    let keyNode;
    let resolvedDepth = 0;
    for (const segment of issue.path) {
        const current = (0,dist/* isAlias */.Vj)(node) ? node.resolve(document) : node;
        if ((0,dist/* isMap */.jh)(current)) {
            const pair = current.items.findLast((candidate) => keyText(candidate.key) === String(segment));
            if (pair === undefined)
                break;
            node = pair.value;
            keyNode = pair.key;
        }
        else if ((0,dist/* isSeq */.oP)(current) && typeof segment === 'number' && segment < current.items.length) {
            node = current.items[segment];
            keyNode = undefined;
        }
        else {
            break;
        }
        resolvedDepth += 1;
    }
    const located = { path: formatPath(issue.path), message: issue.message, ...(issue.hint === undefined ? {} : { hint: issue.hint }) };
    if (resolvedDepth === 0 && issue.path.length > 0)
        return { line: 1, column: 1, ...located };
    const pointAtKey = resolvedDepth < issue.path.length || issue.target === 'key' || isBlankValue(node);
    const offset = (pointAtKey ? startOf(keyNode) : undefined) ?? startOf(node) ?? 0;
    return { ...positionOf(lineCounter, offset), ...located };
}

;// CONCATENATED MODULE: ./src/manifest/parse.ts



const EMPTY_FILE_MESSAGE = 'the file is empty: expected a mapping with "version", "name", "services" and "environments"';
function failure(file, issues) {
    const withFile = issues.map((issue) => ({ file, ...issue }));
    return { ok: false, file, issues: withFile.sort(compareIssuePositions) };
}
/**
 * Parses and validates manifest text. `file` is only used to label issues, exactly as given.
 * `compose`: the services each environment's compose files define; `models`: those files as read,
 * for the checks of `switch` and `drain_timeout`.
 */
function parseManifest(text, file, compose = {}, models = {}) {
    const yaml = readYaml(text);
    if (!yaml.ok)
        return failure(file, yaml.issues);
    if (yaml.isEmpty)
        return failure(file, [{ line: 1, column: 1, path: '', message: EMPTY_FILE_MESSAGE }]);
    let data;
    try {
        data = yaml.source.document.toJS();
    }
    catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        return failure(file, [...yaml.duplicateKeys, { line: 1, column: 1, path: '', message: `invalid YAML: ${reason}` }]);
    }
    const validation = validateManifestData(data, compose, models);
    if (validation.ok && yaml.duplicateKeys.length === 0)
        return { ok: true, file, manifest: validation.manifest };
    const located = validation.ok ? [] : validation.issues.map((issue) => locateIssue(yaml.source, issue));
    return failure(file, [...yaml.duplicateKeys, ...located]);
}

;// CONCATENATED MODULE: ./src/manifest/load.ts






function errorCode(error) {
    if (typeof error !== 'object' || error === null || !('code' in error))
        return undefined;
    return typeof error.code === 'string' ? error.code : undefined;
}
function readFailure(file, error) {
    const code = errorCode(error);
    if (code === 'ENOENT') {
        return new errors/* StackDeployError */.O1(`${(0,external_node_path_.basename)(file)} not found in ${(0,external_node_path_.dirname)((0,external_node_path_.resolve)(file))}; set the input "manifest"`, { hint: 'add the manifest at the repository root, or set the "manifest" input to its path relative to the working directory' }, { cause: error });
    }
    if (code === 'EISDIR') {
        return new errors/* StackDeployError */.O1(`${file} is a directory, not a manifest file`, {
            hint: 'set the "manifest" input to the path of the YAML file, e.g. deploy/stack.yml',
        });
    }
    const reason = code === 'EACCES' ? 'permission denied' : error instanceof Error ? error.message : String(error);
    return new errors/* StackDeployError */.O1(`cannot read ${file}: ${reason}`, { hint: 'check that the file exists and is readable' }, { cause: error });
}
/** The compose files each environment names, read from the raw manifest (before validation). */
function composeFilesByEnvironment(text) {
    let data;
    try {
        data = (0,dist/* parse */.qg)(text);
    }
    catch {
        return {};
    }
    const environments = typeof data === 'object' && data !== null ? data.environments : undefined;
    if (typeof environments !== 'object' || environments === null)
        return {};
    const found = {};
    for (const [name, settings] of Object.entries(environments)) {
        const compose = typeof settings === 'object' && settings !== null ? settings.compose : undefined;
        const files = typeof compose === 'string' ? [compose] : Array.isArray(compose) ? compose.filter((f) => typeof f === 'string') : [];
        // Paths the schema refuses (absolute, or leaving the directory of stack.yml) are not read.
        if (files.length > 0 && files.every((f) => f !== '' && !(0,external_node_path_.isAbsolute)(f) && !f.split(/[\\/]/u).includes('..')))
            found[name] = files;
    }
    return found;
}
/** A health URL's port that the service neither publishes nor reaches through host networking. */
function healthPortWarnings(manifest, compose) {
    const warnings = [];
    for (const [name, service] of Object.entries(manifest.services)) {
        const url = service.health?.http;
        if (url === undefined)
            continue;
        const parsed = new URL(url);
        const port = parsed.port === '' ? (parsed.protocol === 'https:' ? '443' : '80') : parsed.port;
        for (const [environment, model] of Object.entries(compose)) {
            const definition = model.all.find((s) => s.name === name);
            if (definition === undefined || definition.networkMode === 'host')
                continue;
            if (definition.ports.some((p) => p.published === port || p.published?.split('-')[0] === port))
                continue;
            warnings.push(`services.${name}.health.http probes port ${port} on the host, but in environment "${environment}" ${name} neither publishes port ${port} nor uses network_mode: host (${definition.where.file}:${definition.where.line}): the probe cannot reach it`);
        }
    }
    return warnings;
}
/**
 * Reads and validates the manifest at `file` (relative to the working directory or absolute), with
 * the compose files of its environments: what they define, whether they parse, and the variables
 * they require.
 */
async function loadManifest(file, options = {}) {
    let text;
    try {
        text = await (0,promises_.readFile)(file, 'utf8');
    }
    catch (error) {
        throw readFailure(file, error);
    }
    const dir = (0,external_node_path_.dirname)(file);
    const compose = {};
    const composeIssues = [];
    const seen = new Set();
    for (const [environment, files] of Object.entries(options.compose === false ? {} : composeFilesByEnvironment(text))) {
        const model = await (0,compose_model/* readComposeFiles */.E)({ dir, files, variables: options.variables });
        compose[environment] = model;
        for (const issue of model.issues) {
            const located = { ...issue, file: (0,external_node_path_.join)(dir, issue.file) };
            const key = `${located.file}:${located.line}:${located.column}:${issue.message}`;
            if (!seen.has(key))
                composeIssues.push(located);
            seen.add(key);
        }
    }
    const readableModels = Object.fromEntries(Object.entries(compose).filter(([, model]) => !model.issues.some((i) => i.path === '')));
    const readable = Object.fromEntries(Object.entries(readableModels).map(([environment, model]) => [environment, model.all.map((s) => s.name)]));
    const result = parseManifest(text, file, readable, readableModels);
    if (!result.ok)
        return { ...result, issues: [...result.issues, ...composeIssues] };
    if (composeIssues.length > 0)
        return { ok: false, file, issues: composeIssues };
    return { ...result, compose, warnings: healthPortWarnings(result.manifest, compose) };
}

// EXTERNAL MODULE: ./src/manifest/size.ts
var size = __webpack_require__(12548);
;// CONCATENATED MODULE: ./src/manifest/index.ts











/***/ }),

/***/ 49424:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  l5: () => (/* binding */ DEFAULT_PROXY_IMAGE),
  rc: () => (/* binding */ manifestSchema)
});

// UNUSED EXPORTS: DEFAULT_BACKUP_RETAIN, DEFAULT_EXPECTED_STATUS, DEFAULT_SSH_PORT, SWITCH_CHOICES

// EXTERNAL MODULE: ./node_modules/zod/v4/classic/schemas.js + 7 modules
var schemas = __webpack_require__(12311);
;// CONCATENATED MODULE: ./src/manifest/refinements.ts
function isPresent(value, key) {
    return value[key] !== undefined;
}
/** Runs even when other fields of the same mapping failed, so every mistake is reported at once. */
const evenAfterOtherIssues = { when: (payload) => typeof payload.value === 'object' && payload.value !== null };
/**
 * A refinement for mappings that take one of two alternative keys (`http` or `cmd`). The "both"
 * issue points at the second key; the "neither" issue at the mapping.
 */
function alternativeKeys(first, second, options) {
    return (value, context) => {
        const hasFirst = isPresent(value, first);
        const hasSecond = isPresent(value, second);
        if (hasFirst && hasSecond) {
            context.addIssue({
                code: 'custom',
                path: [second],
                input: value,
                message: `use either "${first}" or "${second}", not both`,
                params: { target: 'key' },
            });
        }
        else if (options.required && !hasFirst && !hasSecond) {
            context.addIssue({ code: 'custom', input: value, message: `needs either "${first}" or "${second}"` });
        }
    };
}
/** A refinement that reports `key` as not applicable unless `requiredKey` is set too. */
function onlyWith(key, requiredKey) {
    return (value, context) => {
        if (isPresent(value, key) && !isPresent(value, requiredKey)) {
            context.addIssue({
                code: 'custom',
                path: [key],
                input: value,
                message: `"${key}" only applies together with "${requiredKey}"`,
                params: { target: 'key' },
            });
        }
    };
}

// EXTERNAL MODULE: ./src/manifest/fields.ts
var fields = __webpack_require__(50392);
// EXTERNAL MODULE: ./node_modules/zod/v4/core/json-schema-processors.js
var json_schema_processors = __webpack_require__(98439);
;// CONCATENATED MODULE: ./src/manifest/named-record.ts



/**
 * A non-empty mapping from safe names to `value` (services, environments). Names are checked in
 * a refinement rather than by zod's record key schema so that the entry of a badly named
 * service is still validated: every mistake is reported at once.
 */
function namedRecord(noun, value) {
    const nameSchema = (0,fields/* safeName */.jC)(`${noun} name`);
    const { $schema: _ignored, ...propertyNames } = json_schema_processors/* toJSONSchema */.bl(nameSchema);
    return schemas/* record */.g1P(schemas/* string */.YjP(), value)
        .superRefine((entries, context) => {
        const names = Object.keys(entries);
        if (names.length === 0)
            context.addIssue({ code: 'custom', input: entries, message: `must define at least 1 ${noun}` });
        for (const name of names) {
            const result = nameSchema.safeParse(name);
            for (const issue of result.error?.issues ?? []) {
                context.addIssue({ code: 'custom', path: [name], input: name, message: issue.message, params: { target: 'key' } });
            }
        }
    }, evenAfterOtherIssues)
        .meta({ minProperties: 1, propertyNames });
}

;// CONCATENATED MODULE: ./src/manifest/schema.ts




/**
 * The manifest (`stack.yml`) schema: the single source of truth for validation, for the
 * `Manifest` type and for the published JSON Schema. Key names are the product's API.
 * Checks that span several sections (references to services, duplicate names) live in
 * `references.ts`.
 */
const DEFAULT_SSH_PORT = 22;
const DEFAULT_BACKUP_RETAIN = 7;
const DEFAULT_EXPECTED_STATUS = 200;
/** The host proxy's image when stack.yml names none. */
const DEFAULT_PROXY_IMAGE = 'nginx:1.27-alpine';
/** How a service moves from its old container to its new one; `auto` chooses one from what the service is. */
const SWITCH_CHOICES = ['auto', 'proxy', 'start-first', 'stop-first'];
const buildSchema = schemas/* strictObject */.rej({
    context: (0,fields/* repositoryPath */.SH)('build context')
        .prefault('.')
        .describe('Directory sent to `docker build`, relative to the directory of stack.yml. Default: that directory.'),
    dockerfile: (0,fields/* repositoryPath */.SH)('Dockerfile path')
        .optional()
        .describe('Dockerfile path relative to the build context. Default: `Dockerfile`.'),
    target: schemas/* string */.YjP()
        .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/u, { error: 'expected a build stage name like "runtime"' })
        .optional()
        .describe('Build stage to build (`docker build --target`).'),
    args: schemas/* record */.g1P(schemas/* string */.YjP().regex(/^[A-Za-z_][A-Za-z0-9_]*$/u, {
        error: 'build argument names use letters, digits and "_", not starting with a digit',
    }), schemas/* string */.YjP())
        .optional()
        .describe('Build arguments (`--build-arg NAME=value`). Values are strings; they end up in the image history, so never put secrets here.'),
    network: schemas/* enum */.k5n(['default', 'host', 'none'])
        .optional()
        .describe('Network mode for RUN instructions during the build.'),
    platforms: schemas/* array */.YOg(schemas/* string */.YjP().regex(/^[a-z0-9]+\/[a-z0-9]+(?:\/[a-z0-9]+)?$/u, {
        error: 'expected a platform like "linux/amd64"',
    }))
        .min(1)
        .optional()
        .describe('Target platforms, e.g. `[linux/amd64, linux/arm64]`. Default: the builder\'s platform.'),
})
    .describe('How to build the image for this service. Services without `build` use an image that is not built by stack-deploy.');
const healthSchema = schemas/* strictObject */.rej({
    http: fields/* httpUrl */.q3
        .optional()
        .describe('http(s) URL probed on the host, e.g. `http://127.0.0.1:8080/health`. Use either `http` or `cmd`.'),
    cmd: fields/* argv */.vU
        .optional()
        .describe('Command run inside the container, as an argument list, e.g. `[wget, -q, -O-, http://127.0.0.1:8080/health]`. Use either `http` or `cmd`.'),
    timeout: (0,fields/* duration */.p0)().prefault('60s').describe('How long to wait for the service to become healthy, e.g. `60s`, `2m`. Default: `60s`.'),
    interval: (0,fields/* duration */.p0)().prefault('1s').describe('Pause between two probes, e.g. `1s`, `500ms`. Default: `1s`.'),
})
    .superRefine(alternativeKeys('http', 'cmd', { required: false }), evenAfterOtherIssues)
    .meta({ not: { required: ['http', 'cmd'] } })
    .describe('How to tell that the service is healthy: `http` (probed on the host) or `cmd` (run in the container), or neither.');
/** Which keys go together: a built service has no pin; a pinned or shared one is not built or released by tag. */
function serviceKindRules(service, context) {
    const issue = (key, message) => context.addIssue({ code: 'custom', path: [key], input: service, message, params: { target: key === 'image' ? 'value' : 'key' } });
    const pin = service.image === undefined ? undefined : (0,fields/* splitImageReference */.Xv)(service.image);
    const pinned = pin !== undefined && (pin.tag !== undefined || pin.digest !== undefined);
    if (service.build !== undefined && pinned)
        issue('image', `${JSON.stringify(service.image)} must not include a ${pin.digest !== undefined ? 'digest' : 'tag'} for a built service: stack-deploy chooses the tag to deploy`);
    if (service.image_from !== undefined && service.build !== undefined)
        issue('image_from', 'use either "build" or "image_from", not both: a service that shares another one\'s image is not built itself');
    if (service.image_from !== undefined && service.image !== undefined)
        issue('image_from', 'use either "image" or "image_from", not both');
    if (service.release_tag !== undefined && service.build === undefined) {
        issue('release_tag', service.image_from !== undefined ? `a service that shares ${JSON.stringify(service.image_from)}'s image has no release tag of its own: it is released with ${JSON.stringify(service.image_from)}` : 'only built services have a release tag');
    }
}
const serviceSchema = schemas/* strictObject */.rej({
    build: buildSchema.optional(),
    image: fields/* imageReference */.rA
        .optional()
        .describe('The image. For a built service: its repository without tag, e.g. `ghcr.io/acme/shop-api` (default: `<registry.host>/<registry.namespace>/<service>`). For a service that runs a built service\'s image: that repository, without tag. For a pinned service (a database, a queue): the image with its tag or digest, e.g. `postgres:15.6`, deployed at exactly that pin.'),
    image_from: fields/* serviceReference */.Ng
        .optional()
        .describe('The built service whose image this service runs (with its own `command` in the compose file): it is released, deployed and rolled back together with that service.'),
    size_limit: (0,fields/* size */.Ej)()
        .optional()
        .describe('Largest allowed compressed image size as pushed, e.g. `20MB`, `512KiB`, `1.5GB` (SI units are powers of 1000, IEC units powers of 1024).'),
    release_tag: fields/* releaseTagGlob */.GQ
        .optional()
        .describe('Git tag glob that releases this service, with exactly one `*`. Default: `<service>-v*`. Only built services have one.'),
    health: healthSchema.optional(),
    switch: schemas/* enum */.k5n(SWITCH_CHOICES)
        // Unset is `auto`; the JSON Schema shows it as the default.
        .optional()
        .meta({
        default: 'auto',
        description: 'How a deploy replaces the service\'s container. `proxy` (HTTP services): a reverse proxy on the host owns the published ports, the new container starts next to the old one and takes the traffic once healthy, the old one drains, then stops. `start-first` (services without a fixed host port, e.g. workers): the new container starts, becomes healthy, then the old one stops. `stop-first`: the old container stops, then the new one starts (singletons such as a database). `auto` (default): `stop-first` for pinned and compose-only services and for services with `container_name`, named volumes, `network_mode: host` or a fixed UDP host port; `proxy` for the other built services (and those sharing their image) that publish a fixed host port; `start-first` for the rest.',
    }),
    drain_timeout: (0,fields/* duration */.p0)()
        // No default here: a drain_timeout that is written is refused where the proxy does not switch.
        .optional()
        .describe('With `switch: proxy`: how long the old container may finish the requests it has before it is stopped, e.g. `30s`. Default: `30s`. Only for services switched through the proxy.'),
})
    .superRefine(serviceKindRules, evenAfterOtherIssues)
    .describe('A service of the stack, named as in the compose files: built (`build`), sharing a built image (`image_from`), pinned (`image` with a tag or digest), or configured only (neither: the compose file says what it runs).');
const sshPort = schemas/* int */.Whr().min(1).max(65535);
const environmentHostSchema = schemas/* strictObject */.rej({
    host: fields/* sshHost */.TE.describe('SSH host name or IP address (IPv6 without brackets).'),
    port: sshPort.optional().describe('SSH port. Default: the environment\'s `port` (22).'),
    user: fields/* posixUser */.$I.optional().describe('SSH user name on the host. Default: the environment\'s `user`.'),
    services: schemas/* array */.YOg(fields/* serviceReference */.Ng)
        .min(1)
        .optional()
        .describe('The services of the environment this host runs. Default: all of them.'),
})
    .describe('One host of an environment that runs on several.');
/** `batch`: a number of hosts, or a percentage of them (rounded up). */
const rolloutBatch = schemas/* union */.KCZ([
    schemas/* int */.Whr().min(1),
    schemas/* string */.YjP().regex(/^(100|[1-9]\d?)%$/u, { error: 'expected a number of hosts or a percentage such as "50%"' }),
])
    .describe('How many hosts switch at once with `strategy: rolling`: a count (e.g. `1`) or a percentage of the hosts (e.g. `"50%"`, rounded up). Default: 1.');
const rolloutSchema = schemas/* strictObject */.rej({
    strategy: schemas/* enum */.k5n(['parallel', 'rolling'])
        .default('parallel')
        .describe('`parallel` (default): every host switches at once. `rolling`: `batch` hosts at a time, each batch after the previous one passed its health gate and smoke checks.'),
    batch: rolloutBatch.optional(),
    canary: schemas/* boolean */.zMY()
        .default(false)
        .describe('The first host of `hosts` switches alone first, and must pass its health gate and smoke checks before any other host changes. Default: false.'),
})
    .superRefine((value, context) => {
    if (value.batch !== undefined && value.strategy !== 'rolling') {
        context.addIssue({ code: 'custom', path: ['batch'], input: value, message: '"batch" only applies with strategy: rolling', params: { target: 'key' } });
    }
}, evenAfterOtherIssues)
    .describe('How an environment with several hosts switches them. Any failure switches every host already switched back to its previous release.');
/** Every host of an environment needs an SSH user: its own or the environment's. */
function sshUserRules(value, context) {
    if (value.user !== undefined)
        return;
    // Reported as zod reports a missing key: at the parent key, "required key is missing".
    if (value.host !== undefined) {
        context.addIssue({ code: 'invalid_type', expected: 'string', path: ['user'], input: undefined });
        return;
    }
    (value.hosts ?? []).forEach((host, index) => {
        if (host.user === undefined)
            context.addIssue({ code: 'invalid_type', expected: 'string', path: ['hosts', index, 'user'], input: undefined, message: 'required key is missing (here or as the environment\'s "user")' });
    });
}
/** A swarm is reached through one manager: Swarm itself places the tasks and rolls them out. */
function swarmRules(value, context) {
    if (value.engine !== 'swarm')
        return;
    const refuse = (key, message) => context.addIssue({ code: 'custom', path: [key], input: value, message, params: { target: 'key' } });
    if (value.hosts !== undefined)
        refuse('hosts', 'engine: swarm deploys through one manager: name it with "host" (Swarm places the tasks on its nodes)');
    if (value.rollout !== undefined)
        refuse('rollout', 'engine: swarm rolls services out itself (each service\'s deploy.update_config): remove "rollout"');
    if (value.host_names !== undefined)
        refuse('host_names', 'engine: swarm has no host proxy to route host names: remove "host_names" (route them in your own load balancer)');
}
const environmentSchema = schemas/* strictObject */.rej({
    host: fields/* sshHost */.TE.optional().describe('SSH host name or IP address (IPv6 without brackets), for an environment on one host. Use either `host` or `hosts`.'),
    hosts: schemas/* array */.YOg(environmentHostSchema)
        .min(1)
        .optional()
        .describe('The hosts of an environment that runs on several, each `{ host, port, user, services }`. Use either `host` or `hosts`.'),
    rollout: rolloutSchema.optional(),
    engine: schemas/* enum */.k5n(['compose', 'swarm'])
        .optional()
        .describe('How the stack runs on its host: `compose` (default: Docker Compose on each host) or `swarm` (`docker stack deploy` on a Swarm manager, `host`; Swarm places the tasks on its nodes).'),
    port: sshPort.default(DEFAULT_SSH_PORT).describe('SSH port. Default: 22.'),
    user: fields/* posixUser */.$I.optional().describe('SSH user name on the host (the default of each of `hosts`).'),
    path: (0,fields/* absolutePath */.Hi)('path').describe('Absolute directory on the host where the stack lives, e.g. `/opt/shop`.'),
    compose: schemas/* union */.KCZ([(0,fields/* repositoryPath */.SH)('compose file'), schemas/* array */.YOg((0,fields/* repositoryPath */.SH)('compose file')).min(1)])
        .transform((files) => (typeof files === 'string' ? [files] : files))
        .describe('Compose file(s), relative to the directory of stack.yml, uploaded unchanged to the same relative path under `path` on the host and passed to `docker compose -f` in order.'),
    services: schemas/* array */.YOg(fields/* serviceReference */.Ng)
        .min(1)
        .optional()
        .describe('The services deployed to this environment. Default: all services.'),
    project: (0,fields/* safeName */.jC)('Compose project name')
        .optional()
        .describe('The Compose project this environment runs as on its host. Default: `<name>-<environment>`, so that environments never share containers, networks or volumes.'),
    host_names: schemas/* record */.g1P(fields/* serviceReference */.Ng, schemas/* array */.YOg(fields/* virtualHost */.a3).min(1))
        .optional()
        .describe('For services behind the host\'s proxy: the host names each one answers for, e.g. `{ web: [shop.example.com] }`. The proxy then routes a published port by the request\'s host name, so that environments (or stacks) on one host can publish the same port. Default: every host name.'),
})
    .superRefine(alternativeKeys('host', 'hosts', { required: true }), evenAfterOtherIssues)
    .superRefine(sshUserRules, evenAfterOtherIssues)
    .superRefine(swarmRules, evenAfterOtherIssues)
    .describe('A deployment target: one host reached over SSH (`host`), or several (`hosts`).');
const registrySchema = schemas/* strictObject */.rej({
    host: fields/* registryHost */.U$.optional().describe('Registry host. Default: `ghcr.io`.'),
    namespace: fields/* registryNamespace */.bH
        .optional()
        .describe('User or organisation in the registry. Default: the GitHub repository owner, lowercased.'),
})
    .describe('Where images are pushed and pulled from.');
const backupSchema = schemas/* strictObject */.rej({
    name: (0,fields/* safeName */.jC)('backup name').describe('Name of the backup, used in file names.'),
    service: fields/* serviceReference */.Ng.describe('The service whose container the backup runs in.'),
    command: fields/* argv */.vU
        .optional()
        .describe('Command run inside the container whose standard output is the backup, e.g. `[pg_dump, -U, app, -Fc, app]`. Use either `command` or `sqlite`.'),
    sqlite: (0,fields/* absolutePath */.Hi)('SQLite database path')
        .optional()
        .describe('Absolute path of an SQLite database file inside the container. Use either `command` or `sqlite`.'),
    retain: schemas/* int */.Whr()
        .min(1)
        .max(1000)
        .default(DEFAULT_BACKUP_RETAIN)
        .describe('How many backups to keep on the host. Default: 7.'),
})
    .superRefine(alternativeKeys('command', 'sqlite', { required: true }), evenAfterOtherIssues)
    .transform(({ name, service, command, sqlite, retain }) => command !== undefined ? { name, service, command, retain } : { name, service, sqlite: sqlite ?? '', retain })
    .meta({ oneOf: [{ required: ['command'] }, { required: ['sqlite'] }] })
    .describe('A backup of one service\'s data, kept on the host.');
const migrationsSchema = schemas/* strictObject */.rej({
    service: fields/* serviceReference */.Ng.describe('The service whose container runs the migrations.'),
    command: fields/* argv */.vU.describe('Migration command as an argument list, e.g. `[./api, migrate, up]`.'),
    timeout: (0,fields/* duration */.p0)().prefault('5m').describe('How long migrations may run. Default: `5m`.'),
})
    .describe('Database migrations run in a service\'s container during a deploy.');
const smokeRunSchema = fields/* argv */.vU.superRefine((command, context) => {
    const program = command[0] ?? '';
    if (!/^[A-Za-z0-9._][A-Za-z0-9._/-]*$/u.test(program) || program.startsWith('/') || program.split('/').includes('..')) {
        context.addIssue({
            code: 'custom',
            path: [0],
            input: program,
            message: `${JSON.stringify(program)} is not a repository-relative script or a command name`,
        });
    }
});
const smokeSchema = schemas/* strictObject */.rej({
    name: (0,fields/* safeName */.jC)('check name').describe('Name of the check, shown in logs.'),
    http: fields/* httpUrl */.q3.optional().describe('URL requested on the host, e.g. `http://127.0.0.1:8080/`. Use either `http` or `run`.'),
    expect: schemas/* strictObject */.rej({
        status: schemas/* int */.Whr().min(100).max(599).default(DEFAULT_EXPECTED_STATUS).describe('Expected HTTP status. Default: 200.'),
        body_contains: schemas/* string */.YjP()
            .min(1)
            // The host matches it with grep -F, which reads each line as an alternative: one line only.
            .refine((text) => !/[\r\n]/u.test(text), { error: 'must be one line: a line break would let any body that contains one of its lines pass' })
            .optional()
            .describe('Text the response body must contain (one line).'),
    })
        .optional()
        .describe('What the `http` check expects.'),
    run: smokeRunSchema
        .optional()
        .describe('Command run on the host in the stack directory, as an argument list whose first element is a repository-relative script or a command name. Use either `http` or `run`.'),
    timeout: (0,fields/* duration */.p0)().prefault('30s').describe('How long the check may take. Default: `30s`.'),
})
    .superRefine(alternativeKeys('http', 'run', { required: true }), evenAfterOtherIssues)
    .superRefine(onlyWith('expect', 'http'), evenAfterOtherIssues)
    .transform(({ name, http, expect, run, timeout }) => http !== undefined
    ? { name, http, expect: expect ?? { status: DEFAULT_EXPECTED_STATUS }, timeout }
    : { name, run: run ?? [], timeout })
    .meta({ oneOf: [{ required: ['http'] }, { required: ['run'] }] })
    .describe('A check that the deployed stack works: an `http` request or a command to `run`.');
const hookList = schemas/* array */.YOg(fields/* argv */.vU);
const hooksSchema = schemas/* strictObject */.rej({
    pre_deploy: hookList.optional().describe('Commands run before a deploy, each an argument list.'),
    post_deploy: hookList.optional().describe('Commands run after a successful deploy, each an argument list.'),
    pre_batch: hookList
        .optional()
        .describe('Commands run on the runner (in the directory of stack.yml) before each batch of hosts of an environment with several switches, e.g. to take them out of an external load balancer; `STACK_DEPLOY_HOSTS` names the batch\'s hosts (space-separated). A failure stops the rollout.'),
    post_batch: hookList
        .optional()
        .describe('Commands run on the runner after each batch of hosts passed its checks, e.g. to put them back into an external load balancer; `STACK_DEPLOY_HOSTS` names them. A failure stops the rollout.'),
})
    .describe('Commands run before and after a deploy.');
const manifestSchema = schemas/* strictObject */.rej({
    version: schemas/* literal */.euz(1).describe('Manifest format version. Always 1.'),
    name: (0,fields/* safeName */.jC)('stack name').describe('Stack name; each environment runs as the Compose project `<name>-<environment>` unless it sets `project`.'),
    registry: registrySchema.optional(),
    services: namedRecord('service', serviceSchema)
        .describe('The services of the stack, by name (lowercase letters, digits, "-" and "_").'),
    environments: namedRecord('environment', environmentSchema)
        .describe('Deployment targets, by name, e.g. `staging` and `production`.'),
    backup: schemas/* array */.YOg(backupSchema).optional().describe('Backups of service data, kept on the host.'),
    migrations: migrationsSchema.optional(),
    smoke: schemas/* array */.YOg(smokeSchema).optional().describe('Smoke checks run against the deployed stack.'),
    hooks: hooksSchema.optional(),
    proxy: schemas/* strictObject */.rej({
        image: fields/* imageReference */.rA
            .prefault(DEFAULT_PROXY_IMAGE)
            .describe(`The nginx image the host's proxy runs, with its tag or digest; resolved to a digest on the host when it is first started. Default: \`${DEFAULT_PROXY_IMAGE}\`. A running proxy is never restarted by a deploy: to change its image, remove the \`stack-deploy-proxy\` container on the host and deploy.`),
    })
        .optional()
        .describe('The reverse proxy stack-deploy runs on each host for services switched `proxy`: one nginx container per host, shared by every stack on it.'),
})
    .describe('stack-deploy manifest (stack.yml): the services of a Docker stack and where to deploy them.');


/***/ }),

/***/ 12548:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   D: () => (/* binding */ parseSize),
/* harmony export */   b: () => (/* binding */ SIZE_PATTERN)
/* harmony export */ });
/** Sizes in stack.yml: SI units (`kB`/`KB`, `MB`, `GB`, `TB` = 1000^n) and IEC units (`KiB`, `MiB`, `GiB`, `TiB` = 1024^n). */
const SIZE_PATTERN = /^(\d+)(?:\.(\d+))? ?(B|kB|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/u;
const BYTES_PER_UNIT = {
    B: 1n,
    kB: 1000n,
    KB: 1000n,
    MB: 1000n ** 2n,
    GB: 1000n ** 3n,
    TB: 1000n ** 4n,
    KiB: 1024n,
    MiB: 1024n ** 2n,
    GiB: 1024n ** 3n,
    TiB: 1024n ** 4n,
};
/**
 * Whole bytes, or undefined when the text is not a size or names a fraction of a byte.
 * Computed exactly (`1.1MB` is 1100000, not 1100000.0000000002).
 */
function parseSize(text) {
    const match = SIZE_PATTERN.exec(text);
    if (match === null)
        return undefined;
    const [, whole = '', fraction = '', unit = ''] = match;
    const multiplier = BYTES_PER_UNIT[unit];
    if (multiplier === undefined)
        return undefined;
    const scale = 10n ** BigInt(fraction.length);
    const scaledBytes = BigInt(whole + fraction) * multiplier;
    if (scaledBytes % scale !== 0n)
        return undefined;
    const bytes = scaledBytes / scale;
    return bytes <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(bytes) : undefined;
}


/***/ })

};
;