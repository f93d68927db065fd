"""U-Net (Ronneberger, Fischer & Brox, MICCAI 2015): the baseline of the U-Net family.

Layout (base ``b`` filters, ``depth`` 4):

    encoder   dc(in→b) | pool dc(b→2b) | pool dc(2b→4b) | pool dc(4b→8b)
    bridge    pool dc(8b→16b)
    decoder   for each level, coarse to fine: up = convT2×2(decoder, halves the channels) ;
              dc(cat[skip, up] → level channels)
    head      1×1 conv → logits (the sigmoid/softmax is applied by the caller)

``dc`` is two (3×3 conv → BatchNorm → ReLU). Deviations from the 2015 paper: "same" padding (the
original uses unpadded convolutions and crops the skips, so output ≠ input size), BatchNorm after
every convolution (the paper predates it), and no dropout at the end of the contracting path.
``base_filters=64`` is the paper's width (31.0 M parameters); the default 16 (1.94 M) is the size
the app ships. Input height/width must be multiples of ``2**depth`` (16 by default).
"""

from __future__ import annotations

from typing import List

import torch
from torch import nn

from ..blocks import DoubleConv, require_size_multiple
from ..registry import register_model


class UNet(nn.Module):
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

        self.ups = nn.ModuleList()
        self.decoder = nn.ModuleList()
        for level in reversed(range(depth)):
            coarse, fine = widths[level + 1], widths[level]
            self.ups.append(nn.ConvTranspose2d(coarse, fine, kernel_size=2, stride=2))
            self.decoder.append(DoubleConv(2 * fine, fine))
        self.head = nn.Conv2d(widths[0], out_channels, kernel_size=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        require_size_multiple(x, self.size_multiple, "U-Net")
        skips: List[torch.Tensor] = []
        for level, block in enumerate(self.encoder):
            x = block(x if level == 0 else self.pool(x))
            skips.append(x)
        d = self.bridge(self.pool(x))
        for up, block, skip in zip(self.ups, self.decoder, reversed(skips)):
            d = block(torch.cat([skip, up(d)], dim=1))
        return self.head(d)


@register_model("unet", "U-Net (Ronneberger 2015) with BatchNorm: the baseline")
def unet(in_channels: int = 1, out_channels: int = 1, base_filters: int = 16, depth: int = 4) -> UNet:
    """U-Net."""
    return UNet(in_channels=in_channels, out_channels=out_channels, base_filters=base_filters, depth=depth)
