"""Segmentation losses: soft Dice, and Dice + (binary) cross-entropy.

All losses take LOGITS ``[N, C, H, W]``. With ``C == 1`` the target is a binary mask
``[N, 1, H, W]`` or ``[N, H, W]`` (float 0/1) and the activation is a sigmoid; with ``C > 1`` the
target is a class-index map ``[N, H, W]`` (long) and the activation a softmax.
"""

from __future__ import annotations

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


class SoftDiceLoss(nn.Module):
    def __init__(self, smooth: float = 1.0):
        super().__init__()
        self.smooth = smooth

    def forward(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return soft_dice_loss(logits, target, self.smooth)


class DiceBCELoss(nn.Module):
    """``dice_weight * soft Dice + ce_weight * (binary) cross-entropy``, both on logits."""

    def __init__(self, dice_weight: float = 1.0, ce_weight: float = 1.0, smooth: float = 1.0):
        super().__init__()
        self.dice_weight = dice_weight
        self.ce_weight = ce_weight
        self.smooth = smooth

    def forward(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        loss = logits.new_zeros(())
        if self.dice_weight:
            loss = loss + self.dice_weight * soft_dice_loss(logits, target, self.smooth)
        if self.ce_weight:
            if logits.shape[1] == 1:
                ce = F.binary_cross_entropy_with_logits(logits, target.reshape(logits.shape).to(logits.dtype))
            else:
                t = target.long()
                ce = F.cross_entropy(logits, t[:, 0] if t.dim() == logits.dim() else t)
            loss = loss + self.ce_weight * ce
        return loss


def make_loss(name: str, **kwargs) -> nn.Module:
    """``dice-bce`` (default), ``dice``, ``bce``, or ``weighted-dice-ce`` (the attention U-Net paper's
    weighted Dice + cross-entropy; ``kwargs`` go to :class:`losses_weighted.WeightedDiceCELoss`)."""
    name = name.lower()
    if name == "weighted-dice-ce":
        from .losses_weighted import WeightedDiceCELoss

        return WeightedDiceCELoss(**kwargs)
    if kwargs:
        raise ValueError(f"loss {name!r} takes no arguments")
    if name in ("dice-bce", "dice+bce", "dicebce"):
        return DiceBCELoss()
    if name == "dice":
        return SoftDiceLoss()
    if name in ("bce", "ce"):
        return DiceBCELoss(dice_weight=0.0)
    raise ValueError(f"unknown loss {name!r}; valid: dice-bce, dice, bce, weighted-dice-ce")
