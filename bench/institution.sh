#!/usr/bin/env bash
# Institution dimension, one run (release):
#   the admission verdicts of one task sent to 1,000 communities: target < 50 ms;
#   the same sending written to SQLite in one transaction (task, copies, timeline), reported beside it.
# No other platform has admission control, so the reference is the target itself.
# Usage: bench/institution.sh [communities]
set -euo pipefail
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
