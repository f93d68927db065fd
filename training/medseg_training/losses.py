"""Segmentation losses: Dice + cross-entropy with weights, and the structure loss.

All losses take LOGITS ``[N, C, H, W]``. With ``C == 1`` the target is a binary mask
``[N, 1, H, W]`` or ``[N, H, W]`` (float 0/1) and the activation is a sigmoid; with ``C > 1`` the
target is a class-index map ``[N, H, W]`` (long) and the activation a softmax.

* :class:`DiceCELoss` — ``dice_weight · (1 − soft Dice) + ce_weight · CE``, the CE optionally
  class-weighted (``pos_weight`` for one channel, ``class_weights`` for several). With 1/1 it is the
  usual Dice + BCE; the attention U-Net lung paper (Wang & Li 2025) weights the two terms against
  the tumour/background imbalance without giving values (its recipe uses 0.5/0.5, ``pos_weight`` 3).
* :class:`StructureLoss` — PraNet's (Fan et al., MICCAI 2020) weighted BCE + weighted IoU: pixels
  whose 31×31 neighbourhood disagrees with them (boundaries) weigh up to 6×, so the loss looks at
  the structure of the mask rather than its area; the polyp models' option.
"""

from __future__ import annotations

from typing import Optional, Sequence

import torch
import torch.nn.functional as F
from torch import nn


def _probabilities_and_onehot(logits: torch.Tensor, target: torch.Tensor):
    if logits.shape[1] == 1:
        t = target.reshape(logits.shape).to(logits.dtype)
        return torch.sigmoid(logits), t
    t = target.long()
    if t.dim() == logits.dim():
        t = t[:, 0]
    onehot = F.one_hot(t, logits.shape[1]).permute(0, 3, 1, 2).to(logits.dtype)
    return torch.softmax(logits, dim=1), onehot


def soft_dice_loss(logits: torch.Tensor, target: torch.Tensor, smooth: float = 1.0,
                   include_background: bool = False) -> torch.Tensor:
    """``1 - (2 Σ p·g + s) / (Σ p + Σ g + s)``, summed over the batch and pixels, averaged over classes.

    Computed over the whole batch (not per image) so empty slices do not dominate. For softmax
    outputs the background channel is left out unless ``include_background``.
    """
    p, g = _probabilities_and_onehot(logits, target)
    if logits.shape[1] > 1 and not include_background:
        p, g = p[:, 1:], g[:, 1:]
    dims = (0, 2, 3)
    intersection = (p * g).sum(dims)
    denominator = p.sum(dims) + g.sum(dims)
    dice = (2 * intersection + smooth) / (denominator + smooth)
    return 1 - dice.mean()


class DiceCELoss(nn.Module):
    def __init__(self, dice_weight: float = 1.0, ce_weight: float = 1.0, pos_weight: Optional[float] = None,
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


class StructureLoss(nn.Module):
    """``weighted BCE + weighted IoU`` with ``w = 1 + 5·|avgpool31(mask) − mask|`` (PraNet), one channel."""

    def __init__(self, kernel: int = 31, boundary_weight: float = 5.0):
        super().__init__()
        if kernel < 1 or kernel % 2 == 0:
            raise ValueError("kernel must be a positive odd number")
        self.kernel = int(kernel)
        self.boundary_weight = float(boundary_weight)

    def forward(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        if logits.shape[1] != 1:
            raise ValueError("the structure loss is for one-channel (sigmoid) outputs")
        mask = target.reshape(logits.shape).to(logits.dtype)
        local = F.avg_pool2d(mask, self.kernel, stride=1, padding=self.kernel // 2, count_include_pad=False)
        weight = 1 + self.boundary_weight * (local - mask).abs()
        bce = F.binary_cross_entropy_with_logits(logits, mask, reduction="none")
        wbce = (weight * bce).sum(dim=(2, 3)) / weight.sum(dim=(2, 3))
        p = torch.sigmoid(logits)
        inter = (p * mask * weight).sum(dim=(2, 3))
        union = ((p + mask) * weight).sum(dim=(2, 3))
        wiou = 1 - (inter + 1) / (union - inter + 1)
        return (wbce + wiou).mean()


#: Loss names → DiceCELoss defaults (the older names stay for checkpoints that recorded them).
_DICE_CE_PRESETS = {
    "dice-ce": {}, "dice-bce": {}, "dice": {"ce_weight": 0.0}, "bce": {"dice_weight": 0.0}, "ce": {"dice_weight": 0.0},
    "weighted-dice-ce": {"dice_weight": 0.5, "ce_weight": 0.5},
}
LOSS_NAMES = (*_DICE_CE_PRESETS, "structure")


def make_loss(name: str, **kwargs) -> nn.Module:
    """``dice-ce`` (default; also ``dice``, ``bce``, ``weighted-dice-ce`` presets of its weights, which
    ``kwargs`` override) or ``structure`` (``kwargs`` go to :class:`StructureLoss`)."""
    name = name.lower()
    if name == "structure":
        return StructureLoss(**kwargs)
    if name not in _DICE_CE_PRESETS:
        raise ValueError(f"unknown loss {name!r}; valid: {', '.join(LOSS_NAMES)}")
    return DiceCELoss(**{**_DICE_CE_PRESETS[name], **kwargs})
