"""Seeded test masks shared by the peer scripts."""
import numpy as np


def lesion_mask(shape, seed):
    """Lesion-like blobs (radii 1–12 voxels, 2.5× flatter along z as on 3.5 mm slices), about
    40 per default-grid volume, as a Fortran-ordered uint8 mask."""
    rng = np.random.default_rng(seed)
    m = np.zeros(shape, dtype=np.uint8, order="F")
    for _ in range(int(40 * np.prod(shape) / (256 * 208 * 72))):
        c = rng.uniform(0, shape)
        r = rng.uniform(1, 12)
        box = tuple(slice(max(0, int(c[a] - r - 1)), min(shape[a], int(c[a] + r + 2))) for a in range(3))
        i, j, k = np.ogrid[box[0], box[1], box[2]]
        m[box] |= ((i - c[0]) ** 2 + (j - c[1]) ** 2 + ((k - c[2]) * 2.5) ** 2 <= r * r).astype(np.uint8)
    return m
