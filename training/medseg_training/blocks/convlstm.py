"""Convolutional LSTM (Shi et al. 2015), unrolled in Python so ONNX export by tracing works."""

from __future__ import annotations

from typing import Optional, Sequence, Tuple

import torch
from torch import nn


class ConvLSTMCell(nn.Module):
    """One ConvLSTM step: the LSTM gates computed by 3×3 convolutions instead of matrix products.

    ``[i, f, g, o] = W_x * x_t + W_h * h_{t-1} + b``; ``c_t = σ(f) ⊙ c_{t-1} + σ(i) ⊙ tanh(g)``;
    ``h_t = σ(o) ⊙ tanh(c_t)``. No peephole terms (as Keras' ``ConvLSTM2D``, which RA V-Net used);
    sigmoid gates. The forget-gate bias starts at 1 (Keras ``unit_forget_bias``). With no ``state``
    (the first step) ``h`` and ``c`` are zero, so the recurrent convolution is skipped.

    Shapes: ``x`` [N, in_channels, H, W], ``state`` ``(h, c)`` each [N, hidden_channels, H, W] →
    ``(h, c)``. Parameters: ``4·hidden·k²·(in_channels + hidden) + 4·hidden``.
    """

    def __init__(self, in_channels: int, hidden_channels: int, kernel_size: int = 3):
        super().__init__()
        self.hidden_channels = hidden_channels
        pad = kernel_size // 2
        self.input_conv = nn.Conv2d(in_channels, 4 * hidden_channels, kernel_size, padding=pad, bias=True)
        self.hidden_conv = nn.Conv2d(hidden_channels, 4 * hidden_channels, kernel_size, padding=pad, bias=False)
        with torch.no_grad():
            self.input_conv.bias.zero_()
            self.input_conv.bias[hidden_channels:2 * hidden_channels].fill_(1.0)

    def forward(self, x: torch.Tensor, state: Optional[Tuple[torch.Tensor, torch.Tensor]] = None
                ) -> Tuple[torch.Tensor, torch.Tensor]:
        gates = self.input_conv(x)
        if state is not None:
            gates = gates + self.hidden_conv(state[0])
        i, f, g, o = torch.chunk(gates, 4, dim=1)
        cell = torch.sigmoid(i) * torch.tanh(g)
        if state is not None:
            cell = cell + torch.sigmoid(f) * state[1]
        return torch.sigmoid(o) * torch.tanh(cell), cell


class ConvLSTM(nn.Module):
    """Runs a :class:`ConvLSTMCell` over a short sequence of feature maps; returns the last ``h``.

    The sequence is a Python list (``return_sequences=False``); the loop is unrolled when traced,
    so a fixed-length sequence exports to ONNX as plain convolutions and element-wise ops.
    """

    def __init__(self, in_channels: int, hidden_channels: int, kernel_size: int = 3):
        super().__init__()
        self.cell = ConvLSTMCell(in_channels, hidden_channels, kernel_size)

    def forward(self, steps: Sequence[torch.Tensor]) -> torch.Tensor:
        if len(steps) == 0:
            raise ValueError("ConvLSTM needs at least one step")
        state: Optional[Tuple[torch.Tensor, torch.Tensor]] = None
        for x in steps:
            state = self.cell(x, state)
        assert state is not None
        return state[0]
