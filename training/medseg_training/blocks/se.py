"""Squeeze-and-excitation (Hu et al. 2018), as used after ResUNet++'s residual blocks."""

from __future__ import annotations

import torch
from torch import nn


class SqueezeExcitation(nn.Module):
    """Channel recalibration: ``y = x * sigmoid(W2 relu(W1 mean_hw(x)))``.

    ``W1``/``W2`` are the two bias-free fully connected layers of ResUNet++'s reference code
    (reduction ratio 8), written as 1×1 convolutions so the block exports to ONNX for any H×W.
    The hidden width is ``max(1, channels // reduction)``.

    Shapes: ``[N, C, H, W]`` → ``[N, C, H, W]``; each channel is multiplied by one factor in (0, 1).
    """

    def __init__(self, channels: int, reduction: int = 8):
        super().__init__()
        hidden = max(1, channels // reduction)
        self.fc1 = nn.Conv2d(channels, hidden, kernel_size=1, bias=False)
        self.act = nn.ReLU(inplace=True)
        self.fc2 = nn.Conv2d(hidden, channels, kernel_size=1, bias=False)

    def scale(self, x: torch.Tensor) -> torch.Tensor:
        """The per-channel factors ``[N, C, 1, 1]``."""
        return torch.sigmoid(self.fc2(self.act(self.fc1(x.mean(dim=(2, 3), keepdim=True)))))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.scale(x)
