#!/usr/bin/env bash
# Times `hepafoci phantom` writing a default-grid cohort (default 100 studies) in release, with
# all cores, and prints studies per second. Usage: Benchmarks/phantom-cohort.sh [STUDIES]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
studies="${1:-100}"
swift build -c release --product hepafoci >/dev/null
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
start=$(date +%s.%N)
.build/release/hepafoci phantom --out "$out" --studies "$studies" --seed 1 >/dev/null 2>&1
end=$(date +%s.%N)
python3 - "$start" "$end" "$studies" "$out" <<'PY'
import os, sys
start, end, n, out = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(out) for f in fs)
print(f"{n} default-grid studies in {end - start:.1f} s on {os.cpu_count()} cores: "
      f"{n / (end - start):.2f} studies/s, {size / 1e9:.2f} GB written")
PY
