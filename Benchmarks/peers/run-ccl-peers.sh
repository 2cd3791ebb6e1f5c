#!/usr/bin/env bash
# Connected components: HepaFoci vs cc3d, SimpleITK and scipy, side by side in one run.
# Creates its own venv (.venv-peers, git-ignored) from PyPI and a release build.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
venv=$("$root/Benchmarks/peers/venv.sh")
(cd "$root" && HEPAFOCI_BENCHMARKS=1 swift build -c release --product components-timing >&2 \
  && HEPAFOCI_BENCHMARKS=1 swift build -c release --product hepafoci >&2)
"$venv/bin/python" "$root/Benchmarks/peers/ccl_peers.py" "$root" "${TMPDIR:-/tmp}/hepafoci-ccl-peers"
