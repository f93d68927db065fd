"""Canonical orientation: any permutation and flip of the axes gives the same LPS array back."""

import itertools

import numpy as np
import pytest

from medseg_training.orientation import canonical_axes, canonical_spacing, is_canonical, orientation_code, to_canonical


def stored(canonical: np.ndarray, perm, flips):
    """``canonical`` [K, H, W] (voxel axes i = L, j = P, k = S) as a file would store it with voxel
    axis a along world axis perm[a], flipped where flips[a]; returns (array, direction)."""
    direction = np.zeros((3, 3))
    for a, (w, f) in enumerate(zip(perm, flips)):
        direction[w, a] = -1.0 if f else 1.0
    # world-indexed [x, y, z] view of the canonical array, then take the stored voxel order.
    world = canonical.transpose(2, 1, 0)  # [i=x, j=y, k=z]
    for w in range(3):
        a = perm.index(w)
        if flips[a]:
            world = np.flip(world, axis=w)
    voxels = world.transpose(perm)  # voxel axis a ← world axis perm[a]
    return np.ascontiguousarray(voxels.transpose(2, 1, 0)), direction


@pytest.mark.parametrize("perm", list(itertools.permutations(range(3))))
@pytest.mark.parametrize("flips", list(itertools.product([False, True], repeat=3)))
def test_every_permutation_and_flip_comes_back_to_canonical(perm, flips):
    rng = np.random.default_rng(0)
    canonical = rng.integers(0, 1000, (3, 4, 5))  # K=3 (S), H=4 (P), W=5 (L): every axis tells apart
    array, direction = stored(canonical, list(perm), flips)
    np.testing.assert_array_equal(to_canonical(array, direction), canonical)
    with_channels = to_canonical(np.stack([array, -array], axis=1), direction)
    np.testing.assert_array_equal(with_channels[:, 1], -canonical)


def test_oblique_directions_use_the_nearest_axes_and_codes_read_like_itk():
    c, s = np.cos(0.3), np.sin(0.3)
    tilted = np.array([[1, 0, 0], [0, c, -s], [0, s, c]])
    assert is_canonical(tilted) and orientation_code(tilted) == "LPS"
    assert orientation_code(np.diag([-1.0, -1.0, 1.0])) == "RAS"
    swapped = np.array([[0.0, 1, 0], [1, 0, 0], [0, 0, -1]])
    assert canonical_axes(swapped) == [(1, False), (0, False), (2, True)]
    assert orientation_code(swapped) == "PLI"
    assert canonical_spacing((0.5, 0.7, 3.0), swapped) == (0.7, 0.5, 3.0)
