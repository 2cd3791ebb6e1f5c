"""A SimpleITK reference pipeline for one study, for timing against `hepafoci analyze`.

Reads the study's images as `analyze` does (native, arterial, venous, delayed, T2, ADC and
the liver mask), subtracts native from arterial, thresholds at median + 3 * 1.4826 * MAD of
the liver's subtraction, labels 26-connected components inside the liver, drops those under
3 voxels, fills holes per component (BinaryFillhole on each), and measures every component
with LabelShapeStatisticsImageFilter (Feret diameter on), then writes the label map. It
does much less than `analyze` (no motion correction, no avascular zones, grades or classes):
the comparison favours it.

Usage: analyze_reference.py STUDY_DIR OUT_DIR (or import it and call run)
"""
import os
import sys

import numpy as np
import SimpleITK as sitk

def run(study, out):
    """Analyses one study folder into `out`; returns the number of components."""
    os.makedirs(out, exist_ok=True)
    read = lambda name: sitk.ReadImage(os.path.join(study, name + ".nii.gz"), sitk.sitkFloat32)
    native, arterial = read("native"), read("arterial")
    for extra in ("venous", "delayed", "t2", "adc"):
        read(extra)  # analyze reads them too
    liver = sitk.ReadImage(os.path.join(study, "liver_mask.nii.gz"), sitk.sitkUInt8)

    subtraction = sitk.Subtract(arterial, native)
    values = sitk.GetArrayViewFromImage(subtraction)[sitk.GetArrayViewFromImage(liver) != 0]
    median = float(np.median(values))
    mad = float(np.median(np.abs(values - median)))
    threshold = median + 3 * 1.4826 * mad
    candidates = sitk.And(sitk.BinaryThreshold(subtraction, threshold, 1e30, 1, 0), liver != 0)
    labels = sitk.ConnectedComponent(candidates, True)
    labels = sitk.RelabelComponent(labels, minimumObjectSize=3, sortByObjectSize=False)
    filled = sitk.BinaryFillhole(labels != 0, fullyConnected=False)
    labels = sitk.Mask(sitk.ConnectedComponent(filled, True), filled)
    shape = sitk.LabelShapeStatisticsImageFilter()
    shape.ComputeFeretDiameterOn()
    shape.Execute(labels)
    rows = [(l, shape.GetPhysicalSize(l), shape.GetFeretDiameter(l), shape.GetCentroid(l)) for l in shape.GetLabels()]
    sitk.WriteImage(sitk.Cast(labels, sitk.sitkUInt16), os.path.join(out, "labels.nii.gz"), useCompression=True)
    return len(rows)


if __name__ == "__main__":
    print(run(sys.argv[1], sys.argv[2]), "components")
