import numpy as np
import torch
import torch.nn.functional as F

from medseg_training.augment import AugmentConfig, make_batch
from medseg_training.metrics import dice


def test_no_augmentation_is_the_engine_bilinear_resize(rng):
    img = rng.random((1, 64, 48), dtype=np.float32)
    mask = np.zeros((64, 48), np.uint8)
    mask[10:40, 5:30] = 1
    x, y = make_batch([img], [mask], (32, 32), AugmentConfig.none(), rng)
    expected = F.interpolate(torch.from_numpy(img)[None], size=(32, 32), mode="bilinear", align_corners=False)
    assert x.shape == (1, 1, 32, 32) and y.shape == (1, 1, 32, 32)
    assert (x - expected).abs().max().item() < 1e-5
    assert set(np.unique(y.numpy())) <= {0.0, 1.0}


def test_augmented_image_and_mask_stay_aligned(rng):
    mask = np.zeros((64, 64), np.uint8)
    mask[8:30, 12:50] = 1
    mask[40:60, 5:20] = 1
    img = mask[None].astype(np.float32)
    cfg = AugmentConfig(contrast=0.0, brightness=0.0, noise=0.0)
    xs, ys = make_batch([img] * 8, [mask] * 8, (48, 48), cfg, rng)
    for x, y in zip(xs, ys):
        assert dice(x[0].numpy() > 0.5, y[0].numpy() > 0.5) > 0.95


def test_flips_happen_on_both_axes(rng):
    mask = np.zeros((32, 32), np.uint8)
    mask[2:10, 2:10] = 1  # top-left corner
    cfg = AugmentConfig(scale=(1.0, 1.0), aspect=0.0, rotate_degrees=0.0, translate=0.0, contrast=0.0,
                        brightness=0.0, noise=0.0)
    _, ys = make_batch([mask[None].astype(np.float32)] * 32, [mask] * 32, (32, 32), cfg, rng)
    corners = {(int(y[0, :16].sum() > y[0, 16:].sum()), int(y[0, :, :16].sum() > y[0, :, 16:].sum())) for y in ys}
    assert corners == {(0, 0), (0, 1), (1, 0), (1, 1)}


def test_elastic_deformation_moves_pixels_and_keeps_mask_aligned(rng):
    mask = np.zeros((64, 64), np.uint8)
    mask[8:30, 12:50] = 1
    mask[40:60, 5:20] = 1
    img = mask[None].astype(np.float32)
    cfg = AugmentConfig.none()
    cfg.elastic = 0.05
    xs, ys = make_batch([img] * 6, [mask] * 6, (64, 64), cfg, rng)
    for x, y in zip(xs, ys):
        assert dice(x[0].numpy() > 0.5, y[0].numpy() > 0.5) > 0.95      # image and mask move together
        assert dice(y[0].numpy() > 0.5, mask > 0) < 0.99                 # and they did move
