#!/usr/bin/env bash
# Checks that every module imports only the modules below it (ARCHITECTURE.md's table).
# SwiftPM accepts an import a target does not declare; this script does not.
set -euo pipefail
cd "$(dirname "$0")/.."
declare -A allowed=(
  [FociCore]="Dispatch Glibc Darwin"
  [FociNIfTI]="FociCore CNIfTI CDeflate CIsal Synchronization Glibc Darwin"
  [FociComponents]="FociCore"
  [FociFFT]="FociCore CFFTW Synchronization"
  [FociRegistration]="FociCore FociFFT Glibc Darwin"
  [FociMeasurement]="FociCore Glibc Darwin"
  [FociFilters]="FociCore FociFFT Glibc Darwin"
  [FociDetection]="FociCore FociComponents FociFilters FociRegistration"
  [FociAnalysis]="FociCore FociComponents FociFilters FociRegistration FociDetection FociMeasurement"
  [FociEvaluation]="FociCore FociDetection FociMeasurement"
  [FociCohort]="FociCore FociNIfTI FociAnalysis Crypto Dispatch Foundation Glibc Darwin"
  [FociReport]="FociCore FociNIfTI FociRegistration FociAnalysis FociCohort CPNG Foundation FoundationXML Glibc Darwin"
  [FociPhantom]="FociCore FociNIfTI Foundation Synchronization Glibc Darwin"
  [hepafoci]="FociCore FociNIfTI FociComponents FociRegistration FociPhantom FociDetection FociAnalysis FociEvaluation FociCohort FociReport ArgumentParser Dispatch Foundation"
)
status=0
for dir in Sources/*/; do
  module=$(basename "$dir")
  if compgen -G "$dir*.swift" >/dev/null || [ -n "$(find "$dir" -name '*.swift' -print -quit)" ]; then
    [ -n "${allowed[$module]+x}" ] || { echo "check-layers: $module is not in the layer table" >&2; status=1; }
  fi
done
for module in "${!allowed[@]}"; do
  while IFS= read -r line; do
    file=${line%%:*}
    imported=$(sed -E 's/^.*import[[:space:]]+([A-Za-z_][A-Za-z0-9_]*).*/\1/' <<<"${line#*:}")
    if ! grep -qw -- "$imported" <<<"${allowed[$module]}"; then
      echo "check-layers: $file imports $imported, which $module may not use" >&2
      status=1
    fi
  done < <(grep -rEH '^[[:space:]]*(@testable[[:space:]]+|@_exported[[:space:]]+)?import[[:space:]]' "Sources/$module" --include='*.swift' | sed -E 's/^([^:]+):/\1:/' || true)
done
# Only one file per C library calls it.
for lib in CNIfTI CDeflate CIsal CFFTW CPNG; do
  n=$( (grep -rlE "^import $lib\$" Sources --include="*.swift" || true) | wc -l)
  if [ "$n" -gt 1 ]; then
    echo "check-layers: $lib is imported by $n files; keep its calls in one file" >&2
    status=1
  fi
done
[ $status -eq 0 ] && echo "check-layers: imports follow the layer table"
exit $status
