#!/usr/bin/env bash
# Regenerates Volumes/demo: phantom study 1 of seed 25 on a reduced grid (half the default
# resolution in-plane, 7 mm slices, the same field of view). Byte-identical on every run.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
swift build -c release --product hepafoci >/dev/null
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
.build/release/hepafoci phantom --out "$scratch" --seed 25 --shape 128 104 36 --spacing 2.8 2.8 7.0 >/dev/null
rm -f Volumes/demo/*.nii.gz Volumes/demo/truth.json
cp "$scratch"/study-0001/* Volumes/demo/
echo "wrote Volumes/demo"
