"""Opens a phantom study folder with nibabel (an implementation independent of HepaFoci) and
checks every image against truth.json: shape, voxel-to-world affine (sform and qform),
datatype, and the label counts of truth_labels.nii.gz. Exits non-zero on any mismatch.
Usage: tools/check-phantom-nibabel.sh STUDY_DIR"""
import json
import sys

import nibabel as nib
import numpy as np

folder = sys.argv[1]
truth = json.load(open(f"{folder}/truth.json"))
grids = {"native": "native", "arterial": "native", "venous": "native", "delayed": "native", "t2": "t2", "adc": "adc",
         "liver_mask": "native", "truth_labels": "native", "truth_mimics": "native"}
failures = 0
for name, grid_name in grids.items():
    image = nib.load(f"{folder}/{name}.nii.gz")
    grid = truth["grids"][grid_name]
    expected = np.array(grid["affine"])
    ok = list(image.shape) == grid["dims"]
    ok &= np.allclose(image.affine, expected, atol=1e-3)
    ok &= np.allclose(image.header.get_qform(), expected, atol=1e-3)
    ok &= np.allclose(image.header.get_zooms()[:3], grid["spacingMM"], atol=1e-5)
    print(f"{name:14s} {str(image.get_data_dtype()):8s} shape {image.shape} {'ok' if ok else 'MISMATCH'}")
    failures += not ok
labels = np.asarray(nib.load(f"{folder}/truth_labels.nii.gz").dataobj)
counts = np.bincount(labels.ravel(), minlength=len(truth["lesions"]) + 1)[1:]
if list(counts) != [l["labelVoxelCount"] for l in truth["lesions"]]:
    print("truth_labels counts differ from truth.json")
    failures += 1
mask = np.asarray(nib.load(f"{folder}/liver_mask.nii.gz").dataobj)
volume_ml = mask.sum() * np.prod(truth["grids"]["native"]["spacingMM"]) / 1000
print(f"liver mask {volume_ml:.1f} ml, truth {truth['summary']['liverVolumeML']:.1f} ml; {len(counts)} lesions labelled")
sys.exit(1 if failures else 0)
