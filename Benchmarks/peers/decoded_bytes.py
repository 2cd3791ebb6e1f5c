"""Median bytes of a study's decoded inputs as `hepafoci cohort` holds them (float32 images,
uint8 liver mask), read from the headers with nibabel. Usage: decoded_bytes.py MANIFEST"""
import csv
import os
import statistics
import sys

import nibabel as nib

manifest = sys.argv[1]
folder = os.path.dirname(manifest)
sizes = []
with open(manifest, newline="") as f:
    for row in csv.DictReader(f, delimiter="\t"):
        total = 0
        for role in ("native", "arterial", "venous", "delayed", "t2", "adc", "liver_mask"):
            if row.get(role):
                shape = nib.load(os.path.join(folder, row[role])).header.get_data_shape()
                n = 1
                for d in shape:
                    n *= d
                total += n * (1 if role == "liver_mask" else 4)
        sizes.append(total)
print(int(statistics.median(sizes)))
