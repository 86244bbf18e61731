"use strict";
exports.id = 8;
exports.ids = [8];
exports.modules = {

/***/ 62627:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  SshExecutor: () => (/* binding */ SshExecutor),
  connectSsh: () => (/* binding */ connectSsh),
  hostKeyAlgorithms: () => (/* binding */ hostKeyAlgorithms)
});

// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(57075);
// EXTERNAL MODULE: ./node_modules/node-ssh/lib/esm/index.mjs + 2 modules
var esm = __webpack_require__(19487);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(83916);
// EXTERNAL MODULE: ./src/exec/failure.ts
var failure = __webpack_require__(28843);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
;// CONCATENATED MODULE: ./src/exec/known-hosts.ts


/** The name a host is pinned under: `host` for port 22, `[host]:port` otherwise (as OpenSSH). */
function knownHostsName(host, port) {
    return port === 22 ? host : `[${host}]:${port}`;
}
/** `SHA256:…` as `ssh-keygen -lf` and OpenSSH's warnings print it. */
function fingerprintSha256(keyBlob) {
    return `SHA256:${(0,external_node_crypto_.createHash)('sha256').update(keyBlob).digest('base64').replace(/=+$/u, '')}`;
}
/** The key type named inside an SSH public key blob (`ssh-ed25519`, `ecdsa-sha2-nistp256`, …). */
function keyTypeOf(keyBlob) {
    if (keyBlob.length < 4)
        return 'unknown';
    const length = keyBlob.readUInt32BE(0);
    if (length > 64 || keyBlob.length < 4 + length)
        return 'unknown';
    return keyBlob.subarray(4, 4 + length).toString('latin1');
}
function globToRegExp(pattern) {
    const escaped = pattern.replace(/[.+^${}()|[\]\\]/gu, '\\$&').replace(/\*/gu, '.*').replace(/\?/gu, '.');
    return new RegExp(`^${escaped}$`, 'iu');
}
function hashedHostMatches(entry, name) {
    // |1|base64(salt)|base64(HMAC-SHA1(salt, name))
    const [, magic, salt, hash] = entry.split('|');
    if (magic !== '1' || salt === undefined || hash === undefined)
        return false;
    const digest = (0,external_node_crypto_.createHmac)('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
    return digest === hash;
}
function hostFieldMatches(field, name) {
    if (field.startsWith('|'))
        return hashedHostMatches(field, name);
    let matched = false;
    for (const pattern of field.split(',')) {
        if (pattern.startsWith('!')) {
            if (globToRegExp(pattern.slice(1)).test(name))
                return false;
        }
        else if (globToRegExp(pattern).test(name)) {
            matched = true;
        }
    }
    return matched;
}
/**
 * The keys that known_hosts text pins for host:port. Comments, blank lines and
 * `@cert-authority` lines are skipped (certificates are not supported); `@revoked` keys are
 * returned marked so that they are refused even if also pinned.
 */
function pinnedKeysFor(knownHosts, host, port) {
    const name = knownHostsName(host, port);
    const keys = [];
    for (const rawLine of knownHosts.split(/\r?\n/u)) {
        const line = rawLine.trim();
        if (line === '' || line.startsWith('#'))
            continue;
        const fields = line.split(/\s+/u);
        let revoked = false;
        if (fields[0]?.startsWith('@') === true) {
            const marker = fields.shift();
            if (marker === '@revoked')
                revoked = true;
            else
                continue;
        }
        const [hosts, keyType, keyBase64] = fields;
        if (hosts === undefined || keyType === undefined || keyBase64 === undefined)
            continue;
        if (hostFieldMatches(hosts, name))
            keys.push({ keyType, keyBase64, revoked });
    }
    return keys;
}
/**
 * Decides whether the key a server offered is one pinned for it. There is no trust on first
 * use: a host without a pinned key is refused, with the offered key's fingerprint and the
 * exact line to pin once the fingerprint has been checked out of band.
 */
function verifyHostKey(knownHosts, host, port, offered) {
    const name = knownHostsName(host, port);
    const pinned = pinnedKeysFor(knownHosts, host, port);
    const offeredBase64 = offered.toString('base64');
    const keyType = keyTypeOf(offered);
    const fingerprint = fingerprintSha256(offered);
    const pinLine = `${name} ${keyType} ${offeredBase64}`;
    const where = { host: name, step: 'connect' };
    if (pinned.some((key) => key.revoked && key.keyBase64 === offeredBase64)) {
        return {
            accepted: false,
            error: new errors/* StackDeployError */.O1(`the host key offered by ${name} (${keyType} ${fingerprint}) is marked @revoked in ssh-known-hosts`, {
                ...where,
                hint: 'the server must present a new host key; pin it after checking its fingerprint on the server',
            }),
        };
    }
    if (pinned.some((key) => !key.revoked && key.keyBase64 === offeredBase64))
        return { accepted: true };
    const active = pinned.filter((key) => !key.revoked);
    if (active.length === 0) {
        return {
            accepted: false,
            error: new errors/* StackDeployError */.O1(`no host key is pinned for ${name}; the server offered ${keyType} ${fingerprint}`, {
                ...where,
                hint: `check that fingerprint on the server (ssh-keygen -lf /etc/ssh/ssh_host_${keyType.replace(/^ssh-/u, '')}_key.pub), ` +
                    `then add this line to the ssh-known-hosts input (or --known-hosts file): ${pinLine}`,
            }),
        };
    }
    return {
        accepted: false,
        error: new errors/* StackDeployError */.O1(`HOST KEY MISMATCH for ${name}: the server offered ${keyType} ${fingerprint}, which is not the pinned key; the connection was refused before any command ran`, {
            ...where,
            hint: 'someone may be intercepting the connection, or the server was reinstalled. Check the fingerprint on the server; ' +
                `only if it is right, replace the pinned line with: ${pinLine}`,
        }),
    };
}
/** Key types pinned for the host, to ask the server for one of those (as OpenSSH does). */
function pinnedKeyTypes(knownHosts, host, port) {
    const types = pinnedKeysFor(knownHosts, host, port)
        .filter((key) => !key.revoked)
        .map((key) => key.keyType);
    return [...new Set(types)];
}

// EXTERNAL MODULE: ./src/exec/quote.ts
var quote = __webpack_require__(96197);
;// CONCATENATED MODULE: ./src/exec/ssh.ts






// Signature algorithms a server may use for each key type written in known_hosts. An RSA key
// signs with SHA-2 only: `ssh-rsa` signatures (SHA-1) are refused.
const HOST_KEY_ALGORITHMS = {
    'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256'],
};
const DEFAULT_HOST_KEY_ALGORITHMS = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256'];
/** The host key signature algorithms offered for the key types pinned in known_hosts (never SHA-1 `ssh-rsa`). */
function hostKeyAlgorithms(pinnedTypes) {
    const algorithms = pinnedTypes.flatMap((type) => HOST_KEY_ALGORITHMS[type] ?? [type]).filter((algorithm) => algorithm !== 'ssh-rsa');
    return algorithms.length > 0 ? [...new Set(algorithms)] : DEFAULT_HOST_KEY_ALGORITHMS;
}
const RETRYABLE = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|Timed out while waiting for handshake/u;
const sleepFor = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/**
 * Opens the one SSH connection a deploy uses for a host. The host key must be pinned in
 * `credentials.knownHosts`; anything else fails before authentication.
 */
async function connectSsh(target, credentials, redactor, options = {}) {
    const attempts = options.attempts ?? 4;
    const sleep = options.sleep ?? sleepFor;
    const name = `${target.user}@${knownHostsName(target.host, target.port)}`;
    const keyTypes = pinnedKeyTypes(credentials.knownHosts, target.host, target.port);
    const serverHostKey = hostKeyAlgorithms(keyTypes);
    for (let attempt = 1;; attempt += 1) {
        const ssh = new esm/* NodeSSH */.H();
        let verdict;
        try {
            await ssh.connect({
                host: target.host,
                port: target.port,
                username: target.user,
                privateKey: credentials.privateKey,
                passphrase: credentials.passphrase,
                readyTimeout: options.readyTimeoutMs ?? 20_000,
                keepaliveInterval: 10_000,
                keepaliveCountMax: 6,
                tryKeyboard: false,
                // Ask for a key type that is pinned, so a server with several keys shows a pinned one.
                algorithms: { serverHostKey: serverHostKey },
                hostVerifier: (key) => {
                    verdict = verifyHostKey(credentials.knownHosts, target.host, target.port, key);
                    return verdict.accepted;
                },
            });
            return new SshExecutor(name, ssh, redactor);
        }
        catch (error) {
            ssh.dispose();
            if (verdict !== undefined && !verdict.accepted)
                throw verdict.error;
            const failure = describeConnectFailure(name, error);
            const message = error instanceof Error ? error.message : String(error);
            if (attempt >= attempts || !RETRYABLE.test(message))
                throw failure;
            const delay = Math.min(8_000, 500 * 2 ** (attempt - 1));
            options.onRetry?.(attempt, delay, failure);
            await sleep(delay);
        }
    }
}
function describeConnectFailure(name, error) {
    const message = error instanceof Error ? error.message : String(error);
    const where = { host: name, step: 'connect' };
    if (/authentication methods failed/u.test(message)) {
        return new errors/* StackDeployError */.O1(`SSH authentication failed as ${name}`, {
            ...where,
            hint: 'check that the ssh-private-key input holds the private key whose public key is in the user\'s ~/.ssh/authorized_keys',
        });
    }
    if (/Cannot parse privateKey|Encrypted private OpenSSH key detected|no passphrase/u.test(message)) {
        return new errors/* StackDeployError */.O1(`the SSH private key could not be read: ${message}`, {
            ...where,
            hint: 'pass an unencrypted OpenSSH or PEM private key (the whole file, including its BEGIN and END lines)',
        });
    }
    return new errors/* StackDeployError */.O1(`could not connect: ${message}`, {
        ...where,
        hint: 'check the environment\'s host and port in stack.yml, and that sshd is reachable from this runner',
    });
}
/** Runs commands as channels of one SSH connection. */
class SshExecutor {
    host;
    #ssh;
    #redactor;
    #commandsSent = 0;
    constructor(host, ssh, redactor) {
        this.host = host;
        this.#ssh = ssh;
        this.#redactor = redactor;
    }
    /** Remote commands sent on this connection so far (each is one round trip). */
    get commandsSent() {
        return this.#commandsSent;
    }
    async run(cmd, options = {}) {
        let argv = cmd.argv;
        if (options.timeoutMs !== undefined) {
            // The remote side enforces the limit, so a dropped client never leaves it running forever.
            argv = ['timeout', '--kill-after=10', `${Math.ceil(options.timeoutMs / 1000)}s`, ...argv];
        }
        const line = options.cwd === undefined ? (0,quote/* toShellString */.jY)(argv) : (0,quote/* toShellStringIn */.C0)(options.cwd, argv);
        if (options.env !== undefined && Object.keys(options.env).length > 0) {
            throw new errors/* StackDeployError */.O1('environment variables cannot be passed to an SSH command; send them on stdin or in a file', {
                host: this.host,
            });
        }
        this.#commandsSent += 1;
        let response;
        try {
            response = await this.#ssh.execCommand(line, {
                // Bytes go as they are: node-ssh writes a string as UTF-8 text, so a Buffer is streamed.
                stdin: Buffer.isBuffer(cmd.stdin) ? external_node_stream_.Readable.from([cmd.stdin]) : cmd.stdin,
                noTrim: true,
                encoding: options.onStdoutBytes === undefined ? 'utf8' : 'binary',
                onStdout: (chunk) => {
                    if (options.onStdoutBytes !== undefined)
                        options.onStdoutBytes(chunk);
                    else
                        options.onOutput?.(this.#redactor.redact(chunk.toString('utf8')), 'stdout');
                },
                onStderr: (chunk) => options.onOutput?.(this.#redactor.redact(chunk.toString('utf8')), 'stderr'),
            });
        }
        catch (error) {
            const reason = `the SSH connection failed while running ${cmd.argv[0] ?? 'a command'}: ${error instanceof Error ? error.message : String(error)}`;
            throw (0,failure/* commandFailure */._I)(this.host, cmd, this.#redactor, { exitCode: 255, stdout: '', stderr: '', reason }, options);
        }
        const exitCode = response.code ?? 255;
        const stdout = options.onStdoutBytes === undefined ? response.stdout : '';
        const result = { exitCode, stdout, stderr: response.stderr };
        if (exitCode === 0 || options.allowFailure === true)
            return result;
        let reason;
        if (response.signal !== null && response.signal !== undefined)
            reason = `${cmd.argv[0] ?? 'command'} was killed by ${response.signal}`;
        else if (options.timeoutMs !== undefined && exitCode === 124)
            reason = `${cmd.argv[0] ?? 'command'} timed out after ${options.timeoutMs} ms`;
        throw (0,failure/* commandFailure */._I)(this.host, cmd, this.#redactor, { ...result, reason }, options);
    }
    /**
     * Runs `cmd` on a channel of its own with the caller's input and output attached, streaming
     * (nothing is kept in memory, so `logs --follow` can run for hours). With `io.pty` the host
     * gives the command a terminal, as `ssh -t` does.
     */
    attach(cmd, io, options = {}) {
        const line = options.cwd === undefined ? (0,quote/* toShellString */.jY)(cmd.argv) : (0,quote/* toShellStringIn */.C0)(options.cwd, cmd.argv);
        const connection = this.#ssh.connection;
        if (connection === null)
            return Promise.reject(new errors/* StackDeployError */.O1('the SSH connection is closed', { host: this.host }));
        this.#commandsSent += 1;
        const execOptions = io.pty === undefined ? {} : { pty: { rows: io.pty.rows, cols: io.pty.cols, term: io.pty.term } };
        return new Promise((resolve, reject) => {
            connection.exec(line, execOptions, (error, channel) => {
                if (error !== undefined) {
                    reject((0,failure/* commandFailure */._I)(this.host, cmd, this.#redactor, { exitCode: 255, stdout: '', stderr: '', reason: `the SSH connection refused a channel: ${error.message}` }, {}));
                    return;
                }
                let exitCode = 255;
                channel.on('exit', (code) => {
                    if (typeof code === 'number')
                        exitCode = code;
                });
                channel.on('data', (chunk) => io.write(chunk, 'stdout'));
                channel.stderr.on('data', (chunk) => io.write(chunk, 'stderr'));
                const stdin = io.stdin;
                if (stdin === undefined)
                    channel.end();
                else
                    stdin.pipe(channel);
                const stopResizing = io.pty === undefined ? undefined : io.onResize?.(({ rows, cols }) => channel.setWindow(rows, cols, 0, 0));
                channel.on('close', () => {
                    stopResizing?.();
                    if (stdin !== undefined) {
                        stdin.unpipe(channel);
                        stdin.pause();
                    }
                    resolve(exitCode);
                });
            });
        });
    }
    close() {
        this.#ssh.dispose();
        return Promise.resolve();
    }
}


/***/ })

};
;