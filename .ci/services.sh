#!/usr/bin/env bash
# Install (from Debian's packages) and start what the test suite needs:
# PostgreSQL (store tests), Chromium + ChromeDriver (browser tests), a Java runtime (Spark backend).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
need=()
command -v pg_ctlcluster >/dev/null 2>&1 || need+=(postgresql)
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -x /usr/bin/chromedriver ] || need+=(chromium-driver)
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
version=$(ls /etc/postgresql | sort -V | tail -n 1)
if [ -z "$version" ]; then
  echo "PostgreSQL is installed but has no cluster" >&2; exit 1
fi
pg_ctlcluster "$version" main start 2>/dev/null || true
for _ in $(seq 1 30); do
  pg_isready -h 127.0.0.1 -q && break
  sleep 1
done
su postgres -c "psql -q -tc \"SELECT 1 FROM pg_roles WHERE rolname='uncounted'\" | grep -q 1 || psql -q -c \"CREATE ROLE uncounted LOGIN SUPERUSER PASSWORD 'uncounted'\""
echo "PostgreSQL $version is running on 127.0.0.1:5432"
