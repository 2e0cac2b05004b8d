#!/usr/bin/env bash
# Starts a server on a fresh demo database and runs the browser tests against it.
# Usage: Tests/e2e/run.sh [path-to-gongzhi-binary]   (needs chromium, chromedriver, selenium)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=$(realpath "${1:-$root/.build/debug/gongzhi}")
python=${PYTHON:-$root/.venv/bin/python}
port=${GONGZHI_E2E_PORT:-18080}
dir=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$dir"' EXIT
(cd "$dir" && exec env GONGZHI_BCRYPT_COST=4 "$bin" serve --demo --port "$port" --database-url "$dir/e2e.sqlite" > "$dir/server.log" 2>&1) &
server=$!
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/readyz" > /dev/null 2>&1 && break
  sleep 0.2
done
curl -fs "http://127.0.0.1:$port/readyz" > /dev/null || { cat "$dir/server.log"; exit 1; }
status=0
GONGZHI_E2E_URL="http://127.0.0.1:$port" "$python" "$root/Tests/e2e/test_pages.py" || status=$?
# The auditor's command-line check against the log the browser tests just wrote.
if [ "$status" = 0 ]; then
  (cd "$dir" && "$bin" log verify --server "http://127.0.0.1:$port") || status=$?
fi
# A server that died during the run fails the suite even if every page test passed.
kill -0 "$server" 2>/dev/null || { echo "server exited during the browser tests"; status=1; }
if [ "$status" != 0 ]; then echo "--- server log"; tail -80 "$dir/server.log"; fi
exit "$status"
