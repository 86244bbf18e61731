#!/bin/sh
# stack-deploy host-side transaction: record -> switch -> verify -> commit, or roll back.
# Started detached (setsid nohup) by stack-deploy, so a dropped SSH connection or a cancelled
# run still ends with the new version serving or the previous one restored, and the lock freed.
#
# Usage: sh transaction.sh RUN_DIR
# RUN_DIR/plan.sh (written by stack-deploy, every value shell-quoted) defines:
#   RUN_ID DEPLOY_PATH STATE_DIR PROJECT FLAVOR COMPOSE_FILES ENV_FILE LOCK_DIR LEASE_SECONDS
#   SERVICES (space-separated)  LEDGER_HEAD (JSON members: time, actor, run url, environment, version)
#   per service N (0-based, in SERVICES order): SVC_N_NAME SVC_N_REPO SVC_N_PINNED SVC_N_HEALTH
#   (http|cmd|auto) SVC_N_URL SVC_N_CMD (shell-quoted argv) SVC_N_TIMEOUT_MS SVC_N_INTERVAL_MS
# Writes RUN_DIR/events.jsonl (progress), RUN_DIR/result (success|rolled-back|rollback-failed|failed),
# STATE_DIR/releases.jsonl (ledger) and STATE_DIR/good/<service> (image of the last good release).

set -u
RUN_DIR=$1
. "$RUN_DIR/plan.sh"
EVENTS="$RUN_DIR/events.jsonl"
cd "$DEPLOY_PATH" || exit 70

now_ms() { date +%s%3N; }

json_string() {
  # JSON string literal of $1 (quotes, backslashes and control characters escaped).
  printf '%s' "$1" | awk 'BEGIN { ORS = ""; print "\"" }
    { if (NR > 1) print "\\n"; gsub(/\\/, "\\\\"); gsub(/"/, "\\\""); gsub(/\t/, "\\t"); gsub(/\r/, "\\r");
      gsub(/[\001-\037]/, " "); print }
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

release_lock() {
  if [ "$(cat "$LOCK_DIR/run" 2>/dev/null)" = "$RUN_ID" ]; then rm -rf "$LOCK_DIR"; fi
}

compose() {
  # compose EXTRA_FILE... -- ARGS...
  files=""
  for f in $COMPOSE_FILES; do files="$files -f $f"; done
  while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do files="$files -f $1"; shift; done
  [ "$#" -gt 0 ] && shift
  if [ "$FLAVOR" = v2 ]; then
    # shellcheck disable=SC2086
    docker compose -p "$PROJECT" $files --env-file "$ENV_FILE" "$@"
  else
    # shellcheck disable=SC2086
    docker-compose -p "$PROJECT" $files --env-file "$ENV_FILE" "$@"
  fi
}

svc() { eval "printf '%s' \"\${SVC_$1_$2}\""; }

container_of() { compose "$STATE_DIR/images.yml" -- ps -q "$1" 2>/dev/null | head -n 1; }

probe_http() {
  if command -v curl >/dev/null 2>&1; then
    curl -fsS -o /dev/null --max-time 5 "$1" 2>/dev/null
  else
    wget -q -O /dev/null -T 5 "$1" 2>/dev/null
  fi
}

# check_once N CONTAINER: 0 healthy, 1 not yet, 2 failed for good (exited or restarting)
check_once() {
  n=$1 cid=$2
  state=$(docker inspect -f '{{.State.Status}} {{.RestartCount}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}' "$cid" 2>/dev/null) || return 1
  set -- $state
  status=$1 restarts=$2 health=$3
  case "$status" in exited|dead) return 2 ;; esac
  [ "$restarts" -gt 0 ] && return 2
  [ "$status" = running ] || return 1
  case "$(svc "$n" HEALTH)" in
    http) probe_http "$(svc "$n" URL)" ;;
    cmd) eval "set -- $(svc "$n" CMD)"; docker exec "$cid" "$@" >/dev/null 2>&1 ;;
    *)
      case "$health" in
        healthy) return 0 ;;
        unhealthy) return 2 ;;
        none) [ "$STABLE_CHECKS" -ge 2 ] && return 0; STABLE_CHECKS=$((STABLE_CHECKS + 1)); return 1 ;;
        *) return 1 ;;
      esac ;;
  esac
}

# wait_healthy N: polls at the service's interval until its timeout; 0 healthy, 1 not.
wait_healthy() {
  n=$1 name=$(svc "$1" NAME)
  interval_ms=$(svc "$n" INTERVAL_MS) deadline=$(( $(now_ms) + $(svc "$n" TIMEOUT_MS) ))
  STABLE_CHECKS=0
  while :; do
    cid=$(container_of "$name")
    if [ -n "$cid" ]; then
      check_once "$n" "$cid"; rc=$?
      [ "$rc" -eq 0 ] && return 0
      [ "$rc" -eq 2 ] && { HEALTH_REASON="the container exited or restarted"; return 1; }
    fi
    [ "$(now_ms)" -ge "$deadline" ] && { HEALTH_REASON="not healthy within $(( $(svc "$n" TIMEOUT_MS) / 1000 ))s"; return 1; }
    sleep "$(awk "BEGIN { print $interval_ms / 1000 }")"
  done
}

ledger() {
  # ledger RESULT: one JSON line per deploy or rollback
  entries=""
  i=0
  for name in $SERVICES; do
    from=$(eval "printf '%s' \"\${FROM_$i:-}\"") to=$(eval "printf '%s' \"\${TO_$i:-}\"")
    entries="$entries${entries:+,}{\"name\":\"$name\",\"from\":\"$from\",\"to\":\"$to\",\"pinned\":\"$(svc $i PINNED)\"}"
    i=$((i + 1))
  done
  printf '{%s,"run":"%s","result":"%s","services":[%s]}\n' "$LEDGER_HEAD" "$RUN_ID" "$1" "$entries" >> "$STATE_DIR/releases.jsonl"
}

finish() {
  echo "$1" > "$RUN_DIR/result"
  emit done "$1" "" "$2"
  release_lock
  exit 0
}

emit transaction start "" "run $RUN_ID on $(hostname)"
renew_lease
mkdir -p "$STATE_DIR/good"

# 1. Record: what runs now, and the image to come back to (the last good release first).
emit record start "" ""
: > "$STATE_DIR/rollback.yml.tmp"
echo "services:" >> "$STATE_DIR/rollback.yml.tmp"
i=0
WITH_TARGET="" WITHOUT_TARGET=""
for name in $SERVICES; do
  cid=$(container_of "$name")
  running=""
  [ -n "$cid" ] && running=$(docker inspect -f '{{.Image}}' "$cid" 2>/dev/null)
  good=$(cat "$STATE_DIR/good/$name" 2>/dev/null)
  target=""
  if [ -n "$good" ] && docker image inspect "$good" >/dev/null 2>&1; then target=$good; else target=$running; fi
  eval "FROM_$i=\$running"
  eval "TARGET_$i=\$target"
  if [ -n "$target" ]; then
    docker tag "$target" "$(svc $i REPO):rollback"
    printf '  %s:\n    image: %s:rollback\n' "$name" "$(svc $i REPO)" >> "$STATE_DIR/rollback.yml.tmp"
    WITH_TARGET="$WITH_TARGET $name"
    emit record ok "$name" "$running"
    emit target ok "$name" "$target"
  else
    WITHOUT_TARGET="$WITHOUT_TARGET $name"
    emit record ok "$name" "$running"
    emit target none "$name" "first deploy: nothing to roll back to"
  fi
  i=$((i + 1))
done
mv -f "$STATE_DIR/rollback.yml.tmp" "$STATE_DIR/rollback.yml"

roll_back() {
  # roll_back REASON
  emit rollback start "" "$1"
  renew_lease
  outcome=rolled-back
  if [ -n "$WITH_TARGET" ]; then
    # shellcheck disable=SC2086
    if ! out=$(compose "$STATE_DIR/images.yml" "$STATE_DIR/rollback.yml" -- up -d --no-build $WITH_TARGET 2>&1); then
      emit rollback failed "" "$out"
      outcome=rollback-failed
    else
      i=0
      for name in $SERVICES; do
        case " $WITH_TARGET " in *" $name "*)
          if wait_healthy "$i"; then emit rollback ok "$name" "previous version healthy again"
          else emit rollback failed "$name" "$HEALTH_REASON"; outcome=rollback-failed; fi ;;
        esac
        i=$((i + 1))
      done
    fi
  fi
  for name in $WITHOUT_TARGET; do
    compose "$STATE_DIR/images.yml" -- stop "$name" >/dev/null 2>&1
    emit rollback ok "$name" "stopped: it had no previous version"
  done
  i=0
  for name in $SERVICES; do
    cid=$(container_of "$name")
    now=""
    [ -n "$cid" ] && now=$(docker inspect -f '{{.Image}}' "$cid" 2>/dev/null)
    eval "TO_$i=\$now"
    emit final ok "$name" "$now"
    i=$((i + 1))
  done
  ledger "$outcome"
  finish "$outcome" "$1"
}

# 2. Switch.
emit switch start "" "$SERVICES"
renew_lease
# shellcheck disable=SC2086
if ! out=$(compose "$STATE_DIR/images.yml" -- up -d --no-build $SERVICES 2>&1); then
  emit switch failed "" "$out"
  roll_back "docker compose up failed"
fi
emit switch ok "" ""

# 3. Verify: every service healthy within its timeout.
i=0
for name in $SERVICES; do
  emit health start "$name" ""
  if wait_healthy "$i"; then
    emit health ok "$name" ""
  else
    emit health failed "$name" "$HEALTH_REASON"
    emit logs failed "$name" "$(compose "$STATE_DIR/images.yml" -- logs --no-color --tail 50 "$name" 2>&1 | tail -n 50)"
    roll_back "$name: $HEALTH_REASON"
  fi
  i=$((i + 1))
done

# 4. Commit: these images are now the last good release.
i=0
for name in $SERVICES; do
  cid=$(container_of "$name")
  image=$(docker inspect -f '{{.Image}}' "$cid")
  echo "$image" > "$STATE_DIR/good/$name.tmp" && mv -f "$STATE_DIR/good/$name.tmp" "$STATE_DIR/good/$name"
  eval "TO_$i=\$image"
  emit final ok "$name" "$image"
  i=$((i + 1))
done
ledger success
finish success "deployed"
