"""Number of clicks (NoC) under the standard protocol, with a PyTorch model: model selection during
training. The reported figures come from the engine (``npm run eval``), which runs the same protocol
on the exported model.

Protocol: start from an empty mask; click where :func:`.clicker.next_click` says; after each click
the network refines the slice (:mod:`.click_encoding`); NoC@τ is the number of clicks after which
IoU ≥ τ first holds, or ``max_clicks`` when it never does.
"""

from __future__ import annotations

from typing import Callable, Dict, List, Sequence

import numpy as np
import torch

from .click_encoding import Click, InteractionSpec, decode, encode
from .clicker import next_click

THRESHOLDS = (0.85, 0.90)


def iou(pred: np.ndarray, truth: np.ndarray) -> float:
    union = np.count_nonzero(pred | truth)
    return 1.0 if union == 0 else np.count_nonzero(pred & truth) / union


def clicks_to_reach(ious: Sequence[float], threshold: float, max_clicks: int) -> int:
    """``ious[c]`` is the IoU after click ``c + 1``."""
    return next((c + 1 for c, v in enumerate(ious) if v >= threshold), max_clicks)


@torch.no_grad()
def iou_after_each_click(predict: Callable[[torch.Tensor], torch.Tensor], image: torch.Tensor, truth: np.ndarray,
                         spec: InteractionSpec, max_clicks: int = 20, stop_at: float = max(THRESHOLDS)) -> List[float]:
    """Runs the protocol on one slice; ``predict`` maps a network input batch to probabilities."""
    mask = np.zeros_like(truth)
    clicks: List[Click] = []
    ious: List[float] = []
    while len(clicks) < max_clicks:
        click = next_click(truth, mask)
        if click is None:
            ious.append(1.0)
            break
        clicks.append(click)
        x, box = encode(image, mask, clicks, spec)
        mask = decode(predict(x[None])[0, 0], box, truth.shape, spec.threshold)
        ious.append(iou(mask, truth))
        if ious[-1] >= stop_at:
            break
    return ious


def summarise(curves: Sequence[Sequence[float]], max_clicks: int) -> Dict[str, float]:
    """Mean NoC@85 / NoC@90 and the IoU after the first click, over slices."""
    out = {f"nocAt{round(t * 100)}": float(np.mean([clicks_to_reach(c, t, max_clicks) for c in curves])) for t in THRESHOLDS}
    out["iouFirstClick"] = float(np.mean([c[0] for c in curves]))
    return out
