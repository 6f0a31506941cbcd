#!/usr/bin/env bash
# Make sure the services the integration tests talk to are up on loopback: PostgreSQL :5432,
# MariaDB :3306, Redis :6379 and two memcached instances :11211 and :11212 (installed from Debian if
# missing). Idempotent: a service that already answers is left alone, so this is safe to run any time.
# The 3-master Redis Cluster (:7101-7103) is NOT started here: test/services/redis-cluster.ts starts (or
# reuses) it from the Redis Cluster test file, because only that test needs it.
# Used by CI (.ci/run) and locally: `bash scripts/services.sh`.
set -euo pipefail

WAIT_SECONDS=${WAIT_SECONDS:-30}
MEMCACHED_PORTS=${MEMCACHED_PORTS:-"11211 11212"}

log() { printf '[services] %s\n' "$*"; }

# wait_for NAME COMMAND...: retry COMMAND every 0.5 s for up to WAIT_SECONDS.
wait_for() {
  local name=$1; shift
  local tries=$((WAIT_SECONDS * 2))
  for ((i = 0; i < tries; i++)); do
    if "$@" >/dev/null 2>&1; then log "$name is up"; return 0; fi
    sleep 0.5
  done
  log "ERROR: $name did not come up within ${WAIT_SECONDS}s"
  return 1
}

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

postgres_up() { pg_isready -q -h 127.0.0.1 -p 5432; }
redis_up() { [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = PONG ]; }
mariadb_up() { mariadb-admin --protocol=tcp -h 127.0.0.1 -P 3306 -u root ping; }
# memcached_up PORT: the instance answers the text protocol's `version` command.
memcached_up() {
  timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1 && printf 'version\r\n' >&3 && head -c 7 <&3" 2>/dev/null | grep -q VERSION
}

status=0

if ! postgres_up; then
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  log "starting PostgreSQL $version"
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
fi
wait_for PostgreSQL postgres_up || status=1

if ! redis_up; then
  log 'starting Redis'
  as_root mkdir -p /var/lib/redis /var/log/redis
  as_root redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
fi
wait_for Redis redis_up || status=1

if ! mariadb_up >/dev/null 2>&1; then
  log 'starting MariaDB'
  as_root mkdir -p /run/mysqld
  as_root chown mysql:mysql /run/mysqld 2>/dev/null || true
  as_root start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd || true
fi
wait_for MariaDB mariadb_up || status=1

if ! command -v memcached >/dev/null 2>&1; then
  log 'installing memcached from Debian'
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq memcached >/dev/null
fi
for port in $MEMCACHED_PORTS; do
  if ! memcached_up "$port"; then
    log "starting memcached on 127.0.0.1:$port"
    # memcached refuses to run as root unless told which user to run as.
    if [ "$(id -u)" -eq 0 ]; then user=(-u root); else user=(); fi
    memcached -d "${user[@]}" -l 127.0.0.1 -p "$port" -m 64 || true
  fi
  wait_for "memcached :$port" memcached_up "$port" || status=1
done

exit "$status"
