#!/usr/bin/env bash
# Regenerates Tests/Fixtures/DetectionScene with nibabel (byte-identical for the same script).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$("$root/tools/nibabel-venv.sh")" "$root/tools/make_detection_scene.py" "$root/Tests/Fixtures/DetectionScene"
