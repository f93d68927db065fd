"""RA V-Net's CofRes module (Composite Original Feature Residual module; Lee et al., RA V-Net §2.3)."""

from __future__ import annotations

import torch
from torch import nn

from .conv import ConvNorm


class CofResBlock(nn.Module):
    """Four stacked 3×3 convolutions at a quarter of the target width, concatenated, fused, plus a shortcut.

    ``c1 = cbr(x)``, ``c2 = cbr(c1)``, ``c3 = cbr(c2)``, ``c4 = cbr(c3)`` (3×3 conv → BatchNorm → ReLU,
    ``out_channels // 4`` filters each); ``f = cbr1x1(cat[c1, c2, c3, c4])`` (conv⑤, ``out_channels``);
    ``y = f + shortcut(x)``. The shortcut is the identity when the widths match, otherwise a
    1×1 conv + BatchNorm (the paper sums "the original feature matrix" with the convolved one; a
    projection is needed when the module widens the features, as every encoder level does).

    Shapes: ``[N, in_channels, H, W]`` → ``[N, out_channels, H, W]``; ``out_channels`` must be a
    multiple of 4.
    """

    def __init__(self, in_channels: int, out_channels: int):
        super().__init__()
        if out_channels % 4:
            raise ValueError(f"CofRes needs an output width that is a multiple of 4; got {out_channels}")
        quarter = out_channels // 4
        self.convs = nn.ModuleList(
            nn.Sequential(ConvNorm(in_channels if i == 0 else quarter, quarter, 3), nn.ReLU(inplace=True))
            for i in range(4))
        self.fuse = nn.Sequential(ConvNorm(out_channels, out_channels, 1), nn.ReLU(inplace=True))
        if in_channels == out_channels:
            self.shortcut: nn.Module = nn.Identity()
        else:
            self.shortcut = ConvNorm(in_channels, out_channels, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        outputs = []
        y = x
        for conv in self.convs:
            y = conv(y)
            outputs.append(y)
        return self.fuse(torch.cat(outputs, dim=1)) + self.shortcut(x)
