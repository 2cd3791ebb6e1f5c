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
# hepafoci runs with stage times on (one clock read per stage): its reading of the inputs
# (stage study.read, wall) is the least any pipeline reading them this way can take.
stages="$work/stages.txt"
printf '%-12s %14s %14s %8s %12s %9s\n' study "hepafoci (s)" "SimpleITK (s)" ratio "reading (s)" ceiling
all_ours=(); all_theirs=(); all_reads=()
for dir in "$work"/cohort/study-*; do
  id=$(basename "$dir")
  : >"$stages"
  ours=$(for r in 1 2 3; do HEPAFOCI_STAGE_TIMES=1 seconds "$hepafoci" analyze "$dir" --out "$work/ours/$id" 2>>"$stages"; done | median)
  reading=$(awk '$1 == "stage" && $2 == "study.read" { print $3 / 1000 }' "$stages" | median)
  theirs=$(for r in 1 2 3; do seconds "$venv/bin/python" "$root/Benchmarks/peers/analyze_reference.py" "$dir" "$work/sitk/$id"; done | median)
  printf '%-12s %14.3f %14.3f %7.2fx %12.3f %8.2fx\n' "$id" "$ours" "$theirs" "$(echo "$theirs / $ours" | bc -l)" \
    "$reading" "$(echo "$theirs / $reading" | bc -l)"
  all_ours+=("$ours"); all_theirs+=("$theirs"); all_reads+=("$reading")
done
o=$(printf '%s\n' "${all_ours[@]}" | median); t=$(printf '%s\n' "${all_theirs[@]}" | median)
rd=$(printf '%s\n' "${all_reads[@]}" | median)
printf '%-12s %14.3f %14.3f %7.2fx %12.3f %8.2fx\n' median "$o" "$t" "$(echo "$t / $o" | bc -l)" "$rd" "$(echo "$t / $rd" | bc -l)"
echo "ceiling: SimpleITK's time over hepafoci's reading of the same inputs alone (no process start, no analysis)"
