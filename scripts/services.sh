#!/usr/bin/env bash
# Makes sure PostgreSQL, Redis and RabbitMQ answer on their standard loopback ports, for the
# service test tier and standalone mode. Idempotent: a server already listening is reused; a
# missing one is installed from Debian packages and started without systemd. Called by
# `make services` and `make test`.
#
# Leaves a PostgreSQL role and database `reach` (password `reach`, superuser so tests can create
# template databases) and RabbitMQ's default guest user, which only accepts loopback clients.
set -euo pipefail

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for() { # port seconds name
  local i
  for ((i = 0; i < $2 * 10; i++)); do listening "$1" && return 0; sleep 0.1; done
  echo "services: $3 did not open port $1 within $2 s" >&2
  exit 1
}

apt_install() {
  if ! command -v apt-get >/dev/null; then
    echo "services: $* not found and this machine has no apt-get." >&2
    echo "Install and start PostgreSQL >= 14, Redis >= 6 and RabbitMQ >= 3.10 listening on" >&2
    echo "127.0.0.1:5432, 6379 and 5672, then run this again." >&2
    exit 1
  fi
  if [ -z "${APT_UPDATED:-}" ]; then
    apt-get update -qq
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

postgres() {
  if ! listening 5432; then
    command -v pg_ctlcluster >/dev/null && ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 ||
      apt_install postgresql
    local version
    version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
    [ -d "/etc/postgresql/$version/main" ] || pg_createcluster "$version" main >/dev/null
    pg_ctlcluster "$version" main start
    wait_for 5432 30 PostgreSQL
  fi
  # Only possible where we are root next to the server; elsewhere the role is the user's affair.
  if [ "$(id -u)" = 0 ] && id postgres >/dev/null 2>&1; then
    su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname = 'reach'\"" | grep -q 1 ||
      su postgres -c "psql -qc \"CREATE ROLE reach LOGIN SUPERUSER PASSWORD 'reach'\""
    su postgres -c "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname = 'reach'\"" | grep -q 1 ||
      su postgres -c "psql -qc 'CREATE DATABASE reach OWNER reach'"
  fi
  echo "PostgreSQL: 127.0.0.1:5432"
}

redis() {
  if ! listening 6379; then
    command -v redis-server >/dev/null || apt_install redis-server
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no \
      --logfile /tmp/reach-redis.log
    wait_for 6379 10 Redis
  fi
  echo "Redis: 127.0.0.1:6379"
}

rabbitmq() {
  if ! listening 5672; then
    command -v rabbitmq-server >/dev/null || apt_install rabbitmq-server
    # The Debian package runs as root here; the Erlang cookie must exist and be private.
    rabbitmq-server -detached >/dev/null 2>&1 || true
    wait_for 5672 60 RabbitMQ
    rabbitmq-diagnostics -q ping >/dev/null
  fi
  echo "RabbitMQ: 127.0.0.1:5672"
}

postgres
redis
rabbitmq
