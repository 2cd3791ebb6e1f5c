"""Connected components, HepaFoci against its peers on the same volumes in one run.

Writes seeded test masks (the lesions of a phantom study, `hepafoci phantom --seed 1`, on the
default grid and on a 512×512×256 grid over the same field of view; many lesion-like blobs on
3.5 mm-like anisotropic grids; and each of these plus 2 % random voxels), then for each: labels it in-process with cc3d (connected-components-3d),
SimpleITK (ConnectedComponent, fully connected) and scipy.ndimage.label (26-connectivity), and
with HepaFoci through the `components-timing` executable (same files, same machine, same
run); checks that HepaFoci's `hepafoci label` output has the same partition as cc3d's; and times
`hepafoci label` as a whole process against the equivalent Python script (nibabel + cc3d:
read .nii.gz, label, write .nii.gz). Rates are in million voxels per second (median of runs).

Run through Benchmarks/peers/run-ccl-peers.sh, which sets up the venv and builds HepaFoci.
"""
import json
import os
import statistics
import subprocess
import sys
import time

import cc3d
import nibabel as nib
import numpy as np
import scipy.ndimage as ndi
import SimpleITK as sitk

from masks import lesion_mask

root, work = sys.argv[1], sys.argv[2]
hepafoci = os.path.join(root, ".build/release/hepafoci")
timing = os.path.join(root, ".build/release/components-timing")
os.makedirs(work, exist_ok=True)


def median_time(fn, runs):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def phantom_mask(shape, spacing):
    """The true lesions of study 1 of phantom seed 1 on this grid, as a binary mask."""
    out = os.path.join(work, "phantom-" + "x".join(map(str, shape)))
    if not os.path.exists(os.path.join(out, "study-0001", "truth_labels.nii.gz")):
        subprocess.run([hepafoci, "phantom", "--out", out, "--studies", "1", "--seed", "1",
                        "--shape", *map(str, shape), "--spacing", *map(str, spacing)], check=True, capture_output=True)
    labels = np.asarray(nib.load(os.path.join(out, "study-0001", "truth_labels.nii.gz")).dataobj)
    return (labels > 0).astype(np.uint8)


cases = []
sources = [
    ("phantom", (256, 208, 72), lambda shape: phantom_mask(shape, (1.4, 1.4, 3.5))),
    ("phantom", (512, 512, 256), lambda shape: phantom_mask(shape, (0.7, 0.57, 0.98))),
    ("blobs", (256, 208, 72), lambda shape: lesion_mask(shape, 1)),
    ("blobs", (512, 512, 256), lambda shape: lesion_mask(shape, 1)),
]
for kind, shape, make in sources:
    tag = "x".join(map(str, shape))
    lesions = make(shape)
    noisy = lesions | (np.random.default_rng(2).random(shape) < 0.02).astype(np.uint8)
    for name, mask in [(f"{kind} {tag}", lesions), (f"{kind}+2% {tag}", noisy)]:
        path = os.path.join(work, name.replace(" ", "_").replace("%", "pct").replace("+", "_") + ".nii.gz")
        nib.save(nib.Nifti1Image(np.asfortranarray(mask), np.diag([1.4, 1.4, 3.5, 1]), dtype=np.uint8), path)
        cases.append((name, path, np.asfortranarray(mask)))

rows = []
for name, path, mask in cases:
    runs = 7 if mask.size < 10_000_000 else 5
    mvox = mask.size / 1e6
    ours = {}
    for threads in (2, 1):
        out = subprocess.run([timing, "--repeat", str(runs), "--threads", str(threads), path], check=True, capture_output=True, text=True)
        ours[threads] = json.loads(out.stdout.strip().splitlines()[-1])
    t_cc3d = median_time(lambda: cc3d.connected_components(mask, connectivity=26), runs)
    image = sitk.GetImageFromArray(np.ascontiguousarray(mask.transpose(2, 1, 0)))
    t_sitk = median_time(lambda: sitk.ConnectedComponent(image, True), runs)
    t_scipy = median_time(lambda: ndi.label(mask, structure=np.ones((3, 3, 3))), 3)

    # Same partition as cc3d: the pairing of HepaFoci ids with cc3d ids is one-to-one.
    labelled = os.path.join(work, "hepafoci_labels.nii.gz")
    subprocess.run([hepafoci, "label", path, "--out", labelled], check=True, capture_output=True)
    a = np.asarray(nib.load(labelled).dataobj).astype(np.uint64).ravel(order="F")
    b = cc3d.connected_components(mask, connectivity=26).astype(np.uint64).ravel(order="F")
    pairs = np.unique((a << np.uint64(32)) | b)
    same = len(pairs) == len(np.unique(a)) == len(np.unique(b)) and (a == 0).sum() == (b == 0).sum()

    # Whole process: hepafoci label against nibabel + cc3d in a fresh interpreter.
    # The label map keeps the mask's geometry and takes cc3d's label dtype (the mask's
    # uint8 header would make nibabel scale a million labels into 255 values).
    script = ("import sys, numpy as np, nibabel as nib, cc3d; img = nib.load(sys.argv[1]); "
              "l = cc3d.connected_components(np.asarray(img.dataobj), connectivity=26); "
              "h = img.header.copy(); h.set_data_dtype(l.dtype); "
              "nib.save(nib.Nifti1Image(l, img.affine, h), sys.argv[2])")
    t_cli = median_time(lambda: subprocess.run([hepafoci, "label", path, "--out", os.path.join(work, "cli.nii.gz")], check=True, capture_output=True), 3)
    t_py = median_time(lambda: subprocess.run([sys.executable, "-c", script, path, os.path.join(work, "py.nii.gz")], check=True), 3)

    rows.append({
        "volume": name, "components": ours[2]["components"],
        "hepafoci_2t": mvox / ours[2]["median"], "hepafoci_1t": mvox / ours[1]["median"],
        "cc3d": mvox / t_cc3d, "simpleitk": mvox / t_sitk, "scipy": mvox / t_scipy,
        "same_partition": same, "cli_s": t_cli, "python_s": t_py,
    })

print()
print("Connected components, 26-connectivity, million voxels per second (median); 2 cores")
header = f"{'volume':<24}{'comps':>9}{'HepaFoci 2t':>13}{'1t':>8}{'cc3d':>8}{'SimpleITK':>11}{'scipy':>8}{'vs cc3d':>9}{'vs SITK':>9}{'same':>6}"
print(header)
for r in rows:
    print(f"{r['volume']:<24}{r['components']:>9}{r['hepafoci_2t']:>13.0f}{r['hepafoci_1t']:>8.0f}{r['cc3d']:>8.0f}"
          f"{r['simpleitk']:>11.0f}{r['scipy']:>8.0f}{r['hepafoci_2t'] / r['cc3d']:>8.2f}x{r['hepafoci_2t'] / r['simpleitk']:>8.2f}x{'yes' if r['same_partition'] else 'NO':>6}")
print()
print("Whole process: read .nii.gz, label, write .nii.gz (seconds, median of 3)")
print(f"{'volume':<24}{'hepafoci label':>16}{'nibabel+cc3d':>14}{'ratio':>8}")
for r in rows:
    print(f"{r['volume']:<24}{r['cli_s']:>16.3f}{r['python_s']:>14.3f}{r['python_s'] / r['cli_s']:>7.2f}x")
if not all(r["same_partition"] for r in rows):
    sys.exit("HepaFoci's partition differs from cc3d's")
