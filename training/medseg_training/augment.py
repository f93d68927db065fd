"""Training augmentation, batched in PyTorch on samples already at the network size.

Meant to make a model hold up on other scanners, endoscopes and hospitals, and cheap next to a
training step (one ``grid_sample`` for the geometry of the whole batch, a few element-wise ops):

* geometry: flips (both axes; off for volumes in the canonical orientation, where left and right
  carry anatomy), zoom in and out, aspect, rotation, translation, optional elastic deformation;
* intensity: contrast, brightness, gamma (other scanners' calibration, other cameras' response);
* colour (RGB only): per-channel gain (white balance), saturation, hue (other endoscopes' light);
* degradation: Gaussian blur (reconstruction kernels, focus), Gaussian noise (dose, sensor),
  JPEG artefacts (compressed video frames and photographs).

Images come in the unit range (``Preprocessing.to_unit``: [0, 1] for CT windows and 8-bit images)
and go out in it; the caller normalises. With :meth:`AugmentConfig.none` a batch is unchanged.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, replace
from typing import Sequence, Tuple

import numpy as np
import torch
import torch.nn.functional as F


@dataclass(frozen=True)
class AugmentConfig:
    flip: bool = True             # random flips along H and along W (independently, p = 0.5 each)
    scale: Tuple[float, float] = (0.75, 1.35)   # zoom (>1 = crop into the slice, <1 = shrink and pad)
    aspect: float = 0.15          # log-uniform aspect jitter ±15 %
    rotate_degrees: float = 10.0
    translate: float = 0.1        # extra shift as a fraction of the half-size
    elastic: float = 0.0          # elastic deformation: displacement std, in normalised units (0 = off)
    elastic_grid: int = 4         # control points per side of the smooth displacement field
    contrast: float = 0.15        # intensity ×(1 ± 0.15)
    brightness: float = 0.1       # intensity ± 0.1 (unit range: ≈ ±40 HU for a 400 HU window)
    gamma: float = 0.0            # x^γ, log γ uniform in ±log(1 + gamma)
    colour_gain: float = 0.0      # RGB: per-channel gain ×(1 ± colour_gain)
    saturation: float = 0.0       # RGB: saturation ×(1 ± saturation)
    hue: float = 0.0              # RGB: hue rotation ± hue × 360°
    blur_probability: float = 0.0
    blur_sigma: float = 1.5       # largest Gaussian blur sigma, pixels at the network size
    noise: float = 0.02           # Gaussian noise std (strong preset: uniform in [0, noise] per sample)
    noise_random: bool = False
    jpeg_probability: float = 0.0
    jpeg_quality: Tuple[int, int] = (30, 90)

    @classmethod
    def none(cls) -> "AugmentConfig":
        return cls(flip=False, scale=(1.0, 1.0), aspect=0.0, rotate_degrees=0.0, translate=0.0, contrast=0.0,
                   brightness=0.0, noise=0.0)

    @classmethod
    def preset(cls, name: str, rgb: bool = False, flip: bool = True, jpeg: bool = True,
               elastic: float | None = None) -> "AugmentConfig":
        """``none``; ``light`` (geometry, contrast, brightness, noise: the earlier recipes'); ``strong``
        (light + gamma, blur, random noise, wider rotation, JPEG where ``jpeg``, colour where ``rgb``)."""
        if name == "none":
            return cls.none()
        if name == "light":
            cfg = cls()
        elif name == "strong":
            cfg = cls(rotate_degrees=20.0, contrast=0.25, brightness=0.1, gamma=0.3, blur_probability=0.2,
                      noise=0.04, noise_random=True, jpeg_probability=0.2 if jpeg else 0.0,
                      colour_gain=0.1 if rgb else 0.0, saturation=0.3 if rgb else 0.0, hue=0.04 if rgb else 0.0)
        else:
            raise ValueError(f"unknown augmentation {name!r}; use none, light or strong")
        return replace(cfg, flip=flip, elastic=cfg.elastic if elastic is None else float(elastic))


# --------------------------------------------------------------------------- geometry

def _theta(rng: np.random.Generator, cfg: AugmentConfig) -> np.ndarray:
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
    return np.array([[c * sx * fx, -n * sy * fy, tx], [n * sx * fx, c * sy * fy, ty]], dtype=np.float32)


def elastic_displacement(rng: np.random.Generator, n: int, size: Tuple[int, int], strength: float,
                         points: int) -> torch.Tensor:
    """Smooth random displacement fields ``[n, H, W, 2]`` (Simard et al.): Gaussian offsets on a
    coarse ``points × points`` grid, upsampled bicubically to the output size."""
    coarse = torch.from_numpy(rng.normal(0.0, strength, (n, 2, points, points)).astype(np.float32))
    return F.interpolate(coarse, size=size, mode="bicubic", align_corners=True).permute(0, 2, 3, 1)


def _geometry(x: torch.Tensor, y: torch.Tensor, cfg: AugmentConfig, rng: np.random.Generator):
    n, c, h, w = x.shape
    theta = torch.from_numpy(np.stack([_theta(rng, cfg) for _ in range(n)])).to(x.device)
    if torch.allclose(theta, torch.tensor([[1.0, 0, 0], [0, 1.0, 0]], device=x.device).expand_as(theta)) \
            and not cfg.elastic:
        return x, y
    grid = F.affine_grid(theta, [n, c, h, w], align_corners=False)
    if cfg.elastic:
        grid = grid + elastic_displacement(rng, n, (h, w), cfg.elastic, cfg.elastic_grid).to(x.device)
    floor = x.amin(dim=(1, 2, 3), keepdim=True)  # outside the image: its darkest value
    x = F.grid_sample(x - floor, grid, mode="bilinear", padding_mode="zeros", align_corners=False) + floor
    y = (F.grid_sample(y, grid, mode="bilinear", padding_mode="zeros", align_corners=False) > 0.5).to(y.dtype)
    return x, y


# --------------------------------------------------------------------------- appearance

def _per_sample(rng: np.random.Generator, n: int, low: float, high: float, device) -> torch.Tensor:
    return torch.from_numpy(rng.uniform(low, high, (n, 1, 1, 1)).astype(np.float32)).to(device)


_YIQ = torch.tensor([[0.299, 0.587, 0.114], [0.596, -0.274, -0.322], [0.211, -0.523, 0.312]])
_FROM_YIQ = torch.linalg.inv(_YIQ)  # once, not per batch


def _colour(x: torch.Tensor, cfg: AugmentConfig, rng: np.random.Generator) -> torch.Tensor:
    """Gain, saturation and hue as one 3×3 colour matrix per sample (hue: a rotation of the YIQ chroma)."""
    n = x.shape[0]
    to_yiq = _YIQ.to(x.device)
    from_yiq = _FROM_YIQ.to(x.device)
    matrices = []
    for _ in range(n):
        angle = 2 * math.pi * rng.uniform(-cfg.hue, cfg.hue)
        sat = 1.0 + rng.uniform(-cfg.saturation, cfg.saturation)
        chroma = torch.tensor([[1.0, 0.0, 0.0], [0.0, math.cos(angle), -math.sin(angle)],
                               [0.0, math.sin(angle), math.cos(angle)]], device=x.device) * \
            torch.tensor([1.0, sat, sat], device=x.device)[:, None]
        gain = torch.diag(torch.from_numpy(1.0 + rng.uniform(-cfg.colour_gain, cfg.colour_gain, 3)).float()).to(x.device)
        matrices.append(gain @ from_yiq @ chroma @ to_yiq)
    return torch.einsum("nij,njhw->nihw", torch.stack(matrices), x)


def _blur(x: torch.Tensor, sigma: float) -> torch.Tensor:
    radius = max(1, int(math.ceil(2.5 * sigma)))
    t = torch.arange(-radius, radius + 1, dtype=x.dtype, device=x.device)
    k = torch.exp(-0.5 * (t / sigma) ** 2)
    k = k / k.sum()
    c = x.shape[0]
    x = F.conv2d(F.pad(x[None], (radius, radius, 0, 0), mode="replicate"), k.view(1, 1, 1, -1).repeat(c, 1, 1, 1),
                 groups=c)
    return F.conv2d(F.pad(x, (0, 0, radius, radius), mode="replicate"), k.view(1, 1, -1, 1).repeat(c, 1, 1, 1),
                    groups=c)[0]


def _jpeg(x: torch.Tensor, quality: int) -> torch.Tensor:
    """One image ``[C, H, W]`` (C 1 or 3, unit range) through a JPEG encoder and back."""
    from PIL import Image

    arr = (x.clamp(0, 1) * 255).round().to(torch.uint8).cpu().numpy()
    image = Image.fromarray(arr[0] if arr.shape[0] == 1 else arr.transpose(1, 2, 0))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=int(quality))
    decoded = np.asarray(Image.open(io.BytesIO(buffer.getvalue())), dtype=np.float32) / 255.0
    decoded = decoded[None] if decoded.ndim == 2 else decoded.transpose(2, 0, 1)
    return torch.from_numpy(np.ascontiguousarray(decoded)).to(x.device)


def _appearance(x: torch.Tensor, cfg: AugmentConfig, rng: np.random.Generator) -> torch.Tensor:
    n = x.shape[0]
    if cfg.gamma:
        g = torch.exp(_per_sample(rng, n, -math.log1p(cfg.gamma), math.log1p(cfg.gamma), x.device))
        x = x.clamp(min=0) ** g
    if cfg.contrast or cfg.brightness:
        x = x * (1.0 + _per_sample(rng, n, -cfg.contrast, cfg.contrast, x.device)) + \
            _per_sample(rng, n, -cfg.brightness, cfg.brightness, x.device)
    if x.shape[1] == 3 and (cfg.colour_gain or cfg.saturation or cfg.hue):
        x = _colour(x, cfg, rng)
    images = list(x)
    for i in range(n):
        if cfg.blur_probability and rng.random() < cfg.blur_probability:
            images[i] = _blur(images[i], rng.uniform(0.3, cfg.blur_sigma))
        if cfg.jpeg_probability and images[i].shape[0] in (1, 3) and rng.random() < cfg.jpeg_probability:
            images[i] = _jpeg(images[i], rng.integers(cfg.jpeg_quality[0], cfg.jpeg_quality[1] + 1))
    x = torch.stack(images)
    if cfg.noise:
        std = _per_sample(rng, n, 0.0, cfg.noise, x.device) if cfg.noise_random else cfg.noise
        x = x + std * torch.from_numpy(rng.standard_normal(x.shape).astype(np.float32)).to(x.device)
    return x


def make_batch(images: Sequence[np.ndarray], masks: Sequence[np.ndarray], cfg: AugmentConfig,
               rng: np.random.Generator, device: torch.device | str = "cpu") -> Tuple[torch.Tensor, torch.Tensor]:
    """Augmented batch (unit range): images ``[N, C, h, w]`` float32, masks ``[N, 1, h, w]`` float32 0/1."""
    x = torch.from_numpy(np.stack(images)).to(device)
    y = torch.from_numpy(np.stack(masks)[:, None].astype(np.float32)).to(device)
    x, y = _geometry(x, y, cfg, rng)
    return _appearance(x, cfg, rng), y
