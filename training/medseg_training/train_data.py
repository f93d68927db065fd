"""A run's data: training and validation samples, loaded once (``data.py``) and kept in memory.

Validation comes from ``--val`` pairs, the fine-tune dataset's validation cases, or, without
either, every n-th training slice (n = 1 / ``valFraction``) held out. Validation samples keep
their masks at the image's own size, because validation measures as the engine segments:
predict at the network size, resize the probabilities back, threshold.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from .data import SliceSet, load_dataset, load_pair
from .events import UserFacingError
from .train_config import RunConfig


@dataclass
class RunData:
    train: SliceSet
    val: SliceSet


def _load(pairs: Sequence[Sequence[str]], run: RunConfig, labels, keep_full_masks: bool) -> SliceSet:
    out = SliceSet()
    options = run.sample_options(keep_full_masks)
    for image, mask in pairs:
        out.extend(load_pair(image, mask, options, labels))
    return out


def hold_out(samples: SliceSet, fraction: float) -> RunData:
    """Every n-th sample (n = round(1 / fraction), the middle one of each n) becomes validation."""
    n = max(2, int(round(1 / max(1e-6, fraction)))) if fraction > 0 else 0
    if not n or len(samples) < 2 * n:
        return RunData(samples, SliceSet())
    held = [i for i in range(len(samples)) if i % n == n // 2]
    kept = [i for i in range(len(samples)) if i % n != n // 2]
    train = samples.take(kept)
    train.full_masks = []  # only validation measures at full size
    return RunData(train, samples.take(held))


def load_run_data(run: RunConfig) -> RunData:
    c = run.config
    if c.get("dataset"):
        train, val = load_dataset(c["dataset"], run.sample_options())
        data = RunData(train, val)
    elif c["val"]:
        data = RunData(_load(c["train"], run, c["trainLabels"], False), _load(c["val"], run, c["valLabels"], True))
    else:
        data = hold_out(_load(c["train"], run, c["trainLabels"], True), float(c.get("valFraction", 0.1)))
    if len(data.train) == 0:
        raise UserFacingError("no training slices were found")
    if c.get("size") is None and len({im.shape for im in data.train.images}) > 1:
        raise UserFacingError("training images differ in size: give --size HxW to resize them")
    return data
