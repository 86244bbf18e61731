#!/usr/bin/env bash
# The stack-deploy test lab: two Docker engines (runner + target host), a registry
# with htpasswd auth and an sshd for a non-root deploy user, all on 127.0.0.1.
#
#   bash test/lab/lab.sh up      # install what is missing, start what is not running (idempotent)
#   bash test/lab/lab.sh down    # stop what `up` started (keeps caches, images, keys)
#   bash test/lab/lab.sh status  # show what runs
#   bash test/lab/lab.sh registry-stop|registry-start  # a registry outage, for tests
#
# Everything the tests need is written to <repo>/.lab/lab.json (see test/lab/lab.ts).
# Network: every daemon listens on loopback only; the only outside traffic is package
# downloads from Debian's archive (apt-get, debootstrap) when something is missing.
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

# tcp_listening PORT: something listens on 127.0.0.1:PORT (from /proc, without connecting,
# so readiness polls add no lines to the sshd log the tests count).
tcp_listening() {
  local hex
  hex=$(printf '0100007F:%04X' "$1")
  awk -v a="$hex" '$2 == a && $4 == "0A" { found = 1 } END { exit !found }' /proc/net/tcp
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

start_registry() {
  local pass changed=0
  mkdir -p "$REG_STORAGE"
  pass=$(registry_password)
  [ -n "$pass" ] || die "empty registry password in $REG_PASSWORD_FILE"
  if [ ! -s "$REG_HTPASSWD" ] || ! htpasswd -vb "$REG_HTPASSWD" "$REG_USER" "$pass" >/dev/null 2>&1; then
    htpasswd -Bbn "$REG_USER" "$pass" | write_file "$REG_HTPASSWD" 0600 || true
    changed=1
  fi
  write_file "$REG_CONFIG" 0644 <<EOF && changed=1
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
  addr: $REG_ADDR
  headers:
    X-Content-Type-Options: [nosniff]
auth:
  htpasswd:
    realm: stack-deploy-lab
    path: $REG_HTPASSWD
EOF
  if pid_alive "$REG_PID" docker-registry; then
    if [ "$changed" = 1 ]; then
      log "registry: configuration changed, restarting"
      stop_pidfile registry "$REG_PID" docker-registry 15
    elif registry_ready; then
      log "registry: running ($REG_ADDR)"
      return 0
    fi
  fi
  if ! pid_alive "$REG_PID" docker-registry; then
    tcp_listening "$REG_PORT" && die "127.0.0.1:$REG_PORT is taken by a process the lab did not start"
    setsid nohup docker-registry serve "$REG_CONFIG" >>"$REG_LOG" 2>&1 </dev/null &
    echo $! >"$REG_PID"
  fi
  wait_for "registry" "$REG_LOG" "$REG_PID" docker-registry registry_ready
  log "registry: started"
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

start_sshd() {
  local changed=0
  mkdir -p /run/sshd
  chmod 0755 /run/sshd
  write_file "$SSH_CONFIG" 0644 <<EOF && changed=1
# stack-deploy test lab sshd (generated by test/lab/lab.sh)
Port $SSH_PORT
ListenAddress 127.0.0.1
HostKey $SSH_HOSTKEY
PidFile $SSH_PID
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
SetEnv DOCKER_HOST=$HOST_HOST
Subsystem sftp /usr/lib/openssh/sftp-server
EOF
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
ssh_deploy() {
  ssh -F /dev/null -i "$SSH_CLIENTKEY" -p "$SSH_PORT" \
    -o IdentitiesOnly=yes -o BatchMode=yes -o ConnectTimeout=10 \
    -o UserKnownHostsFile="$SSH_KNOWN_HOSTS" -o GlobalKnownHostsFile=/dev/null \
    -o StrictHostKeyChecking=yes -o LogLevel=ERROR \
    "$SSH_USER@127.0.0.1" "$@" </dev/null
}

self_check() {
  local v_runner v_host id_runner id_host tmpcfg out
  v_runner=$(drun version --format '{{.Server.Version}}') || die "self-check: runner engine does not answer"
  v_host=$(dhost version --format '{{.Server.Version}}') || die "self-check: host engine does not answer"
  id_runner=$(drun info --format '{{.ID}}')
  id_host=$(dhost info --format '{{.ID}}')
  [ "$id_runner" != "$id_host" ] || die "self-check: runner and host engines report the same ID ($id_runner)"

  tmpcfg=$(mktemp -d)
  if ! out=$(printf '%s' "$(cat "$REG_PASSWORD_FILE")" \
      | DOCKER_CONFIG="$tmpcfg" timeout 30 docker login "$REG_ADDR" -u "$REG_USER" --password-stdin 2>&1); then
    rm -rf "$tmpcfg"
    tail -n 20 "$REG_LOG" >&2 || true
    die "self-check: docker login $REG_ADDR failed: $out"
  fi
  DOCKER_CONFIG="$tmpcfg" docker logout "$REG_ADDR" >/dev/null 2>&1 || true
  rm -rf "$tmpcfg"

  out=$(ssh_deploy "id -un; docker info --format '{{.ID}}'; docker compose version --short") \
    || { tail -n 20 "$SSH_LOG" >&2; die "self-check: ssh $SSH_USER@127.0.0.1:$SSH_PORT failed"; }
  local who remote_id compose
  who=$(sed -n 1p <<<"$out"); remote_id=$(sed -n 2p <<<"$out"); compose=$(sed -n 3p <<<"$out")
  [ "$who" = "$SSH_USER" ] || die "self-check: ssh logged in as '$who', expected $SSH_USER"
  [ "$remote_id" = "$id_host" ] || die "self-check: docker over ssh reached engine '$remote_id', expected the host engine $id_host"
  [ -n "$compose" ] || die "self-check: docker compose does not work over ssh"
  log "self-check: ok (runner $v_runner, host $v_host, registry login ok, ssh $who -> host engine, compose $compose over ssh)"
}

write_outputs() {
  mkdir -p "$OUT_DIR"
  chmod 0700 "$OUT_DIR"
  write_file "$OUT_DIR/deploy_ed25519" 0600 <"$SSH_CLIENTKEY" || true
  write_file "$OUT_DIR/deploy_ed25519.pub" 0644 <"$SSH_CLIENTKEY.pub" || true
  write_file "$OUT_DIR/known_hosts" 0600 <"$SSH_KNOWN_HOSTS" || true

  local kh fp pass
  kh=$(head -n 1 "$SSH_KNOWN_HOSTS")
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
  "deployHome": $(json_str "$SSH_HOME")
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
  if [ -f "$LAB_JSON" ]; then log "lab file: $LAB_JSON"; else log "lab file: missing ($LAB_JSON)"; fi
  return "$rc"
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  # For tests of a registry outage: stop only the registry, and start it again.
  registry-stop) need_root; stop_pidfile registry "$REG_PID" docker-registry 15 ;;
  registry-start) need_root; mkdir -p "$RUN" "$LOGS"; start_registry ;;
  *) echo "usage: $0 up|down|status|registry-stop|registry-start" >&2; exit 2 ;;
esac
