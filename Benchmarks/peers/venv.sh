#!/usr/bin/env bash
# Makes the peers' venv (.venv-peers: cc3d, SimpleITK, scipy, nibabel, numpy from PyPI) when
# missing and prints its path. Used by the peer scripts: venv=$(Benchmarks/peers/venv.sh).
set -euo pipefail
venv="$(cd "$(dirname "$0")/../.." && pwd)/.venv-peers"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet connected-components-3d SimpleITK scipy "nibabel==5.*" "numpy==2.*" >&2
fi
echo "$venv"
