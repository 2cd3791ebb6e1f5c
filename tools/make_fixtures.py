"""Writes the NIfTI test fixtures with nibabel, an implementation independent of HepaFoci,
and records what nibabel reads back from each file in expected.json.

Run through tools/make-fixtures.sh, which sets up the venv. Output is deterministic.
"""
import gzip
import json
import os
import shutil
import sys

import nibabel as nib
import numpy as np

OUT = sys.argv[1]
rng = np.random.default_rng(20261124)

# An oblique, anisotropic affine (1.4 x 1.4 x 3.5 mm, rotated about z and x), as a scanner writes.
def oblique(spacing=(1.4, 1.4, 3.5), origin=(-120.5, 88.25, -40.0), az=0.3, ax=-0.1):
    cz, sz, cx, sx = np.cos(az), np.sin(az), np.cos(ax), np.sin(ax)
    rz = np.array([[cz, -sz, 0], [sz, cz, 0], [0, 0, 1]])
    rx = np.array([[1, 0, 0], [0, cx, -sx], [0, sx, cx]])
    a = np.eye(4)
    a[:3, :3] = rz @ rx @ np.diag(spacing) @ np.diag([-1, 1, 1])
    a[:3, 3] = origin
    return a

def volume(shape, dtype):
    info = np.iinfo(dtype) if np.issubdtype(dtype, np.integer) else None
    n = int(np.prod(shape))
    if info is not None:
        lo, hi = max(info.min, -30000), min(info.max, 30000)
        data = rng.integers(lo, hi, size=n, endpoint=True).astype(dtype)
        # The type's extremes must survive too.
        data[0], data[-1] = info.min, info.max
    else:
        data = (rng.standard_normal(n) * 250 + 200).astype(dtype)
    return data.reshape(shape, order="F")

expected = {}

def record(name, image_file=None):
    path = os.path.join(OUT, name)
    if image_file:
        # nibabel pairs x.hdr with x.img only; hand it the gzipped image explicitly.
        holders = {"header": nib.fileholders.FileHolder(path),
                   "image": nib.fileholders.FileHolder(os.path.join(OUT, image_file))}
        img = nib.Nifti1Pair.from_file_map(holders)
    else:
        img = nib.load(path)
    hdr = img.header
    data = np.asanyarray(img.get_fdata(dtype=np.float64))
    # nibabel moves the scaling into the array proxy and blanks it in img.header.
    slope, inter = float(img.dataobj.slope), float(img.dataobj.inter)
    shape = list(data.shape) + [1] * (3 - data.ndim)
    units = hdr.get_xyzt_units()[0]
    expected[name] = {
        "dims": shape[:3],
        "affine": img.affine.tolist(),
        "spatialUnit": units,
        "qformCode": int(hdr["qform_code"]),
        "sformCode": int(hdr["sform_code"]),
        "datatype": str(hdr.get_data_dtype().newbyteorder("=").name),
        "bigEndian": hdr.endianness == ">",
        "niftiVersion": 2 if isinstance(hdr, nib.Nifti2Header) else 1,
        "slope": slope,
        "inter": inter,
        "min": float(data.min()),
        "max": float(data.max()),
        "mean": float(data.mean()),
        "sum": float(data.sum()),
        # Every value, x fastest (NIfTI order).
        "values": [float(v) for v in data.reshape(-1, order="F")],
    }

shape = (6, 5, 4)

# One file per datatype, little-endian, both transforms set.
for dt in ["uint8", "int8", "int16", "uint16", "int32", "uint32", "int64", "uint64", "float32", "float64"]:
    name = f"dtype_{dt}.nii"
    img = nib.Nifti1Image(volume(shape, np.dtype(dt)), oblique(), dtype=dt)
    img.set_qform(oblique(), code=1)
    img.set_sform(oblique(), code=1)
    img.header.set_data_dtype(dt)
    nib.save(img, os.path.join(OUT, name))
    record(name)

# Big-endian NIfTI-1.
hdr = nib.Nifti1Header(endianness=">")
img = nib.Nifti1Image(volume(shape, np.dtype(">i2")), oblique(), hdr)
img.set_qform(oblique(), code=1)
nib.save(img, os.path.join(OUT, "int16_bigendian.nii"))
record("int16_bigendian.nii")

# NIfTI-2, little- and big-endian, plain and gzip.
img = nib.Nifti2Image(volume(shape, np.float32), oblique(), nib.Nifti2Header())
img.set_qform(oblique(), code=1)
nib.save(img, os.path.join(OUT, "float32_nifti2.nii"))
record("float32_nifti2.nii")
img = nib.Nifti2Image(volume(shape, np.dtype(">f8")), oblique(az=-0.7), nib.Nifti2Header(endianness=">"), dtype=">f8")
nib.save(img, os.path.join(OUT, "float64_nifti2_bigendian.nii.gz"))
record("float64_nifti2_bigendian.nii.gz")

# scl_slope / scl_inter on integer data, gzip; and on big-endian int16. nibabel drops a
# scaling that plain integer data does not need when it saves an array, so the raw file is
# saved first and its header rewritten in place by nibabel's own header class.
def set_scaling(path, slope, inter):
    with open(path, "r+b") as f:
        hdr = type(nib.load(path).header).from_fileobj(f)
        hdr["scl_slope"], hdr["scl_inter"] = slope, inter
        f.seek(0)
        hdr.write_to(f)

def gzip_file(path):
    with open(path, "rb") as src, gzip.GzipFile(path + ".gz", "wb", mtime=0) as dst:
        shutil.copyfileobj(src, dst)
    os.remove(path)

img = nib.Nifti1Image(volume(shape, np.uint8), oblique(), dtype=np.uint8)
nib.save(img, os.path.join(OUT, "uint8_scaled.nii"))
set_scaling(os.path.join(OUT, "uint8_scaled.nii"), 0.5, -10.0)
gzip_file(os.path.join(OUT, "uint8_scaled.nii"))
assert nib.load(os.path.join(OUT, "uint8_scaled.nii.gz")).dataobj.slope == 0.5
record("uint8_scaled.nii.gz")
hdr = nib.Nifti1Header(endianness=">")
img = nib.Nifti1Image(volume(shape, np.dtype(">i2")), oblique(), hdr, dtype=">i2")
nib.save(img, os.path.join(OUT, "int16_scaled_bigendian.nii"))
set_scaling(os.path.join(OUT, "int16_scaled_bigendian.nii"), 0.25, 1000.0)
assert nib.load(os.path.join(OUT, "int16_scaled_bigendian.nii")).dataobj.inter == 1000.0
record("int16_scaled_bigendian.nii")

# sform only (qform code 0) and qform only (sform code 0, flipped third axis: qfac -1).
img = nib.Nifti1Image(volume(shape, np.int16), oblique())
img.set_sform(oblique(), code=2)
img.set_qform(None, code=0)
nib.save(img, os.path.join(OUT, "sform_only.nii"))
record("sform_only.nii")
flipped = oblique(az=0.5)  # negative determinant: stored with qfac -1
img = nib.Nifti1Image(volume(shape, np.int16), flipped)
img.set_qform(flipped, code=1)
img.set_sform(None, code=0)
nib.save(img, os.path.join(OUT, "qform_only.nii"))
assert nib.load(os.path.join(OUT, "qform_only.nii")).header["pixdim"][0] == -1
record("qform_only.nii")

# Spatial unit metres: lengths must come out in mm (x1000).
aff_m = oblique(spacing=(0.0014, 0.0014, 0.0035), origin=(-0.12, 0.088, -0.04))
img = nib.Nifti1Image(volume(shape, np.int16), aff_m)
img.set_qform(aff_m, code=1)
img.header.set_xyzt_units("meter")
nib.save(img, os.path.join(OUT, "units_meter.nii"))
record("units_meter.nii")

# Two-file pairs: .hdr/.img, and .hdr with gzipped .img.
img = nib.Nifti1Pair(volume(shape, np.int32), oblique())
img.set_qform(oblique(), code=1)
nib.save(img, os.path.join(OUT, "pair_int32.img"))
record("pair_int32.hdr")
img = nib.Nifti1Pair(volume(shape, np.uint16), oblique())
nib.save(img, os.path.join(OUT, "pair_uint16.img.gz"))
with gzip.open(os.path.join(OUT, "pair_uint16.hdr.gz")) as src, open(os.path.join(OUT, "pair_uint16.hdr"), "wb") as dst:
    shutil.copyfileobj(src, dst)
os.remove(os.path.join(OUT, "pair_uint16.hdr.gz"))
record("pair_uint16.hdr", image_file="pair_uint16.img.gz")

# Rank other than 3: a 4D file holding one volume, and a 2D image.
img = nib.Nifti1Image(volume((6, 5, 4, 1), np.int16), oblique())
nib.save(img, os.path.join(OUT, "single_volume_4d.nii"))
assert nib.load(os.path.join(OUT, "single_volume_4d.nii")).header["dim"][0] == 4
record("single_volume_4d.nii")
img = nib.Nifti1Image(volume((6, 5), np.int16), np.diag([0.8, 0.8, 1, 1]))
nib.save(img, os.path.join(OUT, "image_2d.nii"))
record("image_2d.nii")

# A true time series: must be refused where a 3D volume is needed.
img = nib.Nifti1Image(volume((6, 5, 4, 3), np.int16), oblique())
nib.save(img, os.path.join(OUT, "time_series_4d.nii"))

with open(os.path.join(OUT, "expected.json"), "w") as f:
    json.dump({"nibabel": nib.__version__, "numpy": np.__version__, "files": expected}, f, indent=1, sort_keys=True)
print(f"wrote {len(expected)} fixtures with nibabel {nib.__version__} to {OUT}")
