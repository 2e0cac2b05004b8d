#!/usr/bin/env bash
# Fuzzes the JSON API with schemathesis against a server on a fresh demo
# database: every operation of the served /openapi.yaml, as a resident and as
# committee staff, in a bounded budget. Any server error, crash, or response
# outside the documented statuses, content types and schemas fails the run.
# Usage: Tests/api/run.sh [path-to-gongzhi-binary]   (needs schemathesis)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=$(realpath "${1:-$root/.build/debug/gongzhi}")
st=${SCHEMATHESIS:-$root/.venv/bin/schemathesis}
port=${GONGZHI_FUZZ_PORT:-18081}
examples=${GONGZHI_FUZZ_EXAMPLES:-70}
base="http://127.0.0.1:$port"
dir=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$dir"' EXIT
(cd "$dir" && exec env GONGZHI_BCRYPT_COST=4 "$bin" serve --demo --port "$port" --database-url "$dir/fuzz.sqlite" > "$dir/server.log" 2>&1) &
server=$!
for _ in $(seq 1 100); do curl -fs "$base/readyz" > /dev/null 2>&1 && break; sleep 0.2; done
token() {
  curl -fs -X POST "$base/api/v1/tokens" -H 'Content-Type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"gongzhi-demo\",\"name\":\"fuzz\"}" | sed -E 's/.*"token":"([^"]+)".*/\1/'
}
status=0
for user in resident committee; do
  auth=$(token "$user")
  echo "--- schemathesis as $user"
  # Run in the scratch folder: schemathesis keeps a cache in its working directory.
  (cd "$dir" && "$st" run "$base/openapi.yaml" --url "$base/api/v1" -H "Authorization: Bearer $auth" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance \
    --phases examples,fuzzing --max-examples "$examples" --seed 20261201 --workers 2 --request-timeout 10 --no-color \
    --generation-database none --warnings off --report junit --report-dir "$dir/report-$user") || status=1
  kill -0 "$server" 2>/dev/null || { echo "the server died"; status=1; break; }
done
# A server that died during the run fails it, even if every check passed.
kill -0 "$server" 2>/dev/null || status=1
if [ "$status" != 0 ]; then echo "--- server log"; grep -v ' info ' "$dir/server.log" | tail -60; fi
exit "$status"
