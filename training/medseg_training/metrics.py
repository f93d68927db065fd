"""Overlap metrics on binary masks (numpy) and the engine's post-processing.

``dice`` of two empty masks is 1.0 (nothing to find, nothing found).
"""

from __future__ import annotations

from typing import Dict

import numpy as np


def confusion(pred: np.ndarray, truth: np.ndarray) -> Dict[str, int]:
    p = np.asarray(pred, dtype=bool)
    t = np.asarray(truth, dtype=bool)
    if p.shape != t.shape:
        raise ValueError(f"prediction {p.shape} and truth {t.shape} differ in shape")
    tp = int(np.count_nonzero(p & t))
    return {"tp": tp, "fp": int(np.count_nonzero(p)) - tp, "fn": int(np.count_nonzero(t)) - tp}


def dice(pred: np.ndarray, truth: np.ndarray) -> float:
    c = confusion(pred, truth)
    denom = 2 * c["tp"] + c["fp"] + c["fn"]
    return 1.0 if denom == 0 else 2 * c["tp"] / denom


def overlap_metrics(pred: np.ndarray, truth: np.ndarray) -> Dict[str, float]:
    """``dice``, ``iou``, ``precision``, ``recall`` (empty-vs-empty counts as perfect)."""
    c = confusion(pred, truth)
    return metrics_from_confusion(c["tp"], c["fp"], c["fn"])


def metrics_from_confusion(tp: int, fp: int, fn: int) -> Dict[str, float]:
    """The overlap metrics of pooled true/false positive and false negative counts."""
    return {
        "dice": 1.0 if tp + fp + fn == 0 else 2 * tp / (2 * tp + fp + fn),
        "iou": 1.0 if tp + fp + fn == 0 else tp / (tp + fp + fn),
        "precision": 1.0 if tp + fp == 0 else tp / (tp + fp),
        "recall": 1.0 if tp + fn == 0 else tp / (tp + fn),
    }


def largest_component(mask: np.ndarray) -> np.ndarray:
    """Keeps the largest connected component (face connectivity, any dimension). Needs scipy.

    The engine's own (keepLargestComponentPerLabel in src/shared/mask-algorithms.ts) is TypeScript,
    which the trainer cannot import; both use face connectivity and keep the first of equal-sized
    components in raster order, so evaluation here matches the app's post-processing.
    """
    from scipy import ndimage

    labels, n = ndimage.label(np.asarray(mask, dtype=bool))
    if n <= 1:
        return labels > 0
    sizes = np.bincount(labels.ravel())
    sizes[0] = 0
    return labels == int(np.argmax(sizes))


def fill_holes_per_slice(mask: np.ndarray) -> np.ndarray:
    """Fills holes fully enclosed in each 2D slice of a ``[K, H, W]`` (or ``[H, W]``) mask. Needs scipy."""
    from scipy import ndimage

    m = np.asarray(mask, dtype=bool)
    if m.ndim == 2:
        return ndimage.binary_fill_holes(m)
    return np.stack([ndimage.binary_fill_holes(s) for s in m])
