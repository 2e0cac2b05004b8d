#!/usr/bin/env bash
# Consultation counting, one run, side by side with the Python peers on the same data:
#   an art. 278 tally over 1,000,000 owners (target < 300 ms);
#   instant runoff (pyrankvote 2.0.6) and Schulze (votelib 0.4.0) over 100,000 ranked
#   ballots, identical winners (target >= 10x faster);
#   the opinion map over 7,900 participants x 4,000 statements, ~1,000,000 votes,
#   against red-dwarf 0.4.0 on the same votes (target >= 10x faster, groups agreeing
#   with red-dwarf's at adjusted Rand index >= 0.9).
# Only the counting is timed on both sides: reading the files is not.
# Usage: bench/consultation.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
swift build -c release --product gongzhi >/dev/null
venv="$root/.build-bench-venv"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check "pyrankvote==2.0.6" "votelib==0.4.0" "red-dwarf==0.4.0"
data="$root/.build/bench-consultation"

ours=$("$root/.build/release/gongzhi" bench-consultation --out "$data")
echo "$ours" | grep -v '^RESULT'

theirs=$("$venv/bin/python" - "$data" <<'PY'
import sys, time, warnings
warnings.filterwarnings("ignore")
data = sys.argv[1]

ballots = [[int(c) for c in line.split(",")] for line in open(f"{data}/ranked.csv").read().split("\n") if line]
candidates = sorted({c for b in ballots for c in b})

import pyrankvote
from pyrankvote import Candidate, Ballot
people = {c: Candidate(str(c)) for c in candidates}
prv_ballots = [Ballot(ranked_candidates=[people[c] for c in b]) for b in ballots]
t0 = time.perf_counter()
irv = pyrankvote.instant_runoff_voting(list(people.values()), prv_ballots)
irv_time = time.perf_counter() - t0
irv_winner = int(irv.get_winners()[0].name)

import collections
from votelib.convert import RankedToCondorcetVotes
from votelib.evaluate.condorcet import Schulze
counted = collections.Counter(tuple(b) for b in ballots)
t0 = time.perf_counter()
pairs = RankedToCondorcetVotes(unranked_at_bottom=True).convert(dict(counted))
schulze_winner = Schulze().evaluate(pairs, 1)[0]
schulze_time = time.perf_counter() - t0

votes = []
for line in open(f"{data}/votes.csv").read().split("\n"):
    if line:
        p, s, v = line.split(",")
        votes.append({"participant_id": int(p), "statement_id": int(s), "vote": int(v), "modified": 0})
from reddwarf.implementations.base import run_pipeline
t0 = time.perf_counter()
result = run_pipeline(votes=votes, random_state=1)
map_time = time.perf_counter() - t0
theirs = {int(pid): row["cluster_id"] for pid, row in result.participants_df.iterrows() if row["to_cluster"]}
ours = {}
for line in open(f"{data}/labels.csv").read().split("\n"):
    pid, group = line.split(",")
    if group != "":
        ours[int(pid)] = int(group)
truth = dict(tuple(map(int, line.split(","))) for line in open(f"{data}/truth.csv").read().split("\n") if line)
from sklearn.metrics import adjusted_rand_score
common = sorted(set(ours) & set(theirs))
ari = adjusted_rand_score([ours[p] for p in common], [int(theirs[p]) for p in common])
ari_truth = adjusted_rand_score([ours[p] for p in common], [truth[p] for p in common])
groups = len(set(int(v) for v in theirs.values()))
print(f"RESULT irv={irv_time:.6f} schulze={schulze_time:.6f} map={map_time:.6f} irvwinner={irv_winner} schulzewinner={schulze_winner} "
      f"ari={ari:.4f} aritruth={ari_truth:.4f} groups={groups} common={len(common)}")
PY
)
python3 - "$ours" "$theirs" <<'PY'
import sys
def fields(text):
    line = [l for l in text.splitlines() if l.startswith("RESULT")][0]
    return dict(kv.split("=") for kv in line.split()[1:])
o, t = fields(sys.argv[1]), fields(sys.argv[2])
def same(k): return "identical" if o[k] == t[k] else f"DIFFERENT (ours {o[k]}, theirs {t[k]})"
print(f"tally        {float(o['tally']) * 1000:.1f} ms for 1,000,000 owners   (target < 300 ms)")
print(f"pyrankvote   IRV {float(t['irv']):.3f} s; winner {same('irvwinner')}")
print(f"votelib      Schulze {float(t['schulze']):.3f} s; winner {same('schulzewinner')}")
print(f"ratio        IRV {float(t['irv']) / float(o['irv']):.0f}x, Schulze {float(t['schulze']) / float(o['schulze']):.0f}x faster   (target >= 10x)")
print(f"red-dwarf    opinion map {float(t['map']):.2f} s, {t['groups']} groups; ratio {float(t['map']) / float(o['map']):.1f}x faster   (target >= 10x)")
print(f"agreement    adjusted Rand index with red-dwarf {float(t['ari']):.3f} over {t['common']} participants   (target >= 0.9); with the planted groups {float(t['aritruth']):.3f}")
PY
