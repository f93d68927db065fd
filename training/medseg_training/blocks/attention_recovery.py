"""RA V-Net's AR module (Attention Recovery module; Lee et al., RA V-Net §2.5)."""

from __future__ import annotations

import torch
from torch import nn

from .conv import ConvNorm
from .convlstm import ConvLSTM
from .residual import PreActResidualBlock


class UpsamplingResidualBlock(nn.Module):
    """AR upsampling block: conv① 1×1 to ``in_channels // 4`` → 2× up (2×2 transposed conv) →
    residual block → conv② 1×1 to ``out_channels``; every convolution followed by BatchNorm + ReLU.

    Shapes: ``[N, in_channels, H, W]`` → ``[N, out_channels, 2H, 2W]``.
    """

    def __init__(self, in_channels: int, out_channels: int, reduction: int = 4):
        super().__init__()
        mid = max(1, in_channels // reduction)
        self.reduce = nn.Sequential(ConvNorm(in_channels, mid, 1), nn.ReLU(inplace=True))
        self.up = nn.Sequential(nn.ConvTranspose2d(mid, mid, kernel_size=2, stride=2, bias=False),
                                nn.BatchNorm2d(mid), nn.ReLU(inplace=True))
        self.residual = PreActResidualBlock(mid, mid)
        self.expand = nn.Sequential(ConvNorm(mid, out_channels, 1), nn.ReLU(inplace=True))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.expand(self.residual(self.up(self.reduce(x))))


class AttentionRecoveryModule(nn.Module):
    """Upsamples the decoder feature, runs a ConvLSTM over ``[skip, upsampled]``, fuses with conv③.

    ``up = UpsamplingResidualBlock(x)`` (``skip_channels`` wide, so the two steps stack);
    ``h = ConvLSTM([skip, up])`` (hidden width ``skip_channels``; the last hidden state);
    ``y = relu(bn(conv3×3(h)))`` with ``out_channels`` (default ``skip_channels``).

    Shapes: ``x`` [N, in_channels, H, W], ``skip`` [N, skip_channels, 2H, 2W] → [N, out, 2H, 2W].
    """

    def __init__(self, in_channels: int, skip_channels: int, out_channels: int | None = None):
        super().__init__()
        out_channels = out_channels or skip_channels
        self.upsample = UpsamplingResidualBlock(in_channels, skip_channels)
        self.lstm = ConvLSTM(skip_channels, skip_channels)
        self.fuse = nn.Sequential(ConvNorm(skip_channels, out_channels, 3), nn.ReLU(inplace=True))

    def forward(self, x: torch.Tensor, skip: torch.Tensor) -> torch.Tensor:
        return self.fuse(self.lstm([skip, self.upsample(x)]))
