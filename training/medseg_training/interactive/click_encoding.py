"""How clicks become a click-guided network's input: the encoding ``medseg-clicks/1``.

This docstring is the specification; the engine (``src/core/interactive/click-encoding.ts``)
implements the same steps, and ``test/fixtures/click-encoding.json`` (written by
:mod:`.fixture` from this module) is checked by both test suites, so the same clicks give the
same maps in the trainer and in the engine.

Inputs: one slice of ``H`` rows × ``W`` columns; the clicks so far ``[(i, j, positive)]`` (``i``
column, ``j`` row: voxel indices); the previous mask ``P`` (``H × W``, true where the slice holds
the label being edited; other labels count as background); the manifest's ``interaction``
parameters and network size ``Nh × Nw``.

1. **Focus box** ``(x0, y0, bw, bh)`` in whole pixels, inside the slice. ``P`` empty → the whole
   slice. Otherwise take the bounding box of ``P``'s pixels and of every click, columns ``a..b`` and
   rows ``c..d`` (inclusive), and a square around its centre::

       side = max(ceil(max(b - a + 1, d - c + 1) * expand), ceil(minFraction * max(W, H)))
       bw = min(W, side);  bh = min(H, side)
       x0 = clamp(floor((a + b + 1) / 2 - bw / 2 + 0.5), 0, W - bw)    (y0 likewise with c, d, bh, H)

   All arithmetic in IEEE double precision, in this order. The box holds every pixel of ``P``, so
   the network sees all of the structure being edited, magnified when it is small.
2. **Network input** ``[C + len(prompts), Nh, Nw]`` float32:

   * image channels: the slice preprocessed as the manifest says, cut to the box, resized bilinear
     (half-pixel centres, edges clamped: ``F.interpolate(..., align_corners=False)``) to ``Nh × Nw``;
   * ``previousMask``: ``P`` inside the box as 0/1 floats, resized the same way;
   * ``positiveClicks`` / ``negativeClicks``: a disk per click. A click's centre in network pixels
     is ``u = (i + 0.5 - x0) * Nw / bw - 0.5``, ``v = (j + 0.5 - y0) * Nh / bh - 0.5``; pixel
     ``(x, y)`` is 1 when ``(x - u)² + (y - v)² <= radius²`` for some click of that sign, else 0.

   Channels: the image's, then the prompts in ``interaction.prompts`` order.
3. **Output**: the logit plane → sigmoid → resized bilinear back to ``bh × bw`` → ``>= threshold``
   is the label inside the box; pixels of other labels stay as they are, and outside the box the
   slice is unchanged.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Dict, List, NamedTuple, Optional, Sequence, Tuple

import numpy as np
import torch
import torch.nn.functional as F

ENCODING = "medseg-clicks/1"
PROMPTS = ("positiveClicks", "negativeClicks", "previousMask")


class Click(NamedTuple):
    i: int
    j: int
    positive: bool


class Box(NamedTuple):
    x0: int
    y0: int
    width: int
    height: int


@dataclass(frozen=True)
class InteractionSpec:
    """The manifest's ``interaction`` field and the network size it encodes for."""

    height: int
    width: int
    prompts: Tuple[str, ...] = PROMPTS
    radius: float = 5.0
    expand: float = 1.4
    min_fraction: float = 0.2
    threshold: float = 0.5

    def to_manifest(self) -> Dict:
        return {"encoding": ENCODING, "prompts": list(self.prompts),
                "clicks": {"kind": "disk", "radius": self.radius},
                "focus": {"expand": self.expand, "minFraction": self.min_fraction}}

    @classmethod
    def from_manifest(cls, manifest: Dict) -> "InteractionSpec":
        inter = manifest["interaction"]
        if inter.get("encoding") != ENCODING:
            raise ValueError(f"unknown click encoding {inter.get('encoding')!r}; this trainer knows {ENCODING}")
        return cls(height=int(manifest["input"]["height"]), width=int(manifest["input"]["width"]),
                   prompts=tuple(inter["prompts"]), radius=float(inter["clicks"]["radius"]),
                   expand=float(inter["focus"]["expand"]), min_fraction=float(inter["focus"]["minFraction"]),
                   threshold=float(manifest["output"].get("threshold", 0.5)))


def _span(lo: int, hi: int, extent: int, length: int) -> int:
    """Start of a window of ``extent`` pixels centred on the inclusive span ``lo..hi``, kept inside ``length``."""
    start = math.floor((lo + hi + 1) / 2 - extent / 2 + 0.5)
    return min(max(start, 0), length - extent)


def focus_box(previous: np.ndarray, clicks: Sequence[Click], spec: InteractionSpec) -> Box:
    """Step 1 of the encoding (see the module docstring)."""
    h, w = previous.shape
    rows = np.flatnonzero(previous.any(axis=1))
    if rows.size == 0:
        return Box(0, 0, w, h)
    cols = np.flatnonzero(previous.any(axis=0))
    a, b, c, d = int(cols[0]), int(cols[-1]), int(rows[0]), int(rows[-1])
    for click in clicks:
        a, b = min(a, click.i), max(b, click.i)
        c, d = min(c, click.j), max(d, click.j)
    side = max(math.ceil(max(b - a + 1, d - c + 1) * spec.expand), math.ceil(spec.min_fraction * max(w, h)))
    bw, bh = min(w, side), min(h, side)
    return Box(_span(a, b, bw, w), _span(c, d, bh, h), bw, bh)


def click_disks(clicks: Sequence[Click], box: Box, spec: InteractionSpec) -> np.ndarray:
    """``[2, Nh, Nw]`` float32: positive disks, negative disks (step 2)."""
    out = np.zeros((2, spec.height, spec.width), np.float32)
    ys = np.arange(spec.height, dtype=np.float64)[:, None]
    xs = np.arange(spec.width, dtype=np.float64)[None, :]
    r2 = spec.radius * spec.radius
    for click in clicks:
        u = (click.i + 0.5 - box.x0) * spec.width / box.width - 0.5
        v = (click.j + 0.5 - box.y0) * spec.height / box.height - 0.5
        plane = out[0 if click.positive else 1]
        plane[(xs - u) ** 2 + (ys - v) ** 2 <= r2] = 1.0
    return out


def resize_planes(planes: torch.Tensor, height: int, width: int) -> torch.Tensor:
    """``[C, h, w]`` → ``[C, height, width]``, bilinear with half-pixel centres (the engine's resize)."""
    if planes.shape[-2:] == (height, width):
        return planes
    return F.interpolate(planes[None], size=(height, width), mode="bilinear", align_corners=False)[0]


def encode(image: np.ndarray | torch.Tensor, previous: np.ndarray, clicks: Sequence[Click],
           spec: InteractionSpec) -> Tuple[torch.Tensor, Box]:
    """The network input ``[C + len(prompts), Nh, Nw]`` for a preprocessed slice ``image`` ``[C, H, W]``
    and the focus box it was cut from."""
    box = focus_box(previous, clicks, spec)
    ys, xs = slice(box.y0, box.y0 + box.height), slice(box.x0, box.x0 + box.width)
    planes = torch.as_tensor(image, dtype=torch.float32)[:, ys, xs]
    prior = torch.from_numpy(np.ascontiguousarray(previous[ys, xs], dtype=np.float32))[None]
    resized = resize_planes(torch.cat([planes, prior]), spec.height, spec.width)
    disks = torch.from_numpy(click_disks(clicks, box, spec))
    prompt = {"positiveClicks": disks[0:1], "negativeClicks": disks[1:2], "previousMask": resized[-1:]}
    return torch.cat([resized[:-1]] + [prompt[name] for name in spec.prompts]), box


def decode(probability: torch.Tensor, box: Box, shape: Tuple[int, int], threshold: float) -> np.ndarray:
    """Step 3 for one label: the network's probability plane ``[Nh, Nw]`` → a ``shape`` boolean mask
    (false outside the box)."""
    inside = resize_planes(probability[None].float(), box.height, box.width)[0]
    out = np.zeros(shape, bool)
    out[box.y0:box.y0 + box.height, box.x0:box.x0 + box.width] = (inside >= threshold).cpu().numpy()
    return out


def paste(current: np.ndarray, predicted: np.ndarray, box: Box, label: int = 1) -> np.ndarray:
    """The slice's labels after a refinement: inside the box, ``label`` where predicted, background where
    the label was and is no longer predicted; other labels untouched."""
    out = current.copy()
    ys, xs = slice(box.y0, box.y0 + box.height), slice(box.x0, box.x0 + box.width)
    region, mask = out[ys, xs], predicted[ys, xs]
    free = (region == 0) | (region == label)
    region[free & mask] = label
    region[free & ~mask] = 0
    return out
