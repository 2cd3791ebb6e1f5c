"""The SimpleITK reference pipeline (analyze_reference.run) looped over a cohort in one Python
process, as a cohort script would do it: for timing against `hepafoci cohort`.

Usage: cohort_reference.py COHORT_DIR OUT_DIR
Prints the study count, the wall time and the studies per second.
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import analyze_reference  # noqa: E402

cohort, out = sys.argv[1], sys.argv[2]
studies = sorted(d for d in os.listdir(cohort) if os.path.isdir(os.path.join(cohort, d)))
start = time.perf_counter()
for study in studies:
    analyze_reference.run(os.path.join(cohort, study), os.path.join(out, study))
seconds = time.perf_counter() - start
print(f"{len(studies)} studies in {seconds:.2f} s: {len(studies) / seconds:.3f} studies/s")
