"""Additive attention gate (Oktay et al. 2018, "Attention U-Net"), as used on DRA-UNet's skips."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .conv import ConvNorm


class AttentionGate(nn.Module):
    """Gates a skip feature map ``x`` with a gating signal ``g`` from one level coarser.

    ``q = psi^T relu(W_x^T x + W_g^T g + b_g) + b_psi``, ``alpha = sigmoid(q)`` (DRA-UNet eq. 2–3).
    ``W_x`` is a 2×2 stride-2 convolution, so ``x`` is brought to ``g``'s grid (as in Oktay's
    grid-attention block); ``alpha`` is upsampled bilinearly back to ``x``'s grid, and the gated
    features pass through a 1×1 convolution + BatchNorm.

    Shapes: ``x`` [N, x_channels, H, W], ``g`` [N, g_channels, H/2, W/2] → ``y`` [N, x_channels, H, W];
    :meth:`coefficients` gives ``alpha`` [N, 1, H, W] in [0, 1].
    """

    def __init__(self, x_channels: int, g_channels: int, inter_channels: int | None = None):
        super().__init__()
        inter_channels = inter_channels or max(1, x_channels // 2)
        self.theta_x = nn.Conv2d(x_channels, inter_channels, kernel_size=2, stride=2, bias=False)
        self.phi_g = nn.Conv2d(g_channels, inter_channels, kernel_size=1, bias=True)
        self.psi = nn.Conv2d(inter_channels, 1, kernel_size=1, bias=True)
        self.out = ConvNorm(x_channels, x_channels, 1)

    def coefficients(self, x: torch.Tensor, g: torch.Tensor) -> torch.Tensor:
        """The attention map ``alpha`` on ``x``'s grid."""
        q = self.psi(F.relu(self.theta_x(x) + self.phi_g(g)))
        return F.interpolate(torch.sigmoid(q), scale_factor=2.0, mode="bilinear", align_corners=False)

    def forward(self, x: torch.Tensor, g: torch.Tensor) -> torch.Tensor:
        return self.out(x * self.coefficients(x, g))
