"""Attention U-Net for lung tumour CT (Wang & Li, TPU 2025; after Oktay et al., MIDL 2018).

The paper adds "the attention mechanism" to a classic U-Net and trains it with a weighted sum of
Dice and cross-entropy losses (``losses_weighted.WeightedDiceCELoss``); it gives no gate details,
so the gates follow Oktay et al.'s additive attention gate (the same block as DRA-UNet's). Layout
(base ``b`` filters, ``depth`` 4):

    encoder   dc(in→b) | pool dc(b→2b) | pool dc(2b→4b) | pool dc(4b→8b)
    bridge    pool dc(8b→16b)
    decoder   for each level, coarse to fine: gated = gate(skip, g=decoder) ;
              up = convT2×2(decoder) ; dc(cat[gated, up] → level channels)
    head      1×1 conv → logits

``dc`` is two (3×3 conv → BatchNorm → ReLU), as in ``unet``. Every skip is gated (Oktay's code
gates all but the finest one; the common 2D re-implementations gate all four), gating signal one
level coarser, intermediate width half the skip's. No deep supervision. Input height/width must be
multiples of ``2**depth`` (16 by default).
"""

from __future__ import annotations

from typing import List

import torch
from torch import nn

from ..blocks import AttentionGate, DoubleConv, require_size_multiple
from ..registry import register_model


class AttentionUNet(nn.Module):
    def __init__(self, in_channels: int = 1, out_channels: int = 1, base_filters: int = 16, depth: int = 4):
        super().__init__()
        if depth < 1:
            raise ValueError("depth must be at least 1")
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.depth = depth
        self.size_multiple = 2 ** depth
        widths = [base_filters * 2 ** i for i in range(depth + 1)]  # last one is the bridge

        self.encoder = nn.ModuleList(
            DoubleConv(in_channels if level == 0 else widths[level - 1], widths[level]) for level in range(depth))
        self.pool = nn.MaxPool2d(2)
        self.bridge = DoubleConv(widths[depth - 1], widths[depth])

        self.gates = nn.ModuleList()
        self.ups = nn.ModuleList()
        self.decoder = nn.ModuleList()
        for level in reversed(range(depth)):
            coarse, fine = widths[level + 1], widths[level]
            self.gates.append(AttentionGate(fine, coarse, max(1, fine // 2)))
            self.ups.append(nn.ConvTranspose2d(coarse, fine, kernel_size=2, stride=2))
            self.decoder.append(DoubleConv(2 * fine, fine))
        self.head = nn.Conv2d(widths[0], out_channels, kernel_size=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        require_size_multiple(x, self.size_multiple, "Attention U-Net")
        skips: List[torch.Tensor] = []
        for level, block in enumerate(self.encoder):
            x = block(x if level == 0 else self.pool(x))
            skips.append(x)
        d = self.bridge(self.pool(x))
        for gate, up, block, skip in zip(self.gates, self.ups, self.decoder, reversed(skips)):
            gated, _ = gate(skip, d)
            d = block(torch.cat([gated, up(d)], dim=1))
        return self.head(d)


@register_model("attention-unet", "Attention U-Net (U-Net + additive attention gates on the skips)")
def attention_unet(in_channels: int = 1, out_channels: int = 1, base_filters: int = 16,
                   depth: int = 4) -> AttentionUNet:
    """Attention U-Net."""
    return AttentionUNet(in_channels=in_channels, out_channels=out_channels, base_filters=base_filters, depth=depth)
