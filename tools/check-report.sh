#!/usr/bin/env bash
# The visual QC end to end, as a person would look at it: a 10-study default-grid phantom
# cohort through `hepafoci cohort --report`, then report.html and one montage rendered by
# headless Chromium (Debian `chromium`, installed when missing) and the screenshots checked
# not to be blank. Usage: tools/check-report.sh [WORK (.build/report-check)]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=${1:-$root/.build/report-check}
if ! command -v chromium >/dev/null; then
  run=""
  [ "$(id -u)" -eq 0 ] || run="sudo"
  $run apt-get update >/dev/null
  DEBIAN_FRONTEND=noninteractive $run apt-get install -y --no-install-recommends chromium >/dev/null
fi
swift build -c release --product hepafoci >/dev/null
bin=$(swift build -c release --show-bin-path)/hepafoci
rm -rf "$work" && mkdir -p "$work"
"$bin" phantom --out "$work/cohort" --studies 10 --seed 4 >/dev/null
"$bin" cohort "$work/cohort/manifest.tsv" --out "$work/out" --report --quiet >/dev/null

shoot() {  # URL PNG WIDTH HEIGHT
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size="$3,$4" \
    --screenshot="$2" "$1" >/dev/null 2>&1
}
shoot "file://$work/out/report.html" "$work/report.png" 1200 2400
shoot "file://$work/out/study-0001/montage.png" "$work/montage.png" 700 1400
python3 "$root/tools/png_not_blank.py" "$work/report.png" "$work/montage.png"
echo "report check: $work/out/report.html and the montages render (screenshots in $work)"
