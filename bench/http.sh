#!/usr/bin/env bash
# HTTP throughput, one run, side by side:
#   floor: a minimal Hummingbird route in the same binary (`gongzhi bench-floor`);
#   real:  an authenticated GET /api/v1/households/{id} on the demo SQLite database.
# Prints both rates, the ratio (target >= 50%), and the server's idle RSS after a
# --demo start (target < 80 MB).
# Needs: wrk, curl, python3. Usage: bench/http.sh [duration-seconds] [connections]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
duration=${1:-10}
connections=${2:-32}
threads=2
floor_port=18181
server_port=18182
source "$root/bench/lib.sh"
sleep 2
pid=$(pgrep -f "bench.sqlite" | while read -r p; do [ "$(cat /proc/$p/comm)" = gongzhi ] && echo "$p"; done | head -1)
rss_kb=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")

token=$(curl -fs -X POST http://127.0.0.1:18182/api/v1/tokens -H 'content-type: application/json' \
  -d '{"username":"resident","password":"gongzhi-demo","name":"bench"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
household=$(curl -fs http://127.0.0.1:18182/api/v1/me -H "authorization: Bearer $token" | python3 -c 'import json,sys; print([g["placeId"] for g in json.load(sys.stdin)["grants"] if "placeId" in g][0])')
curl -fs "http://127.0.0.1:18182/api/v1/households/$household" -H "authorization: Bearer $token" >/dev/null

rate() { wrk -t"$threads" -c"$connections" -d"${duration}s" "$@" | awk '/Requests\/sec/ {print $2}'; }
# Warm both, then measure.
wrk -t1 -c4 -d2s http://127.0.0.1:18181/floor >/dev/null
wrk -t1 -c4 -d2s -H "Authorization: Bearer $token" "http://127.0.0.1:18182/api/v1/households/$household" >/dev/null
floor_rate=$(rate http://127.0.0.1:18181/floor)
real_rate=$(rate -H "Authorization: Bearer $token" "http://127.0.0.1:18182/api/v1/households/$household")
python3 - "$floor_rate" "$real_rate" "$rss_kb" <<'PY'
import sys
floor, real, rss = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
print(f"floor  GET /floor (minimal Hummingbird route)            {floor:10.0f} req/s")
print(f"real   GET /api/v1/households/{{id}} (token, SQLite)       {real:10.0f} req/s")
print(f"ratio  real / floor                                      {real / floor * 100:9.1f} %   (target >= 50%)")
print(f"idle RSS after serve --demo                              {rss / 1024:9.1f} MB  (target < 80 MB)")
PY
