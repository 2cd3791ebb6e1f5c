#!/usr/bin/env bash
# Times `hepafoci phantom` writing a default-grid cohort (default 100 studies) in release, with
# all cores, and prints studies per second. Around the run it measures this machine's speed
# against the one the issues' absolute targets were set on (Benchmarks/peers/machine_speed.py,
# cc3d in the peers' venv) and prints the time scaled by that factor beside the measured one.
# Usage: Benchmarks/phantom-cohort.sh [STUDIES]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
studies="${1:-100}"
swift build -c release --product hepafoci >/dev/null
venv=$(Benchmarks/peers/venv.sh)
speed() { (cd Benchmarks/peers && "$venv/bin/python" machine_speed.py); }
before=$(speed)
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
start=$(date +%s.%N)
.build/release/hepafoci phantom --out "$out" --studies "$studies" --seed 1 >/dev/null 2>&1
end=$(date +%s.%N)
after=$(speed)
python3 - "$start" "$end" "$studies" "$out" "$before" "$after" <<'PY'
import json, os, sys
start, end, n, out = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
before, after = json.loads(sys.argv[5]), json.loads(sys.argv[6])
size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(out) for f in fs)
seconds = end - start
factor = (before["speedFactor"] + after["speedFactor"]) / 2
print(f"{n} default-grid studies in {seconds:.1f} s on {os.cpu_count()} cores: "
      f"{n / seconds:.2f} studies/s, {size / 1e9:.2f} GB written")
print(f"machine speed: cc3d at {before['cc3dMVoxelsPerSecond']} and {after['cc3dMVoxelsPerSecond']} M voxels/s "
      f"before and after, {factor:.2f}x the issues' reference machine (470); "
      f"scaled to it: {seconds * factor:.1f} s, {seconds * factor * 100 / n:.1f} s per 100 studies")
PY
