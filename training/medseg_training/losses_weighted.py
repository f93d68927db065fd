"""Weighted Dice + cross-entropy loss (the attention U-Net lung-tumour paper, Wang & Li 2025).

``loss = dice_weight · (1 − soft Dice) + ce_weight · CE``, on LOGITS like ``losses``: with one
output channel the target is a binary mask and CE is the binary cross-entropy (sigmoid); with
``C > 1`` channels the target is a class-index map and CE is the softmax cross-entropy.

The paper weights the two terms against each other to fight the tumour/background imbalance but
gives no values; the defaults here (0.5/0.5) make it a convex mix. Optionally the CE term is also
class-weighted: ``pos_weight`` (binary: weight of the foreground pixels) or ``class_weights``
(one weight per channel). ``losses.DiceBCELoss`` is the unweighted-CE special case.
"""

from __future__ import annotations

from typing import Optional, Sequence

import torch
import torch.nn.functional as F
from torch import nn

from .losses import soft_dice_loss


class WeightedDiceCELoss(nn.Module):
    def __init__(self, dice_weight: float = 0.5, ce_weight: float = 0.5, pos_weight: Optional[float] = None,
                 class_weights: Optional[Sequence[float]] = None, smooth: float = 1.0):
        super().__init__()
        if dice_weight < 0 or ce_weight < 0 or dice_weight + ce_weight <= 0:
            raise ValueError("dice_weight and ce_weight must be ≥ 0 and not both 0")
        if pos_weight is not None and class_weights is not None:
            raise ValueError("give pos_weight (one output channel) or class_weights (several), not both")
        self.dice_weight = float(dice_weight)
        self.ce_weight = float(ce_weight)
        self.smooth = float(smooth)
        self.register_buffer("pos_weight", None if pos_weight is None else torch.tensor([float(pos_weight)]))
        self.register_buffer("class_weights",
                             None if class_weights is None else torch.tensor([float(w) for w in class_weights]))

    def cross_entropy(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        if logits.shape[1] == 1:
            if self.class_weights is not None:
                raise ValueError("class_weights needs a multi-class (softmax) output; use pos_weight for one channel")
            pos_weight = None if self.pos_weight is None else self.pos_weight.to(logits.device, logits.dtype)
            return F.binary_cross_entropy_with_logits(logits, target.reshape(logits.shape).to(logits.dtype),
                                                      pos_weight=pos_weight)
        if self.pos_weight is not None:
            raise ValueError("pos_weight is for a one-channel (sigmoid) output; use class_weights")
        weight = None
        if self.class_weights is not None:
            if self.class_weights.numel() != logits.shape[1]:
                raise ValueError(f"class_weights has {self.class_weights.numel()} values for {logits.shape[1]} classes")
            weight = self.class_weights.to(logits.device, logits.dtype)
        t = target.long()
        return F.cross_entropy(logits, t[:, 0] if t.dim() == logits.dim() else t, weight=weight)

    def forward(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        loss = logits.new_zeros(())
        if self.dice_weight:
            loss = loss + self.dice_weight * soft_dice_loss(logits, target, self.smooth)
        if self.ce_weight:
            loss = loss + self.ce_weight * self.cross_entropy(logits, target)
        return loss


def weighted_dice_ce_loss(logits: torch.Tensor, target: torch.Tensor, dice_weight: float = 0.5,
                          ce_weight: float = 0.5, pos_weight: Optional[float] = None,
                          class_weights: Optional[Sequence[float]] = None, smooth: float = 1.0) -> torch.Tensor:
    """Functional form of :class:`WeightedDiceCELoss`."""
    loss = WeightedDiceCELoss(dice_weight, ce_weight, pos_weight, class_weights, smooth).to(logits.device)
    return loss(logits, target)
