#!/usr/bin/env bash
# disclosure log, one run, side by side with pymerkle 7 on the same leaves:
#   append N leaves ("leaf 0" … "leaf N-1") in memory, then P inclusion proofs at
#   the same random indexes; durable appends to SQLite in batches through the
#   real log (disclosure rows, leaves, a signed checkpoint per batch); SHA-256/s.
# Targets: >= 10x pymerkle in memory; durable >= 50,000 leaves/s; proof p50 < 0.2 ms.
# Usage: bench/disclosure-log.sh [leaves] [proofs] [durable-leaves] [batch]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
leaves=${1:-1000000}
proofs=${2:-10000}
durable=${3:-200000}
batch=${4:-10000}
cd "$root"
swift build -c release --product gongzhi >/dev/null
venv="$root/.build-bench-venv"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check "pymerkle==7.0.0"

ours=$("$root/.build/release/gongzhi" bench-log --leaves "$leaves" --proofs "$proofs" --durable "$durable" --batch "$batch")
echo "$ours" | grep -v '^RESULT'

theirs=$("$venv/bin/python" - "$leaves" "$proofs" <<'PY'
import sys, time
from pymerkle import InmemoryTree
n, p = int(sys.argv[1]), int(sys.argv[2])
# The same indexes as ours: SplitMix64 seeded with 42.
state = 42
def nxt():
    global state
    state = (state + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE5E9B9) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    return z ^ (z >> 31)
indexes = [nxt() % n for _ in range(p)]
tree = InmemoryTree(algorithm="sha256")
t0 = time.perf_counter()
for i in range(n):
    tree.append_entry(f"leaf {i}".encode())
t1 = time.perf_counter()
for i in indexes:
    tree.prove_inclusion(i + 1, n)   # pymerkle counts leaves from 1
t2 = time.perf_counter()
print(f"RESULT append={t1 - t0:.6f} proofs={t2 - t1:.6f} root={tree.get_state().hex()}")
PY
)
python3 - "$ours" "$theirs" <<'PY'
import sys, re
def fields(text):
    line = [l for l in text.splitlines() if l.startswith("RESULT")][0]
    return dict(kv.split("=") for kv in line.split()[1:])
ours, theirs = fields(sys.argv[1]), fields(sys.argv[2])
our_root = re.search(r"^root\s+(\S+)", sys.argv[1], re.M).group(1)
oa, op, ta, tp = float(ours["append"]), float(ours["proofs"]), float(theirs["append"]), float(theirs["proofs"])
print(f"pymerkle     append {ta:.3f} s, proofs {tp:.3f} s; root {'matches' if theirs['root'] == our_root else 'DIFFERS: ' + theirs['root']}")
print(f"ratio        append {ta / oa:.1f}x, proofs {tp / op:.1f}x, both {(ta + tp) / (oa + op):.1f}x faster than pymerkle   (target >= 10x)")
print(f"durable      {float(ours['durable']):.0f} leaves/s on SQLite   (target >= 50,000)")
print(f"proof p50    {float(ours['p50us']) / 1000:.4f} ms   (target < 0.2 ms)")
PY
