"""Slice-by-slice prediction the way the engine does it (used for validation and ``eval``).

Each preprocessed slice ``[C, H, W]`` is resized (bilinear, ``align_corners=False``) to the model's
``height × width`` when given — otherwise padded at the bottom/right to a multiple of
``size_multiple`` — run through the network, turned into probabilities (sigmoid/softmax), and
resized (or cropped) back to ``H × W``.
"""

from __future__ import annotations

from typing import Optional, Sequence, Tuple

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


@torch.no_grad()
def predict_probabilities(model: nn.Module, slices: Sequence[np.ndarray] | np.ndarray,
                          size: Optional[Tuple[int, int]] = None, size_multiple: int = 16,
                          batch_size: int = 4, device: torch.device | str = "cpu") -> list:
    """Returns one probability map per slice: ``[H, W]`` (one output channel, sigmoid) or ``[C, H, W]`` (softmax)."""
    was_training = model.training
    model.eval()
    out: list = []
    try:
        for start in range(0, len(slices), batch_size):
            chunk = [np.asarray(s, dtype=np.float32) for s in slices[start:start + batch_size]]
            shapes = {c.shape for c in chunk}
            groups = [chunk] if len(shapes) == 1 else [[c] for c in chunk]
            for group in groups:
                x = torch.from_numpy(np.stack(group)).to(device)
                h, w = x.shape[-2:]
                if size is not None:
                    xin = F.interpolate(x, size=tuple(size), mode="bilinear", align_corners=False)
                else:
                    ph, pw = (-h) % size_multiple, (-w) % size_multiple
                    xin = F.pad(x, (0, pw, 0, ph), mode="replicate") if (ph or pw) else x
                logits = model(xin)
                probs = torch.sigmoid(logits) if logits.shape[1] == 1 else torch.softmax(logits, dim=1)
                if size is not None:
                    probs = F.interpolate(probs, size=(h, w), mode="bilinear", align_corners=False)
                else:
                    probs = probs[..., :h, :w]
                probs = probs.cpu().numpy()
                out.extend(p[0] if p.shape[0] == 1 else p for p in probs)
    finally:
        model.train(was_training)
    return out
