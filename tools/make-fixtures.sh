#!/usr/bin/env bash
# Regenerates the NIfTI test fixtures in Tests/Fixtures/NIfTI with nibabel, an independent
# NIfTI implementation, and records nibabel's reading of each in expected.json.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
python="$("$root/tools/nibabel-venv.sh")"
out="$root/Tests/Fixtures/NIfTI"
rm -rf "$out"
mkdir -p "$out"
"$python" "$root/tools/make_fixtures.py" "$out"
