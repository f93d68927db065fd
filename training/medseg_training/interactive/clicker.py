"""The simulated user of the standard interactive-segmentation protocol (NoC, "number of clicks").

Each click goes to the point of the largest error region farthest from that region's border:

1. errors: missed pixels ``truth & ~pred`` (a click there is positive) and extra pixels
   ``pred & ~truth`` (negative);
2. regions: 4-connected components of each kind; the largest by pixel count is chosen (ties: a
   missed region before an extra one, then the region met first in raster order: row j, then
   column i);
3. the click: the region's pixel with the largest Euclidean distance to the nearest pixel outside
   it, the slice's edge counting as outside (ties: first in raster order).

The engine's evaluation (``src/core/interactive/simulated-clicker.ts``) follows the same rules and
``test/fixtures/click-encoding.json`` holds cases both test suites check.

Training draws its clicks from the same regions but not always at their centre
(:func:`training_click`): people do not click the exact centre either.
"""

from __future__ import annotations

from typing import NamedTuple, Optional

import numpy as np
from scipy import ndimage

from .click_encoding import Click


class ErrorRegion(NamedTuple):
    mask: np.ndarray
    positive: bool


def largest_error_region(truth: np.ndarray, pred: np.ndarray) -> Optional[ErrorRegion]:
    """Steps 1–2: the largest error region, or ``None`` when the prediction is exact."""
    truth, pred = np.asarray(truth, bool), np.asarray(pred, bool)
    best: Optional[ErrorRegion] = None
    best_size = 0
    for positive, errors in ((True, truth & ~pred), (False, pred & ~truth)):
        labels, count = ndimage.label(errors)
        if count == 0:
            continue
        sizes = np.bincount(labels.ravel())
        sizes[0] = 0
        region = int(np.argmax(sizes))
        if sizes[region] > best_size:
            best, best_size = ErrorRegion(labels == region, positive), int(sizes[region])
    return best


def distance_to_border(region: np.ndarray) -> np.ndarray:
    """Euclidean distance of each region pixel to the nearest pixel outside it (the edge counts as outside).

    Computed on the region's bounding box with a one-pixel border: the nearest outside pixel of any region
    pixel lies in that box (clamping a farther one into it only brings it closer), so this is exact, and a
    small region of a 512² slice costs its own size, not the slice's."""
    out = np.zeros(region.shape, np.float64)
    rows, cols = np.flatnonzero(region.any(axis=1)), np.flatnonzero(region.any(axis=0))
    if rows.size:
        box = (slice(rows[0], rows[-1] + 1), slice(cols[0], cols[-1] + 1))
        out[box] = ndimage.distance_transform_edt(np.pad(region[box], 1))[1:-1, 1:-1]
    return out


def next_click(truth: np.ndarray, pred: np.ndarray) -> Optional[Click]:
    """The protocol's next click, or ``None`` when there is nothing left to correct."""
    region = largest_error_region(truth, pred)
    if region is None:
        return None
    distance = distance_to_border(region.mask)
    j, i = np.unravel_index(int(np.argmax(distance)), distance.shape)
    return Click(int(i), int(j), region.positive)


def training_click(truth: np.ndarray, pred: np.ndarray, rng: np.random.Generator,
                   centre_probability: float = 0.5, depth: float = 0.4) -> Optional[Click]:
    """A click in the protocol's region: its centre with ``centre_probability``, otherwise a random
    pixel at least ``depth`` × the region's largest distance from its border (so inside, not on the edge)."""
    region = largest_error_region(truth, pred)
    if region is None:
        return None
    distance = distance_to_border(region.mask)
    if rng.random() < centre_probability:
        flat = int(np.argmax(distance))
    else:
        candidates = np.flatnonzero(distance >= max(1.0, depth * float(distance.max())))
        flat = int(rng.choice(candidates))
    j, i = np.unravel_index(flat, distance.shape)
    return Click(int(i), int(j), region.positive)
