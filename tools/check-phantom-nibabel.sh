#!/usr/bin/env bash
# Checks a phantom study folder with nibabel (private venv, see tools/nibabel-venv.sh).
# Usage: tools/check-phantom-nibabel.sh [STUDY_DIR]   (default: Volumes/demo)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$("$root/tools/nibabel-venv.sh")" "$root/tools/check_phantom_nibabel.py" "${1:-$root/Volumes/demo}"
