"""Training augmentation: random flips (both axes), random scaled crops (zoom in and out), small
rotations, optional elastic deformation and intensity jitter, done as one bilinear resample per
slice to the network's input size.

With no augmentation the resample is exactly the engine's bilinear resize of the whole slice to
``height × width`` (``align_corners=False``), so training sees what inference sees.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import List, Sequence, Tuple

import numpy as np
import torch
import torch.nn.functional as F


@dataclass
class AugmentConfig:
    flip: bool = True             # random flips along H and along W (independently, p = 0.5 each)
    scale: Tuple[float, float] = (0.75, 1.35)   # zoom (>1 = crop into the slice, <1 = shrink and pad)
    aspect: float = 0.15          # log-uniform aspect jitter ±15 %
    rotate_degrees: float = 10.0
    translate: float = 0.1        # extra shift as a fraction of the half-size
    contrast: float = 0.15        # intensity ×(1 ± 0.15)
    brightness: float = 0.1       # intensity ± 0.1 (in preprocessed units: ≈ ±40 HU for a 400 HU window)
    noise: float = 0.02           # Gaussian noise std
    elastic: float = 0.0          # elastic deformation: displacement std, in normalised units (0 = off)
    elastic_grid: int = 4         # control points per side of the smooth displacement field

    @classmethod
    def none(cls) -> "AugmentConfig":
        return cls(flip=False, scale=(1.0, 1.0), aspect=0.0, rotate_degrees=0.0, translate=0.0, contrast=0.0,
                   brightness=0.0, noise=0.0)


def _theta(rng: np.random.Generator, cfg: AugmentConfig) -> torch.Tensor:
    s = math.exp(rng.uniform(math.log(cfg.scale[0]), math.log(cfg.scale[1])))
    a = math.exp(rng.uniform(-cfg.aspect, cfg.aspect)) if cfg.aspect else 1.0
    sx, sy = 1.0 / (s * math.sqrt(a)), 1.0 / (s / math.sqrt(a))  # output → source scale
    angle = math.radians(rng.uniform(-cfg.rotate_degrees, cfg.rotate_degrees)) if cfg.rotate_degrees else 0.0
    c, n = math.cos(angle), math.sin(angle)
    fx = -1.0 if cfg.flip and rng.random() < 0.5 else 1.0
    fy = -1.0 if cfg.flip and rng.random() < 0.5 else 1.0
    tx_range = abs(1.0 - sx) + cfg.translate
    ty_range = abs(1.0 - sy) + cfg.translate
    tx = rng.uniform(-tx_range, tx_range) if (cfg.translate or sx != 1.0) else 0.0
    ty = rng.uniform(-ty_range, ty_range) if (cfg.translate or sy != 1.0) else 0.0
    # source = R · diag(sx·fx, sy·fy) · out + t   (normalised coordinates, x = W axis, y = H axis)
    return torch.tensor([[c * sx * fx, -n * sy * fy, tx], [n * sx * fx, c * sy * fy, ty]], dtype=torch.float32)


def elastic_displacement(rng: np.random.Generator, size: Tuple[int, int], strength: float, points: int) -> torch.Tensor:
    """A smooth random displacement field ``[1, H, W, 2]`` (Simard et al.): Gaussian offsets on a
    coarse ``points × points`` grid, upsampled bicubically to the output size."""
    coarse = torch.from_numpy(rng.normal(0.0, strength, (1, 2, points, points)).astype(np.float32))
    return F.interpolate(coarse, size=size, mode="bicubic", align_corners=True).permute(0, 2, 3, 1)


def resample(image: torch.Tensor, mask: torch.Tensor | None, theta: torch.Tensor, size: Tuple[int, int],
             displacement: torch.Tensor | None = None):
    """Resamples ``image`` [C, H, W] (bilinear; outside → the image's minimum) and ``mask`` [H, W]
    (bilinear then > 0.5) onto an output grid of ``size`` through the affine ``theta`` [2, 3], then
    the optional ``displacement`` [1, H, W, 2] (elastic deformation)."""
    grid = F.affine_grid(theta[None], [1, image.shape[0], size[0], size[1]], align_corners=False)
    if displacement is not None:
        grid = grid + displacement
    floor = image.amin()
    out = F.grid_sample((image - floor)[None], grid, mode="bilinear", padding_mode="zeros", align_corners=False)[0] + floor
    out_mask = None
    if mask is not None:
        m = F.grid_sample(mask[None, None].float(), grid, mode="bilinear", padding_mode="zeros", align_corners=False)
        out_mask = (m[0, 0] > 0.5).to(torch.float32)
    return out, out_mask


def make_batch(images: Sequence[np.ndarray], masks: Sequence[np.ndarray], size: Tuple[int, int],
               cfg: AugmentConfig, rng: np.random.Generator) -> Tuple[torch.Tensor, torch.Tensor]:
    """Augmented batch: images ``[N, C, h, w]`` float32, masks ``[N, 1, h, w]`` float32 0/1."""
    xs: List[torch.Tensor] = []
    ys: List[torch.Tensor] = []
    for img, m in zip(images, masks):
        displacement = elastic_displacement(rng, size, cfg.elastic, cfg.elastic_grid) if cfg.elastic else None
        x, y = resample(torch.from_numpy(np.ascontiguousarray(img)), torch.from_numpy(np.ascontiguousarray(m)),
                        _theta(rng, cfg), size, displacement)
        if cfg.contrast or cfg.brightness:
            x = x * (1.0 + rng.uniform(-cfg.contrast, cfg.contrast)) + rng.uniform(-cfg.brightness, cfg.brightness)
        if cfg.noise:
            x = x + cfg.noise * torch.from_numpy(rng.standard_normal(x.shape).astype(np.float32))
        xs.append(x)
        ys.append(y[None])
    return torch.stack(xs), torch.stack(ys)
