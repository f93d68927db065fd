"""Canonical orientation: every CT/MR volume is trained on (and segmented in) one voxel order.

The canonical order is ``LPS``: voxel axis i runs towards the patient's Left, j towards Posterior,
k towards Superior, i.e. an identity direction matrix in the LPS world the engine uses. An axial
slice ``[H=j, W=i]`` then shows the patient as radiologists read it (patient right on the image's
left, anterior at the top), whatever order the file stored its voxels in. A volume is brought there
by a permutation and flips of its axes only (no resampling, so the mapping back is exact); an
oblique volume uses its nearest axes. ``src/core/imaging/orientation.ts`` is the engine's twin of
:func:`canonical_axes` (the same greedy choice), so training and inference agree.

Arrays here are numpy ``[K, H, W]`` (or ``[K, C, H, W]``): numpy axis 0 is voxel axis k, 1 is j, 2 is
i (``data.py``'s slice convention).
"""

from __future__ import annotations

from typing import List, Tuple

import numpy as np

CANONICAL = "LPS"


def canonical_axes(direction: np.ndarray) -> List[Tuple[int, bool]]:
    """For world axes x, y, z (L, P, S): ``(voxel axis, flipped)`` whose direction is nearest.

    ``direction`` is 3×3, column ``a`` the world direction of voxel axis ``a``. The largest
    ``|direction|`` entries are matched first, so an oblique matrix still gives a permutation.
    """
    d = np.asarray(direction, dtype=np.float64).reshape(3, 3)
    pairs = sorted(((abs(d[w, a]), w, a) for w in range(3) for a in range(3)), reverse=True)
    chosen: dict = {}
    used_axes: set = set()
    for _, w, a in pairs:
        if w in chosen or a in used_axes:
            continue
        chosen[w] = (a, bool(d[w, a] < 0))
        used_axes.add(a)
    return [chosen[w] for w in range(3)]


def is_canonical(direction: np.ndarray) -> bool:
    return canonical_axes(direction) == [(0, False), (1, False), (2, False)]


def to_canonical(array: np.ndarray, direction: np.ndarray) -> np.ndarray:
    """``array`` (``[K, H, W]`` or ``[K, C, H, W]``) reordered so its voxel axes run L, P, S."""
    axes = canonical_axes(direction)
    spatial = [0, 2, 3] if array.ndim == 4 else [0, 1, 2]  # numpy axes of k, j, i
    numpy_of_voxel = {0: spatial[2], 1: spatial[1], 2: spatial[0]}
    # Output numpy order: new k (z), [channels], new j (y), new i (x).
    source = [numpy_of_voxel[axes[w][0]] for w in (2, 1, 0)]
    order = [source[0], 1, source[1], source[2]] if array.ndim == 4 else source
    out = np.transpose(array, order)
    for axis, w in zip(spatial, (2, 1, 0)):
        if axes[w][1]:
            out = np.flip(out, axis=axis)
    return np.ascontiguousarray(out)


def canonical_spacing(spacing: Tuple[float, float, float], direction: np.ndarray) -> Tuple[float, float, float]:
    """Spacing (along i, j, k) of the canonical volume."""
    axes = canonical_axes(direction)
    return tuple(float(spacing[a]) for a, _ in axes)  # type: ignore[return-value]


def orientation_code(direction: np.ndarray) -> str:
    """Three letters: where each voxel axis i, j, k points (``LPS`` for the canonical order)."""
    names = (("L", "R"), ("P", "A"), ("S", "I"))
    letters = [""] * 3
    for world, (axis, flipped) in enumerate(canonical_axes(direction)):
        letters[axis] = names[world][1 if flipped else 0]
    return "".join(letters)
