"""Residual blocks (He et al. 2016, "Identity mappings in deep residual networks")."""

from __future__ import annotations

import torch
from torch import nn

from .conv import ConvNorm


class PreActResidualBlock(nn.Module):
    """Deep residual module of DRA-UNet / ResUNet: two 3×3 convolutions plus a shortcut.

    ``preactivation=True`` (the default): ``y = conv2(relu(bn2(conv1(relu(bn1(x)))))) + shortcut(x)``.
    ``preactivation=False`` (for the first block, which sees the raw image):
    ``y = conv2(relu(bn1(conv1(x)))) + shortcut(x)``.

    The shortcut is the identity when the channel count and stride are unchanged, otherwise a 1×1
    convolution + BatchNorm ("1×1 convolution to keep dimensions consistent", DRA-UNet §2.1).
    """

    def __init__(self, in_channels: int, out_channels: int, stride: int = 1, preactivation: bool = True):
        super().__init__()
        self.pre = nn.Sequential(nn.BatchNorm2d(in_channels), nn.ReLU(inplace=True)) if preactivation else nn.Identity()
        self.conv1 = ConvNorm(in_channels, out_channels, 3, stride=stride)
        self.act = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1, bias=True)
        if in_channels == out_channels and stride == 1:
            self.shortcut: nn.Module = nn.Identity()
        else:
            self.shortcut = ConvNorm(in_channels, out_channels, 1, stride=stride)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        residual = self.conv2(self.act(self.conv1(self.pre(x))))
        return residual + self.shortcut(x)
