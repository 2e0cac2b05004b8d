#!/usr/bin/env bash
# Institution dimension, one run (release):
#   the admission verdicts of one task sent to 1,000 communities: target < 50 ms;
#   the same sending written to SQLite in one transaction (task, copies, timeline), reported beside it;
#   a ledger over one street for one year (>= 500,000 work entries), read over HTTP by the street officer:
#   its first page < 100 ms, its whole CSV export < 1 s, beside the sqlite3 shell writing the same rows as CSV.
# No other platform has admission control or ledgers, so the references are the targets and the bare engine.
# Usage: bench/institution.sh [communities] [ledger-records]
set -euo pipefail
ledger_records=${2:-500000}
port=18183
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
swift build -c release --product gongzhi >/dev/null
out=$("$root/.build/release/gongzhi" bench-institution --communities "${1:-1000}" --database "$root/.build/bench-institution.sqlite")
echo "$out" | grep -v '^RESULT'
python3 - "$out" <<'PY'
import sys
fields = dict(kv.split("=") for line in sys.argv[1].splitlines() if line.startswith("RESULT") for kv in line.split()[1:])
verdict = float(fields["verdictms"])
print(f"verdicts     {verdict:.2f} ms against the 50 ms target: {50 / verdict:.0f}x under it" if verdict < 50 else f"verdicts     {verdict:.2f} ms: over the 50 ms target")
PY

# The ledger: the demo district, a year of working time for the demo street, the street office's ledger over it.
db="$root/.build/bench-ledgers.sqlite"
rm -f "$db" "$db-wal" "$db-shm"
bin="$root/.build/release/gongzhi"
GONGZHI_BCRYPT_COST=4 GONGZHI_LOG_LEVEL=warning "$bin" demo --database-url "$db" >/dev/null
prepared=$("$bin" bench-ledgers --records "$ledger_records" --database "$db")
echo "$prepared" | grep -v "^RESULT" || true
ledger=$(echo "$prepared" | sed -n 's/^RESULT ledger=//p')
GONGZHI_LOG_LEVEL=warning "$bin" serve --port "$port" --database-url "$db" >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 150); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
token=$(curl -fs -X POST "http://127.0.0.1:$port/api/v1/tokens" -H 'content-type: application/json' \
  -d '{"username":"street","password":"gongzhi-demo","name":"bench"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
api="http://127.0.0.1:$port/api/v1/ledgers/$ledger"
timed() { curl -fs -o "$1" -w '%{time_total}\n' -H "authorization: Bearer $token" "$2"; }
pages=$(for _ in $(seq 1 21); do timed /dev/null "$api/rows"; done)
exports=$(for _ in $(seq 1 5); do timed "$root/.build/bench-ledger.csv" "$api/export?format=csv"; done)
rows=$(($(wc -l < "$root/.build/bench-ledger.csv") - 1))
# The bare engine: the same rows (the street's subtree, the ledger's period), in the same order, written as CSV by the sqlite3 shell.
query="SELECT w.day, w.community_path, w.minutes, w.category, w.subject_kind, w.subject_id, w.note
  FROM work_entries w JOIN ledger_definitions l ON l.id = $ledger
  WHERE w.day >= l.period_from AND w.day <= l.period_to
    AND w.community_path >= l.place_path AND w.community_path < substr(l.place_path, 1, length(l.place_path) - 1) || '0'
  ORDER BY w.day, w.id"
expected=$(sqlite3 -csv "$db" "$query" | wc -l)
shell=$(for _ in $(seq 1 5); do
  s=$(date +%s.%N)
  sqlite3 -csv "$db" "$query" >/dev/null
  echo "$(date +%s.%N) - $s" | bc
done)
python3 - "$pages" "$exports" "$shell" "$rows" "$expected" "$ledger_records" <<'PY'
import statistics, sys
page, export, shell = (statistics.median(float(x) * 1000 for x in a.split()) for a in sys.argv[1:4])
rows, expected, written = int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
# The street's own demo year is in the ledger too: at least the entries written here, and exactly the records' count.
assert rows == expected and rows >= written, f"the export holds {rows} rows, the records {expected}"
print(f"ledger page  first page of {rows} records (50 rows, total, place names): median {page:.1f} ms against the 100 ms target")
print(f"ledger csv   whole export, {rows} rows: median {export:.0f} ms against the 1,000 ms target")
print(f"sqlite3      the same rows as CSV from the shell: median {shell:.0f} ms; the export takes {export / shell:.1f}x the bare engine")
PY
