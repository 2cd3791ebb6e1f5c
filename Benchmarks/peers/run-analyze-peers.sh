#!/usr/bin/env bash
# hepafoci analyze against a SimpleITK reference pipeline (Benchmarks/peers/analyze_reference.py),
# whole processes, on default-grid phantom studies written here. Usage: run-analyze-peers.sh [STUDIES]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
venv=$("$root/Benchmarks/peers/venv.sh")
studies="${1:-5}"
work="${TMPDIR:-/tmp}/hepafoci-analyze-peers"
(cd "$root" && swift build -c release --product hepafoci >&2)
hepafoci="$root/.build/release/hepafoci"
[ -f "$work/cohort/manifest.tsv" ] || "$hepafoci" phantom --out "$work/cohort" --studies "$studies" --seed 1 >/dev/null
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
seconds() { local s e; s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N); echo "$e - $s" | bc -l; }
printf '%-12s %14s %14s %8s\n' study "hepafoci (s)" "SimpleITK (s)" ratio
all_ours=(); all_theirs=()
for dir in "$work"/cohort/study-*; do
  id=$(basename "$dir")
  ours=$(for r in 1 2 3; do seconds "$hepafoci" analyze "$dir" --out "$work/ours/$id"; done | median)
  theirs=$(for r in 1 2 3; do seconds "$venv/bin/python" "$root/Benchmarks/peers/analyze_reference.py" "$dir" "$work/sitk/$id"; done | median)
  printf '%-12s %14.3f %14.3f %7.2fx\n' "$id" "$ours" "$theirs" "$(echo "$theirs / $ours" | bc -l)"
  all_ours+=("$ours"); all_theirs+=("$theirs")
done
o=$(printf '%s\n' "${all_ours[@]}" | median); t=$(printf '%s\n' "${all_theirs[@]}" | median)
printf '%-12s %14.3f %14.3f %7.2fx\n' median "$o" "$t" "$(echo "$t / $o" | bc -l)"
