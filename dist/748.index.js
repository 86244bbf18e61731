"use strict";
exports.id = 748;
exports.ids = [748];
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

/***/ 46748:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   LB: () => (/* binding */ preflightCommand),
/* harmony export */   Md: () => (/* binding */ LOGINS_ENTRY),
/* harmony export */   OF: () => (/* binding */ releaseLockCommand),
/* harmony export */   UJ: () => (/* binding */ CHOOSE_PROJECT_SH),
/* harmony export */   Us: () => (/* binding */ releaseAbandonedLockCommand),
/* harmony export */   Vs: () => (/* binding */ forceUnlockCommand),
/* harmony export */   b2: () => (/* binding */ uploadAndPullCommand),
/* harmony export */   he: () => (/* binding */ acquireLockCommand),
/* harmony export */   ki: () => (/* binding */ startTransactionCommand),
/* harmony export */   pt: () => (/* binding */ readRunCommand),
/* harmony export */   r9: () => (/* binding */ renewLeaseCommand),
/* harmony export */   s7: () => (/* binding */ endRolloutCommand),
/* harmony export */   sU: () => (/* binding */ handOverLockCommand)
/* harmony export */ });
/* harmony import */ var _commands_command__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(53155);

/**
 * Short POSIX sh programs run on the host as `sh -c PROGRAM stack-deploy ARGS…`. Values only
 * ever arrive as positional arguments (quoted by the executor) or on stdin, never pasted into
 * the program text; so do the paths of the host's layout, which `hostPaths` names.
 */
function shell(program, args, stdin) {
    return (0,_commands_command__WEBPACK_IMPORTED_MODULE_0__/* .command */ .G)(['sh', '-c', program, 'stack-deploy', ...args], stdin);
}
/**
 * Shell function: `choose_project PATH PROJECT LEGACY` prints LEGACY when the host runs containers
 * of the Compose project LEGACY from PATH (a deploy made before environments had projects of their
 * own) and none of PROJECT; else PROJECT. An empty LEGACY means PROJECT.
 */
const CHOOSE_PROJECT_SH = `choose_project() {
  if [ -n "$3" ] && [ -z "$(docker ps -aq --filter "label=com.docker.compose.project=$2" 2>/dev/null | head -n 1)" ] &&
    docker ps -a --filter "label=com.docker.compose.project=$3" --format '{{.Label "com.docker.compose.project.working_dir"}}' 2>/dev/null |
      awk -v p="$1" '$0 == p || index($0, p "/") == 1 { found = 1 } END { exit !found }'; then
    echo "$3"
  else
    echo "$2"
  fi
}`;
/**
 * Facts about the host, and the directory made ready. Prints key=value lines, among them the
 * Compose project to use (see CHOOSE_PROJECT_SH). Changes nothing else, except that with `lock`
 * it then takes the deploy lock as `acquireLockCommand` does, in the same round trip, once the
 * directory is ready (`lock=acquired|taken-over|held|error`, `lock_owner=` the holder's JSON,
 * `lock_error=` why). `readOnly` (check): creates nothing, takes no lock and marks no run as
 * reported; the directory counts as writable when its nearest existing ancestor is.
 */
function preflightCommand(paths, project = '', legacyProject = '', readOnly = false, lock) {
    return shell(`path=$1 state=$5 runs=$6 good=$7 lock=$8 configs=$9 last_run=\${10} ledger=\${11} stagings=\${12}
umask 077
${CHOOSE_PROJECT_SH}
${TAKE_LOCK_SH}
# The project, the Docker engine, Compose and Docker's data root, asked at the same time (each
# docker call costs its client's start-up): a line each, written whole to one pipe.
docker_facts=$(
  echo "project=$(choose_project "$path" "$2" "$3")" &
  { v=$(docker version --format '{{.Server.Version}}' 2>/dev/null) && echo "docker=$v"; } &
  { v=$(docker info -f '{{.DockerRootDir}}' 2>/dev/null) && echo "docker_root=$v"; } &
  { v=$(docker compose version --short 2>/dev/null) && echo "compose_v2=$v"; } &
  wait
)
docker_fact() { printf '%s\n' "$docker_facts" | sed -n "s/^$1=//p" | head -n 1; }
echo "project=$(docker_fact project)"
echo "docker=$(docker_fact docker)"
compose_version=$(docker_fact compose_v2)
if [ -n "$compose_version" ]; then echo "compose=v2 $compose_version"
elif docker-compose version --short >/dev/null 2>&1; then echo "compose=v1 $(docker-compose version --short)"
else echo "compose=none"; fi
if [ "$4" = read-only ]; then
  existing=$state
  while [ ! -e "$existing" ]; do existing=$(dirname "$existing"); done
  if [ -d "$existing" ] && [ -w "$existing" ]; then echo "path=ok"; else echo "path=unwritable"; fi
else
  existing=$path
  if mkdir -p "$runs" "$good" 2>/dev/null && [ -w "$state" ]; then echo "path=ok"; path_ok=1; else echo "path=unwritable"; fi
  # Registry logins of upload-and-pull programs that were killed (SIGKILL, a host crash), in their
  # DOCKER_CONFIG or staging directory: kept only while their run holds the lock.
  holder=$(cat "$lock/run" 2>/dev/null)
  for cfg in "$configs"* "$stagings"*; do
    [ -d "$cfg" ] || continue
    [ -n "$holder" ] && { [ "$cfg" = "$configs$holder" ] || [ "$cfg" = "$stagings$holder" ]; } && continue
    rm -rf "$cfg"
  done
  # State written by earlier versions with the user's umask: nothing under it is for others.
  chmod -R go= "$state" 2>/dev/null
fi
echo "free_kb=$(df -Pk "$existing" 2>/dev/null | awk 'NR == 2 { print $4 }')"
# Pulls and new containers fill Docker's data root, often another filesystem than the path.
docker_root=$(docker_fact docker_root)
if [ -n "$docker_root" ]; then
  echo "docker_root=$docker_root"
  echo "docker_free_kb=$(df -Pk "$docker_root" 2>/dev/null | awk 'NR == 2 { print $4 }')"
fi
if command -v curl >/dev/null 2>&1; then echo "http_probe=curl"; elif command -v wget >/dev/null 2>&1; then echo "http_probe=wget"; else echo "http_probe=none"; fi
command -v setsid >/dev/null 2>&1 && echo "setsid=yes"
# GNU options the transaction and this tool rely on (busybox and BSD versions lack some).
missing=
case "$(date +%s%3N 2>/dev/null)" in ''|*[!0-9]*) missing="$missing date" ;; esac
tail -s 0.1 --pid=$$ -n 0 /dev/null >/dev/null 2>&1 || missing="$missing tail"
{ timeout -k 1 5 true && timeout --kill-after=1 5 true; } >/dev/null 2>&1 || missing="$missing timeout"
command -v flock >/dev/null 2>&1 || missing="$missing flock"
echo "missing_tools=$missing"
last=$(cat "$last_run" 2>/dev/null)
if [ -n "$last" ]; then
  echo "last_run=$last"
  echo "last_result=$(cat "$runs/$last/result" 2>/dev/null)"
  pid=$(cat "$runs/$last/pid" 2>/dev/null)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then echo "last_running=yes"; fi
  [ -e "$runs/$last/reported" ] && echo "last_reported=yes"
  [ "$4" = read-only ] || touch "$runs/$last/reported" 2>/dev/null
fi
# Whether \`docker compose up\` knows --pull (the transaction passes --pull never), kept per Compose
# version: asking Compose takes as long as starting it.
if [ -n "$compose_version" ]; then
  known=$(cat "$state/compose-up-pull" 2>/dev/null)
  up_pull=
  case "$known" in
    "$compose_version "*) up_pull=\${known##* } ;;
    # Kept only when Compose answered (a failed call says nothing about it).
    *) if help=$(docker compose up --help 2>/dev/null); then
         case "$help" in *--pull*) up_pull=yes ;; *) up_pull=no ;; esac
         [ -n "\${path_ok:-}" ] && printf '%s %s\\n' "$compose_version" "$up_pull" > "$state/compose-up-pull"
       fi ;;
  esac
  [ -n "$up_pull" ] && echo "compose_up_pull=$up_pull"
fi
# The version of the last successful deploy or rollback (hosts of one environment that disagree).
echo "last_version=$(grep '"result":"success"' "$ledger" 2>/dev/null | grep -v -e '"action":"unlock"' -e '"action":"rollout"' | tail -n 1 | sed -n 's/.*"version":"\\([^"]*\\)".*/\\1/p')"
# Last, the lock (the facts above may fail the run: the runner then frees it).
if [ -n "\${13:-}" ] && [ -n "\${path_ok:-}" ]; then
  if taken=$(take_lock "$lock" "\${13}" "\${14}" "\${15}" 2>&1); then
    echo "lock=$(printf '%s\\n' "$taken" | head -n 1)"
    echo "lock_owner=$(printf '%s\\n' "$taken" | sed -n 2p)"
  else
    echo "lock=error"
    echo "lock_error=$(printf '%s' "$taken" | tr '\\n' ' ')"
  fi
fi
exit 0`, [paths.root, project, legacyProject, readOnly ? 'read-only' : '', paths.state, paths.runs, paths.good, paths.lock, paths.dockerConfigPrefix, paths.lastRun, paths.ledger, paths.incomingPrefix, ...(lock === undefined || readOnly ? [] : [lock.runId, lock.owner, String(lock.leaseSeconds)])]);
}
/** The events and result of an earlier run, for reporting what happened while nobody watched. */
function readRunCommand(runDir) {
    return shell(`cat "$1/events.jsonl" 2>/dev/null; exit 0`, [runDir]);
}
const TAKE_LOCK_SH = `# take_lock LOCK RUN OWNER LEASE (a subshell: its exit ends only it, and frees its flock).
take_lock() (
  tl_lock=$1 tl_run=$2 tl_owner=$3 tl_lease=$4
  umask 077
  if ! command -v flock >/dev/null 2>&1; then echo "flock is not installed on the host (install util-linux)" >&2; exit 3; fi
  exec 9<"\${tl_lock%/*}" || exit 3
  if ! flock -w 30 9; then echo "another runner kept the lock directory busy for 30 s" >&2; exit 3; fi
  now=$(date +%s)
  take() { printf '%s' "$tl_run" > "$tl_lock/run" && printf '%s\\n' "$tl_owner" > "$tl_lock/owner" && echo $(( now + tl_lease )) > "$tl_lock/expires"; }
  cannot_write() { echo "cannot write the deploy lock under $tl_lock" >&2; exit 3; }
  if mkdir "$tl_lock" 2>/dev/null; then
    if take; then echo acquired; exit 0; fi
    rm -rf "$tl_lock"; cannot_write
  fi
  expires=
  read -r expires 2>/dev/null < "$tl_lock/expires"
  if [ -z "$expires" ]; then
    # Left half-taken by a runner that died, or being renewed right now.
    if [ -n "$(find "$tl_lock" -maxdepth 0 -mmin +10 2>/dev/null)" ]; then expires=0; else expires=$(( now + 1 )); fi
  fi
  # Already this run's (a lock it gave back that could not be freed): renewed.
  if [ "$(cat "$tl_lock/run" 2>/dev/null)" = "$tl_run" ]; then
    if take; then echo acquired; exit 0; fi
    cannot_write
  fi
  if [ "$now" -gt "$expires" ]; then
    stale="$tl_lock.stale.$$"
    mv "$tl_lock" "$stale" 2>/dev/null
    if mkdir "$tl_lock" 2>/dev/null; then
      if take; then echo taken-over; cat "$stale/owner" 2>/dev/null; rm -rf "$stale"; exit 0; fi
      rm -rf "$tl_lock"
      [ -d "$stale" ] && mv "$stale" "$tl_lock"
      cannot_write
    fi
  fi
  echo held
  cat "$tl_lock/owner" 2>/dev/null
  exit 0
)`;
/**
 * Takes the deploy lock: a directory made with `mkdir`. Every decision is made under an
 * `flock` on the directory that holds the lock (released by the kernel however this program
 * ends), so of several runners that find the same expired lease exactly one takes it over.
 * A lock whose files cannot be written is removed again and the program fails. Prints
 * `acquired`, `taken-over` + the old owner, or `held` + the owner.
 */
function acquireLockCommand(lockDir, runId, owner, leaseSeconds) {
    return shell(`${TAKE_LOCK_SH}
take_lock "$1" "$2" "$3" "$4"`, [lockDir, runId, owner, String(leaseSeconds)]);
}
/** `program`, run only while the lock (`$1`) is still the run's (`$2`); its own arguments are `$3` on. */
function whileLockIsTheRuns(lockDir, runId, program, args) {
    return shell(`[ "$(cat "$1/run" 2>/dev/null)" = "$2" ] || { echo "the deploy lock is no longer this run's" >&2; exit 1; }
${program}`, [lockDir, runId, ...args]);
}
/** Renews the lease of the lock while it is this run's (a rollout holds locks between its transactions). */
function renewLeaseCommand(lockDir, runId, leaseSeconds) {
    return whileLockIsTheRuns(lockDir, runId, `echo $(( $(date +%s) + $3 )) > "$1/expires.tmp" && mv -f "$1/expires.tmp" "$1/expires"`, [String(leaseSeconds)]);
}
/** Hands the host's lock from one of the run's ids to another (switching a host back after another failed). */
function handOverLockCommand(lockDir, from, to) {
    return whileLockIsTheRuns(lockDir, from, `printf '%s' "$3" > "$1/run.tmp" && mv -f "$1/run.tmp" "$1/run"`, [to]);
}
/**
 * The end of a run over several hosts, on each: appends the environment's ledger line (how every
 * host ended) and frees the lock, both only while the lock is still this run's.
 */
function endRolloutCommand(paths, runId, ledgerLine) {
    return whileLockIsTheRuns(paths.lock, runId, `printf '%s\n' "$4" >> "$3" && rm -rf "$1"`, [paths.ledger, ledgerLine]);
}
/** Frees the lock if this run holds it (a transaction that started frees it itself). */
function releaseLockCommand(lockDir, runId) {
    return shell(`[ "$(cat "$1/run" 2>/dev/null)" = "$2" ] && rm -rf "$1"; exit 0`, [lockDir, runId]);
}
/**
 * The session a transaction runs in (setsid: the session's ID is its pid), in two functions.
 * `start_time PID`: when the process started (field 22 of /proc/PID/stat), recorded with the
 * pid so that a recovery never takes another process that got the same pid since.
 * `end_session RUN_DIR`: kills what a killed transaction left running. Each step's command
 * outlives it in its session, in a process group of its own (`timeout` makes one): a `compose
 * up`, a migration, a hook. Recovery starts after them, never beside them. A pid that now
 * belongs to another process (its start time differs from the one recorded) is left alone.
 */
const RUN_SESSION = `# stat_field PID N: field N of /proc/PID/stat after the command name (4: session, 20: start time).
stat_field() { sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d ' ' -f "$2"; }
start_time() { stat_field "$1" 20; }
end_session() {
  sid=$(cat "$1/pid" 2>/dev/null)
  [ -n "$sid" ] || return 0
  if [ -d "/proc/$sid" ] && [ "$(start_time "$sid")" != "$(cat "$1/pid-start" 2>/dev/null)" ]; then return 0; fi
  # A few passes: a process may fork while the first one reads /proc.
  for pass in 1 2 3 4 5; do
    found=
    for p in /proc/[0-9]*; do
      [ "$(stat_field "\${p#/proc/}" 4)" = "$sid" ] && kill -KILL "\${p#/proc/}" 2>/dev/null && found=$pass
    done
    [ -n "$found" ] || break
  done
}`;
/**
 * For a run that was cut short: frees its lock unless its transaction is running on the host
 * (which frees the lock itself when it ends). A transaction that was killed is recovered first
 * (`script`, transaction.sh, `recover`). Prints `released`, `transaction-running`, `not-held`,
 * or `transaction-crashed` then `recovered: RESULT`.
 */
function releaseAbandonedLockCommand(held) {
    return shell(`lock=$1 run_dir=$2 run=$3 script=$4
${RUN_SESSION}
if [ "$(cat "$lock/run" 2>/dev/null)" != "$run" ]; then echo not-held; exit 0; fi
# The runner is gone: a transaction that would leave the lock to it (KEEP_LOCK) frees it instead.
[ -d "$run_dir" ] && : > "$run_dir/release-lock"
pid=$(cat "$run_dir/pid" 2>/dev/null)
if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then echo transaction-running; exit 0; fi
if [ -n "$pid" ] && [ ! -s "$run_dir/result" ]; then
  # Another program recovers it already (the runner that started it): that one frees the lock.
  if ! mkdir "$run_dir/recovering" 2>/dev/null; then echo transaction-running; exit 0; fi
  # Killed mid-run: the previous release comes back if the switch had started; the lock is freed.
  echo transaction-crashed
  end_session "$run_dir"
  sh "$script" "$run_dir" recover >> "$run_dir/script.log" 2>&1 < /dev/null
  echo "recovered: $(cat "$run_dir/result" 2>/dev/null)"
  exit 0
fi
rm -rf "$lock"
# A transaction that ended and left the lock to the runner (an environment on several hosts).
if [ -s "$run_dir/result" ]; then echo "released: $(cat "$run_dir/result")"; else echo released; fi`, [held.lockDir, held.runDir, held.runId, held.script]);
}
/** The archive's entry that holds the run's registry logins (never written under the deploy path). */
const LOGINS_ENTRY = '.stack-deploy-registry-logins';
/**
 * One round trip before the switch, changing nothing that runs:
 * 1. Writes every file of a tar archive (on stdin) under `root`: extracted into the run's private
 *    staging directory (`incoming`), then each file renamed into place (atomic on one filesystem).
 *    The entry `LOGINS_ENTRY` (`registry<TAB>user<TAB>password` lines) stays in the staging
 *    directory, which goes with the program however it ends.
 * 2. Pulls every image the switch needs before anything changes: the release's digests (`refs`),
 *    and each infrastructure service's pin (`pins`, `service=image`). A pin is resolved to a
 *    digest once and that digest is reused while the pin's text stays the same
 *    (`paths.pins`/<service>); the resolution goes to `paths.runPins` as `service<TAB>ref` lines
 *    for the transaction. The logins go into a private DOCKER_CONFIG (`paths.dockerConfig`),
 *    removed when the program ends, on any signal that ends it too (the preflight sweeps the ones
 *    a SIGKILL left).
 */
function uploadAndPullCommand(paths, archive, runId, refs, pins = [], leaseSeconds = 15 * 60) {
    return shell(`path=$1 staging=$2 logins_entry=$3
umask 077
# The logins go with the program however it ends: a dropped connection (HUP, PIPE), a signal.
trap 'rm -rf "$staging"' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 141' PIPE
trap 'exit 143' TERM
rm -rf "$staging"
mkdir -p "$staging" || exit 1
# A command of its own (set -e is ignored in a subshell whose status is tested): any failure
# stops it, and the program.
(
  set -e
  tar -x -f - -C "$staging"
  cd "$staging"
  find . -type f ! -path "./$logins_entry" | while IFS= read -r file; do
    mkdir -p "$path/$(dirname "$file")"
    mv -f "$file" "$path/$file"
  done
)
# shellcheck disable=SC2181 # tested after the subshell: see above
[ "$?" -eq 0 ] || { echo "writing the run's files under $path failed" >&2; exit 1; }
lock=$4 cfg=$5 resolved=$6 pins_dir=$7 run=$8 lease=$9
shift 9
# A pull may outlast the lease: renew it while this program runs and the lock is this run's.
(
  while sleep 10; do
    kill -0 $$ 2>/dev/null || exit 0
    [ "$(cat "$lock/run" 2>/dev/null)" = "$run" ] || exit 0
    echo $(( $(date +%s) + lease )) > "$lock/expires.tmp" && mv -f "$lock/expires.tmp" "$lock/expires"
  done
) > /dev/null 2>&1 < /dev/null &
keeper=$!
rm -rf "$cfg"
mkdir -m 700 "$cfg" || exit 1
[ -d "$HOME/.docker/cli-plugins" ] && ln -s "$HOME/.docker/cli-plugins" "$cfg/cli-plugins"
trap 'rm -rf "$cfg" "$staging"; kill "$keeper" 2>/dev/null' EXIT
mv -f "$staging/$logins_entry" "$cfg/logins" 2>/dev/null || : > "$cfg/logins"
# Logs in before the first pull only: a run whose images are all on the host (a rollback) needs no registry.
login_once() {
  [ -e "$cfg/logins" ] || return 0
  while IFS="$(printf '\t')" read -r registry user password; do
    [ -n "$registry" ] || continue
    if ! printf '%s' "$password" | DOCKER_CONFIG="$cfg" docker login "$registry" --username "$user" --password-stdin >/dev/null 2>"$cfg/login.err"; then
      echo "docker login to $registry as $user failed: $(tail -n 3 "$cfg/login.err")" >&2; exit 3
    fi
  done < "$cfg/logins"
  rm -f "$cfg/logins"
}
status=0
refs=
while [ "$#" -gt 0 ] && [ "$1" != -- ]; do refs="$refs $1"; shift; done
[ "$#" -gt 0 ] && shift
# A digest names exact content: when the host has it, that is the image. Every digest the host
# has, in one docker call (an image it lacks prints nothing).
digests=
# shellcheck disable=SC2086
[ -n "$refs" ] && digests=" $(docker image inspect -f '{{range .RepoDigests}}{{.}} {{end}}' $refs 2>/dev/null | tr '\\n' ' ') "
missing='' n=0
for ref in $refs; do
  case "$digests" in *" $ref "*) echo "present $ref (on the host: not pulled)"; continue ;; esac
  # A Docker Hub name is listed shorter than it may be written: asked for on its own.
  case "\${ref%%/*}" in docker.io|index.docker.io|registry-1.docker.io) ;; *.*|*:*|localhost) missing="$missing $ref"; continue ;; esac
  if docker image inspect "$ref" >/dev/null 2>&1; then echo "present $ref (on the host: not pulled)"; continue; fi
  missing="$missing $ref"
done
# The others are pulled at the same time, after the login.
pulls=
for ref in $missing; do
  login_once
  n=$((n + 1))
  ( DOCKER_CONFIG="$cfg" docker pull -q "$ref" >/dev/null 2>"$cfg/pull.$n.err"; echo "$?" > "$cfg/pull.$n.rc" ) &
  pulls="$pulls $!"
done
# shellcheck disable=SC2086
[ -z "$pulls" ] || wait $pulls
n=0
for ref in $missing; do
  n=$((n + 1))
  if [ "$(cat "$cfg/pull.$n.rc" 2>/dev/null)" = 0 ]; then echo "pulled $ref"
  else echo "failed to pull $ref: $(tail -n 3 "$cfg/pull.$n.err")" >&2; status=4; fi
done
# The pins' resolution, for the transaction (none to resolve: nothing to write).
[ "$#" -eq 0 ] && exit $status
: > "$resolved.tmp" || exit 1
for pair in "$@"; do
  service=\${pair%%=*} image=\${pair#*=}
  recorded_image=$(sed -n 1p "$pins_dir/$service" 2>/dev/null) recorded_ref=$(sed -n 2p "$pins_dir/$service" 2>/dev/null)
  if [ "$recorded_image" = "$image" ] && [ -n "$recorded_ref" ] && docker image inspect "$recorded_ref" >/dev/null 2>&1; then
    printf '%s\t%s\n' "$service" "$recorded_ref" >> "$resolved.tmp"
    echo "kept $service at $recorded_ref ($image)"
    continue
  fi
  repo=\${image%@*}
  case "\${repo##*/}" in *:*) repo=\${repo%:*} ;; esac
  login_once
  if DOCKER_CONFIG="$cfg" docker pull -q "$image" >/dev/null 2>"$cfg/pull.err"; then
    how=pulled
  elif docker image inspect "$image" >/dev/null 2>&1; then
    how="not in a registry: the host's own image"
  else
    echo "failed to pull $image (service $service): $(tail -n 3 "$cfg/pull.err")" >&2; status=4; continue
  fi
  case "$image" in
    *@sha256:*) ref=$image ;;
    *) ref=$(docker image inspect -f '{{range .RepoDigests}}{{println .}}{{end}}' "$image" 2>/dev/null | awk -v p="$repo@" 'index($0, p) == 1 { print; exit }')
       [ -n "$ref" ] || ref=$image ;;
  esac
  printf '%s\t%s\n' "$service" "$ref" >> "$resolved.tmp"
  echo "$how $image for $service: $ref"
done
mv -f "$resolved.tmp" "$resolved"
exit $status`, [paths.root, paths.incoming, LOGINS_ENTRY, paths.lock, paths.dockerConfig, paths.runPins, paths.pins, runId, String(leaseSeconds), ...refs, '--', ...pins.map((pin) => `${pin.service}=${pin.image}`)], { text: archive, secret: true });
}
/**
 * Starts the transaction (`paths.script`) of the run in `paths.runDir` detached from this
 * connection (it finishes even if the connection drops), records it as the host's last run,
 * and streams its events until it ends. Only while the lock is still the run's (exit 7 and
 * nothing changed otherwise), whose lease it renews for `leaseSeconds`.
 */
function startTransactionCommand(paths, runId, keepLock = false, leaseSeconds = 15 * 60) {
    return shell(`last_run=$1 script=$2 run_dir=$3 run=$4 lock=$5 keep=$6 lease=$7
umask 077
${RUN_SESSION}
# Only while the lock is this run's (its lease may have run out while other hosts pulled), and
# renewed for the transaction, which keeps it from then on.
if [ "$(cat "$lock/run" 2>/dev/null)" != "$run" ]; then echo "the deploy lock is no longer this run's: another run took it over; nothing was changed" >&2; exit 7; fi
echo $(( $(date +%s) + lease )) > "$lock/expires.tmp" && mv -f "$lock/expires.tmp" "$lock/expires"
printf '%s\\n' "$run" > "$last_run"
: > "$run_dir/events.jsonl"
setsid nohup sh "$script" "$run_dir" > "$run_dir/script.log" 2>&1 < /dev/null &
pid=$!
echo "$pid" > "$run_dir/pid"
start_time "$pid" > "$run_dir/pid-start"
# -s 0.1: notice the end of the transaction within 0.1 s (tail's default check is every second).
tail -s 0.1 --pid="$pid" -n +1 -f "$run_dir/events.jsonl" || exit $?
# tail ends with an error when the connection dropped: the transaction then goes on by itself.
if kill -0 "$pid" 2>/dev/null; then exit 6; fi
if [ ! -s "$run_dir/result" ]; then
  # Killed (SIGKILL, OOM): bring the previous release back if its switch had started, free the
  # lock, and stream what that did. Detached too, so a dropped connection does not stop it.
  echo "transaction ended without a result; its log:" >&2
  tail -n 30 "$run_dir/script.log" >&2
  seen=$(wc -l < "$run_dir/events.jsonl")
  if mkdir "$run_dir/recovering" 2>/dev/null; then
    end_session "$run_dir"
    setsid nohup sh "$script" "$run_dir" recover >> "$run_dir/script.log" 2>&1 < /dev/null &
    pid=$!
    echo "$pid" > "$run_dir/pid"
    tail -s 0.1 --pid="$pid" -n +$((seen + 1)) -f "$run_dir/events.jsonl"
  else
    # The post step of a cancelled run found it first: wait for its result (bounded: 20 minutes).
    i=0
    while [ ! -s "$run_dir/result" ] && [ "$i" -lt 12000 ]; do sleep 0.1; i=$((i + 1)); done
    tail -n +$((seen + 1)) "$run_dir/events.jsonl"
  fi
  if [ ! -s "$run_dir/result" ]; then
    echo "bringing the previous release back ended without a result too: the stack may be down. Check it on the host (docker ps), then run stack-deploy rollback; the lock expires by itself or goes with stack-deploy unlock" >&2
    exit 5
  fi
fi
# Killed between writing its result and freeing the lock: free it now (unless the runner frees it).
[ "$keep" = 1 ] || { [ "$(cat "$lock/run" 2>/dev/null)" = "$run" ] && rm -rf "$lock"; }
# Seen to the end by this run: the next run need not report it.
touch "$run_dir/reported"`, [paths.lastRun, paths.script, paths.runDir, runId, paths.lock, keepLock ? '1' : '', String(leaseSeconds)]);
}
/**
 * Frees the lock whoever holds it and appends `ledgerLine` (stdin) to the ledger. Prints
 * `released` + the old owner, or `not-locked`.
 */
function forceUnlockCommand(paths, ledgerLine) {
    return shell(`lock=$1 ledger=$2
umask 077
if [ ! -d "$lock" ]; then echo not-locked; exit 0; fi
stale="$lock.unlocked.$$"
mv "$lock" "$stale" || exit 1
echo released
cat "$stale/owner" 2>/dev/null
rm -rf "$stale"
cat >> "$ledger"`, [paths.lock, paths.ledger], { text: ledgerLine });
}


/***/ })

};
;