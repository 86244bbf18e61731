import { type Command, command } from '../commands/command';
import { ROLLBACK_TAG_SH } from '../manifest';
import { type HostPaths, PROXY_DIR_IN_HOME } from './plan';
import { CHOOSE_PROJECT_SH } from './remote-commands';

/** What runs on the host for one service, read without changing anything. */
export interface ServiceState {
  readonly name: string;
  readonly container?: {
    readonly id: string;
    readonly image: string;
    readonly status: string;
    readonly health?: string;
    readonly startedAt: string;
    readonly restarts: number;
    readonly version?: string;
    readonly repoDigests: readonly string[];
  };
  /** The rollback image (`<repo>:rollback-<project>-<service>`), if there is one. */
  readonly rollback?: { readonly image: string; readonly repoDigests: readonly string[]; readonly version?: string };
}

export interface LedgerEntry {
  readonly time: string;
  readonly actor?: string;
  readonly run_url?: string;
  readonly environment?: string;
  readonly version?: string;
  readonly action?: string;
  readonly run?: string;
  readonly result: string;
  readonly services?: readonly { readonly name: string; readonly from: string; readonly to: string; readonly pinned: string; readonly kind?: string; readonly pin?: string }[];
}

export interface HostState {
  /** The Compose project the environment runs as on the host. */
  readonly project: string;
  readonly lockOwner?: string;
  readonly ledger: readonly LedgerEntry[];
  readonly services: readonly ServiceState[];
  /** The host's proxy, when it exists: its state, image, and the ports it serves for this project. */
  readonly proxy?: { readonly status: string; readonly image: string; readonly routes: readonly string[] };
}

/**
 * One read-only round trip: the environment's Compose project (see CHOOSE_PROJECT_SH), the lock's
 * owner, the ledger, and per service its running container and its rollback image (found by
 * Compose labels, so no compose file is needed).
 */
export function inspectHostCommand(paths: Pick<HostPaths, 'root' | 'lock' | 'ledger'>, project: { name: string; legacy?: string }, services: readonly { name: string; repo: string }[]): Command {
  return command([
    'sh',
    '-c',
    `path=$1 lock=$4 ledger=$5 proxy_dir=$6
${CHOOSE_PROJECT_SH}
${ROLLBACK_TAG_SH}
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
    PROXY_DIR_IN_HOME,
    ...services.map((s) => `${s.name}=${s.repo}`),
  ]);
}

interface InspectJson {
  Id?: string;
  Image?: string;
  State?: { Status?: string; StartedAt?: string; Health?: { Status?: string } };
  RestartCount?: number;
  RepoDigests?: string[] | null;
  Config?: { Labels?: Record<string, string> | null };
}

function firstJson(text: string): InspectJson | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  try {
    const parsed = JSON.parse(trimmed) as InspectJson[];
    return parsed[0];
  } catch {
    return undefined;
  }
}

const VERSION_LABEL = 'org.opencontainers.image.version';

export function parseHostState(output: string, names: readonly string[]): HostState {
  const sections = new Map<string, string[]>();
  let current = '';
  for (const line of output.split('\n')) {
    if (line.startsWith('== ')) {
      current = line.slice(3);
      sections.set(current, []);
    } else {
      sections.get(current)?.push(line);
    }
  }
  const text = (key: string) => (sections.get(key) ?? []).join('\n');
  const ledger = (sections.get('ledger') ?? []).flatMap((line) => {
    try {
      return line.trim() === '' ? [] : [JSON.parse(line) as LedgerEntry];
    } catch {
      return [];
    }
  });
  const services = names.map((name): ServiceState => {
    const container = firstJson(text(`service ${name}`));
    const image = firstJson(text(`image ${name}`));
    const rollback = firstJson(text(`rollback ${name}`));
    return {
      name,
      container:
        container === undefined
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
  const proxy =
    proxyLine === ''
      ? undefined
      : {
          status: proxyLine.split(' ')[0] ?? 'unknown',
          image: proxyLine.split(' ').slice(1).join(' '),
          routes: (sections.get('proxy routes') ?? []).map((line) => line.trim()).filter((line) => line !== ''),
        };
  return { project: text('project').trim(), lockOwner: owner === '' ? undefined : owner, ledger, services, ...(proxy === undefined ? {} : { proxy }) };
}
