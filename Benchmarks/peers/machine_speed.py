"""How fast this machine is against the one the issues' absolute targets were set on.

The connected-components issue quotes, for that machine, cc3d labelling a 512×512×256
lesion-plus-2 %-noise mask at about 470 million voxels per second on one thread (26-connected).
This labels the same kind of mask (`masks.lesion_mask`, seed 1, plus 2 % random voxels, seed
2) with cc3d, median of 7 runs, and prints the rate and its ratio to 470: a factor to read an
absolute time measured here in the units of the targets. It is one peer on one kind of work
(memory-bound labelling), so a scaled time is an estimate beside the measured one, never
instead of it.

Prints one line of JSON: {"cc3dMVoxelsPerSecond": R, "referenceMVoxelsPerSecond": 470,
"speedFactor": R / 470}.
"""
import json
import statistics
import time

import cc3d
import numpy as np

from masks import lesion_mask

REFERENCE = 470.0
shape = (512, 512, 256)
mask = lesion_mask(shape, 1) | (np.random.default_rng(2).random(shape) < 0.02).astype(np.uint8)
mask = np.asfortranarray(mask)
times = []
for _ in range(7):
    start = time.perf_counter()
    cc3d.connected_components(mask, connectivity=26)
    times.append(time.perf_counter() - start)
rate = mask.size / statistics.median(times) / 1e6
print(json.dumps({"cc3dMVoxelsPerSecond": round(rate, 1), "referenceMVoxelsPerSecond": REFERENCE,
                  "speedFactor": round(rate / REFERENCE, 3)}))
