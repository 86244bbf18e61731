#!/usr/bin/env bash
# The stack-deploy test lab: two Docker engines (runner + target host), a registry
# with htpasswd auth and an sshd for a non-root deploy user, all on 127.0.0.1; plus two more
# lab hosts (h1, h2; h3 a single-node swarm) for multi-host and Swarm deploys: network namespaces on a private bridge
# (10.77.0.0/24), each with its own engine, sshd and deploy home, and a second registry
# process on the bridge address so their engines can pull.
#
#   bash test/lab/lab.sh up      # install what is missing, start what is not running (idempotent)
#   bash test/lab/lab.sh down    # stop what `up` started (keeps caches, images, keys)
#   bash test/lab/lab.sh status  # show what runs
#   bash test/lab/lab.sh registry-stop|registry-start  # a registry outage, for tests
#
# Everything the tests need is written to <repo>/.lab/lab.json (see test/lab/lab.ts).
# Network: every daemon listens on loopback or on the lab's own bridge (sdlab0, not forwarded
# anywhere); the only outside traffic is package downloads from Debian's archive (apt-get,
# debootstrap) when something is missing.
# Output: one line per step. The transcripts of apt-get, debootstrap and docker build go to
# log files under /var/lib/stack-deploy-lab/logs and are printed (their tail) only on failure.
set -euo pipefail

# ---------------------------------------------------------------- constants
SCRIPT_DIR="$(cd "$(dirname "$0")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
OUT_DIR="$REPO_ROOT/.lab"
LAB_JSON="$OUT_DIR/lab.json"

STATE=/var/lib/stack-deploy-lab     # persistent: keys, password, registry storage, configs, logs
RUN=/run/stack-deploy-lab           # volatile: pid files
CACHE=/var/cache/stack-deploy-lab   # downloads: trixie .debs, debootstrap rootfs tarball
LOGS="$STATE/logs"

PACKAGES=(docker.io docker-compose openssh-server docker-registry busybox-static debootstrap apache2-utils)
PLUGIN_DIR=/usr/local/lib/docker/cli-plugins

RUNNER_SOCK=/var/run/docker.sock
RUNNER_HOST="unix://$RUNNER_SOCK"
RUNNER_PID="$RUN/dockerd-runner.pid"
RUNNER_LOG="$LOGS/dockerd-runner.log"

HOST_SOCK=/run/docker-host.sock
HOST_HOST="unix://$HOST_SOCK"
HOST_PID=/run/docker-host.pid
HOST_DATA=/var/lib/docker-host
HOST_EXEC=/run/docker-host
HOST_LOG="$LOGS/dockerd-host.log"
HOST_CONFIG="$STATE/dockerd-host.json"

REG_ADDR=127.0.0.1:5000
REG_PORT=5000
REG_USER=stackdeploy
REG_DIR="$STATE/registry"
REG_CONFIG="$REG_DIR/config.yml"
REG_HTPASSWD="$REG_DIR/htpasswd"
REG_PASSWORD_FILE="$REG_DIR/password"
REG_STORAGE="$REG_DIR/storage"
REG_PID="$RUN/registry.pid"
REG_LOG="$LOGS/registry.log"

SSH_PORT=2222
SSH_USER=deploy
SSH_HOME=/home/deploy
SSH_DIR="$STATE/ssh"
SSH_CONFIG="$SSH_DIR/sshd_config"
SSH_HOSTKEY="$SSH_DIR/ssh_host_ed25519_key"
SSH_CLIENTKEY="$SSH_DIR/deploy_ed25519"
SSH_KNOWN_HOSTS="$SSH_DIR/known_hosts"
SSH_PID="$RUN/sshd.pid"
SSH_LOG="$LOGS/sshd.log"

IMG_BUSYBOX=lab/busybox:latest
IMG_DEBIAN=lab/debian:bookworm
IMG_POSTGRES=lab/postgres:15
IMG_SQLITE=lab/sqlite:3
IMG_PROXY=lab/nginx:1.22
DEBIAN_TARBALL="$CACHE/debian-bookworm-minbase.tar"

# Lab hosts: network namespaces sdlab-h1, sdlab-h2, sdlab-h3 behind the bridge sdlab0 (see
# use_host). h1 and h2 are plain hosts; h3's engine is a single-node swarm's manager.
NET_BRIDGE=sdlab0
NET_ADDR=10.77.0.1
NET_CIDR=24
NS_HOSTS=(h1 h2 h3)
PLAIN_HOSTS=(h1 h2)
SWARM_HOST=h3
NS_SSH_PORT=22
HOSTS_DIR="$STATE/hosts"
SSH_KNOWN_HOSTS_HOSTS="$SSH_DIR/known_hosts_hosts"
# Each lab host runs the registry again (same storage and htpasswd) on its own 127.0.0.1:$REG_PORT
# (a namespace's loopback is its own), so an image pushed to $REG_ADDR is pulled there by the same
# name, and Docker trusts it over plain HTTP as it trusts every loopback registry.

WAIT_SECONDS=${LAB_WAIT_SECONDS:-60}

export DEBIAN_FRONTEND=noninteractive
# Never let a caller's DOCKER_HOST/DOCKER_CONTEXT redirect the lab's own docker calls.
unset DOCKER_HOST DOCKER_CONTEXT

# ---------------------------------------------------------------- helpers
log() { printf 'lab: %s\n' "$*" >&2; }
die() { printf 'lab: ERROR: %s\n' "$*" >&2; exit 1; }

need_root() { [ "$(id -u)" = 0 ] || die "must run as root (it installs packages and starts daemons)"; }

drun() { docker -H "$RUNNER_HOST" "$@"; }
dhost() { docker -H "$HOST_HOST" "$@"; }

# engine_ok HOST: the engine answers within a few seconds.
engine_ok() { timeout 10 docker -H "$1" version --format '{{.Server.Version}}' >/dev/null 2>&1; }

# pid_alive PIDFILE NAME: the pid in PIDFILE is alive and its command line mentions NAME.
pid_alive() {
  local file=$1 name=$2 pid
  [ -s "$file" ] || return 1
  pid=$(tr -dc 0-9 <"$file")
  [ -n "$pid" ] && [ -d "/proc/$pid" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$name"
}
pid_of() { tr -dc 0-9 <"$1"; }

# tcp_listening PORT [ADDRESS [NETNS]]: something listens on ADDRESS:PORT (default 127.0.0.1)
# in the root network namespace or in NETNS (a /run/netns path). Read from /proc, without
# connecting, so readiness polls add no lines to the sshd logs the tests count.
tcp_listening() {
  local port=$1 addr=${2:-127.0.0.1} netns=${3:-} hex o1 o2 o3 o4
  IFS=. read -r o1 o2 o3 o4 <<<"$addr"
  hex=$(printf '%02X%02X%02X%02X:%04X' "$o4" "$o3" "$o2" "$o1" "$port")
  # /proc/net/tcp lists the sockets of the reading process's network namespace.
  if [ -n "$netns" ]; then nsenter --net="$netns" cat /proc/net/tcp; else cat /proc/net/tcp; fi \
    | awk -v a="$hex" '$2 == a && $4 == "0A" { found = 1 } END { exit !found }'
}

# wait_for DESCRIPTION LOGFILE PIDFILE NAME CHECK...: poll CHECK until it succeeds, at most
# WAIT_SECONDS; fail early if the daemon's process is gone. Prints the log tail on failure.
wait_for() {
  local what=$1 logfile=$2 pidfile=$3 name=$4; shift 4
  local deadline=$((SECONDS + WAIT_SECONDS)) grace=$((SECONDS + 5))
  while ! "$@"; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "$what did not become ready within ${WAIT_SECONDS}s; last lines of $logfile:"
      tail -n 40 "$logfile" >&2 || true
      exit 1
    fi
    # The pid file may appear a moment after start; after a short grace a dead process is final.
    if [ "$SECONDS" -ge "$grace" ] && ! pid_alive "$pidfile" "$name"; then
      log "$what exited during start-up; last lines of $logfile:"
      tail -n 40 "$logfile" >&2 || true
      exit 1
    fi
    sleep 0.3
  done
}

# quietly LOGFILE COMMAND...: run COMMAND with its output appended to LOGFILE instead of the
# terminal. On failure print the log's last lines and the log's path; return COMMAND's status.
quietly() {
  local logfile=$1 rc=0
  shift
  printf '\n==> %s: %s\n' "$(date -u +%FT%TZ)" "$*" >>"$logfile"
  "$@" >>"$logfile" 2>&1 </dev/null || rc=$?
  if [ "$rc" != 0 ]; then
    log "$1 failed (exit $rc); last lines of $logfile:"
    tail -n 30 "$logfile" | sed 's/^/    /' >&2 || true
  fi
  return "$rc"
}

# write_file PATH MODE: write stdin to PATH only if the content differs. Returns 0 if changed.
write_file() {
  local path=$1 mode=$2 tmp
  tmp=$(mktemp)   # outside the target directory, so an unchanged file touches nothing there
  cat >"$tmp"
  if [ -f "$path" ] && cmp -s "$tmp" "$path"; then
    rm -f "$tmp"
    [ "$(stat -c %a "$path")" = "${mode#0}" ] || chmod "$mode" "$path"
    return 1
  fi
  (umask 077; cp "$tmp" "$path.new.$$")
  rm -f "$tmp"
  chmod "$mode" "$path.new.$$"
  mv -f "$path.new.$$" "$path"
  return 0
}

json_str() { # JSON string literal for $1
  local s=$1
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  printf '"%s"' "$s"
}

# stop_pidfile DESCRIPTION PIDFILE NAME [WAIT]: SIGTERM, wait bounded, then SIGKILL.
stop_pidfile() {
  local what=$1 pidfile=$2 name=$3 wait=${4:-30} pid deadline
  if ! pid_alive "$pidfile" "$name"; then
    rm -f "$pidfile"
    log "$what: not running"
    return 0
  fi
  pid=$(pid_of "$pidfile")
  log "$what: stopping pid $pid"
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + wait))
  while [ -d "/proc/$pid" ] && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
  if [ -d "/proc/$pid" ]; then
    log "$what: still running after ${wait}s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    deadline=$((SECONDS + 10))
    while [ -d "/proc/$pid" ] && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
  fi
  rm -f "$pidfile"
}

# ---------------------------------------------------------------- packages
pkg_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

ensure_packages() {
  local missing=() p
  for p in "${PACKAGES[@]}"; do pkg_installed "$p" || missing+=("$p"); done
  if [ "${#missing[@]}" -eq 0 ]; then
    log "packages: all present"
    return 0
  fi
  local aptlog="$LOGS/apt-get.log"
  log "packages: installing ${missing[*]} (about a minute; log: $aptlog)"
  # Keep package scripts from starting services (dockerd, sshd on :22): the lab starts its own.
  local policy_added=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 0755 /usr/sbin/policy-rc.d
    policy_added=1
  fi
  local rc=0
  { quietly "$aptlog" apt-get update -q && quietly "$aptlog" apt-get install -y -q --no-install-recommends "${PACKAGES[@]}"; } || rc=$?
  [ "$policy_added" = 1 ] && rm -f /usr/sbin/policy-rc.d
  [ "$rc" = 0 ] || die "installing packages failed (exit $rc; log: $aptlog)"
}

# Compose v2 and buildx as CLI plugins from Debian trixie .debs, without touching the
# system's apt sources, lists or caches.
ensure_plugins() {
  local need=()
  docker compose version >/dev/null 2>&1 || need+=(docker-compose)
  docker buildx version >/dev/null 2>&1 || need+=(docker-buildx)
  if [ "${#need[@]}" -eq 0 ]; then
    log "plugins: $(docker compose version --short 2>/dev/null || echo '?') compose, $(docker buildx version 2>/dev/null | awk '{print $2}') buildx present"
    return 0
  fi
  local tx="$CACHE/trixie" p deb
  mkdir -p "$tx/lists/partial" "$tx/cache/archives/partial" "$tx/debs" "$PLUGIN_DIR"
  echo 'deb http://deb.debian.org/debian trixie main' >"$tx/sources.list"
  local A=(-o "Dir::Etc::SourceList=$tx/sources.list" -o Dir::Etc::SourceParts=/dev/null
           -o "Dir::State::Lists=$tx/lists" -o "Dir::Cache=$tx/cache" -o APT::Sandbox::User=root)
  local todo=()
  for p in "${need[@]}"; do
    compgen -G "$tx/debs/${p}_*.deb" >/dev/null || todo+=("$p")
  done
  if [ "${#todo[@]}" -gt 0 ]; then
    local aptlog="$LOGS/apt-get-trixie.log"
    log "plugins: downloading ${todo[*]} from Debian trixie (log: $aptlog)"
    quietly "$aptlog" apt-get "${A[@]}" update -q || die "apt-get update (trixie lists) failed (log: $aptlog)"
    (cd "$tx/debs" && quietly "$aptlog" apt-get "${A[@]}" download "${todo[@]}") \
      || die "apt-get download ${todo[*]} failed (log: $aptlog)"
  else
    log "plugins: using cached .debs in $tx/debs"
  fi
  for p in "${need[@]}"; do
    deb=$(compgen -G "$tx/debs/${p}_*.deb" | sort -V | tail -n 1)
    local x
    x=$(mktemp -d)
    dpkg-deb -x "$deb" "$x"
    [ -x "$x/usr/libexec/docker/cli-plugins/$p" ] || die "$deb has no usr/libexec/docker/cli-plugins/$p"
    install -m 0755 "$x/usr/libexec/docker/cli-plugins/$p" "$PLUGIN_DIR/$p"
    rm -rf "$x"
    log "plugins: installed $PLUGIN_DIR/$p"
  done
  docker compose version >/dev/null || die "docker compose still does not work"
  docker buildx version >/dev/null || die "docker buildx still does not work"
}

# ---------------------------------------------------------------- engines
start_runner_engine() {
  if engine_ok "$RUNNER_HOST"; then
    log "runner engine: running ($RUNNER_HOST)"
    return 0
  fi
  if ! pid_alive "$RUNNER_PID" dockerd; then
    rm -f "$RUNNER_PID"
    setsid nohup dockerd --bridge=none --iptables=false --ip-masq=false \
      --pidfile "$RUNNER_PID" >>"$RUNNER_LOG" 2>&1 </dev/null &
  else
    log "runner engine: pid $(pid_of "$RUNNER_PID") not answering yet, waiting"
  fi
  wait_for "runner engine" "$RUNNER_LOG" "$RUNNER_PID" dockerd engine_ok "$RUNNER_HOST"
  log "runner engine: started"
}

start_host_engine() {
  # dockerd 20.10 derives the engine ID (`docker info` .ID) from a trust key that defaults to
  # /etc/docker/key.json for every engine on the machine, so both engines would report the
  # same ID. The key path can be set only in a daemon config file ("deprecated-key-path").
  local changed=0
  write_file "$HOST_CONFIG" 0644 <<EOF && changed=1
{
  "deprecated-key-path": "$HOST_DATA/key.json"
}
EOF
  if [ "$changed" = 1 ] && pid_alive "$HOST_PID" dockerd; then
    log "host engine: configuration changed, restarting"
    stop_pidfile "host engine" "$HOST_PID" dockerd 60
  fi
  if engine_ok "$HOST_HOST"; then
    log "host engine: running ($HOST_HOST)"
    return 0
  fi
  if ! pid_alive "$HOST_PID" dockerd; then
    rm -f "$HOST_PID"
    mkdir -p "$HOST_DATA" "$HOST_EXEC"
    setsid nohup dockerd -H "$HOST_HOST" --data-root "$HOST_DATA" --exec-root "$HOST_EXEC" \
      --pidfile "$HOST_PID" --bridge=none --iptables=false --ip-masq=false --group docker \
      --config-file "$HOST_CONFIG" >>"$HOST_LOG" 2>&1 </dev/null &
  else
    log "host engine: pid $(pid_of "$HOST_PID") not answering yet, waiting"
  fi
  wait_for "host engine" "$HOST_LOG" "$HOST_PID" dockerd engine_ok "$HOST_HOST"
  log "host engine: started"
}

# ---------------------------------------------------------------- registry
registry_password() {
  if [ ! -s "$REG_PASSWORD_FILE" ]; then
    (umask 077; head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32 >"$REG_PASSWORD_FILE")
  fi
  chmod 0600 "$REG_PASSWORD_FILE"
  cat "$REG_PASSWORD_FILE"
}

registry_ready() { tcp_listening "$REG_PORT"; }

# ensure_registry_auth: the password and the htpasswd file both registry processes use. Sets
# REG_AUTH_CHANGED=1 when the htpasswd file was rewritten (running registries must restart).
REG_AUTH_CHANGED=0
ensure_registry_auth() {
  local pass
  mkdir -p "$REG_STORAGE"
  pass=$(registry_password)
  [ -n "$pass" ] || die "empty registry password in $REG_PASSWORD_FILE"
  if [ ! -s "$REG_HTPASSWD" ] || ! htpasswd -vb "$REG_HTPASSWD" "$REG_USER" "$pass" >/dev/null 2>&1; then
    htpasswd -Bbn "$REG_USER" "$pass" | write_file "$REG_HTPASSWD" 0600 || true
    REG_AUTH_CHANGED=1
  fi
}

# registry_config ADDRESS: a registry configuration serving the lab's storage on ADDRESS.
registry_config() {
  cat <<EOF
version: 0.1
log:
  level: info
  fields:
    service: registry
storage:
  filesystem:
    rootdirectory: $REG_STORAGE
  delete:
    enabled: true
http:
  addr: $1
  headers:
    X-Content-Type-Options: [nosniff]
auth:
  htpasswd:
    realm: stack-deploy-lab
    path: $REG_HTPASSWD
EOF
}

# run_registry NAME ADDRESS CONFIG PIDFILE LOGFILE [NETNS]: one docker-registry process on
# ADDRESS, in the network namespace NETNS (a /run/netns path) when given. Its pid file is checked
# against CONFIG, which names this registry only.
run_registry() {
  local name=$1 addr=$2 config=$3 pidfile=$4 logfile=$5 netns=${6:-} changed=$REG_AUTH_CHANGED
  local port=${addr##*:} host=${addr%:*}
  registry_config "$addr" | write_file "$config" 0644 && changed=1
  if pid_alive "$pidfile" "$config"; then
    if [ "$changed" = 1 ]; then
      log "$name: configuration changed, restarting"
      stop_pidfile "$name" "$pidfile" "$config" 15
    elif tcp_listening "$port" "$host" "$netns"; then
      log "$name: running ($addr${netns:+ in ${netns##*/}})"
      return 0
    fi
  fi
  if ! pid_alive "$pidfile" "$config"; then
    tcp_listening "$port" "$host" "$netns" && die "$addr${netns:+ in ${netns##*/}} is taken by a process the lab did not start"
    if [ -n "$netns" ]; then
      setsid nohup nsenter --net="$netns" docker-registry serve "$config" >>"$logfile" 2>&1 </dev/null &
    else
      setsid nohup docker-registry serve "$config" >>"$logfile" 2>&1 </dev/null &
    fi
    echo $! >"$pidfile"
  fi
  wait_for "$name" "$logfile" "$pidfile" "$config" tcp_listening "$port" "$host" "$netns"
  log "$name: started"
}

start_registry() {
  ensure_registry_auth
  run_registry registry "$REG_ADDR" "$REG_CONFIG" "$REG_PID" "$REG_LOG"
}

# start_host_registry NAME: the same registry (storage, htpasswd) on the lab host's own loopback.
start_host_registry() {
  use_host "$1"
  mkdir -p "$H_DIR"
  ensure_registry_auth
  run_registry "$1 registry" "$REG_ADDR" "$H_REG_CONFIG" "$H_REG_PID" "$H_REG_LOG" "$H_NETNS"
}

# ---------------------------------------------------------------- sshd + deploy user
ensure_deploy_user() {
  getent group docker >/dev/null || groupadd --system docker
  if ! id -u "$SSH_USER" >/dev/null 2>&1; then
    log "user: creating $SSH_USER"
    useradd --create-home --home-dir "$SSH_HOME" --shell /bin/bash --groups docker "$SSH_USER"
  fi
  id -nG "$SSH_USER" | tr ' ' '\n' | grep -qx docker || usermod -aG docker "$SSH_USER"
  # useradd leaves the account locked ("!"), and sshd then refuses even its keys.
  case "$(getent shadow "$SSH_USER" | cut -d: -f2)" in
    '*') ;;
    *) usermod -p '*' "$SSH_USER" ;;
  esac
  mkdir -p "$SSH_HOME/.ssh"
  write_file "$SSH_HOME/.ssh/authorized_keys" 0600 <"$SSH_CLIENTKEY.pub" || true
  chown -R "$SSH_USER:$SSH_USER" "$SSH_HOME/.ssh"
  chmod 0700 "$SSH_HOME/.ssh"
}

ensure_ssh_keys() {
  mkdir -p "$SSH_DIR"
  chmod 0755 "$SSH_DIR"
  [ -s "$SSH_HOSTKEY" ] || ssh-keygen -q -t ed25519 -N '' -C stack-deploy-lab-host -f "$SSH_HOSTKEY"
  [ -s "$SSH_CLIENTKEY" ] || ssh-keygen -q -t ed25519 -N '' -C stack-deploy-lab-deploy -f "$SSH_CLIENTKEY"
  chmod 0600 "$SSH_HOSTKEY" "$SSH_CLIENTKEY"
  printf '[127.0.0.1]:%s %s\n' "$SSH_PORT" "$(awk '{print $1" "$2}' "$SSH_HOSTKEY.pub")" \
    | write_file "$SSH_KNOWN_HOSTS" 0644 || true
}

sshd_ready() { tcp_listening "$SSH_PORT"; }

# sshd_config PORT ADDRESS HOSTKEY PIDFILE DOCKER_HOST [LAB_HOST]: the lab's sshd configuration.
sshd_config() {
  local port=$1 addr=$2 hostkey=$3 pidfile=$4 docker_host=$5 name=${6:+" for lab host $6"}
  cat <<EOF
# stack-deploy test lab sshd$name (generated by test/lab/lab.sh)
Port $port
ListenAddress $addr
HostKey $hostkey
PidFile $pidfile
AuthorizedKeysFile .ssh/authorized_keys
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin no
AllowUsers $SSH_USER
UsePAM no
StrictModes no
LogLevel VERBOSE
MaxStartups 100:30:200
MaxSessions 50
SetEnv DOCKER_HOST=$docker_host
Subsystem sftp /usr/lib/openssh/sftp-server
EOF
}

start_sshd() {
  local changed=0
  mkdir -p /run/sshd
  chmod 0755 /run/sshd
  sshd_config "$SSH_PORT" 127.0.0.1 "$SSH_HOSTKEY" "$SSH_PID" "$HOST_HOST" | write_file "$SSH_CONFIG" 0644 && changed=1
  /usr/sbin/sshd -t -f "$SSH_CONFIG" || die "sshd rejects $SSH_CONFIG"
  if pid_alive "$SSH_PID" sshd; then
    if [ "$changed" = 1 ]; then
      log "sshd: configuration changed, restarting"
      stop_pidfile sshd "$SSH_PID" sshd 15
    elif sshd_ready; then
      log "sshd: running (127.0.0.1:$SSH_PORT)"
      return 0
    fi
  fi
  if ! pid_alive "$SSH_PID" sshd; then
    tcp_listening "$SSH_PORT" && die "127.0.0.1:$SSH_PORT is taken by a process the lab did not start"
    rm -f "$SSH_PID"
    # sshd daemonizes itself and writes PidFile; setsid keeps it out of the caller's session.
    # -E names the log sshd appends to; its own start-up errors are appended there too.
    # shellcheck disable=SC2094
    setsid /usr/sbin/sshd -f "$SSH_CONFIG" -E "$SSH_LOG" </dev/null >>"$SSH_LOG" 2>&1
  fi
  wait_for "sshd" "$SSH_LOG" "$SSH_PID" sshd sshd_ready
  log "sshd: started"
}

# ---------------------------------------------------------------- lab hosts (network namespaces)
# Each lab host NAME (h1, h2, h3) is a network namespace sdlab-NAME behind the bridge sdlab0, with
# its own engine and sshd. Both daemons run in a private mount namespace in which /home/deploy
# and /tmp are the host's own directories under $HOSTS_DIR/NAME, so hosts share no files the
# deploys write; the engine is in that mount namespace too, so bind mounts of paths under the
# home in a compose file resolve to that host's files.

# use_host NAME: set the H_* variables for lab host NAME (h1 -> 10.77.0.11, h2 -> 10.77.0.12, h3 -> 10.77.0.13).
use_host() {
  H_ADDR="10.77.0.$((10 + ${1#h}))"
  H_NS="sdlab-$1"
  H_NETNS="/run/netns/$H_NS"
  H_VETH="$H_NS-o"                 # the root end, on the bridge; the namespace's end is eth0
  H_SOCK="/run/$H_NS.sock"
  H_DOCKER="unix://$H_SOCK"
  H_PID="/run/$H_NS.pid"
  H_DATA="/var/lib/$H_NS"
  H_EXEC="/run/$H_NS"
  H_DIR="$HOSTS_DIR/$1"
  H_HOME="$H_DIR/home"
  H_TMP="$H_DIR/tmp"
  H_ENGINE_CONFIG="$H_DIR/dockerd.json"
  H_ENGINE_LOG="$LOGS/dockerd-$1.log"
  H_SSH_CONFIG="$H_DIR/sshd_config"
  H_HOSTKEY="$H_DIR/ssh_host_ed25519_key"
  H_SSH_PID="$RUN/sshd-$1.pid"
  H_SSH_LOG="$LOGS/sshd-$1.log"
  H_REG_CONFIG="$H_DIR/registry.yml"
  H_REG_PID="$RUN/registry-$1.pid"
  H_REG_LOG="$LOGS/registry-$1.log"
  # The command that starts a daemon on this host: its network namespace, plus a private mount
  # namespace with the host's home and /tmp bound in. Not `ip netns exec`: that remounts /sys
  # and dockerd dies with "Devices cgroup isn't mounted".
  # shellcheck disable=SC2016
  H_START=(nsenter "--net=$H_NETNS" unshare --mount --propagation private
    sh -c 'mount --bind "$1" "$2" && mount --bind "$3" /tmp && shift 3 && exec "$@"' sh "$H_HOME" "$SSH_HOME" "$H_TMP")
}

# in_host_ns PIDFILE: the process runs in this host's network namespace and sees this host's home
# at /home/deploy (a daemon left in the namespace of an earlier run does not).
in_host_ns() {
  local pid
  pid=$(pid_of "$1")
  [ "$(readlink "/proc/$pid/ns/net" 2>/dev/null)" = "net:[$(stat -L -c %i "$H_NETNS" 2>/dev/null)]" ] || return 1
  [ "$(stat -L -c %d:%i "/proc/$pid/root$SSH_HOME" 2>/dev/null)" = "$(stat -c %d:%i "$H_HOME")" ]
}

host_engine_ok() { engine_ok "$H_DOCKER"; }
host_sshd_ready() { tcp_listening "$NS_SSH_PORT" "$H_ADDR" "$H_NETNS"; }

# The bridge with the root side's address. Packets from the hosts are delivered to the root
# namespace's own addresses only: forwarding is off for packets that arrive on the bridge.
ensure_lab_bridge() {
  local state=ready
  if ! ip link show "$NET_BRIDGE" >/dev/null 2>&1; then
    ip link add "$NET_BRIDGE" type bridge
    state=created
  fi
  ip addr replace "$NET_ADDR/$NET_CIDR" dev "$NET_BRIDGE"
  ip link set "$NET_BRIDGE" up
  echo 0 >"/proc/sys/net/ipv4/conf/$NET_BRIDGE/forwarding"
  log "network: bridge $NET_BRIDGE $NET_ADDR/$NET_CIDR $state"
}

# ensure_host_net NAME: the namespace, a veth pair into the bridge, eth0 with the host's address,
# lo up, default route via the bridge. Recreates what is missing (a namespace file that is not a
# namespace any more, e.g. /run on disk after a reboot, is removed first).
ensure_host_net() {
  use_host "$1"
  local state=ready
  if ! nsenter --net="$H_NETNS" true 2>/dev/null; then
    ip netns del "$H_NS" 2>/dev/null || true
    ip link del "$H_VETH" 2>/dev/null || true
    ip netns add "$H_NS"
    state=created
  fi
  if ! ip link show "$H_VETH" >/dev/null 2>&1 || ! ip -n "$H_NS" link show eth0 >/dev/null 2>&1; then
    ip link del "$H_VETH" 2>/dev/null || true
    ip -n "$H_NS" link del eth0 2>/dev/null || true
    ip link add "$H_VETH" type veth peer name eth0 netns "$H_NS"
    [ "$state" = created ] || state=repaired
  fi
  ip link set "$H_VETH" master "$NET_BRIDGE" up
  ip -n "$H_NS" link set lo up
  ip -n "$H_NS" addr replace "$H_ADDR/$NET_CIDR" dev eth0
  ip -n "$H_NS" link set eth0 up
  ip -n "$H_NS" route replace default via "$NET_ADDR" dev eth0
  log "network: $1 ($H_NS) $H_ADDR $state"
}

# Host keys (one per lab host) and one known_hosts file with a line per host (port 22: no brackets).
ensure_lab_host_keys() {
  local h lines=''
  for h in "${NS_HOSTS[@]}"; do
    use_host "$h"
    mkdir -p "$H_DIR"
    [ -s "$H_HOSTKEY" ] || ssh-keygen -q -t ed25519 -N '' -C "stack-deploy-lab-$h" -f "$H_HOSTKEY"
    chmod 0600 "$H_HOSTKEY"
    lines+="$H_ADDR $(awk '{print $1" "$2}' "$H_HOSTKEY.pub")"$'\n'
  done
  printf '%s' "$lines" | write_file "$SSH_KNOWN_HOSTS_HOSTS" 0644 || true
  log "hosts: host keys and $SSH_KNOWN_HOSTS_HOSTS ready"
}

# ensure_host_home NAME: the host's own deploy home (owned by deploy, the lab's client key in
# .ssh/authorized_keys) and its own /tmp.
ensure_host_home() {
  use_host "$1"
  mkdir -p "$H_HOME/.ssh" "$H_TMP"
  chmod 1777 "$H_TMP"
  write_file "$H_HOME/.ssh/authorized_keys" 0600 <"$SSH_CLIENTKEY.pub" || true
  chown "$SSH_USER:$SSH_USER" "$H_HOME"
  chmod 0755 "$H_HOME"
  chown -R "$SSH_USER:$SSH_USER" "$H_HOME/.ssh"
  chmod 0700 "$H_HOME/.ssh"
}

# host_daemon_current WHAT PIDFILE MATCH CHANGED STOP_WAIT READY: status 0 when the host's daemon
# runs (PIDFILE's process mentions MATCH) with its current configuration (CHANGED is not 1), in
# this host's namespaces, and READY says it answers. A daemon with a changed configuration, or
# left outside the host's namespaces, is stopped (status 1: start it); one that runs but does not
# answer yet is left to start (status 1 too).
host_daemon_current() {
  local what=$1 pidfile=$2 match=$3 changed=$4 wait=$5 ready=$6
  pid_alive "$pidfile" "$match" || return 1
  if [ "$changed" = 1 ]; then
    log "$what: configuration changed, restarting"
    stop_pidfile "$what" "$pidfile" "$match" "$wait"
  elif ! in_host_ns "$pidfile"; then
    log "$what: pid $(pid_of "$pidfile") runs outside $H_NS or its mount namespace, restarting"
    stop_pidfile "$what" "$pidfile" "$match" "$wait"
  elif "$ready"; then
    return 0
  fi
  return 1
}

# spawn_host_engine NAME: start the host's dockerd unless it runs (wait_host_engine waits), so
# both engines start at the same time. The config file gives each engine its own trust key, hence
# its own engine ID (see start_host_engine). The pid file is checked against the socket path,
# which names this engine only.
spawn_host_engine() {
  use_host "$1"
  local changed=0
  write_file "$H_ENGINE_CONFIG" 0644 <<EOF && changed=1
{
  "deprecated-key-path": "$H_DATA/key.json"
}
EOF
  if host_daemon_current "$1 engine" "$H_PID" "$H_SOCK" "$changed" 60 host_engine_ok; then
    log "$1 engine: running ($H_DOCKER)"
    return 0
  fi
  SPAWNED_ENGINES+=" $1 "
  if ! pid_alive "$H_PID" "$H_SOCK"; then
    rm -f "$H_PID"
    mkdir -p "$H_DATA" "$H_EXEC"
    setsid nohup "${H_START[@]}" dockerd -H "$H_DOCKER" --data-root "$H_DATA" --exec-root "$H_EXEC" \
      --pidfile "$H_PID" --bridge=none --iptables=false --ip-masq=false --group docker \
      --config-file "$H_ENGINE_CONFIG" >>"$H_ENGINE_LOG" 2>&1 </dev/null &
  fi
}

SPAWNED_ENGINES=''
wait_host_engine() {
  use_host "$1"
  case "$SPAWNED_ENGINES" in *" $1 "*) ;; *) return 0 ;; esac   # reported running already
  wait_for "$1 engine" "$H_ENGINE_LOG" "$H_PID" "$H_SOCK" host_engine_ok
  log "$1 engine: started ($H_DOCKER)"
}

# start_host_sshd NAME: sshd on the host's address, port 22; DOCKER_HOST is the host's engine.
start_host_sshd() {
  use_host "$1"
  local changed=0
  sshd_config "$NS_SSH_PORT" "$H_ADDR" "$H_HOSTKEY" "$H_SSH_PID" "$H_DOCKER" "$1" \
    | write_file "$H_SSH_CONFIG" 0644 && changed=1
  /usr/sbin/sshd -t -f "$H_SSH_CONFIG" || die "sshd rejects $H_SSH_CONFIG"
  if host_daemon_current "$1 sshd" "$H_SSH_PID" "$H_SSH_CONFIG" "$changed" 15 host_sshd_ready; then
    log "$1 sshd: running ($H_ADDR:$NS_SSH_PORT)"
    return 0
  fi
  if ! pid_alive "$H_SSH_PID" "$H_SSH_CONFIG"; then
    host_sshd_ready && die "$H_ADDR:$NS_SSH_PORT in $H_NS is taken by a process the lab did not start"
    rm -f "$H_SSH_PID"
    mkdir -p /run/sshd
    # shellcheck disable=SC2094
    setsid "${H_START[@]}" /usr/sbin/sshd -f "$H_SSH_CONFIG" -E "$H_SSH_LOG" </dev/null >>"$H_SSH_LOG" 2>&1
  fi
  wait_for "$1 sshd" "$H_SSH_LOG" "$H_SSH_PID" "$H_SSH_CONFIG" host_sshd_ready
  log "$1 sshd: started ($H_ADDR:$NS_SSH_PORT)"
}

start_lab_hosts() {
  local h t0=$SECONDS
  ensure_lab_bridge
  for h in "${NS_HOSTS[@]}"; do ensure_host_net "$h"; done
  for h in "${NS_HOSTS[@]}"; do start_host_registry "$h"; done
  ensure_lab_host_keys
  for h in "${NS_HOSTS[@]}"; do ensure_host_home "$h"; spawn_host_engine "$h"; done
  for h in "${NS_HOSTS[@]}"; do wait_host_engine "$h"; done
  for h in "${NS_HOSTS[@]}"; do start_host_sshd "$h"; done
  ensure_swarm "$SWARM_HOST"
  log "hosts: ${NS_HOSTS[*]} up in $((SECONDS - t0))s"
}

# ensure_swarm NAME: the host's engine is the manager of a single-node swarm, advertised on the
# host's address. Published ports must use `mode: host`: the routing mesh needs iptables.
ensure_swarm() {
  use_host "$1"
  local state
  state=$(docker -H "$H_DOCKER" info --format '{{.Swarm.LocalNodeState}}') || die "$1 engine does not answer"
  if [ "$state" = active ]; then
    log "$1 swarm: manager ($H_ADDR)"
    return 0
  fi
  quietly "$H_ENGINE_LOG" docker -H "$H_DOCKER" swarm init --advertise-addr "$H_ADDR" --listen-addr "$H_ADDR:2377" \
    || die "$1 swarm: docker swarm init failed"
  log "$1 swarm: initialised, manager $H_ADDR"
}

stop_lab_hosts() {
  local h
  for h in "${NS_HOSTS[@]}"; do
    use_host "$h"
    stop_pidfile "$h sshd" "$H_SSH_PID" "$H_SSH_CONFIG" 15
    stop_pidfile "$h engine" "$H_PID" "$H_SOCK" 60
    stop_pidfile "$h registry" "$H_REG_PID" "$H_REG_CONFIG" 15
  done
  for h in "${NS_HOSTS[@]}"; do
    use_host "$h"
    ip link del "$H_VETH" 2>/dev/null || true
    if [ -e "$H_NETNS" ]; then
      ip netns del "$H_NS"
      log "network: removed $H_NS"
    fi
  done
  if ip link show "$NET_BRIDGE" >/dev/null 2>&1; then
    ip link del "$NET_BRIDGE"
    log "network: removed $NET_BRIDGE"
  fi
}

# ---------------------------------------------------------------- images
build_busybox() {
  if drun image inspect "$IMG_BUSYBOX" >/dev/null 2>&1; then
    log "images: $IMG_BUSYBOX present in runner"
  else
    log "images: building $IMG_BUSYBOX"
    local ctx a
    ctx=$(mktemp -d)
    mkdir -p "$ctx/root/bin" "$ctx/root/etc" "$ctx/root/tmp" "$ctx/root/www" "$ctx/root/root"
    cp /bin/busybox "$ctx/root/bin/busybox"
    # Applet symlinks live in the build context, so the image needs no RUN step.
    for a in $(/bin/busybox --list); do
      [ "$a" = busybox ] || ln -s busybox "$ctx/root/bin/$a"
    done
    printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$ctx/root/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\n' >"$ctx/root/etc/group"
    chmod 1777 "$ctx/root/tmp"
    cat >"$ctx/Dockerfile" <<'EOF'
FROM scratch
COPY root/ /
ENV PATH=/bin
CMD ["sh"]
EOF
    local buildlog="$LOGS/build-lab-busybox.log" rc=0
    quietly "$buildlog" drun build --network host -t "$IMG_BUSYBOX" "$ctx" || rc=$?
    rm -rf "$ctx"
    [ "$rc" = 0 ] || die "building $IMG_BUSYBOX failed (log: $buildlog)"
  fi
  if dhost image inspect "$IMG_BUSYBOX" >/dev/null 2>&1; then
    log "images: $IMG_BUSYBOX present in host"
  else
    log "images: loading $IMG_BUSYBOX into the host engine"
    drun save "$IMG_BUSYBOX" | dhost load -q >/dev/null
  fi
  local h
  for h in "${NS_HOSTS[@]}"; do
    use_host "$h"
    if docker -H "$H_DOCKER" image inspect "$IMG_BUSYBOX" >/dev/null 2>&1; then
      log "images: $IMG_BUSYBOX present in $h"
    else
      log "images: loading $IMG_BUSYBOX into the $h engine"
      drun save "$IMG_BUSYBOX" | docker -H "$H_DOCKER" load -q >/dev/null
    fi
  done
}

DEBOOTSTRAP_DIR=
cleanup_debootstrap() {
  local m
  [ -n "$DEBOOTSTRAP_DIR" ] && [ -d "$DEBOOTSTRAP_DIR" ] || return 0
  # debootstrap mounts proc/sys inside the target; never delete through a mount.
  awk -v d="$DEBOOTSTRAP_DIR/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r | while IFS= read -r m; do
    umount -l "$m" 2>/dev/null || true
  done
  rm -rf --one-file-system "$DEBOOTSTRAP_DIR"
  DEBOOTSTRAP_DIR=
}

make_debian_tarball() {
  local dir
  dir=$(mktemp -d "$CACHE/debootstrap.XXXXXX")
  DEBOOTSTRAP_DIR=$dir
  trap cleanup_debootstrap EXIT
  log "images: debootstrap --variant=minbase bookworm (about a minute)"
  quietly "$LOGS/debootstrap.log" debootstrap --variant=minbase bookworm "$dir/root" http://deb.debian.org/debian \
    || die "debootstrap failed (log: $LOGS/debootstrap.log)"
  rm -rf "$dir/root/var/cache/apt/archives/"*.deb "$dir/root/var/lib/apt/lists/"* 2>/dev/null || true
  tar --numeric-owner -C "$dir/root" -cf "$dir/rootfs.tar" .
  mv -f "$dir/rootfs.tar" "$DEBIAN_TARBALL"
  cleanup_debootstrap
  trap - EXIT
}

build_debian() {
  if drun image inspect "$IMG_DEBIAN" >/dev/null 2>&1; then
    log "images: $IMG_DEBIAN present in runner"
    return 0
  fi
  if [ -s "$DEBIAN_TARBALL" ]; then
    log "images: using cached rootfs $DEBIAN_TARBALL"
  else
    make_debian_tarball
  fi
  log "images: importing $IMG_DEBIAN"
  drun import \
    -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    -c 'CMD ["bash"]' \
    - "$IMG_DEBIAN" <"$DEBIAN_TARBALL" >/dev/null
}

# build_from_debian IMAGE PACKAGES [ENTRYPOINT_FILE]: an image FROM lab/debian:bookworm with
# Debian packages installed (apt over --network host), built in the runner engine only if missing.
build_from_debian() {
  local image=$1 packages=$2 entrypoint=${3:-} ctx buildlog
  if drun image inspect "$image" >/dev/null 2>&1; then
    log "images: $image present in runner"
    return 0
  fi
  log "images: building $image (apt-get install $packages, about 30 s)"
  ctx=$(mktemp -d)
  buildlog="$LOGS/build-${image//[\/:]/-}.log"
  {
    echo "FROM $IMG_DEBIAN"
    echo "RUN apt-get update && apt-get install -y --no-install-recommends $packages && rm -rf /var/lib/apt/lists/*"
    echo 'ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
    if [ -n "$entrypoint" ]; then
      install -m 0755 "$entrypoint" "$ctx/entrypoint.sh"
      echo 'COPY entrypoint.sh /usr/local/bin/lab-postgres'
      echo 'CMD ["/usr/local/bin/lab-postgres"]'
    fi
  } >"$ctx/Dockerfile"
  if ! quietly "$buildlog" drun build --network host -t "$image" "$ctx"; then
    rm -rf "$ctx"
    die "building $image failed (log: $buildlog)"
  fi
  rm -rf "$ctx"
}

# PostgreSQL 15 plus sqlite3 for the data-safety tests (one apt run serves both images). The
# entrypoint initdb's a cluster on first start (local connections trusted), creates the user and
# database "app", and runs postgres in the foreground on 127.0.0.1:${PGPORT:-5432}.
build_postgres() {
  local ep
  ep=$(mktemp)
  cat >"$ep" <<'EOF'
#!/bin/sh
set -e
PGPORT=${PGPORT:-5432}
PGDATA=${PGDATA:-/var/lib/postgresql/data}
export PGPORT PGDATA
mkdir -p "$PGDATA" /var/run/postgresql
chown -R postgres:postgres "$PGDATA" /var/run/postgresql
chmod 0700 "$PGDATA"
as_pg() { setpriv --reuid=postgres --regid=postgres --init-groups "$@"; }
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  as_pg initdb -D "$PGDATA" -U postgres --auth=trust >/dev/null
  as_pg pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -p $PGPORT" -w start >/dev/null
  as_pg psql -q -v ON_ERROR_STOP=1 -U postgres -d postgres -c 'CREATE USER app SUPERUSER' -c 'CREATE DATABASE app OWNER app'
  as_pg pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
fi
exec setpriv --reuid=postgres --regid=postgres --init-groups postgres -D "$PGDATA" -c listen_addresses=127.0.0.1 -p "$PGPORT"
EOF
  build_from_debian "$IMG_POSTGRES" "postgresql-15 sqlite3" "$ep"
  rm -f "$ep"
  if ! drun image inspect "$IMG_SQLITE" >/dev/null 2>&1; then
    drun tag "$IMG_POSTGRES" "$IMG_SQLITE"
    log "images: tagged $IMG_SQLITE (the same image: it has sqlite3)"
  fi
}

# The host proxy's image for the tests: Debian's nginx-light (1.22 in bookworm), as real hosts
# would run the official nginx image. Tests push it to their registry and name it in stack.yml;
# stack-deploy runs it with its own nginx command line.
build_proxy() {
  build_from_debian "$IMG_PROXY" nginx-light
}

# ---------------------------------------------------------------- outputs + self-check
# lab_ssh ADDRESS PORT KNOWN_HOSTS COMMAND...: ssh as deploy, the host's key pinned by KNOWN_HOSTS.
lab_ssh() {
  local addr=$1 port=$2 known=$3
  shift 3
  ssh -F /dev/null -i "$SSH_CLIENTKEY" -p "$port" \
    -o IdentitiesOnly=yes -o BatchMode=yes -o ConnectTimeout=10 \
    -o UserKnownHostsFile="$known" -o GlobalKnownHostsFile=/dev/null \
    -o StrictHostKeyChecking=yes -o LogLevel=ERROR \
    "$SSH_USER@$addr" "$@" </dev/null
}

ssh_deploy() { lab_ssh 127.0.0.1 "$SSH_PORT" "$SSH_KNOWN_HOSTS" "$@"; }

# ssh_lab_host ADDRESS COMMAND...: ssh as deploy to a lab host, its key pinned.
ssh_lab_host() {
  local addr=$1
  shift
  lab_ssh "$addr" "$NS_SSH_PORT" "$SSH_KNOWN_HOSTS_HOSTS" "$@"
}

# registry_login_check ADDRESS LOGFILE: the runner engine logs in to the registry at ADDRESS.
registry_login_check() {
  local addr=$1 logfile=$2 tmpcfg out
  tmpcfg=$(mktemp -d)
  if ! out=$(printf '%s' "$(cat "$REG_PASSWORD_FILE")" \
      | DOCKER_CONFIG="$tmpcfg" timeout 30 docker login "$addr" -u "$REG_USER" --password-stdin 2>&1); then
    rm -rf "$tmpcfg"
    tail -n 20 "$logfile" >&2 || true
    die "self-check: docker login $addr failed: $out"
  fi
  DOCKER_CONFIG="$tmpcfg" docker logout "$addr" >/dev/null 2>&1 || true
  rm -rf "$tmpcfg"
}

# Each lab host: ssh as deploy reaches that host's engine (an ID no other engine has) and sees
# that host's home; the runner logs in to the registry on the bridge.
self_check_hosts() {
  local ids=$1 h id out who remote_id home_id summary=''
  for h in "${NS_HOSTS[@]}"; do
    use_host "$h"
    id=$(docker -H "$H_DOCKER" info --format '{{.ID}}') || die "self-check: the $h engine does not answer"
    grep -qxF "$id" <<<"$ids" && die "self-check: the $h engine reports an ID another lab engine has ($id)"
    ids+=$'\n'"$id"
    # shellcheck disable=SC2016
    out=$(ssh_lab_host "$H_ADDR" 'id -un; docker info --format "{{.ID}}"; stat -c %d:%i "$HOME"') \
      || { tail -n 20 "$H_SSH_LOG" >&2; die "self-check: ssh $SSH_USER@$H_ADDR failed"; }
    who=$(sed -n 1p <<<"$out"); remote_id=$(sed -n 2p <<<"$out"); home_id=$(sed -n 3p <<<"$out")
    [ "$who" = "$SSH_USER" ] || die "self-check: ssh to $h logged in as '$who', expected $SSH_USER"
    [ "$remote_id" = "$id" ] || die "self-check: docker over ssh to $h reached engine '$remote_id', expected $id"
    [ "$home_id" = "$(stat -c %d:%i "$H_HOME")" ] || die "self-check: ssh to $h sees a home other than $H_HOME"
    summary+=" $h $H_ADDR -> own engine and home;"
  done
  log "self-check: hosts ok ($summary each with the registry on its own $REG_ADDR)"
}

self_check() {
  local v_runner v_host id_runner id_host out
  v_runner=$(drun version --format '{{.Server.Version}}') || die "self-check: runner engine does not answer"
  v_host=$(dhost version --format '{{.Server.Version}}') || die "self-check: host engine does not answer"
  id_runner=$(drun info --format '{{.ID}}')
  id_host=$(dhost info --format '{{.ID}}')
  [ "$id_runner" != "$id_host" ] || die "self-check: runner and host engines report the same ID ($id_runner)"

  registry_login_check "$REG_ADDR" "$REG_LOG"

  out=$(ssh_deploy "id -un; docker info --format '{{.ID}}'; docker compose version --short") \
    || { tail -n 20 "$SSH_LOG" >&2; die "self-check: ssh $SSH_USER@127.0.0.1:$SSH_PORT failed"; }
  local who remote_id compose
  who=$(sed -n 1p <<<"$out"); remote_id=$(sed -n 2p <<<"$out"); compose=$(sed -n 3p <<<"$out")
  [ "$who" = "$SSH_USER" ] || die "self-check: ssh logged in as '$who', expected $SSH_USER"
  [ "$remote_id" = "$id_host" ] || die "self-check: docker over ssh reached engine '$remote_id', expected the host engine $id_host"
  [ -n "$compose" ] || die "self-check: docker compose does not work over ssh"
  log "self-check: ok (runner $v_runner, host $v_host, registry login ok, ssh $who -> host engine, compose $compose over ssh)"
  self_check_hosts "$id_runner"$'\n'"$id_host"
}

write_outputs() {
  mkdir -p "$OUT_DIR"
  chmod 0700 "$OUT_DIR"
  write_file "$OUT_DIR/deploy_ed25519" 0600 <"$SSH_CLIENTKEY" || true
  write_file "$OUT_DIR/deploy_ed25519.pub" 0644 <"$SSH_CLIENTKEY.pub" || true
  write_file "$OUT_DIR/known_hosts" 0600 <"$SSH_KNOWN_HOSTS" || true

  local kh fp pass h hosts_json='' sep=''
  kh=$(head -n 1 "$SSH_KNOWN_HOSTS")
  for h in "${PLAIN_HOSTS[@]}"; do
    use_host "$h"
    hosts_json+="$sep    { \"name\": $(json_str "$h"), \"address\": $(json_str "$H_ADDR"), \"port\": $NS_SSH_PORT, \"user\": $(json_str "$SSH_USER"),"
    hosts_json+=" \"dockerHost\": $(json_str "$H_DOCKER"), \"knownHostsLine\": $(json_str "$(grep -m 1 "^$H_ADDR " "$SSH_KNOWN_HOSTS_HOSTS")"),"
    hosts_json+=" \"home\": $(json_str "$H_HOME") }"
    sep=$',\n'
  done
  use_host "$SWARM_HOST"
  local swarm_json
  swarm_json="{ \"name\": $(json_str "$SWARM_HOST"), \"address\": $(json_str "$H_ADDR"), \"port\": $NS_SSH_PORT, \"user\": $(json_str "$SSH_USER"),"
  swarm_json+=" \"dockerHost\": $(json_str "$H_DOCKER"), \"knownHostsLine\": $(json_str "$(grep -m 1 "^$H_ADDR " "$SSH_KNOWN_HOSTS_HOSTS")"),"
  swarm_json+=" \"home\": $(json_str "$H_HOME") }"
  fp=$(ssh-keygen -l -E sha256 -f "$SSH_HOSTKEY.pub" | awk '{print $2}')
  pass=$(cat "$REG_PASSWORD_FILE")
  if write_file "$LAB_JSON" 0600 <<EOF
{
  "runnerDockerHost": $(json_str "$RUNNER_HOST"),
  "hostDockerHost": $(json_str "$HOST_HOST"),
  "registry": { "host": $(json_str "$REG_ADDR"), "username": $(json_str "$REG_USER"), "password": $(json_str "$pass") },
  "ssh": {
    "host": "127.0.0.1",
    "port": $SSH_PORT,
    "user": $(json_str "$SSH_USER"),
    "identityFile": $(json_str "$OUT_DIR/deploy_ed25519"),
    "knownHostsFile": $(json_str "$OUT_DIR/known_hosts"),
    "knownHostsLine": $(json_str "$kh"),
    "hostKeyFingerprint": $(json_str "$fp"),
    "logFile": $(json_str "$SSH_LOG")
  },
  "images": { "busybox": $(json_str "$IMG_BUSYBOX"), "debian": $(json_str "$IMG_DEBIAN"), "postgres": $(json_str "$IMG_POSTGRES"), "sqlite": $(json_str "$IMG_SQLITE"), "proxy": $(json_str "$IMG_PROXY") },
  "deployHome": $(json_str "$SSH_HOME"),
  "hosts": [
$hosts_json
  ],
  "swarm": $swarm_json
}
EOF
  then log "wrote $LAB_JSON"; else log "$LAB_JSON up to date"; fi

  local gi="$REPO_ROOT/.gitignore"
  if ! { [ -f "$gi" ] && grep -qxE '/?\.lab/?' "$gi"; }; then
    [ -s "$gi" ] && [ -n "$(tail -c 1 "$gi")" ] && echo >>"$gi"
    echo '.lab/' >>"$gi"
    log "added .lab/ to .gitignore"
  fi
}

# ---------------------------------------------------------------- commands
cmd_up() {
  need_root
  local t0=$SECONDS
  mkdir -p "$STATE" "$RUN" "$CACHE" "$LOGS"
  chmod 0755 "$STATE" "$LOGS"
  ensure_packages
  ensure_plugins
  start_runner_engine
  start_host_engine
  start_registry
  ensure_ssh_keys
  ensure_deploy_user
  start_sshd
  start_lab_hosts
  build_busybox
  build_debian
  build_postgres
  build_proxy
  write_outputs
  self_check
  log "up: ready in $((SECONDS - t0))s ($LAB_JSON)"
}

cmd_down() {
  need_root
  stop_lab_hosts
  stop_pidfile sshd "$SSH_PID" sshd 15
  stop_pidfile registry "$REG_PID" docker-registry 15
  stop_pidfile "host engine" "$HOST_PID" dockerd 60
  if [ -e "$RUNNER_PID" ] || ! engine_ok "$RUNNER_HOST"; then
    stop_pidfile "runner engine" "$RUNNER_PID" dockerd 60
  else
    log "runner engine: answering but not started by the lab (no $RUNNER_PID); left running"
  fi
  log "down: done (caches, images and keys kept)"
}

cmd_status() {
  local rc=0
  show() { # NAME PIDFILE PROCNAME CHECK...
    local name=$1 pidfile=$2 proc=$3; shift 3
    local pid=- state
    pid_alive "$pidfile" "$proc" && pid=$(pid_of "$pidfile")
    if "$@"; then state=up; else state=down; rc=1; fi
    printf 'lab: %-14s %-5s pid %-8s %s\n' "$name" "$state" "$pid" "$LAST_DETAIL"
  }
  LAST_DETAIL=$RUNNER_HOST; show "runner engine" "$RUNNER_PID" dockerd engine_ok "$RUNNER_HOST"
  LAST_DETAIL=$HOST_HOST; show "host engine" "$HOST_PID" dockerd engine_ok "$HOST_HOST"
  LAST_DETAIL=$REG_ADDR; show registry "$REG_PID" docker-registry registry_ready
  LAST_DETAIL="127.0.0.1:$SSH_PORT (log $SSH_LOG)"; show sshd "$SSH_PID" sshd sshd_ready
  local h
  for h in "${NS_HOSTS[@]}"; do
    use_host "$h"
    LAST_DETAIL="$H_DOCKER ($H_NS)"; show "$h engine" "$H_PID" "$H_SOCK" host_engine_ok
    LAST_DETAIL="$H_ADDR:$NS_SSH_PORT (log $H_SSH_LOG, home $H_HOME)"; show "$h sshd" "$H_SSH_PID" "$H_SSH_CONFIG" host_sshd_ready
    LAST_DETAIL="$REG_ADDR in $H_NS"; show "$h registry" "$H_REG_PID" "$H_REG_CONFIG" tcp_listening "$REG_PORT" 127.0.0.1 "$H_NETNS"
  done
  if [ -f "$LAB_JSON" ]; then log "lab file: $LAB_JSON"; else log "lab file: missing ($LAB_JSON)"; fi
  return "$rc"
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  # For tests of a registry outage: stop only the registry on 127.0.0.1, and start it again.
  # The lab hosts' own registries keep running.
  registry-stop) need_root; stop_pidfile registry "$REG_PID" "$REG_CONFIG" 15 ;;
  registry-start) need_root; mkdir -p "$RUN" "$LOGS"; start_registry ;;
  *) echo "usage: $0 up|down|status|registry-stop|registry-start" >&2; exit 2 ;;
esac
