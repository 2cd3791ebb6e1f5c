"""Writes the detection test scene in Tests/Fixtures/DetectionScene with nibabel (seeded, deterministic).

An independent (nibabel-written) scene for the detection tests: a body outline, a
two-lobed liver, an aorta, and a few lesions that enhance on the arterial phase, on a
reduced grid (112 x 92 x 30 at 2.8 x 2.8 x 7.0 mm, half the default phantom resolution).
Files: native.nii.gz, arterial.nii.gz (int16, qform and sform coded), liver_mask.nii.gz (uint8).
"""
import os
import sys

import nibabel as nib
import numpy as np

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(3)
shape = (112, 92, 30)
spacing = np.array([2.8, 2.8, 7.0])
affine = np.diag([-spacing[0], spacing[1], spacing[2], 1.0])
affine[:3, 3] = [156.8, -128.8, -105.0]

i, j, k = np.meshgrid(*[np.arange(n) for n in shape], indexing="ij")
x, y, z = i * spacing[0], j * spacing[1], k * spacing[2]  # mm from the corner

def ellipsoid(c, r):
    return ((x - c[0]) / r[0]) ** 2 + ((y - c[1]) / r[1]) ** 2 + ((z - c[2]) / r[2]) ** 2

body = ((x - 156) / 150) ** 2 + ((y - 125) / 110) ** 2 <= 1
right_lobe = ellipsoid((110, 120, 105), (75, 70, 70)) <= 1
left_lobe = ellipsoid((190, 105, 120), (55, 38, 40)) <= 1
liver = (right_lobe | left_lobe) & body
aorta = ((x - 175) ** 2 + (y - 165) ** 2 <= 12 ** 2) & body

native = np.where(body, 120.0, 5.0)
native[liver] = 200.0
native[aorta] = 150.0
arterial = native.copy()
arterial[liver] = 240.0
arterial[aorta] = 600.0
lesions = [((95, 110, 90), 14.0), ((130, 140, 120), 6.0), ((200, 100, 125), 9.0),
           ((80, 95, 140), 3.5), ((150, 120, 70), 22.0)]
for c, r in lesions:
    d = np.sqrt(ellipsoid(c, (r, r, r))) * r
    core = d <= r * 0.5
    ball = (d <= r) & liver
    native[ball] = 170.0
    arterial[ball] = 330.0
    arterial[core & liver & (r > 10)] = 180.0  # necrotic core, non-enhancing
for img in (native, arterial):
    img += rng.normal(0, 6, shape) * body

def save(data, name, dtype):
    image = nib.Nifti1Image(np.round(data).astype(dtype), affine, dtype=dtype)
    image.set_qform(affine, code=1)
    image.set_sform(affine, code=1)
    image.header.set_xyzt_units("mm")
    nib.save(image, os.path.join(out, name))

save(native, "native.nii.gz", np.int16)
save(arterial, "arterial.nii.gz", np.int16)
save(liver, "liver_mask.nii.gz", np.uint8)
print(f"wrote the demo study to {out}")
