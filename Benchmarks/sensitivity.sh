#!/usr/bin/env bash
# The detection-sensitivity benchmark of record (SPEC §8): a seeded phantom cohort, `analyze`
# on every study with default settings, `evaluate` against the truth, the table on stdout.
# The README's sensitivity table is this script's output with the defaults.
#
#   Benchmarks/sensitivity.sh [STUDIES (100)] [SEED (1)] [WORK FOLDER (.build/sensitivity)]
#
# Needs what tools/setup.sh installs. Takes about 7–10 minutes for 100 studies on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
studies=${1:-100}
seed=${2:-1}
work=${3:-.build/sensitivity}

swift build -c release --product hepafoci >&2
bin="$(swift build -c release --show-bin-path)/hepafoci"
rm -rf "$work"
mkdir -p "$work"

echo "phantom: $studies studies, seed $seed → $work/cohort" >&2
"$bin" phantom --out "$work/cohort" --studies "$studies" --seed "$seed" > "$work/phantom.txt"

echo "analyze: every study → $work/pred" >&2
tail -n +2 "$work/cohort/manifest.tsv" | cut -f1 \
  | xargs -P "$(nproc)" -I{} "$bin" analyze "$work/cohort/{}" --out "$work/pred/{}" > /dev/null

echo "evaluate → $work/report" >&2
"$bin" evaluate --truth "$work/cohort/manifest.tsv" --pred "$work/pred" --out "$work/report"
