#!/usr/bin/env bash
# Regenerates Volumes/demo with nibabel (byte-identical for the same script).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$("$root/tools/nibabel-venv.sh")" "$root/tools/make_demo.py" "$root/Volumes/demo"
