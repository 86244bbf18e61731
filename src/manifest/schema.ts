import { z } from 'zod';
import { alternativeKeys, evenAfterOtherIssues, onlyWith } from './refinements';
import {
  absolutePath,
  argv,
  duration,
  httpUrl,
  imageReference,
  splitImageReference,
  posixUser,
  registryHost,
  registryNamespace,
  releaseTagGlob,
  repositoryPath,
  safeName,
  serviceReference,
  size,
  sshHost,
  virtualHost,
} from './fields';
import { namedRecord } from './named-record';

/**
 * The manifest (`stack.yml`) schema: the single source of truth for validation, for the
 * `Manifest` type and for the published JSON Schema. Key names are the product's API.
 * Checks that span several sections (references to services, duplicate names) live in
 * `references.ts`.
 */

export const DEFAULT_SSH_PORT = 22;
export const DEFAULT_BACKUP_RETAIN = 7;
export const DEFAULT_EXPECTED_STATUS = 200;
/** The host proxy's image when stack.yml names none. */
export const DEFAULT_PROXY_IMAGE = 'nginx:1.27-alpine';

/** How a service moves from its old container to its new one; `auto` chooses one from what the service is. */
export const SWITCH_CHOICES = ['auto', 'proxy', 'start-first', 'stop-first'] as const;

const buildSchema = z
  .strictObject({
    context: repositoryPath('build context')
      .prefault('.')
      .describe('Directory sent to `docker build`, relative to the directory of stack.yml. Default: that directory.'),
    dockerfile: repositoryPath('Dockerfile path')
      .optional()
      .describe('Dockerfile path relative to the build context. Default: `Dockerfile`.'),
    target: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/u, { error: 'expected a build stage name like "runtime"' })
      .optional()
      .describe('Build stage to build (`docker build --target`).'),
    args: z
      .record(
        z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/u, {
          error: 'build argument names use letters, digits and "_", not starting with a digit',
        }),
        z.string(),
      )
      .optional()
      .describe('Build arguments (`--build-arg NAME=value`). Values are strings; they end up in the image history, so never put secrets here.'),
    network: z
      .enum(['default', 'host', 'none'])
      .optional()
      .describe('Network mode for RUN instructions during the build.'),
    platforms: z
      .array(
        z.string().regex(/^[a-z0-9]+\/[a-z0-9]+(?:\/[a-z0-9]+)?$/u, {
          error: 'expected a platform like "linux/amd64"',
        }),
      )
      .min(1)
      .optional()
      .describe('Target platforms, e.g. `[linux/amd64, linux/arm64]`. Default: the builder\'s platform.'),
  })
  .describe('How to build the image for this service. Services without `build` use an image that is not built by stack-deploy.');

const healthSchema = z
  .strictObject({
    http: httpUrl
      .optional()
      .describe('http(s) URL probed on the host, e.g. `http://127.0.0.1:8080/health`. Use either `http` or `cmd`.'),
    cmd: argv
      .optional()
      .describe('Command run inside the container, as an argument list, e.g. `[wget, -q, -O-, http://127.0.0.1:8080/health]`. Use either `http` or `cmd`.'),
    timeout: duration().prefault('60s').describe('How long to wait for the service to become healthy, e.g. `60s`, `2m`. Default: `60s`.'),
    interval: duration().prefault('1s').describe('Pause between two probes, e.g. `1s`, `500ms`. Default: `1s`.'),
  })
  .superRefine(alternativeKeys('http', 'cmd', { required: false }), evenAfterOtherIssues)
  .meta({ not: { required: ['http', 'cmd'] } })
  .describe('How to tell that the service is healthy: `http` (probed on the host) or `cmd` (run in the container), or neither.');

/** Which keys go together: a built service has no pin; a pinned or shared one is not built or released by tag. */
function serviceKindRules(service: { build?: unknown; image?: string; image_from?: string; release_tag?: string }, context: z.core.$RefinementCtx): void {
  const issue = (key: string, message: string) => context.addIssue({ code: 'custom', path: [key], input: service, message, params: { target: key === 'image' ? 'value' : 'key' } });
  const pin = service.image === undefined ? undefined : splitImageReference(service.image);
  const pinned = pin !== undefined && (pin.tag !== undefined || pin.digest !== undefined);
  if (service.build !== undefined && pinned) issue('image', `${JSON.stringify(service.image)} must not include a ${pin.digest !== undefined ? 'digest' : 'tag'} for a built service: stack-deploy chooses the tag to deploy`);
  if (service.image_from !== undefined && service.build !== undefined) issue('image_from', 'use either "build" or "image_from", not both: a service that shares another one\'s image is not built itself');
  if (service.image_from !== undefined && service.image !== undefined) issue('image_from', 'use either "image" or "image_from", not both');
  if (service.release_tag !== undefined && service.build === undefined) {
    issue('release_tag', service.image_from !== undefined ? `a service that shares ${JSON.stringify(service.image_from)}'s image has no release tag of its own: it is released with ${JSON.stringify(service.image_from)}` : 'only built services have a release tag');
  }
}

const serviceSchema = z
  .strictObject({
    build: buildSchema.optional(),
    image: imageReference
      .optional()
      .describe(
        'The image. For a built service: its repository without tag, e.g. `ghcr.io/acme/shop-api` (default: `<registry.host>/<registry.namespace>/<service>`). For a service that runs a built service\'s image: that repository, without tag. For a pinned service (a database, a queue): the image with its tag or digest, e.g. `postgres:15.6`, deployed at exactly that pin.',
      ),
    image_from: serviceReference
      .optional()
      .describe('The built service whose image this service runs (with its own `command` in the compose file): it is released, deployed and rolled back together with that service.'),
    size_limit: size()
      .optional()
      .describe('Largest allowed compressed image size as pushed, e.g. `20MB`, `512KiB`, `1.5GB` (SI units are powers of 1000, IEC units powers of 1024).'),
    release_tag: releaseTagGlob
      .optional()
      .describe('Git tag glob that releases this service, with exactly one `*`. Default: `<service>-v*`. Only built services have one.'),
    health: healthSchema.optional(),
    switch: z
      .enum(SWITCH_CHOICES)
      // Unset is `auto`; the JSON Schema shows it as the default.
      .optional()
      .meta({
        default: 'auto',
        description:
          'How a deploy replaces the service\'s container. `proxy` (HTTP services): a reverse proxy on the host owns the published ports, the new container starts next to the old one and takes the traffic once healthy, the old one drains, then stops. `start-first` (services without a fixed host port, e.g. workers): the new container starts, becomes healthy, then the old one stops. `stop-first`: the old container stops, then the new one starts (singletons such as a database). `auto` (default): `stop-first` for pinned and compose-only services and for services with `container_name`, named volumes, `network_mode: host` or a fixed UDP host port; `proxy` for the other built services (and those sharing their image) that publish a fixed host port; `start-first` for the rest.',
      }),
    drain_timeout: duration()
      // No default here: a drain_timeout that is written is refused where the proxy does not switch.
      .optional()
      .describe('With `switch: proxy`: how long the old container may finish the requests it has before it is stopped, e.g. `30s`. Default: `30s`. Only for services switched through the proxy.'),
  })
  .superRefine(serviceKindRules, evenAfterOtherIssues)
  .describe('A service of the stack, named as in the compose files: built (`build`), sharing a built image (`image_from`), pinned (`image` with a tag or digest), or configured only (neither: the compose file says what it runs).');

const sshPort = z.int().min(1).max(65535);

const environmentHostSchema = z
  .strictObject({
    host: sshHost.describe('SSH host name or IP address (IPv6 without brackets).'),
    port: sshPort.optional().describe('SSH port. Default: the environment\'s `port` (22).'),
    user: posixUser.optional().describe('SSH user name on the host. Default: the environment\'s `user`.'),
    services: z
      .array(serviceReference)
      .min(1)
      .optional()
      .describe('The services of the environment this host runs. Default: all of them.'),
  })
  .describe('One host of an environment that runs on several.');

/** `batch`: a number of hosts, or a percentage of them (rounded up). */
const rolloutBatch = z
  .union([
    z.int().min(1),
    z.string().regex(/^(100|[1-9]\d?)%$/u, { error: 'expected a number of hosts or a percentage such as "50%"' }),
  ])
  .describe('How many hosts switch at once with `strategy: rolling`: a count (e.g. `1`) or a percentage of the hosts (e.g. `"50%"`, rounded up). Default: 1.');

const rolloutSchema = z
  .strictObject({
    strategy: z
      .enum(['parallel', 'rolling'])
      .default('parallel')
      .describe('`parallel` (default): every host switches at once. `rolling`: `batch` hosts at a time, each batch after the previous one passed its health gate and smoke checks.'),
    batch: rolloutBatch.optional(),
    canary: z
      .boolean()
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
function sshUserRules(value: { user?: string; host?: string; hosts?: { user?: string }[] }, context: z.core.$RefinementCtx): void {
  if (value.user !== undefined) return;
  // Reported as zod reports a missing key: at the parent key, "required key is missing".
  if (value.host !== undefined) {
    context.addIssue({ code: 'invalid_type', expected: 'string', path: ['user'], input: undefined });
    return;
  }
  (value.hosts ?? []).forEach((host, index) => {
    if (host.user === undefined) context.addIssue({ code: 'invalid_type', expected: 'string', path: ['hosts', index, 'user'], input: undefined, message: 'required key is missing (here or as the environment\'s "user")' });
  });
}

/** A swarm is reached through one manager: Swarm itself places the tasks and rolls them out. */
function swarmRules(value: { engine?: string; hosts?: unknown; rollout?: unknown; host_names?: unknown }, context: z.core.$RefinementCtx): void {
  if (value.engine !== 'swarm') return;
  const refuse = (key: string, message: string) => context.addIssue({ code: 'custom', path: [key], input: value, message, params: { target: 'key' } });
  if (value.hosts !== undefined) refuse('hosts', 'engine: swarm deploys through one manager: name it with "host" (Swarm places the tasks on its nodes)');
  if (value.rollout !== undefined) refuse('rollout', 'engine: swarm rolls services out itself (each service\'s deploy.update_config): remove "rollout"');
  if (value.host_names !== undefined) refuse('host_names', 'engine: swarm has no host proxy to route host names: remove "host_names" (route them in your own load balancer)');
}

const environmentSchema = z
  .strictObject({
    host: sshHost.optional().describe('SSH host name or IP address (IPv6 without brackets), for an environment on one host. Use either `host` or `hosts`.'),
    hosts: z
      .array(environmentHostSchema)
      .min(1)
      .optional()
      .describe('The hosts of an environment that runs on several, each `{ host, port, user, services }`. Use either `host` or `hosts`.'),
    rollout: rolloutSchema.optional(),
    engine: z
      .enum(['compose', 'swarm'])
      .optional()
      .describe('How the stack runs on its host: `compose` (default: Docker Compose on each host) or `swarm` (`docker stack deploy` on a Swarm manager, `host`; Swarm places the tasks on its nodes).'),
    port: sshPort.default(DEFAULT_SSH_PORT).describe('SSH port. Default: 22.'),
    user: posixUser.optional().describe('SSH user name on the host (the default of each of `hosts`).'),
    path: absolutePath('path').describe('Absolute directory on the host where the stack lives, e.g. `/opt/shop`.'),
    compose: z
      .union([repositoryPath('compose file'), z.array(repositoryPath('compose file')).min(1)])
      .transform((files) => (typeof files === 'string' ? [files] : files))
      .describe('Compose file(s), relative to the directory of stack.yml, uploaded unchanged to the same relative path under `path` on the host and passed to `docker compose -f` in order.'),
    services: z
      .array(serviceReference)
      .min(1)
      .optional()
      .describe('The services deployed to this environment. Default: all services.'),
    project: safeName('Compose project name')
      .optional()
      .describe('The Compose project this environment runs as on its host. Default: `<name>-<environment>`, so that environments never share containers, networks or volumes.'),
    host_names: z
      .record(serviceReference, z.array(virtualHost).min(1))
      .optional()
      .describe('For services behind the host\'s proxy: the host names each one answers for, e.g. `{ web: [shop.example.com] }`. The proxy then routes a published port by the request\'s host name, so that environments (or stacks) on one host can publish the same port. Default: every host name.'),
  })
  .superRefine(alternativeKeys('host', 'hosts', { required: true }), evenAfterOtherIssues)
  .superRefine(sshUserRules, evenAfterOtherIssues)
  .superRefine(swarmRules, evenAfterOtherIssues)
  .describe('A deployment target: one host reached over SSH (`host`), or several (`hosts`).');

const registrySchema = z
  .strictObject({
    host: registryHost.optional().describe('Registry host. Default: `ghcr.io`.'),
    namespace: registryNamespace
      .optional()
      .describe('User or organisation in the registry. Default: the GitHub repository owner, lowercased.'),
  })
  .describe('Where images are pushed and pulled from.');

interface CommandBackup {
  name: string;
  service: string;
  command: string[];
  retain: number;
}
interface SqliteBackup {
  name: string;
  service: string;
  sqlite: string;
  retain: number;
}
export type Backup = CommandBackup | SqliteBackup;

const backupSchema = z
  .strictObject({
    name: safeName('backup name').describe('Name of the backup, used in file names.'),
    service: serviceReference.describe('The service whose container the backup runs in.'),
    command: argv
      .optional()
      .describe('Command run inside the container whose standard output is the backup, e.g. `[pg_dump, -U, app, -Fc, app]`. Use either `command` or `sqlite`.'),
    sqlite: absolutePath('SQLite database path')
      .optional()
      .describe('Absolute path of an SQLite database file inside the container. Use either `command` or `sqlite`.'),
    retain: z
      .int()
      .min(1)
      .max(1000)
      .default(DEFAULT_BACKUP_RETAIN)
      .describe('How many backups to keep on the host. Default: 7.'),
  })
  .superRefine(alternativeKeys('command', 'sqlite', { required: true }), evenAfterOtherIssues)
  .transform(({ name, service, command, sqlite, retain }): Backup =>
    command !== undefined ? { name, service, command, retain } : { name, service, sqlite: sqlite ?? '', retain },
  )
  .meta({ oneOf: [{ required: ['command'] }, { required: ['sqlite'] }] })
  .describe('A backup of one service\'s data, kept on the host.');

const migrationsSchema = z
  .strictObject({
    service: serviceReference.describe('The service whose container runs the migrations.'),
    command: argv.describe('Migration command as an argument list, e.g. `[./api, migrate, up]`.'),
    timeout: duration().prefault('5m').describe('How long migrations may run. Default: `5m`.'),
  })
  .describe('Database migrations run in a service\'s container during a deploy.');

interface HttpSmokeCheck {
  name: string;
  http: string;
  expect: { status: number; body_contains?: string };
  timeout: number;
}
interface CommandSmokeCheck {
  name: string;
  run: string[];
  timeout: number;
}
export type SmokeCheck = HttpSmokeCheck | CommandSmokeCheck;

const smokeRunSchema = argv.superRefine((command, context) => {
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

const smokeSchema = z
  .strictObject({
    name: safeName('check name').describe('Name of the check, shown in logs.'),
    http: httpUrl.optional().describe('URL requested on the host, e.g. `http://127.0.0.1:8080/`. Use either `http` or `run`.'),
    expect: z
      .strictObject({
        status: z.int().min(100).max(599).default(DEFAULT_EXPECTED_STATUS).describe('Expected HTTP status. Default: 200.'),
        body_contains: z
          .string()
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
    timeout: duration().prefault('30s').describe('How long the check may take. Default: `30s`.'),
  })
  .superRefine(alternativeKeys('http', 'run', { required: true }), evenAfterOtherIssues)
  .superRefine(onlyWith('expect', 'http'), evenAfterOtherIssues)
  .transform(({ name, http, expect, run, timeout }): SmokeCheck =>
    http !== undefined
      ? { name, http, expect: expect ?? { status: DEFAULT_EXPECTED_STATUS }, timeout }
      : { name, run: run ?? [], timeout },
  )
  .meta({ oneOf: [{ required: ['http'] }, { required: ['run'] }] })
  .describe('A check that the deployed stack works: an `http` request or a command to `run`.');

const hookList = z.array(argv);

const hooksSchema = z
  .strictObject({
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

export const manifestSchema = z
  .strictObject({
    version: z.literal(1).describe('Manifest format version. Always 1.'),
    name: safeName('stack name').describe('Stack name; each environment runs as the Compose project `<name>-<environment>` unless it sets `project`.'),
    registry: registrySchema.optional(),
    services: namedRecord('service', serviceSchema)
      .describe('The services of the stack, by name (lowercase letters, digits, "-" and "_").'),
    environments: namedRecord('environment', environmentSchema)
      .describe('Deployment targets, by name, e.g. `staging` and `production`.'),
    backup: z.array(backupSchema).optional().describe('Backups of service data, kept on the host.'),
    migrations: migrationsSchema.optional(),
    smoke: z.array(smokeSchema).optional().describe('Smoke checks run against the deployed stack.'),
    hooks: hooksSchema.optional(),
    proxy: z
      .strictObject({
        image: imageReference
          .prefault(DEFAULT_PROXY_IMAGE)
          .describe(`The nginx image the host's proxy runs, with its tag or digest; resolved to a digest on the host when it is first started. Default: \`${DEFAULT_PROXY_IMAGE}\`. A running proxy is never restarted by a deploy: to change its image, remove the \`stack-deploy-proxy\` container on the host and deploy.`),
      })
      .optional()
      .describe('The reverse proxy stack-deploy runs on each host for services switched `proxy`: one nginx container per host, shared by every stack on it.'),
  })
  .describe('stack-deploy manifest (stack.yml): the services of a Docker stack and where to deploy them.');

/** The parsed manifest: durations in milliseconds, sizes in bytes, defaults applied, `compose` always a list. */
export type Manifest = z.output<typeof manifestSchema>;
export type ManifestService = Manifest['services'][string];
export type ManifestEnvironment = Manifest['environments'][string];
