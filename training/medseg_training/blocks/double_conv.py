"""The U-Net convolution block (Ronneberger et al. 2015), with BatchNorm after each convolution."""

from __future__ import annotations

from typing import Tuple

import torch
from torch import nn

from .conv import ConvNorm


class DoubleConv(nn.Module):
    """``(3×3 conv → BatchNorm → ReLU) × 2``, "same" padding.

    ``conv1``/``conv2`` are kept separate so that a network can take its skip connection from the
    first convolution (:meth:`forward_both`, the improved-skip U-Net).

    Shapes: ``[N, in_channels, H, W]`` → ``[N, out_channels, H, W]``.
    """

    def __init__(self, in_channels: int, out_channels: int):
        super().__init__()
        self.conv1 = nn.Sequential(ConvNorm(in_channels, out_channels, 3), nn.ReLU(inplace=True))
        self.conv2 = nn.Sequential(ConvNorm(out_channels, out_channels, 3), nn.ReLU(inplace=True))

    def forward_both(self, x: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """``(first, second)``: the outputs of both convolutions."""
        first = self.conv1(x)
        return first, self.conv2(first)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv2(self.conv1(x))
