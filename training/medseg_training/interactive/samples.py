"""Training samples for click-guided networks: slices kept in memory, augmented at their own
resolution, and the prompts a user would give before the network's simulated rounds start.

A sample starts in one of two ways:

* **clicks** — no previous mask (or, with ``proposal_probability``, a damaged copy of the truth,
  standing in for an auto-segmentation that needs correcting) and one click of the protocol's region;
* **propagate** (volumes only) — the truth of a neighbouring slice as the previous mask and no
  click, which is how the editor carries a mask to the next slice; where the structure has ended
  the target is empty and the network learns to stop.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional, Tuple

import numpy as np
import torch
import torch.nn.functional as F
from scipy import ndimage

from .click_encoding import Click
from .clicker import training_click


@dataclass
class InteractiveSet:
    """Preprocessed slices ``[C, H, W]`` (float16 to halve the memory) and their truth ``[H, W]`` (bool).

    ``neighbours[n]`` lists the indices of slices next to slice ``n`` in its volume (empty for 2D images).
    """

    images: List[np.ndarray] = field(default_factory=list)
    truths: List[np.ndarray] = field(default_factory=list)
    neighbours: List[List[int]] = field(default_factory=list)
    sources: List[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.images)

    def add(self, image: np.ndarray, truth: np.ndarray, source: str, neighbours: Optional[List[int]] = None) -> None:
        self.images.append(image.astype(np.float16))
        self.truths.append(np.asarray(truth, bool))
        self.neighbours.append(neighbours or [])
        self.sources.append(source)

    def with_structure(self) -> List[int]:
        return [n for n, t in enumerate(self.truths) if t.any()]

    def trainable(self) -> List[int]:
        """Slices with the structure, and slices next to one (where propagation must learn to stop)."""
        return [n for n, t in enumerate(self.truths) if t.any() or any(self.truths[m].any() for m in self.neighbours[n])]


@dataclass
class SampleConfig:
    flip: bool = True
    rotate90: bool = False          # endoscopy has no up; CT has (patients lie on their back)
    scale: Tuple[float, float] = (0.75, 1.3)
    contrast: float = 0.15
    brightness: float = 0.1
    gamma: float = 0.0              # log-uniform gamma ± this on [0, 1]-scaled images (endoscopy)
    noise: float = 0.02
    proposal_probability: float = 0.15
    propagate_probability: float = 0.25


@dataclass
class Sample:
    image: torch.Tensor             # [C, H, W] float32
    truth: np.ndarray               # [H, W] bool
    previous: np.ndarray            # [H, W] bool
    clicks: List[Click]


def _augment(image: np.ndarray, masks: List[np.ndarray], cfg: SampleConfig, rng: np.random.Generator):
    x = torch.from_numpy(image.astype(np.float32))
    ms = [torch.from_numpy(m.astype(np.float32)) for m in masks]
    if cfg.rotate90 and rng.random() < 0.5:
        x, ms = x.transpose(1, 2), [m.T for m in ms]
    for axis in (1, 2):
        if cfg.flip and rng.random() < 0.5:
            x, ms = x.flip(axis), [m.flip(axis - 1) for m in ms]
    s = float(np.exp(rng.uniform(np.log(cfg.scale[0]), np.log(cfg.scale[1]))))
    size = (max(16, round(x.shape[1] * s)), max(16, round(x.shape[2] * s)))
    if size != tuple(x.shape[1:]):
        x = F.interpolate(x[None], size=size, mode="bilinear", align_corners=False)[0]
        ms = [F.interpolate(m[None, None], size=size, mode="bilinear", align_corners=False)[0, 0] for m in ms]
    if cfg.gamma:
        lo, hi = x.amin(), x.amax()
        unit = ((x - lo) / (hi - lo + 1e-6)).clamp(0, 1)
        x = unit ** float(np.exp(rng.uniform(-cfg.gamma, cfg.gamma))) * (hi - lo) + lo
    if cfg.contrast or cfg.brightness:
        x = x * (1.0 + rng.uniform(-cfg.contrast, cfg.contrast)) + rng.uniform(-cfg.brightness, cfg.brightness)
    if cfg.noise:
        x = x + cfg.noise * torch.from_numpy(rng.standard_normal(x.shape).astype(np.float32))
    return x.contiguous(), [(m > 0.5).numpy() for m in ms]


def damaged(truth: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A plausible wrong proposal: the truth grown or shrunk, shifted, with a blob added or cut away."""
    h, w = truth.shape
    out = truth.copy()
    size = max(1.0, float(np.sqrt(truth.sum())))
    steps = int(rng.integers(1, max(2, int(0.15 * size) + 1)))
    out = ndimage.binary_dilation(out, iterations=steps) if rng.random() < 0.5 else ndimage.binary_erosion(out, iterations=steps)
    dy, dx = (rng.normal(0, 0.08 * size, 2)).round().astype(int)
    out = np.roll(out, (int(dy), int(dx)), axis=(0, 1))
    if rng.random() < 0.5:
        cy, cx = rng.integers(0, h), rng.integers(0, w)
        r = rng.uniform(0.1, 0.4) * size
        yy, xx = np.ogrid[:h, :w]
        blob = (yy - cy) ** 2 + (xx - cx) ** 2 <= r * r
        out = out & ~blob if rng.random() < 0.5 else out | blob
    return out


def draw_sample(data: InteractiveSet, n: int, cfg: SampleConfig, rng: np.random.Generator) -> Sample:
    """Sample ``n`` augmented, with its starting prompts (see the module docstring)."""
    neighbours = [m for m in data.neighbours[n] if data.truths[m].any()]
    # A slice without the structure is only ever reached by propagating from one with it.
    propagate = bool(neighbours) and (not data.truths[n].any() or rng.random() < cfg.propagate_probability)
    seed = data.truths[int(rng.choice(neighbours))] if propagate else None
    image, masks = _augment(data.images[n], [data.truths[n]] + ([seed] if seed is not None else []), cfg, rng)
    truth = masks[0]
    if propagate:
        return Sample(image, truth, masks[1], [])
    previous = damaged(truth, rng) if truth.any() and rng.random() < cfg.proposal_probability else np.zeros_like(truth)
    click = training_click(truth, previous, rng)
    return Sample(image, truth, previous, [click] if click else [])
