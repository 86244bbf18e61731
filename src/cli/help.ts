const COMMON = `Settings:
  -f, --manifest FILE      the stack manifest (default: stack.yml)
  -e, --environment NAME   the environment of stack.yml to act on
      --services LIST      comma-separated services (default: all, or what the ref releases)
      --version VERSION    the version to deploy or roll back to
  -i, --identity FILE      SSH private key (default: ~/.ssh/id_ed25519, then ~/.ssh/id_rsa)
      --known-hosts FILE   pinned host keys (default: ~/.ssh/known_hosts)
      --env-file FILE      dotenv file written to the host as the stack's env file
      --ref REF            the Git ref being released (default: the checked-out one)
      --lock-timeout DUR   how long to wait for another deploy's lock (default: 10m)
      --no-build           deploy/plan: use the images of --version already in the registry
      --build-cache MODE   build cache between runs: gha, registry, local or off (default: gha, off outside Actions)
      --follow             logs: keep printing new lines until interrupted
      --since DUR|TIME     logs: the lines since 10m, 2h or 2024-05-01T10:00:00 (not only the last 100)
  -c, --compose FILE       init: the compose file to read
      --host, --user, --path  init: the environment's SSH host, user and directory on the host
      --force              init: replace an existing stack.yml
      --audit              check: run the production audit too (exit 1 on high findings)
      --json               print the result as JSON on stdout
  -h, --help               this help
  -V, --tool-version       print stack-deploy's own version`;

export const USAGE = `Usage: stack-deploy <command> [settings]

Commands:
  validate   check stack.yml and print every problem in it
  check      connect to an environment's host and report its Docker and Compose
  build      build and push the images the Git ref releases, within their size budgets
  deploy     build, push, and switch an environment's host to them, rolling back on failure
  rollback   switch an environment back to its previous release, or to --version
  status     what runs on an environment's host, and its last releases
  plan       what a deploy would do, changing nothing on the host
  unlock     free a deploy lock left by a run that died
  logs       print (or --follow) the Compose logs of an environment's services
  exec       run a command in a service's running container, with this terminal attached
  init       write a stack.yml for an existing compose file
  schema     print the JSON Schema of stack.yml
  help       this text

${COMMON}

Exit codes: 0 success, 1 failed, 2 bad input (nothing was attempted), 3 failed and rolled back.
`;

export const COMMAND_HELP: Readonly<Record<string, string>> = {
  validate: `Usage: stack-deploy validate [-f stack.yml]

Checks stack.yml against the schema and prints every problem as FILE:LINE:COL KEY: MESSAGE.
Exits 0 with one summary line when the manifest is valid, 1 otherwise.
`,
  check: `Usage: stack-deploy check -e ENVIRONMENT [-i KEY] [--known-hosts FILE] [--audit]

Connects to the environment's host over SSH (the host key must be pinned in known_hosts),
and reports the Docker engine and Compose found there. Changes nothing.
With --audit, also the production audit: secrets written in the compose files, database or
queue ports published on all interfaces, privileged containers, mounted Docker sockets,
images left to Compose without a tag or on :latest, a root deploy user, the env file's mode
and owner, sshd password logins. Each finding has a severity, where it is and the fix; any
high finding exits 1.
`,
  build: `Usage: stack-deploy build [--ref REF] [--services LIST] [--version VERSION]

Builds the images of the services the Git ref releases (run it in your checkout), checks their
size budgets, pushes them and prints their digests. Registry credentials: STACK_DEPLOY_REGISTRY_USERNAME
and STACK_DEPLOY_REGISTRY_PASSWORD, or GITHUB_TOKEN for ghcr.io, or your docker login.
`,
  deploy: `Usage: stack-deploy deploy -e ENVIRONMENT [--ref REF] [--services LIST] [--env-file FILE]

Builds and pushes like "build", then switches the environment's host to the new images as one
transaction: pull first, health-gated switch, automatic rollback to the last good release.
Exit codes: 0 deployed, 1 failed (nothing changed, or check the host), 3 failed and rolled back.
`,
  rollback: `Usage: stack-deploy rollback -e ENVIRONMENT [--services LIST] [--version VERSION]

Without --version, switches every built service of the environment (or --services) back to its
rollback image, the release before the current one. With --version, to the images the host's
ledger records for a successful deploy of that version (an unknown version is refused before the
lock is taken). Same lock, health gate and ledger as a deploy.
`,
  status: `Usage: stack-deploy status -e ENVIRONMENT [--json]

Per service: the running version and digest, its health and since when, the version a rollback
would go to; and the last 10 ledger entries. Read only: takes no lock.
`,
  plan: `Usage: stack-deploy plan -e ENVIRONMENT [--ref REF | --version VERSION --no-build]

Shows what a deploy would do: per service the running digest and the one that would be deployed,
which services restart, image sizes, and the backups, migrations, smoke checks and hooks that
would run. Builds locally without pushing (or reads the registry with --no-build); changes
nothing on the host.
`,
  init: `Usage: stack-deploy init -c COMPOSE_FILE [-f stack.yml] [-e ENVIRONMENT] [--host HOST --user USER --path PATH] [--force]

Reads your compose file and writes stack.yml: services with "build:" (or an untagged image with a
Dockerfile in services/NAME/) become services stack-deploy builds and health-gates; services on a
tagged image are left to Compose (listed only when they have a healthcheck). Health checks come
from compose healthchecks, else from the first published port. One environment (default
"production") from the flags. Never replaces an existing file without --force. Then prints the
secrets to create and how to check the host key's fingerprint.
`,
  logs: `Usage: stack-deploy logs -e ENVIRONMENT [SERVICE...] [--follow] [--since DUR|TIME]

Prints the Compose logs of the environment's services (or the ones named), the last 100 lines
of each, or every line since --since; --follow keeps printing new lines until Ctrl-C. Uses the
environment's Compose project and pinned host key; takes no lock.
`,
  exec: `Usage: stack-deploy exec -e ENVIRONMENT SERVICE -- COMMAND [ARG...]

Runs COMMAND in the service's running container on the environment's host (docker compose exec
in the environment's project). When standard input is a terminal, the command gets one too
(stack-deploy exec -e production api -- sh opens a shell); otherwise input and output are piped.
Exits with the command's exit code. Takes no lock.
`,
  unlock: `Usage: stack-deploy unlock -e ENVIRONMENT

Frees the host's deploy lock whoever holds it (use it when the run that held it died) and writes
who did it to the ledger.
`,
  schema: `Usage: stack-deploy schema

Prints the JSON Schema of stack.yml, for editors (yaml-language-server) and other tools.
`,
};
