#!/usr/bin/env bash
# Installs the Debian packages the test suite needs, only those that are missing:
#   memcached            the memcached store's servers
#   chromium             real-browser tests (driven by playwright-core; browsers cannot be downloaded here)
#   python3-django       the real Django the interop tests share sessions with
#   python3-psycopg2     Django on PostgreSQL
#   python3-mysqldb      Django on MariaDB
# Safe to run repeatedly.
set -euo pipefail

need=()
command -v memcached >/dev/null 2>&1 || need+=(memcached)
[ -x /usr/bin/chromium ] || need+=(chromium)
/usr/bin/python3 -c 'import django' >/dev/null 2>&1 || need+=(python3-django)
/usr/bin/python3 -c 'import psycopg2' >/dev/null 2>&1 || need+=(python3-psycopg2)
/usr/bin/python3 -c 'import MySQLdb' >/dev/null 2>&1 || need+=(python3-mysqldb)

if [ ${#need[@]} -eq 0 ]; then
  echo "system deps: all present"
  exit 0
fi
echo "system deps: installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}"
