/** Everything the host-side transaction needs, decided on the runner before anything changes. */
export interface DeployService {
  readonly name: string;
  /** Repository that gets the `:rollback` tag on the host. */
  readonly rollbackRepo: string;
  /** `repo@sha256:…` the service switches to; undefined when its image is not built here. */
  readonly pinned?: string;
  readonly health: { readonly kind: 'http'; readonly url: string } | { readonly kind: 'cmd'; readonly argv: readonly string[] } | { readonly kind: 'auto' };
  readonly timeoutMs: number;
  readonly intervalMs: number;
}

export interface DeployPlan {
  readonly runId: string;
  readonly environment: string;
  readonly version: string;
  readonly project: string;
  /** Absolute directory on the host. */
  readonly path: string;
  readonly flavor: 'v2' | 'v1';
  /** The user's compose files, relative to `path` (and to the directory of stack.yml). */
  readonly composeFiles: readonly string[];
  readonly services: readonly DeployService[];
  readonly actor: string;
  readonly runUrl: string;
  readonly leaseSeconds: number;
  readonly startedAt: Date;
  /** What the ledger calls this run. */
  readonly action: 'deploy' | 'rollback';
}

/** Where things live on the host, all under the environment's `path`. */
export function hostPaths(plan: Pick<DeployPlan, 'path' | 'runId'>) {
  const state = `${plan.path}/.stack-deploy`;
  return {
    state,
    lock: `${state}/lock`,
    envFile: `${state}/stack.env`,
    images: `${state}/images.yml`,
    script: `${state}/transaction.sh`,
    runDir: `${state}/runs/${plan.runId}`,
    ledger: `${state}/releases.jsonl`,
  };
}
