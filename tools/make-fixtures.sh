#!/usr/bin/env bash
# Regenerates the NIfTI test fixtures in Tests/Fixtures/NIfTI with nibabel, an
# independent NIfTI implementation, in a private venv (.venv-fixtures, git-ignored).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.venv-fixtures"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "nibabel==5.*" "numpy==2.*"
fi
out="$root/Tests/Fixtures/NIfTI"
rm -rf "$out"
mkdir -p "$out"
"$venv/bin/python" "$root/tools/make_fixtures.py" "$out"
