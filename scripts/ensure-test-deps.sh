#!/bin/sh
# Install the system packages the tests drive when they are missing: Debian's chromium
# (Playwright drives it by path; Playwright's own browser download is not used) and
# PostgreSQL and redis (tests/postgres.py and tests/redis_server.py start throw-away servers).
set -eu
missing=""
if ! command -v chromium >/dev/null 2>&1 && [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
    missing="$missing chromium"
fi
if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    missing="$missing postgresql"
fi
if ! command -v redis-server >/dev/null 2>&1; then
    missing="$missing redis-server"
fi
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
echo "installing for the tests:$missing" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
