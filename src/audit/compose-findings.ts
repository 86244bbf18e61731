import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { Finding } from './finding';

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
function isLiteral(value: string): boolean {
  const trimmed = value.trim();
  return trimmed !== '' && !/^\$\{[^}]+\}$|^\$[A-Za-z_][A-Za-z0-9_]*$/u.test(trimmed);
}

interface Located {
  readonly where: (path: readonly (string | number)[]) => string;
}

function locator(file: string, node: (path: readonly (string | number)[]) => Node | undefined, lines: LineCounter): Located {
  return {
    where: (path) => {
      const start = node(path)?.range?.[0];
      const line = start === undefined ? undefined : lines.linePos(start).line;
      return `${file}${line === undefined ? '' : `:${line}`} ${['services', ...path].join('.')}`;
    },
  };
}

function scalarText(node: unknown): string | undefined {
  return isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number') ? String(node.value) : undefined;
}

/** `[IP:]HOST:CONTAINER[/proto]` or the long form → the published port, its address, the container port. */
function portOf(node: unknown): { address: string; published?: number; target?: number } | undefined {
  if (isMap(node)) {
    const published = Number(scalarText(node.get('published', true)));
    const target = Number(scalarText(node.get('target', true)));
    return { address: scalarText(node.get('host_ip', true)) ?? '', published: Number.isInteger(published) ? published : undefined, target: Number.isInteger(target) ? target : undefined };
  }
  const spec = scalarText(node)?.replace(/\/(tcp|udp)$/u, '');
  if (spec === undefined) return undefined;
  const parts = spec.split(':');
  const target = Number(parts.at(-1));
  if (parts.length === 1) return { address: '', target: Number.isInteger(target) ? target : undefined };
  const published = Number(parts.at(-2));
  return { address: parts.slice(0, -2).join(':'), published: Number.isInteger(published) ? published : undefined, target: Number.isInteger(target) ? target : undefined };
}

function isLoopback(address: string): boolean {
  return address.startsWith('127.') || address === '::1' || address === '[::1]' || address === 'localhost';
}

/**
 * Findings in one compose file: secrets written in plain text, database and queue ports published
 * on every interface, privileged containers, mounted Docker sockets, and images of services
 * stack-deploy does not build that are not pinned to a tag. `built` names the services stack.yml
 * builds (their image is pinned by digest on every deploy).
 */
export function composeFindings(file: string, text: string, built: ReadonlySet<string>): Finding[] {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines });
  const services = document.get('services', true);
  if (!isMap(services)) return [];
  const at = locator(file, (path) => document.getIn(['services', ...path], true) as Node | undefined, lines);
  const findings: Finding[] = [];
  for (const pair of services.items) {
    const name = scalarText(pair.key);
    const service = pair.value;
    if (name === undefined || !isMap(service)) continue;
    const image = scalarText(service.get('image', true));
    const builds = service.has('build') || built.has(name);

    const environment = service.get('environment', true);
    const entries: { key: string; value: string; path: (string | number)[] }[] = [];
    if (isMap(environment)) {
      for (const item of environment.items) {
        const key = scalarText(item.key);
        const value = scalarText(item.value);
        if (key !== undefined && value !== undefined) entries.push({ key, value, path: [name, 'environment', key] });
      }
    } else if (isSeq(environment)) {
      environment.items.forEach((item, index) => {
        const pairText = scalarText(item);
        const eq = pairText?.indexOf('=') ?? -1;
        if (pairText !== undefined && eq > 0) entries.push({ key: pairText.slice(0, eq), value: pairText.slice(eq + 1), path: [name, 'environment', index] });
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
    if (isSeq(ports)) {
      ports.items.forEach((item, index) => {
        const port = portOf(item);
        if (port === undefined || isLoopback(port.address)) return;
        if (!isData && (port.target === undefined || !DATA_PORTS.has(port.target))) return;
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
    if (isSeq(volumes)) {
      volumes.items.forEach((item, index) => {
        const source = isMap(item) ? scalarText(item.get('source', true)) : scalarText(item)?.split(':')[0];
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
