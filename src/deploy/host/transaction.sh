#!/bin/sh
# stack-deploy host-side transaction: record -> switch -> verify -> commit, or roll back.
# Started detached (setsid nohup) by stack-deploy, so a dropped SSH connection or a cancelled
# run still ends with the new version serving or the previous one restored, and the lock freed.
#
# Usage: sh transaction.sh RUN_DIR
# RUN_DIR/plan.sh (written by stack-deploy, every value shell-quoted) defines:
#   RUN_ID DEPLOY_PATH STATE_DIR PROJECT FLAVOR COMPOSE_FILES ENV_FILE LOCK_DIR LEASE_SECONDS
#   KEEP_LOCK (1: the run's runner frees the lock, once every host of the environment is done)
#   SERVICES (application services, space-separated)  INFRA (infrastructure services: pinned and
#   compose-only)  PINS_DIR  LEDGER_HEAD (JSON members: time, actor, run url, environment, version)
#   per service N (0-based, SERVICES then INFRA): SVC_N_NAME SVC_N_ROLLBACK_REF (the
#   image the service rolls back to is tagged so) SVC_N_PINNED (an
#   application service's digest; an infrastructure service's pin as written) SVC_N_HEALTH
#   (http|cmd|auto) SVC_N_URL SVC_N_CMD (shell-quoted argv) SVC_N_TIMEOUT_MS SVC_N_INTERVAL_MS
#   SVC_N_SWITCH (stop-first|start-first|proxy; '': as the last deploy, see remember_switches) SVC_N_REPLICAS
#   (containers a start-first or proxy service runs) SVC_N_ROUTES (proxy: host_ip/published/target
#   ...) SVC_N_DRAIN_S SVC_N_DIRECT_URL (proxy: the health URL, __IP__ for the container's address)
#   PROXY_IMAGE PROXY_DIR_IN_HOME (the host's proxy, shared by every stack on the host: PROXY_DIR)
#   COMPOSE_SERVICES (every service the compose files define; deploys only: the others are forgotten)
#   ACTION (deploy|rollback) VERSION ENVIRONMENT BACKUPS_DIR BACKUPS_DIR_MIN_FREE (bytes)
#   BACKUP_TIMEOUT_S HOOK_TIMEOUT_S COMPOSE_TIMEOUT_S (each docker compose call)
#   BACKUP_COUNT, per backup N: BACKUP_N_NAME BACKUP_N_SERVICE BACKUP_N_KIND (command|sqlite)
#   BACKUP_N_CMD (shell-quoted argv) BACKUP_N_FILE (sqlite path in the container) BACKUP_N_RETAIN
#   MIGRATE_SERVICE ('' = no migrations) MIGRATE_CMD (shell-quoted argv) MIGRATE_TIMEOUT_S
#   SMOKE_COUNT, per check N: SMOKE_N_NAME SMOKE_N_KIND (http|run) SMOKE_N_URL SMOKE_N_STATUS
#   SMOKE_N_BODY SMOKE_N_CMD (shell-quoted argv) SMOKE_N_TIMEOUT_S
#   PRE_HOOK_COUNT PRE_HOOK_N, POST_HOOK_COUNT POST_HOOK_N (shell-quoted argv)
#   COMPOSE_UP_PULL (yes|no: `docker compose up` knows --pull; '': ask Compose)
#   ENGINE (compose|swarm) SWARM_FILE (swarm: each service's update_config) ENV_SCRIPT (swarm: the
#   env file as shell assignments, for ${VAR} in the compose files) CONVERGE_S (swarm: how long the
#   stack may take to converge)
# RUN_DIR/pins (written by the pull phase): `service<TAB>ref` per infrastructure service, its pin
#   resolved to a digest.
# Order: record -> pre_deploy hooks -> start missing infrastructure -> backups -> changed
#   infrastructure, each behind its own health gate -> migrations -> switch -> health -> smoke
#   -> commit -> post_deploy hooks -> ledger -> unlock. A failure before the switch ends with
#   result "failed" and nothing that was running changed (infrastructure whose new pin failed its
#   gate goes back to its previous pin); a failure after it rolls back the application services,
#   while infrastructure that passed its gate stays at its new pin.
# Writes RUN_DIR/events.jsonl (progress), RUN_DIR/result (success|rolled-back|rollback-failed|failed),
# STATE_DIR/releases.jsonl (ledger), STATE_DIR/good/<service> (image of the last good release)
# and BACKUPS_DIR/<name>/<name>-<run id>.(dump|sqlite) (mode 0600, the newest RETAIN kept).
# With ENGINE=swarm the stack is `docker stack deploy`ed on a Swarm manager (services
# PROJECT_<service>); the same steps run, but the switch is one stack deploy of every service
# (infrastructure included: it switches with the stack, after the migrations, behind Swarm's own
# gate), followed by the wait for Swarm to converge (see swarm_converge), and a failure deploys
# the whole stack again at the images it ran before, infrastructure too. Images are digest
# references, never local tags; services the run does not switch stay at the images they run.

set -u
# Events, step logs, smoke bodies, the ledger, backups: nothing under .stack-deploy is for others.
umask 077
RUN_DIR=$1
# shellcheck source=/dev/null # written by stack-deploy for each run
. "$RUN_DIR/plan.sh"
EVENTS="$RUN_DIR/events.jsonl"
cd "$DEPLOY_PATH" || exit 70

now_ms() { date +%s%3N; }

json_string() {
  # Text without control characters, quotes or backslashes (most messages) is its own literal.
  case "$1" in
    *[[:cntrl:]\"\\]*) ;;
    *) printf '"%s"' "$1"; return 0 ;;
  esac
  # Else the same in every POSIX awk (mawk, gawk, busybox): each character is looked up in a
  # table, so no gsub replacement text (whose backslash rules differ) is involved.
  printf '%s' "$1" | awk 'BEGIN {
      ORS = ""
      for (i = 1; i < 32; i++) esc[sprintf("%c", i)] = sprintf("\\u%04x", i)
      esc["\\"] = "\\\\"; esc["\""] = "\\\""; esc["\t"] = "\\t"; esc["\r"] = "\\r"
      print "\""
    }
    {
      if (NR > 1) print "\\n"
      n = length($0)
      for (i = 1; i <= n; i++) { c = substr($0, i, 1); if (c in esc) print esc[c]; else print c }
    }
    END { print "\"" }'
}

emit() {
  # emit STEP STATUS SERVICE MESSAGE
  printf '{"t":%s,"step":"%s","status":"%s","service":"%s","message":%s}\n' \
    "$(now_ms)" "$1" "$2" "$3" "$(json_string "$4")" >> "$EVENTS"
}

renew_lease() {
  echo $(( $(date +%s) + LEASE_SECONDS )) > "$LOCK_DIR/expires.tmp" && mv -f "$LOCK_DIR/expires.tmp" "$LOCK_DIR/expires"
}

# release_lock: frees the lock if it is this run's. With KEEP_LOCK it renews its lease instead: the
# runner frees it once every host is done, unless the runner is gone (its post step left
# RUN_DIR/release-lock); without either, it expires a lease after the end.
release_lock() {
  [ "$(cat "$LOCK_DIR/run" 2>/dev/null)" = "$RUN_ID" ] || return 0
  if [ "${KEEP_LOCK:-}" = 1 ] && [ ! -e "$RUN_DIR/release-lock" ]; then renew_lease; else rm -rf "$LOCK_DIR"; fi
}

compose() {
  # compose EXTRA_FILE... -- ARGS...
  _c_files=""
  for _c_f in $COMPOSE_FILES; do _c_files="$_c_files -f $_c_f"; done
  while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do _c_files="$_c_files -f $1"; shift; done
  [ "$#" -gt 0 ] && shift
  # Every Compose call has a deadline (a plan written before there was one gets the default).
  if [ "$FLAVOR" = v2 ]; then
    # shellcheck disable=SC2086
    timeout -k 10 "${COMPOSE_TIMEOUT_S:-600}" docker compose -p "$PROJECT" $_c_files --env-file "$ENV_FILE" "$@"
  else
    # shellcheck disable=SC2086
    timeout -k 10 "${COMPOSE_TIMEOUT_S:-600}" docker-compose -p "$PROJECT" $_c_files --env-file "$ENV_FILE" "$@"
  fi
}

svc() { eval "printf '%s' \"\${SVC_$1_$2}\""; }

swarm() { [ "${ENGINE:-compose}" = swarm ]; }

# index_of NAME: the SVC_ index of a service (application or infrastructure).
index_of() {
  _io=0
  for _io_name in $SERVICES $INFRA; do
    [ "$_io_name" = "$1" ] && { printf '%s' "$_io"; return 0; }
    _io=$((_io + 1))
  done
  return 1
}

# The compose overrides stack-deploy owns: the release's digests, the resolved pins, and the
# published ports hidden behind the host's proxy.
PINS_OVERRIDE="$STATE_DIR/pins.yml"
PROXIED_OVERRIDE="$STATE_DIR/proxied.yml"
overrides() {
  printf '%s' "$STATE_DIR/images.yml"
  [ -f "$PINS_OVERRIDE" ] && printf ' %s' "$PINS_OVERRIDE"
  [ -f "$PROXIED_OVERRIDE" ] && printf ' %s' "$PROXIED_OVERRIDE"
  for _ov in "$@"; do printf ' %s' "$_ov"; done
}

# compose_up [EXTRA_OVERRIDE...] -- SERVICE...: recreates only what changed, never pulls, never
# touches other services.
compose_up() {
  _cu_files=""
  while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do _cu_files="$_cu_files $1"; shift; done
  [ "$#" -gt 0 ] && shift
  # shellcheck disable=SC2046,SC2086
  compose $(overrides $_cu_files) -- up -d --no-build --no-deps $PULL_NEVER "$@"
}

# containers_of NAME [STATUS]: every container of a service that is running (or has that
# status), found by the labels Compose (v1 and v2) puts on it: one docker call, not a Compose
# start-up, since it runs on every health poll. Never a one-off container (`compose run`).
containers_of() {
  if swarm; then
    # The service's tasks that run on this node (the manager).
    docker ps -q ${2:+-a --filter "status=$2"} --filter "label=com.docker.swarm.service.name=${PROJECT}_$1" 2>/dev/null
    return 0
  fi
  docker ps -q ${2:+-a --filter "status=$2"} --filter "label=com.docker.compose.project=$PROJECT" --filter "label=com.docker.compose.service=$1" --filter "label=com.docker.compose.oneoff=False" 2>/dev/null
}

# container_of NAME: the service's running container (the first, if several run).
container_of() { containers_of "$1" | head -n 1; }

# snapshot: what runs now, in two docker calls whatever the number of services. SNAPSHOT gets a
# line per running container of the project (never a one-off): service, container (short ID),
# image ID, status, restart count, health (none without a healthcheck), its first address. Under
# Swarm a line per service of the stack: service, -, the image its service is defined with.
SNAPSHOT=""
snapshot() {
  SNAPSHOT=""
  if swarm; then
    _sn_ids=$(docker service ls -q --filter "label=com.docker.stack.namespace=$PROJECT" 2>/dev/null)
    [ -n "$_sn_ids" ] || return 0
    # shellcheck disable=SC2086
    SNAPSHOT=$(docker service inspect -f '{{.Spec.Name}} - {{.Spec.TaskTemplate.ContainerSpec.Image}}' $_sn_ids 2>/dev/null |
      awk -v p="${PROJECT}_" 'index($1, p) == 1 { $1 = substr($1, length(p) + 1); print }')
    return 0
  fi
  _sn_ids=$(docker ps -q --filter "label=com.docker.compose.project=$PROJECT" --filter "label=com.docker.compose.oneoff=False" 2>/dev/null)
  [ -n "$_sn_ids" ] || return 0
  # A container that went away between the two calls is left out (inspect reports the others).
  # shellcheck disable=SC2086
  SNAPSHOT=$(docker inspect -f '{{index .Config.Labels "com.docker.compose.service"}} {{printf "%.12s" .ID}} {{.Image}} {{.State.Status}} {{.RestartCount}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}} {{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}' $_sn_ids 2>/dev/null)
}

# snap NAME|-CONTAINER FIELD: a field of the service's first line in SNAPSHOT (or of that
# container's line): container, image, status, restarts, health, ip. No line: nothing.
snap() {
  snap_find "$1" || return 0
  case "$2" in
    container) printf '%s' "$SP_C" ;; image) printf '%s' "$SP_I" ;; status) printf '%s' "$SP_ST" ;;
    restarts) printf '%s' "$SP_R" ;; health) printf '%s' "$SP_H" ;; ip) printf '%s' "$SP_IP" ;;
  esac
}

# snap_find NAME|-CONTAINER: SP_C (container), SP_I (image), SP_ST (status), SP_R (restarts), SP_H
# (health), SP_IP (address) of that line of SNAPSHOT, in this shell (the health loop reads them
# often); 1 when there is none.
snap_find() {
  while read -r _sp_s SP_C SP_I SP_ST SP_R SP_H SP_IP _sp_rest; do
    case "$1" in -*) [ "-$SP_C" = "$1" ] && return 0 ;; *) [ "$_sp_s" = "$1" ] && return 0 ;; esac
  done <<EOF_SNAPSHOT
$SNAPSHOT
EOF_SNAPSHOT
  SP_C="" SP_I="" SP_ST="" SP_R="" SP_H="" SP_IP=""
  return 1
}

# getv NAME VAR: NAME set to the value of the variable VAR (no subshell, unlike var).
getv() { eval "$1=\${$2:-}"; }


# probe_http URL [SECONDS]: 0 when URL answers 2xx/3xx within SECONDS (default 5).
probe_http() {
  if command -v curl >/dev/null 2>&1; then
    curl -fsS -o /dev/null --max-time "${2:-5}" "$1" 2>/dev/null
  else
    # wget's timeout is whole seconds.
    wget -q -O /dev/null -T "$(printf '%s' "${2:-5}" | awk '{ s = int($1); if (s < $1) s++; if (s < 1) s = 1; print s }')" "$1" 2>/dev/null
  fi
}

# ms_to_s MS: MS milliseconds as seconds with a decimal point (for sleep, curl, timeout).
ms_to_s() { printf '%d.%03d' "$(($1 / 1000))" "$(($1 % 1000))"; }

# check_state N CONTAINER: the service's container as SNAPSHOT has it: 0 healthy (its own
# healthcheck, or running long enough without one: auto), 1 not yet, 2 failed for good (exited or
# restarting), 3 running and to be probed (health.http, health.cmd).
# shellcheck disable=SC2154 # its variables are set by getv and eval
check_state() {
  if ! snap_find "-$2"; then
    docker inspect -f '{{.State.Status}}' "$2" 2>/dev/null | grep -qx -e exited -e dead && return 2
    return 1
  fi
  case "$SP_ST" in exited|dead) return 2 ;; esac
  [ "$SP_R" -gt 0 ] 2>/dev/null && return 2
  [ "$SP_ST" = running ] || return 1
  eval "_cs_kind=\${SVC_${1}_HEALTH:-}"
  case "$_cs_kind" in http|cmd) return 3 ;; esac
  case "$SP_H" in
    healthy) return 0 ;;
    unhealthy) return 2 ;;
    none)
      getv _cs_stable "STABLE_$1"
      [ "${_cs_stable:-0}" -ge 2 ] && return 0
      eval "STABLE_$1=$(( ${_cs_stable:-0} + 1 ))"
      return 1 ;;
    *) return 1 ;;
  esac
}

# probe N CONTAINER SECONDS: the service's health.http or health.cmd against that container, at
# most SECONDS; 0 healthy, 1 not yet (any failing probe: pg_isready exits 2 while starting).
probe() {
  case "$(svc "$1" HEALTH)" in
    http)
      _pr_url=$(var "SVC_${1}_DIRECT_URL")
      # Behind the proxy the published port reaches the proxy: the container itself is checked.
      if [ -n "$_pr_url" ]; then _pr_url=$(printf '%s' "$_pr_url" | sed "s/__IP__/$(snap "-$2" ip)/"); else _pr_url=$(svc "$1" URL); fi
      probe_http "$_pr_url" "$3" ;;
    cmd) eval "set -- \"\$2\" \"\$3\" $(svc "$1" CMD)"; _pr_c=$1 _pr_t=$2; shift 2; timeout -k 2 "$_pr_t" docker exec "$_pr_c" "$@" >/dev/null 2>&1 ;;
    *) return 0 ;;
  esac
}

# await_health MODE ON_OK N...: the services (SVC_ indices) checked together, each at its own
# interval until its timeout, in one loop: a round takes one snapshot (two docker calls) and runs
# the HTTP and command probes that are due at the same time. A service is checked once more at its
# deadline, and fails then: a failure is noticed within one probe after the deadline. ON_OK N is
# called for each service once it is healthy. CID_<n>, when set, is the one container of service n
# to check (a start-first switch). MODE first: returns 1 at the first failure (HEALTH_FAILED its
# index, HEALTH_REASON why); MODE all: decides every service, then returns 1 if any failed
# (HEALTH_FAILED lists them, HEALTH_REASON_<n> says why). 0 when every one is healthy.
# shellcheck disable=SC2154 # its variables are set by getv and eval
await_health() {
  _ah_mode=$1 _ah_ok=$2
  shift 2
  _ah_pending=" $* " _ah_now=$(now_ms) HEALTH_FAILED=""
  for _ah_n in "$@"; do
    eval "DEADLINE_$_ah_n=$(( _ah_now + $(svc "$_ah_n" TIMEOUT_MS) )) DUE_$_ah_n=$_ah_now STABLE_$_ah_n=0"
  done
  mkdir -p "$RUN_DIR/health"
  _ah_snapped=0
  while pending_left "$_ah_pending"; do
    _ah_now=$(now_ms)
    _ah_round=$_ah_now
    # The services due now: a health.http that needs no container's address is probed at once,
    # while the snapshot is taken; the others once the snapshot names their container.
    _ah_probes="" _ah_due_now="" _ah_early=""
    for _ah_n in $_ah_pending; do
      getv _ah_due "DUE_$_ah_n"
      [ "$_ah_now" -ge "$_ah_due" ] || continue
      getv _ah_dl "DEADLINE_$_ah_n"
      getv _ah_iv "SVC_${_ah_n}_INTERVAL_MS"
      getv _ah_kind "SVC_${_ah_n}_HEALTH"
      # The next check: one interval on, or at the deadline if that comes first.
      _ah_due=$((_ah_now + _ah_iv))
      [ "$_ah_due" -gt "$_ah_dl" ] && _ah_due=$_ah_dl
      eval "DUE_$_ah_n=$_ah_due"
      # A probe may take until the deadline, and one interval past it at most (a request at most
      # 5 s, and at least 0.5 s; a command at least 1 s: docker exec alone takes a tenth of that).
      _ah_left=$((_ah_dl - _ah_now + _ah_iv)) _ah_min=500
      if [ "$_ah_kind" = cmd ]; then _ah_min=1000; elif [ "$_ah_left" -gt 5000 ]; then _ah_left=5000; fi
      [ "$_ah_left" -lt "$_ah_min" ] && _ah_left=$_ah_min
      eval "LEFT_$_ah_n=$((_ah_left / 1000)).$((_ah_left % 1000 / 100))$((_ah_left % 100 / 10))$((_ah_left % 10))"
      # The verdict of the container's state (STATE_RC_<n>), else of the probe (its file, written
      # this round).
      eval "STATE_RC_$_ah_n="
      _ah_due_now="$_ah_due_now $_ah_n"
      getv _ah_direct "SVC_${_ah_n}_DIRECT_URL"
      if swarm; then
        ( if swarm_check "$_ah_n" "$(var "LEFT_$_ah_n")"; then echo 0; else echo 1; fi > "$RUN_DIR/health/$_ah_n" ) &
        _ah_probes="$_ah_probes $!"
      elif [ "$_ah_kind" = http ] && [ -z "$_ah_direct" ]; then
        getv _ah_url "SVC_${_ah_n}_URL"
        getv _ah_secs "LEFT_$_ah_n"
        ( if probe_http "$_ah_url" "$_ah_secs"; then echo 0; else echo 1; fi > "$RUN_DIR/health/$_ah_n" ) &
        _ah_probes="$_ah_probes $!" _ah_early="$_ah_early $_ah_n"
      fi
    done
    if ! swarm; then
      # A snapshot (two docker calls) while the probes run: in the first round, whenever a service
      # due needs its container (health.cmd, auto, behind the proxy), and once a second for the
      # others (a container restarting, or that its own healthcheck calls unhealthy, fails within a
      # second), but never in a round that ends a deadline: the verdict then waits for no docker call.
      _ah_need="" _ah_last=""
      for _ah_n in $_ah_due_now; do
        case " $_ah_early " in
          *" $_ah_n "*) getv _ah_due "DUE_$_ah_n"; getv _ah_dl "DEADLINE_$_ah_n"; [ "$_ah_due" -ge "$_ah_dl" ] && _ah_last=1 ;;
          *) _ah_need=1 ;;
        esac
      done
      [ "$_ah_snapped" -eq 0 ] && _ah_need=1
      [ -z "$_ah_last" ] && [ "$((_ah_now - _ah_snapped))" -ge 1000 ] && _ah_need=1
      if [ -n "$_ah_need" ]; then snapshot; _ah_snapped=$_ah_now; fi
      # The container's state: exited or restarting fails it whatever its probe says; none (yet),
      # or one not running, is not yet healthy.
      for _ah_n in $_ah_due_now; do
        getv _ah_cid "CID_$_ah_n"
        if [ -z "$_ah_cid" ]; then getv _ah_name "SVC_${_ah_n}_NAME"; snap_find "$_ah_name" && _ah_cid=$SP_C; fi
        if [ -z "$_ah_cid" ]; then eval "STATE_RC_$_ah_n=1"; continue; fi
        check_state "$_ah_n" "$_ah_cid"
        _ah_rc=$?
        if [ "$_ah_rc" -ne 3 ]; then eval "STATE_RC_$_ah_n=$_ah_rc"
        else
          case " $_ah_early " in *" $_ah_n "*) continue ;; esac
          ( if probe "$_ah_n" "$_ah_cid" "$(var "LEFT_$_ah_n")"; then echo 0; else echo 1; fi > "$RUN_DIR/health/$_ah_n" ) &
          _ah_probes="$_ah_probes $!"
        fi
      done
    fi
    # Only the probes (any that fails means "not yet": pg_isready exits 2 while the server
    # starts): the lease keeper is a child of this shell too.
    # shellcheck disable=SC2086
    [ -z "$_ah_probes" ] || wait $_ah_probes
    _ah_now=$(now_ms)
    for _ah_n in $_ah_due_now; do
      # The container's state, where it decided; else the probe's answer.
      getv _ah_rc "STATE_RC_$_ah_n"
      [ -n "$_ah_rc" ] || { read -r _ah_rc < "$RUN_DIR/health/$_ah_n"; } 2>/dev/null || _ah_rc=1
      if [ "$_ah_rc" = 0 ]; then
        _ah_pending="${_ah_pending%% "$_ah_n" *} ${_ah_pending#* "$_ah_n" }"
        "$_ah_ok" "$_ah_n"
        continue
      fi
      if [ "$_ah_rc" = 2 ]; then _ah_why="the container exited or restarted"
      # Failed for good only by a check that began at its deadline: a round that a slow probe of
      # another service drew out past it leaves it its last checks.
      elif getv _ah_dl "DEADLINE_$_ah_n" && [ "$_ah_round" -ge "$_ah_dl" ]; then _ah_why="not healthy within $(( $(svc "$_ah_n" TIMEOUT_MS) / 1000 ))s"
      else continue; fi
      _ah_pending="${_ah_pending%% "$_ah_n" *} ${_ah_pending#* "$_ah_n" }"
      HEALTH_FAILED="$HEALTH_FAILED${HEALTH_FAILED:+ }$_ah_n" HEALTH_REASON=$_ah_why
      eval "HEALTH_REASON_$_ah_n=\$_ah_why"
      [ "$_ah_mode" = first ] && return 1
    done
    pending_left "$_ah_pending" || break
    # Sleep until the next check that is due.
    _ah_next=""
    for _ah_n in $_ah_pending; do
      getv _ah_due "DUE_$_ah_n"
      if [ -z "$_ah_next" ] || [ "$_ah_due" -lt "$_ah_next" ]; then _ah_next=$_ah_due; fi
    done
    _ah_wait=$((_ah_next - $(now_ms)))
    [ "$_ah_wait" -gt 0 ] && sleep "$(ms_to_s "$_ah_wait")"
  done
  [ -z "$HEALTH_FAILED" ]
}

# pending_left LIST: LIST (space-separated) names something.
pending_left() { case "$1" in *[!\ ]*) return 0 ;; *) return 1 ;; esac; }

# wait_healthy N [CONTAINER]: one service (or that container of it), as await_health checks it; 0
# healthy, 1 not (HEALTH_REASON set).
# shellcheck disable=SC2317 # called by await_health (ON_OK)
no_event() { :; }
wait_healthy() {
  eval "CID_$1=\${2:-}"
  await_health first no_event "$1"
  _wh_rc=$?
  eval "CID_$1="
  return "$_wh_rc"
}

# service_logs NAME [CONTAINER]: the last 50 lines of the service's containers' output (of that
# container, when given: the one the last snapshot saw).
service_logs() {
  _sl_ids=$2
  # Under Swarm the snapshot names no container ('-'); a container that exited is not running.
  [ "$_sl_ids" = - ] && _sl_ids=""
  [ -n "$_sl_ids" ] || _sl_ids=$({ containers_of "$1"; containers_of "$1" exited; } | head -n 3)
  for _sl in $_sl_ids; do docker logs --tail 50 "$_sl" 2>&1; done | tail -n 50
}

ledger() {
  # ledger RESULT: one JSON line per deploy or rollback
  _l_entries=""
  _l_i=0
  for _l_name in $SERVICES; do
    _l_from=$(eval "printf '%s' \"\${FROM_$_l_i:-}\"") _l_to=$(eval "printf '%s' \"\${TO_$_l_i:-}\"")
    _l_entries="$_l_entries${_l_entries:+,}{\"name\":\"$_l_name\",\"from\":\"$_l_from\",\"to\":\"$_l_to\",\"pinned\":\"$(svc $_l_i PINNED)\"}"
    _l_i=$((_l_i + 1))
  done
  for _l_name in $INFRA; do
    _l_from=$(eval "printf '%s' \"\${FROM_$_l_i:-}\"") _l_to=$(running_image "$_l_name")
    # The pin it runs at now, as recorded (a new pin is recorded once it passed its gate).
    _l_entries="$_l_entries${_l_entries:+,}{\"name\":\"$_l_name\",\"kind\":\"infrastructure\",\"from\":\"$_l_from\",\"to\":\"$_l_to\",\"pinned\":\"$(sed -n 2p "$PINS_DIR/$_l_name" 2>/dev/null)\",\"pin\":\"$(sed -n 1p "$PINS_DIR/$_l_name" 2>/dev/null)\"}"
    _l_i=$((_l_i + 1))
  done
  printf '{%s,"run":"%s","result":"%s","services":[%s]}\n' "$LEDGER_HEAD" "$RUN_ID" "$1" "$_l_entries" >> "$STATE_DIR/releases.jsonl"
}

finish() {
  echo "$1" > "$RUN_DIR/result"
  emit "done" "$1" "" "$2"
  [ -n "${LEASE_KEEPER:-}" ] && kill "$LEASE_KEEPER" 2>/dev/null
  release_lock
  exit 0
}

var() { eval "printf '%s' \"\${$1:-}\""; }

# rc_text RC TIMEOUT_S: why a step's command failed, in words.
rc_text() {
  case "$1" in
    124|137) printf 'timed out after %ss' "$2" ;;
    126) printf 'cannot be executed (exit 126)' ;;
    127) printf 'command not found (exit 127)' ;;
    *) printf 'exited with %s' "$1" ;;
  esac
}

# run_on_host TIMEOUT_S PHASE OUTFILE ARGV...: runs ARGV in DEPLOY_PATH with the release's
# STACK_DEPLOY_* variables, stdout and stderr to OUTFILE, killed after TIMEOUT_S.
run_on_host() {
  _ro_t=$1 _ro_phase=$2 _ro_out=$3
  shift 3
  (
    STACK_DEPLOY_VERSION=$VERSION STACK_DEPLOY_ENVIRONMENT=$ENVIRONMENT STACK_DEPLOY_RUN_ID=$RUN_ID
    STACK_DEPLOY_SERVICES=$SERVICES STACK_DEPLOY_PATH=$DEPLOY_PATH STACK_DEPLOY_PROJECT=$PROJECT
    STACK_DEPLOY_PHASE=$_ro_phase STACK_DEPLOY_ENV_FILE=$ENV_FILE STACK_DEPLOY_BACKUPS=$BACKUPS_TAKEN
    export STACK_DEPLOY_VERSION STACK_DEPLOY_ENVIRONMENT STACK_DEPLOY_RUN_ID STACK_DEPLOY_SERVICES \
      STACK_DEPLOY_PATH STACK_DEPLOY_PROJECT STACK_DEPLOY_PHASE STACK_DEPLOY_ENV_FILE STACK_DEPLOY_BACKUPS
    cd "$DEPLOY_PATH" && exec timeout -k 10 "$_ro_t" "$@"
  ) > "$_ro_out" 2>&1 < /dev/null
}

# output_event LABEL FILE: a failed step's last 50 output lines.
output_event() { emit output failed "$1" "$(tail -n 50 "$2" 2>/dev/null)"; }

# run_hooks PRE|POST PHASE: each hook in order; 1 (HOOK_REASON set) when one fails.
run_hooks() {
  _count=$(var "$1_HOOK_COUNT") _h=0 _phase=$2
  while [ "$_h" -lt "${_count:-0}" ]; do
    _cmd=$(var "$1_HOOK_$_h") _label="$_phase $((_h + 1))"
    emit hook start "$_label" "$_cmd"
    renew_lease
    eval "set -- $_cmd"
    _out="$RUN_DIR/hook-$_phase-$_h.log"
    run_on_host "$HOOK_TIMEOUT_S" "$_phase" "$_out" "$@"
    _rc=$?
    if [ "$_rc" -ne 0 ]; then
      HOOK_REASON="$_phase hook $((_h + 1)) ($_cmd) $(rc_text "$_rc" "$HOOK_TIMEOUT_S")"
      emit hook failed "$_label" "$HOOK_REASON"
      output_event "$_label" "$_out"
      return 1
    fi
    emit hook ok "$_label" ""
    _h=$((_h + 1))
  done
  return 0
}

# take_backups: every backup in order, into BACKUPS_DIR; 1 (BACKUP_REASON set) when one fails.
BACKUPS_TAKEN=""
take_backups() {
  _b=0
  while [ "$_b" -lt "$BACKUP_COUNT" ]; do
    _name=$(var "BACKUP_${_b}_NAME") _svc=$(var "BACKUP_${_b}_SERVICE") _kind=$(var "BACKUP_${_b}_KIND")
    _retain=$(var "BACKUP_${_b}_RETAIN")
    _ext=dump
    [ "$_kind" = sqlite ] && _ext=sqlite
    _dir="$BACKUPS_DIR/$_name"
    _file="$_dir/$_name-$RUN_ID.$_ext"
    _out="$RUN_DIR/backup-$_name.log"
    emit backup start "$_name" "$_svc"
    renew_lease
    snapshot
    _cid=$(container_of "$_svc")
    if [ -z "$_cid" ] && swarm && [ -n "$(running_image "$_svc")" ]; then
      BACKUP_REASON="backup $_name: no task of $_svc runs on this manager, where backups run (constrain $_svc to it: deploy.placement.constraints [node.role == manager])"
      emit backup failed "$_name" "$BACKUP_REASON"
      return 1
    fi
    if [ -z "$_cid" ] || [ "$(docker inspect -f '{{.State.Running}}' "$_cid" 2>/dev/null)" != true ]; then
      emit backup skipped "$_name" "$_svc is not running (a first deploy?): nothing to back up"
      _b=$((_b + 1))
      continue
    fi
    (umask 077 && mkdir -p "$_dir")
    _prev=""
    for _f in "$_dir"/*."$_ext"; do [ -f "$_f" ] && _prev=$_f; done
    _need=$BACKUPS_DIR_MIN_FREE
    if [ -n "$_prev" ]; then
      _prev_bytes=$(wc -c < "$_prev" | tr -d ' ')
      [ $((_prev_bytes * 2)) -gt "$_need" ] && _need=$((_prev_bytes * 2))
    fi
    _free_kb=$(df -Pk "$_dir" 2>/dev/null | awk 'NR == 2 { print $4 }')
    if [ -z "$_free_kb" ] || [ $((_free_kb * 1024)) -lt "$_need" ]; then
      BACKUP_REASON="backup $_name: only $(( ${_free_kb:-0} / 1024 )) MiB free under $BACKUPS_DIR, it needs $((_need / 1048576)) MiB (twice the previous backup, at least $((BACKUPS_DIR_MIN_FREE / 1048576)) MiB)"
      emit backup failed "$_name" "$BACKUP_REASON"
      return 1
    fi
    _partial="$_file.partial"
    _rc=0
    (umask 077 && : > "$_partial")
    if [ "$_kind" = command ]; then
      eval "set -- $(var "BACKUP_${_b}_CMD")"
      timeout -k 10 "$BACKUP_TIMEOUT_S" docker exec "$_cid" "$@" > "$_partial" 2> "$_out" < /dev/null || _rc=$?
      _why=$(rc_text "$_rc" "$BACKUP_TIMEOUT_S")
    else
      _db=$(var "BACKUP_${_b}_FILE") _tmp="/tmp/stack-deploy-backup-$RUN_ID.sqlite"
      _why=""
      if ! docker exec "$_cid" test -f "$_db" > "$_out" 2>&1 < /dev/null; then
        _rc=1 _why="$_db does not exist in the $_svc container"
      elif ! timeout -k 10 "$BACKUP_TIMEOUT_S" docker exec "$_cid" sqlite3 "$_db" ".backup $_tmp" >> "$_out" 2>&1 < /dev/null; then
        _rc=1 _why="sqlite3 .backup failed"
      else
        _check=$(timeout -k 10 "$BACKUP_TIMEOUT_S" docker exec "$_cid" sqlite3 "$_tmp" 'PRAGMA integrity_check;' 2>> "$_out" < /dev/null)
        if [ "$_check" != ok ]; then
          printf 'PRAGMA integrity_check: %s\n' "$_check" >> "$_out"
          _rc=1 _why="PRAGMA integrity_check of the copy did not say ok"
        elif ! timeout -k 10 "$BACKUP_TIMEOUT_S" docker exec "$_cid" cat "$_tmp" > "$_partial" 2>> "$_out" < /dev/null; then
          _rc=1 _why="copying the backup out of the container failed"
        fi
      fi
      docker exec "$_cid" rm -f "$_tmp" > /dev/null 2>&1 < /dev/null
    fi
    if [ "$_rc" -ne 0 ]; then
      rm -f "$_partial"
      BACKUP_REASON="backup $_name ($_svc): $_why"
      emit backup failed "$_name" "$BACKUP_REASON"
      output_event "backup $_name" "$_out"
      return 1
    fi
    chmod 0600 "$_partial" && mv -f "$_partial" "$_file"
    _bytes=$(wc -c < "$_file" | tr -d ' ')
    BACKUPS_TAKEN="$BACKUPS_TAKEN${BACKUPS_TAKEN:+ }$_file"
    emit backup ok "$_name" "$_file ($_bytes bytes)"
    # Retention: the newest RETAIN files (names sort by run id, which starts with the time).
    set -- "$_dir"/*."$_ext"
    _drop=$(($# - _retain))
    for _f in "$@"; do
      [ "$_drop" -gt 0 ] || break
      [ -f "$_f" ] && rm -f "$_f" && emit backup pruned "$_name" "$_f"
      _drop=$((_drop - 1))
    done
    _b=$((_b + 1))
  done
  return 0
}

# run_migrations: a one-off container of MIGRATE_SERVICE from the new (pinned) image; 1 when it fails.
# remove_migration_containers: the one-off containers of the migration service (`compose run`):
# the daemon keeps one running when the compose client that started it is gone.
remove_migration_containers() {
  docker ps -aq --filter "label=com.docker.compose.project=$PROJECT" --filter "label=com.docker.compose.service=$MIGRATE_SERVICE" \
    --filter "label=com.docker.compose.oneoff=True" | xargs -r docker rm -f > /dev/null 2>&1
}

run_migrations() {
  eval "set -- $MIGRATE_CMD"
  _files=""
  for _f in $COMPOSE_FILES $(overrides); do _files="$_files -f $_f"; done
  if swarm; then
    # The services the run does not switch at the images they run (the migration service among
    # them, in a release of other services), and the stack's networks.
    _files=""
    for _f in $COMPOSE_FILES $CURRENT_OVERRIDE $(overrides); do _files="$_files -f $_f"; done
    swarm_networks_override "$RUN_DIR/networks.yml" || { MIGRATE_REASON="the stack's networks cannot be listed"; return 1; }
    _files="$_files -f $RUN_DIR/networks.yml"
  fi
  if [ "$FLAVOR" = v2 ]; then
    # shellcheck disable=SC2086
    set -- docker compose -p "$PROJECT" $_files --env-file "$ENV_FILE" run --rm --no-deps -T "$MIGRATE_SERVICE" "$@"
  else
    # shellcheck disable=SC2086
    set -- docker-compose -p "$PROJECT" $_files --env-file "$ENV_FILE" run --rm --no-deps -T "$MIGRATE_SERVICE" "$@"
  fi
  _out="$RUN_DIR/migrations.log"
  timeout -k 10 "$MIGRATE_TIMEOUT_S" "$@" > "$_out" 2>&1 < /dev/null
  _rc=$?
  [ "$_rc" -eq 0 ] && return 0
  if [ "$_rc" -eq 124 ] || [ "$_rc" -eq 137 ]; then
    # The compose client is gone; its one-off container may still run.
    remove_migration_containers
  fi
  MIGRATE_REASON=$(rc_text "$_rc" "$MIGRATE_TIMEOUT_S")
  output_event "migrations" "$_out"
  return 1
}

# smoke_http N OUTFILE: one request; 1 (SMOKE_REASON set) when status or body differ.
smoke_http() {
  _url=$(var "SMOKE_$1_URL") _want=$(var "SMOKE_$1_STATUS") _body=$(var "SMOKE_$1_BODY") _t=$(var "SMOKE_$1_TIMEOUT_S")
  _bodyfile="$RUN_DIR/smoke-$1.body"
  : > "$_bodyfile"
  if command -v curl > /dev/null 2>&1; then
    _got=$(curl -sS -o "$_bodyfile" -w '%{http_code}' --max-time "$_t" "$_url" 2> "$2")
  else
    wget -S -q -O "$_bodyfile" -T "$_t" "$_url" 2> "$2"
    _got=$(awk '/^ *HTTP\// { code = $2 } END { print code }' "$2")
  fi
  if [ -z "$_got" ] || [ "$_got" = 000 ]; then SMOKE_REASON="no answer from $_url"; return 1; fi
  if [ "$_got" != "$_want" ]; then
    SMOKE_REASON="$_url answered HTTP $_got, expected $_want"
    head -c 4000 "$_bodyfile" >> "$2"
    return 1
  fi
  if [ -n "$_body" ] && ! grep -qF -- "$_body" "$_bodyfile"; then
    SMOKE_REASON="the body of $_url does not contain \"$_body\""
    head -c 4000 "$_bodyfile" >> "$2"
    return 1
  fi
  return 0
}

# run_smoke: every check in order; 1 (SMOKE_REASON set) at the first failure.
# shellcheck disable=SC2120 # "$@" is each check's own argv (eval set --)
run_smoke() {
  _s=0
  while [ "$_s" -lt "$SMOKE_COUNT" ]; do
    _sname=$(var "SMOKE_${_s}_NAME") _st=$(var "SMOKE_${_s}_TIMEOUT_S")
    _out="$RUN_DIR/smoke-$_s.log"
    emit smoke start "$_sname" ""
    renew_lease
    SMOKE_REASON=""
    if [ "$(var "SMOKE_${_s}_KIND")" = http ]; then
      smoke_http "$_s" "$_out"
    else
      eval "set -- $(var "SMOKE_${_s}_CMD")"
      run_on_host "$_st" smoke "$_out" "$@"
      _rc=$?
      [ "$_rc" -ne 0 ] && SMOKE_REASON=$(rc_text "$_rc" "$_st")
    fi
    if [ -n "$SMOKE_REASON" ]; then
      SMOKE_REASON="smoke check $_sname: $SMOKE_REASON"
      emit smoke failed "$_sname" "$SMOKE_REASON"
      output_event "smoke $_sname" "$_out"
      return 1
    fi
    emit smoke ok "$_sname" ""
    _s=$((_s + 1))
  done
  return 0
}

# abort_unchanged REASON: a step before the switch failed; nothing running changed.
abort_unchanged() {
  _au_i=0
  for _au_name in $SERVICES; do
    eval "TO_$_au_i=\${FROM_$_au_i:-}"
    _au_i=$((_au_i + 1))
  done
  snapshot
  ledger failed
  if [ -n "$STARTED_INFRA" ]; then
    finish failed "$1; nothing that was running was changed (started and left running:$STARTED_INFRA)"
  fi
  finish failed "$1; nothing running was changed"
}

# running_image NAME: the image ID of the service's running container ('' when none runs); under
# Swarm the image its service is defined with (a digest reference), '' when there is no such
# service. As the last snapshot saw it.
running_image() { snap "$1" image; }

# resolved_pin NAME: the digest reference the pull phase resolved the service's pin to.
resolved_pin() {
  awk -F '\t' -v s="$1" '$1 == s { print $2; exit }' "$RUN_DIR/pins" 2>/dev/null
}

# write_pins_override: the compose override that runs each infrastructure service at its resolved pin.
write_pins_override() {
  [ -n "$INFRA" ] || return 0
  {
    echo "services:"
    for _wp in $INFRA; do printf '  %s:\n    image: %s\n' "$_wp" "$(resolved_pin "$_wp")"; done
  } > "$PINS_OVERRIDE.tmp" && mv -f "$PINS_OVERRIDE.tmp" "$PINS_OVERRIDE"
}

# record_pins: each infrastructure service's pin and the digest it now runs, reused while the pin's
# text stays the same.
record_pins() {
  mkdir -p "$PINS_DIR"
  for _rp in $INFRA; do
    printf '%s\n%s\n' "$(svc "$(index_of "$_rp")" PINNED)" "$(resolved_pin "$_rp")" > "$PINS_DIR/$_rp.tmp" && mv -f "$PINS_DIR/$_rp.tmp" "$PINS_DIR/$_rp"
  done
}

# has_successful_release: the ledger holds a deploy or rollback that succeeded.
has_successful_release() {
  grep -v '"action":"unlock"' "$STATE_DIR/releases.jsonl" 2>/dev/null | grep -q '"result":"success"'
}

# gate_infrastructure NAMES...: each must become healthy (checked together); 1 (INFRA_REASON set)
# at the first that does not.
# shellcheck disable=SC2317 # called by await_health (ON_OK)
infrastructure_ok() { emit infrastructure ok "$(svc "$1" NAME)" "healthy at $(resolved_pin "$(svc "$1" NAME)")"; }
gate_infrastructure() {
  _gi_all=""
  for _gi in "$@"; do _gi_all="$_gi_all $(index_of "$_gi")"; done
  # shellcheck disable=SC2086
  await_health first infrastructure_ok $_gi_all && return 0
  _gi=$(svc "$HEALTH_FAILED" NAME)
  INFRA_REASON="$_gi: $HEALTH_REASON"
  emit infrastructure failed "$_gi" "$HEALTH_REASON"
  emit logs failed "$_gi" "$(service_logs "$_gi")"
  return 1
}

# start_missing_infrastructure: infrastructure that is not running (a first deploy, or a service new
# to the stack) is started at its pin and must be healthy before backups and migrations.
STARTED_INFRA=""
start_missing_infrastructure() {
  if swarm; then swarm_start_missing; return; fi
  [ -n "$INFRA" ] || return 0
  _missing=""
  snapshot
  for _sm in $INFRA; do [ -n "$(snap "$_sm" container)" ] || _missing="$_missing $_sm"; done
  [ -n "$_missing" ] || return 0
  emit infrastructure start "" "starting what is not running:$_missing"
  renew_lease
  # shellcheck disable=SC2086
  if ! _out=$(compose_up -- $_missing 2>&1); then
    INFRA_REASON="starting$_missing failed: $_out"
    emit infrastructure failed "" "$INFRA_REASON"
    # shellcheck disable=SC2046,SC2086
    compose $(overrides) -- stop $_missing >/dev/null 2>&1
    return 1
  fi
  STARTED_INFRA=$_missing
  # shellcheck disable=SC2086
  gate_infrastructure $_missing
}

# switch_infrastructure: Compose recreates each infrastructure service whose pin or definition
# changed, and leaves the others alone; each one recreated must pass its health gate, or every one
# recreated goes back to its previous image (INFRA_REASON set, 1).
INFRA_SWITCHED=""
switch_infrastructure() {
  [ -n "$INFRA" ] || return 0
  # Under Swarm the infrastructure switches with the stack (one stack deploy).
  swarm && return 0
  snapshot
  for _si in $INFRA; do eval "BEFORE_$(index_of "$_si")=\$(snap \"\$_si\" container)"; done
  # shellcheck disable=SC2086
  if ! _out=$(compose_up -- $INFRA 2>&1); then
    INFRA_REASON="docker compose up of the infrastructure failed: $_out"
    emit infrastructure failed "" "$INFRA_REASON"
  fi
  _changed=""
  snapshot
  for _si in $INFRA; do
    [ "$(snap "$_si" container)" = "$(var "BEFORE_$(index_of "$_si")")" ] || _changed="$_changed $_si"
  done
  if [ -z "$_changed" ] && [ -z "${INFRA_REASON:-}" ]; then return 0; fi
  emit infrastructure start "" "switched:${_changed:- none}"
  # shellcheck disable=SC2086
  if [ -z "${INFRA_REASON:-}" ] && gate_infrastructure $_changed; then
    INFRA_SWITCHED=$_changed
    return 0
  fi
  # shellcheck disable=SC2086
  revert_infrastructure $_changed
  return 1
}

# revert_infrastructure NAMES...: back to the image each ran before this run.
# shellcheck disable=SC2317 # called by await_health (ON_OK)
infrastructure_back() { emit rollback ok "$(svc "$1" NAME)" "previous image healthy again"; }
revert_infrastructure() {
  [ "$#" -gt 0 ] || return 0
  _rb="$RUN_DIR/infrastructure-rollback.yml"
  echo "services:" > "$_rb"
  for _ri_name in "$@"; do
    # The pin it ran at (its container config as before), else the image ID it ran.
    _ri_from=$(var "FROM_$(index_of "$_ri_name")") _ri_pin=$(sed -n 2p "$PINS_DIR/$_ri_name" 2>/dev/null)
    if [ -n "$_ri_pin" ] && [ "$(docker image inspect -f '{{.Id}}' "$_ri_pin" 2>/dev/null)" = "$_ri_from" ]; then _ri_from=$_ri_pin; fi
    printf '  %s:\n    image: %s\n' "$_ri_name" "$_ri_from" >> "$_rb"
  done
  if ! _out=$(compose_up "$_rb" -- "$@" 2>&1); then
    emit rollback failed "" "$_out"
    REVERT_FAILED=1
    return 1
  fi
  _ri_all=""
  for _ri_name in "$@"; do _ri_all="$_ri_all $(index_of "$_ri_name")"; done
  # shellcheck disable=SC2086
  if ! await_health all infrastructure_back $_ri_all; then
    for _ri_n in $HEALTH_FAILED; do emit rollback failed "$(svc "$_ri_n" NAME)" "$(var "HEALTH_REASON_$_ri_n")"; done
    REVERT_FAILED=1
  fi
}

# shellcheck disable=SC2317 # called by await_health (ON_OK)
service_back() { emit rollback ok "$(svc "$1" NAME)" "previous version healthy again"; }
MIGRATED=0
REVERT_FAILED=0
PULL_NEVER=""
STARTED_INFRA=""
roll_back() {
  # roll_back REASON
  if [ "$MIGRATED" = 1 ]; then
    emit warning migrations "" "the migrations ran and the database schema stays migrated while the services roll back: the previous version must work with it (expand/contract); backups taken before the migrations: ${BACKUPS_TAKEN:-none}"
  fi
  if [ -n "$INFRA_SWITCHED" ]; then
    emit warning infrastructure "" "infrastructure switched to its new pin stays there while the application services roll back:$INFRA_SWITCHED (data written by a newer version may not open in an older one)"
  fi
  emit rollback start "" "$1"
  renew_lease
  _rb_outcome=rolled-back
  if swarm; then
    swarm_roll_back || _rb_outcome=rollback-failed
  else
  # Services switched stop-first come back the same way; the others by the same hand-over in reverse.
  _rb_stop="" _rb_hand="" _rb_i=0
  for _rb_name in $SERVICES; do
    case " $WITH_TARGET " in *" $_rb_name "*)
      case "$(var "SVC_${_rb_i}_SWITCH")" in
        start-first|proxy) _rb_hand="$_rb_hand $_rb_i" ;;
        *) _rb_stop="$_rb_stop $_rb_name" ;;
      esac ;;
    esac
    _rb_i=$((_rb_i + 1))
  done
  if [ -n "$_rb_stop" ]; then
    # shellcheck disable=SC2086
    if ! _rb_out=$(compose_up "$STATE_DIR/rollback.yml" -- $_rb_stop 2>&1); then
      emit rollback failed "" "$_rb_out"
      _rb_outcome=rollback-failed
    else
      _rb_i=0 _rb_all=""
      for _rb_name in $SERVICES; do
        case " $_rb_stop " in *" $_rb_name "*) _rb_all="$_rb_all $_rb_i" ;; esac
        _rb_i=$((_rb_i + 1))
      done
      # shellcheck disable=SC2086
      if ! await_health all service_back $_rb_all; then
        for _rb_n in $HEALTH_FAILED; do emit rollback failed "$(svc "$_rb_n" NAME)" "$(var "HEALTH_REASON_$_rb_n")"; done
        _rb_outcome=rollback-failed
      fi
    fi
  fi
  for _rb_n in $_rb_hand; do
    _rb_name=$(svc "$_rb_n" NAME)
    if start_first "$_rb_n" "$STATE_DIR/rollback.yml"; then emit rollback ok "$_rb_name" "previous version healthy again"
    else emit rollback failed "$_rb_name" "$SWITCH_REASON"; _rb_outcome=rollback-failed; fi
  done
  for _rb_name in $WITHOUT_TARGET; do
    # shellcheck disable=SC2046
    compose $(overrides) -- stop "$_rb_name" >/dev/null 2>&1
    unroute_service "$_rb_name"
    emit rollback ok "$_rb_name" "stopped: it had no previous version"
  done
  fi
  snapshot
  _rb_i=0
  for _rb_name in $SERVICES; do
    _rb_now=$(running_image "$_rb_name")
    eval "TO_$_rb_i=\$_rb_now"
    emit final ok "$_rb_name" "$_rb_now"
    _rb_i=$((_rb_i + 1))
  done
  for _rb_name in $INFRA; do emit final ok "$_rb_name" "$(running_image "$_rb_name")"; done
  ledger "$_rb_outcome"
  finish "$_rb_outcome" "$1"
}

# detect_pull_never: PULL_NEVER is "--pull never" where Compose's up knows the option.
# COMPOSE_UP_PULL (yes|no), when the plan has it, is what the preflight found (and keeps per Compose
# version): asking Compose costs a second of its start-up.
detect_pull_never() {
  case "${COMPOSE_UP_PULL:-}" in
    yes) PULL_NEVER="--pull never"; return 0 ;;
    no) return 0 ;;
  esac
  [ "$FLAVOR" = v2 ] && docker compose up --help 2>/dev/null | grep -q -- '--pull' && PULL_NEVER="--pull never"
}

# seen STEP STATUS: this run's events have one with that step and status.
seen() { grep -q "\"step\":\"$1\",\"status\":\"$2\"" "$EVENTS"; }

# event_services STEP STATUS: the services of this run's events with that step and status.
event_services() {
  grep -o "\"step\":\"$1\",\"status\":\"$2\",\"service\":\"[^\"]*\"" "$EVENTS" 2>/dev/null | sed 's/.*"service":"\([^"]*\)"$/\1/'
}

# recorded_image NAME: the image the service ran when this run recorded it.
recorded_image() {
  sed -n "s/.*\"step\":\"record\",\"status\":\"ok\",\"service\":\"$1\",\"message\":\"\\([^\"]*\\)\".*/\\1/p" "$EVENTS" | head -n 1
}

# recover: this run's transaction was killed (it left no result), and whatever it had started is
# gone too (the caller killed the rest of its session). A run that had written its ledger line
# ends as that line says; one that had passed its checks and begun to commit is finished; when
# its switch had started, the previous release comes back as in a rollback; before that nothing
# running was changed, unless a service stopped. Frees the lock in every case.
recover() {
  if [ "$(cat "$LOCK_DIR/run" 2>/dev/null)" != "$RUN_ID" ]; then
    emit "done" failed "" "the transaction was killed, and the lock is no longer this run's: check the host (docker compose -p $PROJECT ps)"
    exit 0
  fi
  detect_pull_never
  detect_stack_detach
  [ -f "$RUN_DIR/current.yml" ] && CURRENT_OVERRIDE="$RUN_DIR/current.yml"
  emit recover start "" "the transaction was killed before it ended"
  start_lease_keeper
  remember_switches
  _rc_ledger=$(grep -F "\"run\":\"$RUN_ID\"" "$STATE_DIR/releases.jsonl" 2>/dev/null | tail -n 1 | sed -n 's/.*"result":"\([a-z-]*\)".*/\1/p')
  if [ -n "$_rc_ledger" ]; then
    finish "$_rc_ledger" "the transaction was killed after it had recorded its result ($_rc_ledger) in the ledger"
  fi
  WITH_TARGET=" $(event_services target ok | tr '\n' ' ')" WITHOUT_TARGET=" $(event_services target none | tr '\n' ' ')"
  _rc_i=0
  for _rc_name in $SERVICES $INFRA; do
    _rc_from=$(recorded_image "$_rc_name")
    eval "FROM_$_rc_i=\$_rc_from"
    _rc_i=$((_rc_i + 1))
  done
  _rc_backups=$(event_services backup ok | tr '\n' ' ')
  seen migrations ok && MIGRATED=1
  if seen migrations start && ! seen migrations ok && ! seen migrations failed; then
    # Its container outlives the killed compose client: stop it before anything else runs.
    remove_migration_containers
    emit warning migrations "" "the migrations were running when the transaction was killed and were stopped: the database may be partly migrated; backups taken before them:${_rc_backups:- none}"
  fi
  if seen commit start; then
    COMMIT_REASON="the transaction was killed after the release had passed its health and smoke checks; it was finished (post_deploy hooks may not have run)"
    SKIP_POST_HOOKS=1
    commit
  fi
  if seen switch start && [ -s "$STATE_DIR/rollback.yml" ]; then
    roll_back "the transaction was killed after its switch had started; the previous release was brought back"
  fi
  _rc_down=""
  snapshot
  for _rc_name in $SERVICES $INFRA; do
    [ -n "$(running_image "$_rc_name")" ] || _rc_down="$_rc_down $_rc_name"
  done
  abort_unchanged "the transaction was killed before its switch${_rc_down:+; not running:$_rc_down (start them with: docker compose -p $PROJECT up -d$_rc_down)}"
}

# start_run: the lease keeper, and what every step needs.
start_run() {
  emit transaction start "" "run $RUN_ID on $(hostname)"
  start_lease_keeper
  mkdir -p "$STATE_DIR/good"
  # Backups a killed run left half-written (the lock says no other run is writing one now).
  rm -f "$BACKUPS_DIR"/*/*.partial
  detect_pull_never
  detect_stack_detach
}

# start_lease_keeper: the lease is renewed for the whole run (or recovery), whatever it waits for
# (compose up, health, backups), by a keeper that stops when this shell is gone (a SIGKILL) or the
# lock is no longer this run's: then the lease runs out and the next deploy can take the lock over.
# A program of its own (named stack-deploy-lease-keeper in the process list); a main shell that
# is gone, or a zombie nobody reaped yet, stops it.
start_lease_keeper() {
  renew_lease
  # shellcheck disable=SC2016
  sh -c 'main=$1 lock=$2 run=$3 lease=$4
    alive() { kill -0 "$1" 2>/dev/null && ! grep -qs "^State:[[:space:]]*Z" "/proc/$1/status"; }
    while sleep "$5"; do
      alive "$main" || exit 0
      [ "$(cat "$lock/run" 2>/dev/null)" = "$run" ] || exit 0
      echo $(( $(date +%s) + lease )) > "$lock/expires.tmp" && mv -f "$lock/expires.tmp" "$lock/expires"
    done' stack-deploy-lease-keeper "$$" "$LOCK_DIR" "$RUN_ID" "$LEASE_SECONDS" "${LEASE_RENEW_SECONDS:-10}" > /dev/null 2>&1 < /dev/null &
  LEASE_KEEPER=$!
}

# remember_switches: how each application service is switched, as the deploy planned it, kept
# in STATE_DIR/switch/<name> (strategy, replicas, routes, drain seconds, direct health URL: a line
# each); a run whose plan does not say (a rollback reads no compose files) switches it as the
# last deploy did. Then PROXIED_OVERRIDE: the published ports of every service behind the proxy
# are reset, the proxy owns them.
remember_switches() {
  mkdir -p "$STATE_DIR/switch" || return 1
  _rm_i=0
  for _rm_name in $SERVICES; do
    _rm_file="$STATE_DIR/switch/$_rm_name"
    if [ -n "$(var "SVC_${_rm_i}_SWITCH")" ]; then
      printf '%s\n' "$(var "SVC_${_rm_i}_SWITCH")" "$(var "SVC_${_rm_i}_REPLICAS")" "$(var "SVC_${_rm_i}_ROUTES")" \
        "$(var "SVC_${_rm_i}_DRAIN_S")" "$(var "SVC_${_rm_i}_DIRECT_URL")" "$(var "SVC_${_rm_i}_HOST_NAMES")" > "$_rm_file.tmp" && mv -f "$_rm_file.tmp" "$_rm_file" || return 1
    elif [ -f "$_rm_file" ]; then
      _rm_l=1
      for _rm_var in SWITCH REPLICAS ROUTES DRAIN_S DIRECT_URL HOST_NAMES; do
        _rm_v=$(sed -n "${_rm_l}p" "$_rm_file")
        eval "SVC_${_rm_i}_${_rm_var}=\$_rm_v"
        _rm_l=$((_rm_l + 1))
      done
    fi
    _rm_i=$((_rm_i + 1))
  done
  # A service the compose files no longer define: an override naming it would make the project
  # invalid, and its route would hold its port.
  if [ -n "${COMPOSE_SERVICES:-}" ]; then
    for _rm_file in "$STATE_DIR"/switch/*; do
      [ -f "$_rm_file" ] || continue
      case " $COMPOSE_SERVICES " in *" ${_rm_file##*/} "*) continue ;; esac
      rm -f "$_rm_file"
      unroute_service "${_rm_file##*/}"
    done
  fi
  _rm_yml="services:"
  for _rm_file in "$STATE_DIR"/switch/*; do
    [ -f "$_rm_file" ] && [ "$(sed -n 1p "$_rm_file")" = proxy ] && _rm_yml="$_rm_yml
  ${_rm_file##*/}:
    ports: !reset []"
  done
  if [ "$_rm_yml" = "services:" ]; then rm -f "$PROXIED_OVERRIDE"; return 0; fi
  printf '%s\n' "$_rm_yml" > "$PROXIED_OVERRIDE.tmp" && mv -f "$PROXIED_OVERRIDE.tmp" "$PROXIED_OVERRIDE"
}

# image_known IMAGE: the host has IMAGE (record's one image inspect listed it; an image named
# otherwise than by its ID is asked for on its own).
image_known() {
  case "$1" in
    sha256:*) image_tags "$1" ;;
    *) docker image inspect "$1" >/dev/null 2>&1 ;;
  esac
}

# image_tags ID: _IT_TAGS set to the image's tags as record's image inspect listed them (" a b ");
# 1 when it did not list the image.
image_tags() {
  while read -r _it_id _IT_TAGS; do
    [ "$_it_id" = "$1" ] && { _IT_TAGS=" $_IT_TAGS "; return 0; }
  done <<EOF_IMAGES
$_rec_images
EOF_IMAGES
  _IT_TAGS=""
  return 1
}

# good_of NAME: _GOOD set to the image of the service's last good release ('' when none).
good_of() { { read -r _GOOD < "$STATE_DIR/good/$1"; } 2>/dev/null || _GOOD=""; }

# record: what runs now, and the image to come back to (the last good release first), in
# FROM_<i>, TARGET_<i>, WITH_TARGET, WITHOUT_TARGET and STATE_DIR/rollback.yml.
record() {
  emit record start "" ""
  snapshot
  _rec_yml="services:"
  _rec_i=0
  WITH_TARGET="" WITHOUT_TARGET="" _rec_tags=""
  # Every image a service may come back to (its last good release, the image it runs), with its
  # tags, in one docker call: an image that is gone prints nothing.
  _rec_images=""
  if ! swarm; then
    _rec_candidates=""
    for _rec_name in $SERVICES; do
      good_of "$_rec_name"
      snap_find "$_rec_name"
      _rec_candidates="$_rec_candidates $_GOOD $SP_I"
    done
    # shellcheck disable=SC2086
    [ -n "${_rec_candidates## }" ] && _rec_images=$(docker image inspect -f '{{.Id}} {{range .RepoTags}}{{.}} {{end}}' $_rec_candidates 2>/dev/null)
  fi
  for _rec_name in $SERVICES; do
    snap_find "$_rec_name"
    _rec_running=$SP_I
    good_of "$_rec_name"
    _rec_good=$_GOOD
    _rec_target=""
    # Under Swarm the good release is a digest reference its nodes pull (an image ID, written
    # while the environment ran on Compose, is not). Under Compose an image ID the host still has.
    if [ -n "$_rec_good" ] && if swarm; then case "$_rec_good" in *@sha256:*) true ;; *) false ;; esac; else image_known "$_rec_good"; fi; then _rec_target=$_rec_good; else _rec_target=$_rec_running; fi
    eval "FROM_$_rec_i=\$_rec_running"
    eval "TARGET_$_rec_i=\$_rec_target"
    if [ -n "$_rec_target" ]; then
      if swarm; then
        _rec_ref=$_rec_target
      else
        getv _rec_ref "SVC_${_rec_i}_ROLLBACK_REF"
        # Tagged below, all at once (unless the tag names that image already).
        image_tags "$_rec_target"
        case "$_IT_TAGS" in
          *" $_rec_ref "*) ;;
          *) docker tag "$_rec_target" "$_rec_ref" 2> "$RUN_DIR/tag-$_rec_name.err" &
             _rec_tags="$_rec_tags $!:$_rec_name" ;;
        esac
      fi
      _rec_yml="$_rec_yml
  $_rec_name:
    image: $_rec_ref"
      WITH_TARGET="$WITH_TARGET $_rec_name"
      emit record ok "$_rec_name" "$_rec_running"
      emit target ok "$_rec_name" "$_rec_target"
    else
      WITHOUT_TARGET="$WITHOUT_TARGET $_rec_name"
      # Under Swarm, going back means no task of it (Compose stops it instead).
      swarm && _rec_yml="$_rec_yml
  $_rec_name:
    deploy:
      replicas: 0"
      emit record ok "$_rec_name" "$_rec_running"
      emit target none "$_rec_name" "first deploy: nothing to roll back to"
    fi
    _rec_i=$((_rec_i + 1))
  done
  for _rec_name in $INFRA; do
    _rec_image=$(running_image "$_rec_name")
    eval "FROM_$_rec_i=\$_rec_image"
    emit record ok "$_rec_name" "$_rec_image"
    # Under Swarm the whole stack goes back: the infrastructure to the image it runs now.
    swarm && [ -n "$_rec_image" ] && _rec_yml="$_rec_yml
  $_rec_name:
    image: $_rec_image"
    _rec_i=$((_rec_i + 1))
  done
  # The rollback tags, set at the same time: any that failed, and nothing changes.
  for _rec_tag in $_rec_tags; do
    if ! wait "${_rec_tag%%:*}"; then
      _rec_name=${_rec_tag#*:}
      abort_unchanged "tagging $_rec_name's rollback image $(svc "$(index_of "$_rec_name")" ROLLBACK_REF) failed: $(cat "$RUN_DIR/tag-$_rec_name.err" 2>/dev/null)"
    fi
  done
  # docker stack deploy refuses a file whose services are null.
  swarm && [ "$_rec_yml" = "services:" ] && _rec_yml="services: {}"
  if swarm && ! write_current_override; then
    abort_unchanged "the services this run leaves alone cannot be listed (docker compose config --services) or written to $RUN_DIR/current.yml"
  fi
  # A rollback reads this file: if it cannot be written whole (a full disk), nothing may change.
  if ! { printf '%s\n' "$_rec_yml" > "$STATE_DIR/rollback.yml.tmp" && [ -s "$STATE_DIR/rollback.yml.tmp" ] &&
    mv -f "$STATE_DIR/rollback.yml.tmp" "$STATE_DIR/rollback.yml"; }; then
    abort_unchanged "the recorded state $STATE_DIR/rollback.yml cannot be written (is the disk full?)"
  fi
  write_pins_override || abort_unchanged "the resolved pins $PINS_OVERRIDE cannot be written (is the disk full?)"
  remember_switches || abort_unchanged "how the services are switched cannot be written under $STATE_DIR/switch (is the disk full?)"
}

# prepare: before the switch (nothing running changes here): pre_deploy hooks, missing
# infrastructure, backups, changed infrastructure, migrations.
prepare() {
  if ! run_hooks PRE pre_deploy; then abort_unchanged "$HOOK_REASON"; fi
  start_missing_infrastructure || abort_unchanged "$INFRA_REASON"
  if [ "$BACKUP_COUNT" -gt 0 ]; then
    if has_successful_release; then
      take_backups || abort_unchanged "$BACKUP_REASON; the migrations did not run"
    else
      _b=0
      while [ "$_b" -lt "$BACKUP_COUNT" ]; do
        emit backup skipped "$(var "BACKUP_${_b}_NAME")" "no release of this environment succeeded yet: nothing to protect"
        _b=$((_b + 1))
      done
    fi
  fi
  if ! switch_infrastructure; then
    if [ "$REVERT_FAILED" = 1 ]; then
      snapshot
      ledger rollback-failed
      finish rollback-failed "$INFRA_REASON; going back to the previous image did not finish cleanly: check the host"
    fi
    abort_unchanged "$INFRA_REASON; it is back on its previous image and nothing else changed"
  fi
  # Under Swarm the pins switch with the stack: recorded once it is committed.
  [ -n "$INFRA" ] && ! swarm && record_pins
  if [ -n "$MIGRATE_SERVICE" ]; then
    emit migrations start "$MIGRATE_SERVICE" "$MIGRATE_CMD"
    renew_lease
    if run_migrations; then
      MIGRATED=1
      emit migrations ok "$MIGRATE_SERVICE" ""
    else
      emit migrations failed "$MIGRATE_SERVICE" "$MIGRATE_REASON; backups kept: ${BACKUPS_TAKEN:-none}"
      abort_unchanged "migrations failed ($MIGRATE_REASON); backups kept: ${BACKUPS_TAKEN:-none}"
    fi
  fi
}

# switch: the application services to the release's images.
switch() {
  emit switch start "" "$SERVICES"
  renew_lease
  if swarm; then swarm_switch; return; fi
  _sw_i=0 _sw_stop_first="" _sw_start_first=""
  for _sw_name in $SERVICES; do
    case "$(var "SVC_${_sw_i}_SWITCH")" in
      start-first|proxy) _sw_start_first="$_sw_start_first $_sw_i" ;;
      *) _sw_stop_first="$_sw_stop_first $_sw_name" ;;
    esac
    _sw_i=$((_sw_i + 1))
  done
  # A service no longer behind the proxy publishes its ports itself again: the proxy lets them go first.
  _sw_i=0
  for _sw_name in $SERVICES; do
    [ "$(var "SVC_${_sw_i}_SWITCH")" != proxy ] && unroute_service "$_sw_name"
    _sw_i=$((_sw_i + 1))
  done
  if [ -n "$_sw_stop_first" ]; then
    # shellcheck disable=SC2086
    _sw_out=$(compose_up -- $_sw_stop_first 2>&1)
    _sw_rc=$?
    if [ "$_sw_rc" -ne 0 ]; then
      emit switch failed "" "$_sw_out"
      roll_back "docker compose up $(rc_text "$_sw_rc" "${COMPOSE_TIMEOUT_S:-600}")"
    fi
  fi
  for _sw_n in $_sw_start_first; do
    _sw_name=$(svc "$_sw_n" NAME)
    if ! start_first "$_sw_n"; then
      # Its old containers never stopped: nothing of it to bring back.
      WITH_TARGET=$(printf '%s' " $WITH_TARGET " | sed "s/ $_sw_name / /")
      emit switch failed "$_sw_name" "$SWITCH_REASON; its running containers were left as they were"
      roll_back "$_sw_name: $SWITCH_REASON"
    fi
    emit switch ok "$_sw_name" "started next to the running containers, which stopped once it was healthy"
  done
  emit switch ok "" ""
}

# start_first N [OVERRIDE]: starts the service's new containers (its release's image, or the one
# OVERRIDE names: a rollback) next to the running ones, as many as it should run (REPLICAS),
# without recreating these; waits until each new one is healthy; behind the proxy, moves the
# routes to the new ones and lets the old ones drain; then stops the old ones (each within its
# stop_grace_period) and removes them. 1 (SWITCH_REASON set) when that fails: the new containers
# are removed, and the old ones serve on.
start_first() {
  _sf_name=$(svc "$1" NAME) _sf_override=${2:-}
  _sf_log="$RUN_DIR/switch-$_sf_name.log"
  _sf_old=$(containers_of "$_sf_name" | tr '\n' ' ')
  # A stopped container would be started again instead of a new one being made.
  # shellcheck disable=SC2046
  docker rm $(containers_of "$_sf_name" exited) $(containers_of "$_sf_name" created) > /dev/null 2>&1
  _sf_count=$(printf '%s' "$_sf_old" | wc -w | tr -d ' ')
  _sf_want=$(var "SVC_${1}_REPLICAS")
  _sf_want=${_sf_want:-1}
  if [ "$_sf_count" -eq 0 ]; then
    # Nothing runs that must keep running: a plain start.
    # shellcheck disable=SC2086
    compose_up $_sf_override -- "$_sf_name" > "$_sf_log" 2>&1 || { SWITCH_REASON="docker compose up failed: $(tail -n 5 "$_sf_log")"; return 1; }
    if [ "$(var "SVC_${1}_SWITCH")" = proxy ]; then
      # Routed only once healthy: no request reaches a container before it passed its check.
      _sf_new=$(containers_of "$_sf_name" | tr '\n' ' ')
      for _sf_c in $_sf_new; do
        wait_healthy "$1" "$_sf_c" || { SWITCH_REASON="the new container is not healthy: $HEALTH_REASON"; return 1; }
      done
      ensure_proxy && route_service "$1" "$_sf_new" || return 1
    fi
    return 0
  fi
  # shellcheck disable=SC2046,SC2086
  if ! compose $(overrides $_sf_override) -- up -d --no-build --no-deps --no-recreate $PULL_NEVER --scale "$_sf_name=$((_sf_count + _sf_want))" "$_sf_name" > "$_sf_log" 2>&1; then
    SWITCH_REASON="docker compose up failed: $(tail -n 5 "$_sf_log")"
    _sf_new=$(new_containers "$_sf_name" "$_sf_old")
    # shellcheck disable=SC2086
    [ -n "$_sf_new" ] && docker rm -f $_sf_new > /dev/null 2>&1
    return 1
  fi
  _sf_new=$(new_containers "$_sf_name" "$_sf_old")
  if [ -z "$_sf_new" ]; then
    SWITCH_REASON="docker compose up started no new container"
    return 1
  fi
  for _sf_c in $_sf_new; do
    if ! wait_healthy "$1" "$_sf_c"; then
      SWITCH_REASON="the new container is not healthy: $HEALTH_REASON"
      emit logs failed "$_sf_name" "$(docker logs --tail 50 "$_sf_c" 2>&1 | tail -n 50)"
      # shellcheck disable=SC2086
      docker rm -f $_sf_new > /dev/null 2>&1
      return 1
    fi
  done
  if [ "$(var "SVC_${1}_SWITCH")" = proxy ] && ! hand_over "$1" "$_sf_old" "$_sf_new"; then
    # shellcheck disable=SC2086
    docker rm -f $_sf_new > /dev/null 2>&1
    return 1
  fi
  # shellcheck disable=SC2086
  docker stop $_sf_old > /dev/null 2>&1
  # shellcheck disable=SC2086
  docker rm $_sf_old > /dev/null 2>&1
  return 0
}

# hand_over N OLD_IDS NEW_IDS: the proxy's routes of the service move to its new containers; the
# old ones keep the connections they have until these end, at most the drain timeout. Old
# containers that still publish the ports themselves (the first deploy behind the proxy) stop
# first, so that the proxy can take the ports: the only gap, once. 1 (SWITCH_REASON set) when
# the routes cannot move: the old containers serve on (started again if they had stopped).
hand_over() {
  _ho_freed=""
  for _ho_c in $2; do
    [ -n "$(docker port "$_ho_c" 2>/dev/null)" ] && _ho_freed="$_ho_freed $_ho_c"
  done
  # shellcheck disable=SC2086
  [ -n "$_ho_freed" ] && docker stop $_ho_freed > /dev/null 2>&1
  emit proxy start "$(svc "$1" NAME)" "moving its routes to the new container"
  if ! ensure_proxy || ! route_service "$1" "$3"; then
    # shellcheck disable=SC2086
    [ -n "$_ho_freed" ] && docker start $_ho_freed > /dev/null 2>&1
    return 1
  fi
  emit proxy ok "$(svc "$1" NAME)" "routes moved to the new container; the old one drains for at most $(var "SVC_${1}_DRAIN_S")s"
  wait_drained "$1"
}

# The host's proxy: one nginx container for every stack on the host (network host), configured
# from PROXY_DIR (outside every environment's path): nginx.conf, and conf.d/<project>--<service>.conf
# for each proxied service. A route change rewrites one file and reloads nginx gracefully, under
# a host-wide lock held only for the change: new connections go to the new upstream at once,
# while the old workers finish the connections they hold (worker_shutdown_timeout: the longest
# drain timeout on the host).
PROXY_CONTAINER=stack-deploy-proxy
PROXY_DIR=${PROXY_DIR:-${HOME:-}/${PROXY_DIR_IN_HOME:-.stack-deploy-proxy}}

# route_file NAME, drain_file NAME: where the proxy keeps a service's route, and its drain seconds.
route_file() { printf '%s' "$PROXY_DIR/conf.d/$PROJECT--$1.conf"; }
drain_file() { printf '%s' "$PROXY_DIR/drain/$PROJECT--$1"; }

# proxy_nginx ARGS: nginx in the proxy container, with the configuration stack-deploy writes.
proxy_nginx() { docker exec "$PROXY_CONTAINER" nginx -c /etc/stack-deploy-proxy/nginx.conf "$@"; }

# container_ip CID: the container's address on its first network.
container_ip() {
  docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}' "$1" 2>/dev/null | awk '{ print $1 }'
}

# write_proxy_conf: nginx.conf, with the longest drain timeout of every proxied service on the host.
write_proxy_conf() {
  _wp_drain=$(cat "$PROXY_DIR"/drain/* 2>/dev/null | sort -n | tail -n 1)
  cat > "$PROXY_DIR/nginx.conf.tmp" <<EOF || return 1
# Written by stack-deploy: the host's proxy. Routes: conf.d/, one file per proxied service.
worker_processes auto;
pid /tmp/stack-deploy-proxy.pid;
worker_shutdown_timeout ${_wp_drain:-30}s;
events { worker_connections 4096; }
http {
  access_log off;
  # The app decides what it accepts, as it did when it published its ports itself.
  client_max_body_size 0;
  # Each client connection closes after its response: a reload then never closes an idle
  # connection that a client is about to reuse (a request sent on it would be lost).
  keepalive_timeout 0;
  map \$http_upgrade \$connection_upgrade { default upgrade; '' close; }
  include /etc/stack-deploy-proxy/conf.d/*.conf;
}  # http
EOF
  mv -f "$PROXY_DIR/nginx.conf.tmp" "$PROXY_DIR/nginx.conf"
}

# ensure_proxy: the proxy runs (started with PROXY_IMAGE the first time; a running proxy is never
# restarted by a deploy, whatever image it runs). 1 (SWITCH_REASON set) when it cannot start.
ensure_proxy() {
  _ep_running=$(docker inspect -f '{{.State.Running}}' "$PROXY_CONTAINER" 2>/dev/null)
  if [ -n "$_ep_running" ]; then
    # One proxy per host, configured from one directory: a proxy started by another SSH user
    # reads another directory, and would never see this deploy's routes.
    _ep_source=$(docker inspect -f '{{range .Mounts}}{{if eq .Destination "/etc/stack-deploy-proxy"}}{{.Source}}{{end}}{{end}}' "$PROXY_CONTAINER" 2>/dev/null)
    if [ "$_ep_source" != "$PROXY_DIR" ] && [ "$_ep_source" != "$(cd "$PROXY_DIR" 2>/dev/null && pwd -P)" ]; then
      SWITCH_REASON="the host's proxy ($PROXY_CONTAINER) reads its routes from ${_ep_source:-nowhere}, not from $PROXY_DIR: deploy every stack behind the proxy on this host as the same SSH user"
      return 1
    fi
  fi
  [ "$_ep_running" = true ] && return 0
  if ! { mkdir -p "$PROXY_DIR/conf.d" "$PROXY_DIR/drain" && write_proxy_conf; }; then
    SWITCH_REASON="the proxy's configuration cannot be written under $PROXY_DIR"
    return 1
  fi
  if [ "$_ep_running" = false ]; then
    docker start "$PROXY_CONTAINER" > /dev/null 2>&1 && return 0
    docker rm -f "$PROXY_CONTAINER" > /dev/null 2>&1
  fi
  # The image as the pull phase resolved it (a digest), else as stack.yml names it.
  _ep_image=$(resolved_pin stack-deploy-proxy)
  _ep_image=${_ep_image:-${PROXY_IMAGE:-}}
  if ! _ep_out=$(docker run -d --name "$PROXY_CONTAINER" --restart unless-stopped --network host \
    --label org.stack-deploy.proxy=true -v "$PROXY_DIR:/etc/stack-deploy-proxy:ro" "$_ep_image" \
    nginx -c /etc/stack-deploy-proxy/nginx.conf -g 'daemon off;' 2>&1); then
    SWITCH_REASON="the proxy ($_ep_image) does not start: $_ep_out"
    return 1
  fi
  emit proxy ok "" "started $PROXY_CONTAINER ($_ep_image)"
}

# route_service N CIDS: the service's routes (SVC_N_ROUTES: host_ip/published/target, host_ip *
# for every address) go to those containers; nginx checks the new configuration before it is
# used, and the previous one stays when it fails. 1 (SWITCH_REASON set) on failure.
route_service() {
  _rs_name=$(svc "$1" NAME)
  _rs_conf=$(route_file "$_rs_name")
  _rs_servers=""
  for _rs_c in $2; do
    _rs_ip=$(container_ip "$_rs_c")
    [ -n "$_rs_ip" ] || { SWITCH_REASON="container $_rs_c of $_rs_name has no network address the proxy can reach"; return 1; }
    _rs_servers="$_rs_servers $_rs_ip"
  done
  {
    echo "# Written by stack-deploy: $PROJECT $_rs_name, run $RUN_ID."
    set -f # a route of every address starts with *
    for _rs_route in $(var "SVC_${1}_ROUTES"); do
      _rs_host=${_rs_route%%/*} _rs_rest=${_rs_route#*/}
      _rs_pub=${_rs_rest%%/*} _rs_target=${_rs_rest#*/}
      _rs_up="sd_${PROJECT}_${_rs_name}_$_rs_pub"
      printf 'upstream %s {\n' "$_rs_up"
      for _rs_ip in $_rs_servers; do printf '  server %s:%s;\n' "$_rs_ip" "$_rs_target"; done
      printf '}\nserver {\n  listen %s:%s;\n' "$_rs_host" "$_rs_pub"
      # Every address, as Docker publishes it: IPv6 too.
      [ "$_rs_host" = '*' ] && [ -f /proc/net/if_inet6 ] && printf '  listen [::]:%s;\n' "$_rs_pub"
      # Routed by the request's host name where stack.yml gives names (validated there).
      [ -n "$(var "SVC_${1}_HOST_NAMES")" ] && printf '  server_name %s;\n' "$(var "SVC_${1}_HOST_NAMES")"
      printf '  location / {\n    proxy_pass http://%s;\n' "$_rs_up"
      # shellcheck disable=SC2016 # nginx variables
      printf '    proxy_http_version 1.1;\n    proxy_set_header Host $http_host;\n    proxy_set_header Upgrade $http_upgrade;\n'
      # shellcheck disable=SC2016 # nginx variables
      printf '    proxy_set_header Connection $connection_upgrade;\n    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n'
      printf '    proxy_read_timeout 1h;\n    proxy_send_timeout 1h;\n  }\n}\n'
    done
    set +f
  } > "$_rs_conf.next" || { SWITCH_REASON="the proxy's route file cannot be written under $PROXY_DIR"; return 1; }
  if ! (
    flock -w 60 9 || { echo "another deploy kept the proxy's lock for 60 s" > "$RUN_DIR/proxy.log"; exit 1; }
    # Two services on one address and port: only told apart by their host names.
    awk '$1 == "listen" { sub(/;$/, "", $2); print $2 }' "$_rs_conf.next" | while read -r _rs_listen; do
      for _rs_other in "$PROXY_DIR"/conf.d/*.conf; do
        [ -f "$_rs_other" ] && [ "$_rs_other" != "$_rs_conf" ] || continue
        grep -qxF "  listen $_rs_listen;" "$_rs_other" || continue
        if ! grep -q '^  server_name ' "$_rs_conf.next" || ! grep -q '^  server_name ' "$_rs_other"; then
          echo "$_rs_listen is already served by the proxy for $(basename "$_rs_other" .conf | sed 's/--/ /'): give both services host names (environments.<env>.host_names), or another port" > "$RUN_DIR/proxy.log"
          exit 1
        fi
      done
    done || { rm -f "$_rs_conf.next"; exit 1; }
    [ -f "$_rs_conf" ] && cp -p "$_rs_conf" "$_rs_conf.prev"
    { mv -f "$_rs_conf.next" "$_rs_conf" && printf '%s\n' "$(var "SVC_${1}_DRAIN_S")" > "$(drain_file "$_rs_name")" && write_proxy_conf; } || exit 1
    if ! proxy_nginx -t > "$RUN_DIR/proxy.log" 2>&1; then
      restore_route "$_rs_conf"
      exit 1
    fi
    _rs_before=$(proxy_workers)
    if ! proxy_nginx -s reload >> "$RUN_DIR/proxy.log" 2>&1; then
      restore_route "$_rs_conf"
      proxy_nginx -s reload > /dev/null 2>&1
      exit 1
    fi
    # The reload returns before the new workers run: wait (at most 5 s) until none of the
    # workers that took connections before is among those that take them now.
    _rs_t=0
    while [ "$_rs_t" -lt 100 ]; do
      _rs_now=$(proxy_workers)
      _rs_same=""
      for _rs_p in $_rs_now; do case " $_rs_before " in *" $_rs_p "*) _rs_same=1 ;; esac; done
      [ -n "$_rs_now" ] && [ -z "$_rs_same" ] && break
      sleep 0.05
      _rs_t=$((_rs_t + 1))
    done
    # nginx keeps its old workers when it cannot apply the configuration (a port that another
    # process holds, for one): the routes did not move.
    if [ "$_rs_t" -ge 100 ]; then
      echo "nginx did not apply the new configuration within 5 s (see: docker logs $PROXY_CONTAINER)" >> "$RUN_DIR/proxy.log"
      restore_route "$_rs_conf"
      proxy_nginx -s reload > /dev/null 2>&1
      exit 1
    fi
  ) 9> "$PROXY_DIR/lock"; then
    SWITCH_REASON="the proxy did not take the new route: $(tail -n 5 "$RUN_DIR/proxy.log" 2>/dev/null)"
    return 1
  fi
  rm -f "$_rs_conf.prev"
}

# restore_route CONF: the route file as it was before this change (none, if there was none); a
# proxy that already loaded the new one is reloaded by the caller.
restore_route() {
  if [ -f "$1.prev" ]; then mv -f "$1.prev" "$1"; else rm -f "$1"; fi
}

# unroute_service NAME: the proxy stops serving the service's ports (its route file goes, nginx
# reloads), so that the service can publish them itself again; nothing for a service it does not serve.
unroute_service() {
  [ -f "$(route_file "$1")" ] || return 0
  (
    flock -w 60 9 || exit 1
    rm -f "$(route_file "$1")" "$(drain_file "$1")"
    write_proxy_conf || exit 1
    proxy_nginx -s reload > /dev/null 2>&1
  ) 9> "$PROXY_DIR/lock"
  emit proxy ok "$1" "no longer behind the proxy: it publishes its ports itself again"
}

# proxy_processes: the proxy container's processes, as `pid args` lines.
proxy_processes() { docker top "$PROXY_CONTAINER" -o pid,args 2>/dev/null; }

# proxy_workers: the pids of the proxy's workers that take new connections.
proxy_workers() {
  proxy_processes | awk '/nginx: worker process$/ { print $1 }' | tr '\n' ' '
}

# wait_drained N: until no old nginx worker holds connections any more, at most the service's drain timeout.
wait_drained() {
  _wd_deadline=$(( $(date +%s) + $(var "SVC_${1}_DRAIN_S") ))
  while proxy_processes | grep -q 'shutting down'; do
    [ "$(date +%s)" -ge "$_wd_deadline" ] && return 0
    sleep 0.2
  done
}

# new_containers NAME OLD_IDS: the service's running containers that are not among OLD_IDS.
new_containers() {
  for _nc in $(containers_of "$1"); do
    case " $2 " in *" $_nc "*) ;; *) printf '%s ' "$_nc" ;; esac
  done
}

# verify: every service healthy within its timeout (checked together), then the smoke checks; a
# failure rolls back.
# shellcheck disable=SC2317 # called by await_health (ON_OK)
health_ok() { emit health ok "$(svc "$1" NAME)" ""; }
verify() {
  _ver_i=0 _ver_all=""
  for _ver_name in $SERVICES; do
    emit health start "$_ver_name" ""
    _ver_all="$_ver_all $_ver_i"
    _ver_i=$((_ver_i + 1))
  done
  # shellcheck disable=SC2086
  if ! await_health first health_ok $_ver_all; then
    _ver_name=$(svc "$HEALTH_FAILED" NAME)
    emit health failed "$_ver_name" "$HEALTH_REASON"
    emit logs failed "$_ver_name" "$(service_logs "$_ver_name" "$(snap "$_ver_name" container)")"
    roll_back "$_ver_name: $HEALTH_REASON"
  fi
  # Smoke checks against the whole stack; a failure rolls back like a failed health check.
  if [ "$SMOKE_COUNT" -gt 0 ]; then
    run_smoke || roll_back "$SMOKE_REASON"
  fi
}

# commit: these images are now the last good release; post_deploy hooks; the ledger.
commit() {
  emit commit start "" ""
  snapshot
  _com_i=0
  for _com_name in $SERVICES; do
    _com_image=$(running_image "$_com_name")
    if ! { echo "$_com_image" > "$STATE_DIR/good/$_com_name.tmp" && mv -f "$STATE_DIR/good/$_com_name.tmp" "$STATE_DIR/good/$_com_name"; }; then
      emit warning state "$_com_name" "$STATE_DIR/good/$_com_name cannot be written (is the disk full?): the next rollback of $_com_name goes to the image it runs before that deploy"
    fi
    eval "TO_$_com_i=\$_com_image"
    emit final ok "$_com_name" "$_com_image"
    _com_i=$((_com_i + 1))
  done
  for _com_name in $INFRA; do emit final ok "$_com_name" "$(running_image "$_com_name")"; done
  swarm && [ -n "$INFRA" ] && record_pins
  # post_deploy hooks: the release stays; a failing hook is a warning.
  if [ -z "${SKIP_POST_HOOKS:-}" ] && ! run_hooks POST post_deploy; then
    emit warning hooks "" "$HOOK_REASON; the deploy stays (it is healthy and passed its smoke checks)"
  fi
  ledger success
  finish success "${COMMIT_REASON:-deployed}"
}

# ---------------------------------------------------------------- Swarm (ENGINE=swarm)

# detect_stack_detach: STACK_DETACH is --detach=true where `docker stack deploy` knows it (it
# waits for nothing then, as before the option existed: swarm_converge waits).
STACK_DETACH=""
detect_stack_detach() {
  swarm && docker stack deploy --help 2>/dev/null | grep -q -- '--detach' && STACK_DETACH="--detach=true"
}

# write_current_override: every service of the compose files that this run does not switch (a
# release of some services, a rollback of some), at the image it runs now: a stack deploy
# redeploys every service, and would otherwise take them off their pinned digests.
CURRENT_OVERRIDE=""
write_current_override() {
  CURRENT_OVERRIDE="$RUN_DIR/current.yml"
  _wc_defined=$(compose -- config --services 2>/dev/null) || return 1
  _wc_yml=""
  snapshot
  for _wc in $_wc_defined; do
    case " $SERVICES $INFRA " in *" $_wc "*) continue ;; esac
    _wc_image=$(running_image "$_wc")
    [ -n "$_wc_image" ] && _wc_yml="$_wc_yml
  $_wc:
    image: $_wc_image"
  done
  # docker stack deploy refuses a file whose services are null.
  printf 'services:%s\n' "${_wc_yml:- {\}}" > "$CURRENT_OVERRIDE"
}

# stack_deploy [OVERRIDE...]: the stack from the compose files, the release's images and pins,
# each service's update_config (SWARM_FILE), and OVERRIDE...; ${VAR} in the files come from the
# env file (ENV_SCRIPT), as Compose reads them. The images are digests: nothing is resolved.
stack_deploy() {
  _sd_files=""
  for _sd_f in $COMPOSE_FILES $CURRENT_OVERRIDE $(overrides) "$SWARM_FILE" "$@"; do _sd_files="$_sd_files -c $_sd_f"; done
  (
    set -a
    # shellcheck source=/dev/null # written by stack-deploy for each run
    . "$ENV_SCRIPT" || exit 1
    set +a
    # shellcheck disable=SC2086
    timeout -k 10 "${COMPOSE_TIMEOUT_S:-600}" docker stack deploy --with-registry-auth --resolve-image never $STACK_DETACH $_sd_files "$PROJECT"
  ) < /dev/null
}

# swarm_check N SECONDS: 0 when the service passes its health.http or health.cmd (a task on this
# node) within SECONDS; without either, Swarm's own convergence (its healthcheck) was the gate.
swarm_check() {
  case "$(svc "$1" HEALTH)" in
    http) probe_http "$(svc "$1" URL)" "$2" ;;
    cmd)
      _sc_cid=$(container_of "$(svc "$1" NAME)")
      [ -n "$_sc_cid" ] || return 1
      probe "$1" "$_sc_cid" "$2" ;;
    *) return 0 ;;
  esac
}

# swarm_state SINCE: a line per service of the stack: name, update state, tasks wanted (-1:
# global, -2: a job, never waited for), tasks running its current image. The state is Swarm's
# UpdateStatus (reset by every stack deploy) unless it started over a minute before SINCE (the
# stack deploy's start, in seconds: a status no deploy since has reset, of a service no longer in
# the files); `waiting` when the service was updated less than a second ago and Swarm has
# not begun an update of it (it begins one within milliseconds when the task template changed,
# and never when it did not: its old tasks may run the same image, with an old env); `none`
# otherwise. 1 when docker fails.
swarm_state() {
  _ss_ids=$(docker service ls -q --filter "label=com.docker.stack.namespace=$PROJECT") || return 1
  [ -n "$_ss_ids" ] || return 1
  # shellcheck disable=SC2086
  _ss_services=$(docker service inspect -f '{{.Spec.Name}} {{.Spec.TaskTemplate.ContainerSpec.Image}} {{if .UpdateStatus}}{{.UpdateStatus.State}} {{if .UpdateStatus.StartedAt}}{{.UpdateStatus.StartedAt.Unix}}{{else}}0{{end}}{{else}}none 0{{end}} {{if .Spec.Mode.Replicated}}{{.Spec.Mode.Replicated.Replicas}}{{else if .Spec.Mode.Global}}-1{{else}}-2{{end}} {{.UpdatedAt.UnixNano}}' $_ss_ids) || return 1
  _ss_tasks=$(docker stack ps "$PROJECT" --no-trunc --filter desired-state=running --format '{{.Name}} {{.Image}} {{.CurrentState}}') || return 1
  printf '%s\n--\n%s\n' "$_ss_services" "$_ss_tasks" | awk -v since="$1" -v now_ms="$(now_ms)" -v grace_ms=1000 '
    $0 == "--" { tasks = 1; next }
    !tasks {
      name = $1; image[name] = $2; want[name] = $5; order[++n] = name
      if ($3 != "none" && $4 + 60 >= since + 0) state[name] = $3
      else if (now_ms - $6 / 1000000 < grace_ms + 0) state[name] = "waiting"
      else state[name] = "none"
      next
    }
    {
      task = $1; sub(/\.[^.]*$/, "", task)
      if ($3 == "Running" && $2 == image[task]) running[task]++
    }
    END { for (i = 1; i <= n; i++) { s = order[i]; printf "%s %s %s %d\n", s, state[s], want[s], running[s] } }'
}

# swarm_converge SINCE: waits, at most CONVERGE_S, until Swarm has settled every service of the
# stack: no update or rollback in progress or about to begin, and as many tasks running its
# current image as it wants. 0 when each did so without Swarm rolling an update back or pausing
# it; else 1 with CONVERGE_REASON set (the services, their state and Swarm's message). SINCE is
# when the stack deploy began (see swarm_state). A docker call that fails counts as not settled.
swarm_converge() {
  _cv_deadline=$(( $(now_ms) + ${CONVERGE_S:-600} * 1000 ))
  while :; do
    if _cv_state=$(swarm_state "$1") && [ -n "$_cv_state" ]; then
      _cv_moving=$(printf '%s\n' "$_cv_state" | awk 'NF == 4 && ($2 == "updating" || $2 == "rollback_started" || $2 == "waiting") { printf " %s", $1 }')
      _cv_pending=$(printf '%s\n' "$_cv_state" | awk 'NF == 4 && ($2 == "updating" || $2 == "rollback_started" || $2 == "waiting" || ($3 >= 0 && $4 != $3) || ($3 == -1 && $4 < 1)) { printf " %s", $1 }')
      _cv_failed=$(printf '%s\n' "$_cv_state" | awk 'NF == 4 && ($2 == "paused" || $2 == "rollback_paused" || $2 == "rollback_completed") { printf " %s", $1 }')
    else
      _cv_state="" _cv_moving="" _cv_pending=" (docker service ls/inspect or docker stack ps failed)" _cv_failed=""
    fi
    if [ -z "$_cv_pending" ] || { [ -n "$_cv_failed" ] && [ -z "$_cv_moving" ]; }; then
      [ -z "$_cv_failed" ] && return 0
      CONVERGE_REASON=""
      for _cv_s in $_cv_failed; do
        CONVERGE_REASON="$CONVERGE_REASON${CONVERGE_REASON:+; }${_cv_s#"${PROJECT}_"}: $(docker service inspect -f '{{.UpdateStatus.State}}: {{.UpdateStatus.Message}}' "$_cv_s" 2>/dev/null)"
      done
      return 1
    fi
    if [ "$(now_ms)" -ge "$_cv_deadline" ]; then
      CONVERGE_REASON="Swarm did not converge within ${CONVERGE_S:-600}s:$(printf '%s\n' "$_cv_state" | awk -v p="${PROJECT}_" 'NF == 4 { n = $1; if (index(n, p) == 1) n = substr(n, length(p) + 1); printf " %s %s %d/%s;", n, $2, $4, ($3 == -1 ? "global" : $3) }')"
      [ -n "$_cv_state" ] || CONVERGE_REASON="$CONVERGE_REASON$_cv_pending"
      return 1
    fi
    sleep 0.5
  done
}

# swarm_networks_override FILE: a compose override under which `docker compose run` (the
# migrations) joins the stack's networks instead of making its own: each network the stack made
# (PROJECT_<name>), as external.
swarm_networks_override() {
  _sn=$(docker network ls --filter "label=com.docker.stack.namespace=$PROJECT" --format '{{.Name}}') || return 1
  {
    echo "networks:"
    for _sn_name in $_sn; do
      case "$_sn_name" in "${PROJECT}_"*) printf '  %s:\n    external: true\n    name: %s\n' "${_sn_name#"${PROJECT}_"}" "$_sn_name" ;; esac
    done
  } > "$1"
}

# swarm_start_missing: a stack that does not exist yet (a first deploy) starts before backups and
# migrations with its infrastructure only (the application services have no task yet), so that
# the migrations find the database and the stack's networks. It must converge. Infrastructure
# new to a stack that runs starts with the switch (a stack deploy here would change the running
# services before their backups).
swarm_start_missing() {
  [ -z "$(docker service ls -q --filter "label=com.docker.stack.namespace=$PROJECT")" ] || return 0
  _ssm_missing=$INFRA
  _ssm_what=${_ssm_missing:-" the stack's networks"}
  emit infrastructure start "" "starting what is not running:$_ssm_what"
  renew_lease
  _ssm_since=$(date +%s)
  if ! _out=$(stack_deploy "$STATE_DIR/rollback.yml" 2>&1); then
    INFRA_REASON="docker stack deploy of the infrastructure failed: $_out"
    emit infrastructure failed "" "$INFRA_REASON"
    return 1
  fi
  STARTED_INFRA=$_ssm_what
  if ! swarm_converge "$_ssm_since"; then
    INFRA_REASON="$CONVERGE_REASON"
    emit infrastructure failed "" "$INFRA_REASON"
    return 1
  fi
  # shellcheck disable=SC2086
  gate_infrastructure $_ssm_missing
}

# swarm_switch: one stack deploy of every service, then Swarm must converge: an update it rolled
# back or paused brings the whole stack back.
swarm_switch() {
  _sw_since=$(date +%s)
  _sw_out=$(stack_deploy 2>&1)
  _sw_rc=$?
  if [ "$_sw_rc" -ne 0 ]; then
    emit switch failed "" "$_sw_out"
    roll_back "docker stack deploy $(rc_text "$_sw_rc" "${COMPOSE_TIMEOUT_S:-600}")"
  fi
  emit switch ok "" "docker stack deploy: Swarm updates the services"
  emit converge start "" "waiting for Swarm (at most ${CONVERGE_S:-600}s)"
  if ! swarm_converge "$_sw_since"; then
    emit converge failed "" "$CONVERGE_REASON"
    roll_back "$CONVERGE_REASON"
  fi
  emit converge ok "" "every service runs its new tasks"
}

# swarm_roll_back: the whole stack back to the images it ran before (STATE_DIR/rollback.yml: no
# task for a service that had none); 0 when Swarm converged and each service with a previous
# version passed its health check again.
swarm_roll_back() {
  _srb_since=$(date +%s)
  if ! _srb_out=$(stack_deploy "$STATE_DIR/rollback.yml" 2>&1); then
    emit rollback failed "" "$_srb_out"
    return 1
  fi
  if ! swarm_converge "$_srb_since"; then
    emit rollback failed "" "$CONVERGE_REASON"
    return 1
  fi
  _srb_rc=0 _srb_i=0 _srb_all=""
  for _srb_name in $SERVICES; do
    case " $WITH_TARGET " in
      *" $_srb_name "*) _srb_all="$_srb_all $_srb_i" ;;
      *) emit rollback ok "$_srb_name" "no task: it had no previous version" ;;
    esac
    _srb_i=$((_srb_i + 1))
  done
  # shellcheck disable=SC2086
  if ! await_health all service_back $_srb_all; then
    for _srb_n in $HEALTH_FAILED; do emit rollback failed "$(svc "$_srb_n" NAME)" "$(var "HEALTH_REASON_$_srb_n")"; done
    _srb_rc=1
  fi
  return "$_srb_rc"
}

main() {
  start_run
  record
  prepare
  switch
  verify
  commit
}

if [ "${2:-}" = recover ]; then recover; else main; fi
