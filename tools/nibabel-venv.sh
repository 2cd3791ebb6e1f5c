#!/usr/bin/env bash
# Prints the python of a private venv with nibabel and numpy (.venv-fixtures, git-ignored),
# creating it on first use. Used by the scripts that write test data with nibabel.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.venv-fixtures"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet "nibabel==5.*" "numpy==2.*" >&2
fi
echo "$venv/bin/python"
