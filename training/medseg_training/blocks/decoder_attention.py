"""ResUNet++'s decoder attention block (Jha et al. 2019, reference code ``attetion_block``)."""

from __future__ import annotations

import torch
from torch import nn


def _bn_relu_conv(in_channels: int, out_channels: int) -> nn.Sequential:
    return nn.Sequential(nn.BatchNorm2d(in_channels), nn.ReLU(inplace=True),
                         nn.Conv2d(in_channels, out_channels, 3, padding=1, bias=True))


class DecoderAttention(nn.Module):
    """Weights the decoder feature ``x`` with a map computed from it and the encoder feature ``g``.

    ``y = x * conv(bnrelu(maxpool(conv(bnrelu(g))) + conv(bnrelu(x))))``: all 3×3 convolutions with
    ``x``'s channel count; ``g`` is one level finer than ``x`` and is max-pooled onto its grid.
    Unlike :class:`~medseg_training.blocks.AttentionGate` (Oktay et al.: sigmoid gate on the SKIP),
    this block has no sigmoid and re-weights the DECODER feature before it is upsampled; we keep
    ResUNet++'s own form.

    Shapes: ``g`` [N, g_channels, 2H, 2W], ``x`` [N, x_channels, H, W] → [N, x_channels, H, W].
    """

    def __init__(self, g_channels: int, x_channels: int):
        super().__init__()
        self.g_conv = _bn_relu_conv(g_channels, x_channels)
        self.g_pool = nn.MaxPool2d(2)
        self.x_conv = _bn_relu_conv(x_channels, x_channels)
        self.gc_conv = _bn_relu_conv(x_channels, x_channels)

    def forward(self, g: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        return x * self.gc_conv(self.g_pool(self.g_conv(g)) + self.x_conv(x))
