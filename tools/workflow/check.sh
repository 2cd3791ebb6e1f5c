#!/usr/bin/env bash
# Runs the Snakefile locally on a 3-study phantom cohort and checks that its outputs equal a
# single `hepafoci cohort` run, file for file (Snakemake's .snakemake_timestamp markers
# aside). Installs Snakemake from PyPI into a venv (.build/workflow-venv) the first time.
# Part of the README's test command.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
work=${1:-$root/.build/workflow-check}
venv=$root/.build/workflow-venv
if [ ! -x "$venv/bin/snakemake" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check 'snakemake>=8,<10'
fi
swift build -c release --product hepafoci >/dev/null
bin=$(swift build -c release --show-bin-path)/hepafoci
rm -rf "$work" && mkdir -p "$work"
"$bin" phantom --out "$work/cohort" --studies 3 --seed 21 >/dev/null
manifest=$work/cohort/manifest.tsv

"$venv/bin/snakemake" -s "$root/tools/workflow/Snakefile" --directory "$work" --cores 2 --quiet all \
  --config manifest="$manifest" out="$work/snakemake-out" hepafoci="$bin"
"$bin" cohort "$manifest" --out "$work/single-out" --quiet >/dev/null

if diff -r -x .snakemake_timestamp "$work/snakemake-out" "$work/single-out" >/dev/null; then
  echo "workflow check: the Snakemake run equals a single cohort run ($(ls "$work/single-out" | wc -l) entries)"
else
  diff -rq -x .snakemake_timestamp "$work/snakemake-out" "$work/single-out" >&2 || true
  echo "workflow check: the Snakemake outputs differ from a single cohort run" >&2
  exit 1
fi
