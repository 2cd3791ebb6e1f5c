#!/usr/bin/env bash
# Two hepafoci binaries side by side on the same phantom studies: `analyze` runs alternate
# (A, B, A, B, ...) so the machine's drift falls on both, and the medians of wall and processor
# time per study are printed with B's ratio to A. Outputs of the two are compared too (labels and
# lesions.json without timings), so a speed step that claims identical outputs is checked.
# Usage: ab-analyze.sh BINARY_A BINARY_B [ROUNDS (3)] [STUDIES (5)]
# An older binary comes from a worktree: git worktree add /tmp/old REV && (cd /tmp/old &&
# swift build -c release --product hepafoci), then /tmp/old/.build/release/hepafoci.
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 BINARY_A BINARY_B [ROUNDS] [STUDIES]" >&2; exit 64; }
a=$(realpath "$1"); b=$(realpath "$2"); rounds=${3:-3}; studies=${4:-5}
work="${TMPDIR:-/tmp}/hepafoci-ab"
mkdir -p "$work"
[ -f "$work/cohort/manifest.tsv" ] || "$a" phantom --out "$work/cohort" --studies "$studies" --seed 1 >/dev/null
times="$work/times.tsv"
: >"$times"
for dir in "$work"/cohort/study-*; do
  id=$(basename "$dir")
  for r in $(seq "$rounds"); do
    for side in A B; do
      bin=$a; [ "$side" = B ] && bin=$b
      /usr/bin/time -f "$side	$id	%e	%U	%S" -a -o "$times" "$bin" analyze "$dir" --out "$work/$side/$id" >/dev/null 2>&1
    done
  done
done
python3 - "$times" "$work" <<'PY'
import collections, gzip, json, statistics, sys, os
times, work = sys.argv[1], sys.argv[2]
runs = collections.defaultdict(list)
for line in open(times):
    side, study, wall, user, system = line.split("\t")
    runs[(side, study)].append((float(wall), float(user) + float(system)))
def median(side, study, i):
    return statistics.median(r[i] for r in runs[(side, study)])
print(f"{'study':<12} {'wall A':>7} {'wall B':>7} {'B/A':>5}   {'cpu A':>6} {'cpu B':>6} {'B/A':>5}   outputs")
for study in sorted({s for _, s in runs}):
    wa, wb, ca, cb = median("A", study, 0), median("B", study, 0), median("A", study, 1), median("B", study, 1)
    def load(side):
        d = json.load(open(os.path.join(work, side, study, "lesions.json")))
        d.pop("timings", None)
        return d, gzip.open(os.path.join(work, side, study, "labels.nii.gz")).read()
    same = "identical" if load("A") == load("B") else "DIFFERENT"
    print(f"{study:<12} {wa:7.3f} {wb:7.3f} {wb / wa:5.2f}   {ca:6.3f} {cb:6.3f} {cb / ca:5.2f}   {same}")
PY
