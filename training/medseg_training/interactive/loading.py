"""Reads training and validation data into memory once (:class:`.samples.InteractiveSet`).

2D image folders are paired by file stem, like the trainer's; volumes come in through
:func:`medseg_training.data.load_pair` (the engine's slice convention) and, with
``adjacentSlices``, slice ``k`` becomes ``[k - c … k + c]`` stacked as channels (clamped at the
ends), as the engine feeds them. Images are scaled down so no side exceeds ``maxSide``: the focus
box and the click radius are relative to the network's input, so this changes no input's meaning.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch
import torch.nn.functional as F

from ..data import DataError, Preprocessing, SampleOptions, SliceSet, load_pair
from ..readers import is_image_2d
from .samples import InteractiveSet


def _shrink(image: np.ndarray, truth: np.ndarray, max_side: int) -> Tuple[np.ndarray, np.ndarray]:
    h, w = truth.shape
    if max(h, w) <= max_side:
        return image, truth
    size = (max(1, round(h * max_side / max(h, w))), max(1, round(w * max_side / max(h, w))))
    x = F.interpolate(torch.from_numpy(image)[None], size=size, mode="bilinear", align_corners=False)[0]
    t = F.interpolate(torch.from_numpy(truth.astype(np.float32))[None, None], size=size, mode="bilinear", align_corners=False)
    return x.numpy(), t[0, 0].numpy() > 0.5


def _stems(folder: Path) -> Dict[str, Path]:
    return {p.stem: p for p in sorted(folder.iterdir()) if p.is_file() and is_image_2d(p)}


def _add_slices(out: InteractiveSet, slices: SliceSet, context: int, max_side: int, keep: Optional[Sequence[int]] = None) -> None:
    """Adds one volume's (or one image's) slices; neighbours are the slices ±1 and ±2 in the same volume."""
    count = len(slices)
    kept = list(range(count)) if keep is None else [k for k in range(count) if k in keep]
    first = len(out)
    position = {k: first + n for n, k in enumerate(kept)}
    for k in kept:
        planes = [slices.images[min(max(k + d, 0), count - 1)] for d in range(-context, context + 1)]
        image, truth = _shrink(np.concatenate(planes), slices.masks[k] > 0, max_side)
        near = [position[k + d] for d in (-2, -1, 1, 2) if k + d in position] if count > 1 else []
        out.add(image, truth, slices.sources[k], near)


def _load(image: Path, mask: Path, pre: Preprocessing, labels, channels: int) -> SliceSet:
    """The trainer's samples at their own size, normalised (``load_pair`` leaves that to the batch)."""
    slices = load_pair(image, mask, SampleOptions(pre, channels=channels), labels)
    slices.images = [pre.normalise(im) for im in slices.images]
    return slices


def load_pairs(pairs: Sequence[Sequence[str]], labels, pre: Preprocessing, channels: int, context: int, max_side: int,
               keep: Optional[Sequence[int]] = None) -> InteractiveSet:
    out = InteractiveSet()
    for image_path, mask_path in pairs:
        ip, mp = Path(image_path), Path(mask_path)
        if ip.is_dir() and _stems(ip):
            images, masks = _stems(ip), _stems(mp)
            missing = sorted(set(images) - set(masks))
            if missing:
                raise DataError(f"no mask in {mp} for {len(missing)} image(s), e.g. {missing[:3]}")
            for stem, f in images.items():
                _add_slices(out, _load(f, masks[stem], pre, labels, channels), 0, max_side)
        else:
            _add_slices(out, _load(ip, mp, pre, labels, channels), context, max_side, keep)
    return out


def load_sets(config: Dict) -> Tuple[InteractiveSet, InteractiveSet]:
    pre = Preprocessing.from_manifest(config["preprocessing"])
    common = dict(pre=pre, channels=config["channels"], context=config["adjacentSlices"], max_side=config["maxSide"])
    train = load_pairs(config["train"], config["trainLabels"], **common)
    keep: Optional[List[int]] = list(range(*config["valSlices"])) if config.get("valSlices") else None
    val = load_pairs(config["val"], config["valLabels"], keep=keep, **common) if config["val"] else InteractiveSet()
    return train, val
