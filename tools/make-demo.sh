#!/usr/bin/env bash
# Regenerates Volumes/demo with nibabel in a private venv (.venv-fixtures, git-ignored).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.venv-fixtures"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "nibabel==5.*" "numpy==2.*"
fi
"$venv/bin/python" "$root/tools/make_demo.py" "$root/Volumes/demo"
