/**
 * The environment a local child process (docker, git) gets: an allow-list of this process's
 * variables. The runner passes every action input as `INPUT_*` (the SSH key and registry
 * password among them) and a workflow may export more secrets; none of that reaches docker,
 * its plugins or the build.
 */
const ALLOWED_NAMES = new Set([
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'TERM',
  'LANG',
  'LANGUAGE',
  'TZ',
  'TMPDIR',
  'TMP',
  'TEMP',
  'RUNNER_TEMP',
  'XDG_RUNTIME_DIR',
  'XDG_CONFIG_HOME',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'all_proxy',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'ALL_PROXY',
  // The GitHub Actions cache service, which buildx's type=gha cache reads from the environment.
  'ACTIONS_RUNTIME_TOKEN',
  'ACTIONS_CACHE_URL',
  'ACTIONS_RESULTS_URL',
  'ACTIONS_CACHE_SERVICE_V2',
]);

/** Prefixes of the Docker client's, buildx's and Git's own settings, and the locale's. */
const ALLOWED_PREFIXES = ['LC_', 'DOCKER_', 'BUILDX_', 'BUILDKIT_', 'GIT_'];

export function childEnvironment(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const allowed: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (ALLOWED_NAMES.has(name) || ALLOWED_PREFIXES.some((prefix) => name.startsWith(prefix))) allowed[name] = value;
  }
  return allowed;
}
