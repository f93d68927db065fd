import dataclasses

import numpy as np
import torch

from medseg_training.augment import AugmentConfig, make_batch
from medseg_training.metrics import dice


def two_boxes():
    mask = np.zeros((64, 64), np.uint8)
    mask[8:30, 12:50] = 1
    mask[40:60, 5:20] = 1
    return mask


def test_no_augmentation_leaves_the_batch_as_it_is(rng):
    img = rng.random((3, 32, 32), dtype=np.float32)
    mask = two_boxes()[:32, :32]
    x, y = make_batch([img], [mask], AugmentConfig.none(), rng)
    assert x.shape == (1, 3, 32, 32) and y.shape == (1, 1, 32, 32)
    assert torch.equal(x[0], torch.from_numpy(img)) and torch.equal(y[0, 0], torch.from_numpy(mask).float())


def test_augmented_image_and_mask_stay_aligned(rng):
    mask = two_boxes()
    img = mask[None].astype(np.float32)
    cfg = AugmentConfig(contrast=0.0, brightness=0.0, noise=0.0)
    xs, ys = make_batch([img] * 8, [mask] * 8, cfg, rng)
    for x, y in zip(xs, ys):
        assert dice(x[0].numpy() > 0.5, y[0].numpy() > 0.5) > 0.95


def corners_seen(cfg, rng):
    mask = np.zeros((32, 32), np.uint8)
    mask[2:10, 2:10] = 1  # top-left corner
    _, ys = make_batch([mask[None].astype(np.float32)] * 32, [mask] * 32, cfg, rng)
    return {(int(y[0, :16].sum() > y[0, 16:].sum()), int(y[0, :, :16].sum() > y[0, :, 16:].sum())) for y in ys}


def test_flips_happen_on_both_axes_unless_turned_off(rng):
    cfg = dataclasses.replace(AugmentConfig.none(), flip=True)
    assert corners_seen(cfg, rng) == {(0, 0), (0, 1), (1, 0), (1, 1)}
    assert corners_seen(AugmentConfig.preset("strong", flip=False), rng) == {(1, 1)}  # canonical CT: never flipped


def test_elastic_deformation_moves_pixels_and_keeps_mask_aligned(rng):
    mask = two_boxes()
    cfg = dataclasses.replace(AugmentConfig.none(), elastic=0.05)
    xs, ys = make_batch([mask[None].astype(np.float32)] * 6, [mask] * 6, cfg, rng)
    for x, y in zip(xs, ys):
        assert dice(x[0].numpy() > 0.5, y[0].numpy() > 0.5) > 0.95      # image and mask move together
        assert dice(y[0].numpy() > 0.5, mask > 0) < 0.99                 # and they did move


def test_strong_appearance_changes_pixels_not_masks(rng):
    """Colour, gamma, blur, noise and JPEG leave the mask alone; colour touches RGB only."""
    img = rng.random((3, 48, 48), dtype=np.float32)
    mask = two_boxes()[:48, :48]
    geometry_off = dict(flip=False, scale=(1.0, 1.0), aspect=0.0, rotate_degrees=0.0, translate=0.0)
    cfg = dataclasses.replace(AugmentConfig.preset("strong", rgb=True), blur_probability=1.0, jpeg_probability=1.0,
                              **geometry_off)
    x, y = make_batch([img] * 4, [mask] * 4, cfg, rng)
    assert torch.isfinite(x).all() and (x - torch.from_numpy(img)).abs().mean() > 0.02
    assert all(torch.equal(m[0], torch.from_numpy(mask).float()) for m in y)
    colour_only = dataclasses.replace(AugmentConfig.none(), colour_gain=0.2, saturation=0.5, hue=0.1)
    grey, _ = make_batch([img[:1]] * 2, [mask] * 2, colour_only, rng)
    rgb, _ = make_batch([img] * 2, [mask] * 2, colour_only, rng)
    assert torch.equal(grey[0], torch.from_numpy(img[:1]))
    assert not torch.allclose(rgb[0], torch.from_numpy(img))
