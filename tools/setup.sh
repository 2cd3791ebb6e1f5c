#!/usr/bin/env bash
# Installs the Debian packages HepaFoci builds against (and python3-venv, for the workflow
# check and the peer benchmarks), when any is missing.
# Safe to run again: does nothing when all are present. Needs root (or sudo) to install.
set -euo pipefail
packages=(libnifti-dev libfftw3-dev libdeflate-dev libisal-dev libpng-dev pkg-config zlib1g-dev python3 python3-venv)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "tools/setup.sh: installing ${missing[*]}" >&2
  run=""
  [ "$(id -u)" -eq 0 ] || run="sudo"
  $run apt-get update
  DEBIAN_FRONTEND=noninteractive $run apt-get install -y --no-install-recommends "${missing[@]}"
fi
