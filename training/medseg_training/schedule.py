"""Learning rate over a run, and when a run stops for having stopped improving.

* A short warm-up (3 % of the run) from 10 % of the learning rate.
* Without ``patience``: a cosine decay to 5 % over the epoch (or time) budget.
* With ``patience``: the rate stays, is cut ×0.3 once the validation Dice has not improved for
  half the patience, and the run stops after ``patience`` validations without improvement (a
  plateau); the budget is then only a generous upper bound.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Dict, Optional

WARMUP = 0.03


def cosine_factor(progress: float) -> float:
    if progress < WARMUP:
        return 0.1 + 0.9 * progress / WARMUP
    t = min(1.0, (progress - WARMUP) / (1 - WARMUP))
    return 0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * t))


@dataclass
class Plateau:
    """Early stopping on a validation plateau, with one rate cut per stale stretch."""

    patience: int
    min_delta: float = 1e-3
    cut: float = 0.3
    floor: float = 0.01
    lr_factor: float = 1.0
    stale: int = 0
    best: float = -1.0

    def observe(self, dice: Optional[float]) -> bool:
        """Records one validation; True when the run should stop."""
        if dice is not None and dice > self.best + self.min_delta:
            self.best, self.stale = dice, 0
            return False
        self.stale += 1
        if self.stale == max(1, math.ceil(self.patience / 2)):
            self.lr_factor = max(self.floor, self.lr_factor * self.cut)
        return self.stale >= self.patience

    def state(self) -> Dict:
        return asdict(self)


class Schedule:
    def __init__(self, patience: int = 0, state: Optional[Dict] = None):
        self.plateau = Plateau(**state) if state else (Plateau(patience) if patience > 0 else None)

    def factor(self, progress: float) -> float:
        """The learning-rate multiplier at ``progress`` ∈ [0, 1] of the budget."""
        if self.plateau is None:
            return cosine_factor(progress)
        warm = 0.1 + 0.9 * progress / WARMUP if progress < WARMUP else 1.0
        return warm * self.plateau.lr_factor

    def observe(self, dice: Optional[float]) -> bool:
        return self.plateau.observe(dice) if self.plateau is not None else False

    def state(self) -> Optional[Dict]:
        return self.plateau.state() if self.plateau is not None else None
