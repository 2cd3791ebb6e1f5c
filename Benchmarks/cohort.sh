#!/usr/bin/env bash
# hepafoci cohort at --jobs 1 and --jobs 2 against the SimpleITK reference pipeline looped in
# one Python process, side by side on one default-grid phantom cohort (seed 1), with peak
# memory per concurrent study against the size of a study's decoded inputs.
# Usage: Benchmarks/cohort.sh [STUDIES (50)] [WORK (.build/cohort-bench)]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
studies=${1:-50}
work=${2:-$root/.build/cohort-bench}
venv=$("$root/Benchmarks/peers/venv.sh")
(cd "$root" && swift build -c release --product hepafoci >&2)
hepafoci="$root/.build/release/hepafoci"
cohort="$work/cohort-$studies"
[ -f "$cohort/manifest.tsv" ] || "$hepafoci" phantom --out "$cohort" --studies "$studies" --seed 1 >/dev/null
decoded=$("$venv/bin/python" "$root/Benchmarks/peers/decoded_bytes.py" "$cohort/manifest.tsv")

# wall seconds and peak RSS (kB) of a command, from GNU time
measure() { /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >/dev/null 2>"$work/stderr.txt" || { cat "$work/stderr.txt" >&2; exit 1; }; cat "$work/time.txt"; }

rm -rf "$work/out-1" "$work/out-2" "$work/sitk"
# With stage times on (one clock read per stage, far below the noise), the run at one job also
# says what reading the inputs costs: the ceiling of any pipeline that reads them this way.
read -r t1 m1 < <(HEPAFOCI_STAGE_TIMES=1 measure "$hepafoci" cohort "$cohort/manifest.tsv" --out "$work/out-1" --jobs 1 --quiet)
read_cpu=$(awk '$1 == "stage" && $2 == "study.read" { s += $5 } END { print s / 1000 }' "$work/stderr.txt")
read -r t2 m2 < <(measure "$hepafoci" cohort "$cohort/manifest.tsv" --out "$work/out-2" --jobs 2 --quiet)
read -r ts ms < <(measure "$venv/bin/python" "$root/Benchmarks/peers/cohort_reference.py" "$cohort" "$work/sitk")

rate() { echo "$studies / $1" | bc -l; }
r1=$(rate "$t1"); r2=$(rate "$t2"); rs=$(rate "$ts")
printf '%d default-grid phantom studies (256x208x72, six inputs each), one run each\n' "$studies"
printf '%-34s %9s %12s %12s\n' run "wall (s)" "studies/s" "peak RSS MB"
printf '%-34s %9.1f %12.3f %12.0f\n' "hepafoci cohort --jobs 1" "$t1" "$r1" "$(echo "$m1 / 1024" | bc -l)"
printf '%-34s %9.1f %12.3f %12.0f\n' "hepafoci cohort --jobs 2" "$t2" "$r2" "$(echo "$m2 / 1024" | bc -l)"
printf '%-34s %9.1f %12.3f %12.0f\n' "SimpleITK reference, one process" "$ts" "$rs" "$(echo "$ms / 1024" | bc -l)"
printf 'ratio to SimpleITK: %.2fx at --jobs 1, %.2fx at --jobs 2; scaling 1 -> 2 jobs %.2fx\n' \
  "$(echo "$r1 / $rs" | bc -l)" "$(echo "$r2 / $rs" | bc -l)" "$(echo "$r2 / $r1" | bc -l)"
# 2 cores busy with nothing but reading: the most studies/s anything reading them can reach.
ceiling=$(echo "2 * $studies / $read_cpu" | bc -l)
printf 'reading the inputs alone: %.3f core-s per study (%.1f %% of the --jobs 1 run), at most %.1f studies/s on 2 cores = %.2fx SimpleITK\n' \
  "$(echo "$read_cpu / $studies" | bc -l)" "$(echo "100 * $read_cpu / $t1" | bc -l)" "$ceiling" "$(echo "$ceiling / $rs" | bc -l)"
printf 'at 5x SimpleITK on 2 cores a study may take %.3f core-s, %.3f of them past reading\n' \
  "$(echo "2 / (5 * $rs)" | bc -l)" "$(echo "2 / (5 * $rs) - $read_cpu / $studies" | bc -l)"
printf 'peak memory per concurrent study at --jobs 2: %.0f MB = %.2fx its decoded inputs (%.0f MB)\n' \
  "$(echo "$m2 / 2 / 1024" | bc -l)" "$(echo "$m2 * 1024 / 2 / $decoded" | bc -l)" "$(echo "$decoded / 1048576" | bc -l)"
