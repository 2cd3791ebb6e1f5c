#!/usr/bin/env bash
# Connected components: HepaFoci vs cc3d, SimpleITK and scipy, side by side in one run.
# Creates its own venv (.venv-peers, git-ignored) from PyPI and a release build.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
venv="$root/.venv-peers"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet connected-components-3d SimpleITK scipy "nibabel==5.*" "numpy==2.*"
fi
(cd "$root" && HEPAFOCI_BENCHMARKS=1 swift build -c release --product components-timing >&2 \
  && HEPAFOCI_BENCHMARKS=1 swift build -c release --product hepafoci >&2)
"$venv/bin/python" "$root/Benchmarks/peers/ccl_peers.py" "$root" "${TMPDIR:-/tmp}/hepafoci-ccl-peers"
