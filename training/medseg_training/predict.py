"""Prediction on samples the way the engine segments (used by validation and ``eval``).

A sample is already at the network size (``data.py`` resized it once); it is normalised, run
through the network in fp32 (the precision of the exported model), turned into probabilities, and
resized back to the size of its full-size mask (bilinear, ``align_corners=False``, as the engine
does) before the threshold. Samples at their own size (no ``--size``) are padded at the bottom
and right to the network's size multiple and cropped back.
"""

from __future__ import annotations

from typing import Callable, Dict, Iterator, Optional

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from .data import Preprocessing, SliceSet
from .metrics import confusion, metrics_from_confusion


@torch.no_grad()
def predict_samples(model: nn.Module, samples: SliceSet, preprocessing: Preprocessing, device: torch.device,
                    size_multiple: int = 16, batch_size: int = 8,
                    prepare: Optional[Callable[[torch.Tensor], torch.Tensor]] = None) -> Iterator[np.ndarray]:
    """One probability map per sample, ``[H, W]`` (sigmoid) or ``[C, H, W]`` (softmax), at the size
    of its full mask (or the sample's own size without full masks)."""
    was_training = model.training
    model.eval()
    prepare = prepare or (lambda t: t.to(device))
    try:
        n = len(samples)
        start = 0
        while start < n:
            shape = samples.images[start].shape
            stop = start + 1
            while stop < min(n, start + batch_size) and samples.images[stop].shape == shape:
                stop += 1
            x = preprocessing.normalise(torch.from_numpy(np.stack(samples.images[start:stop])))
            h, w = x.shape[-2:]
            ph, pw = (-h) % size_multiple, (-w) % size_multiple
            if ph or pw:
                x = F.pad(x, (0, pw, 0, ph), mode="replicate")
            logits = model(prepare(x)).float()[..., :h, :w]
            probs = torch.sigmoid(logits) if logits.shape[1] == 1 else torch.softmax(logits, dim=1)
            for i, p in enumerate(probs, start):
                target = samples.full_masks[i].shape if samples.full_masks else (h, w)
                if tuple(target) != (h, w):
                    p = F.interpolate(p[None], size=tuple(target), mode="bilinear", align_corners=False)[0]
                p = p.cpu().numpy()
                yield p[0] if p.shape[0] == 1 else p
            start = stop
    finally:
        model.train(was_training)


def binary_prediction(probabilities: np.ndarray, threshold: float = 0.5) -> np.ndarray:
    return probabilities > threshold if probabilities.ndim == 2 else probabilities.argmax(0) > 0


def validate(model: nn.Module, samples: SliceSet, preprocessing: Preprocessing, device: torch.device,
             size_multiple: int = 16, prepare: Optional[Callable[[torch.Tensor], torch.Tensor]] = None
             ) -> Dict[str, float]:
    """Dice, IoU, precision and recall pooled over every validation voxel (threshold 0.5)."""
    tp = fp = fn = 0
    masks = samples.full_masks or samples.masks
    for probs, truth in zip(predict_samples(model, samples, preprocessing, device, size_multiple, prepare=prepare),
                            masks):
        c = confusion(binary_prediction(probs), truth > 0)
        tp, fp, fn = tp + c["tp"], fp + c["fp"], fn + c["fn"]
    return metrics_from_confusion(tp, fp, fn)
