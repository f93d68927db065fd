"""Convolution helpers and BatchNorm folding for export.

Every convolution that is followed by a BatchNorm is written as a :class:`ConvNorm` (or as an
adjacent ``Conv2d, BatchNorm2d`` pair inside an ``nn.Sequential``), so that
:func:`fold_batchnorm` can fold the normalisation into the convolution's weights before ONNX export.
BatchNorms that do not follow a convolution (the pre-activation norms of residual blocks, which
normalise a residual sum) are replaced by a per-channel :class:`ChannelAffine` (``x * a + b``).
"""

from __future__ import annotations

from typing import Tuple

import torch
from torch import nn


class ConvNorm(nn.Module):
    """``Conv2d`` (no bias) followed by ``BatchNorm2d``; ``fold_batchnorm`` merges the two."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int = 3, stride: int = 1,
                 padding: int | None = None):
        super().__init__()
        if padding is None:
            padding = kernel_size // 2
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size, stride=stride, padding=padding, bias=False)
        self.norm: nn.Module = nn.BatchNorm2d(out_channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.norm(self.conv(x))


class ChannelAffine(nn.Module):
    """Per-channel ``x * scale + shift``: what an eval-mode BatchNorm computes."""

    def __init__(self, scale: torch.Tensor, shift: torch.Tensor):
        super().__init__()
        self.register_buffer("scale", scale.detach().clone().reshape(1, -1, 1, 1))
        self.register_buffer("shift", shift.detach().clone().reshape(1, -1, 1, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.scale + self.shift


def _bn_scale_shift(bn: nn.BatchNorm2d) -> Tuple[torch.Tensor, torch.Tensor]:
    if bn.running_mean is None or bn.running_var is None:
        raise ValueError("cannot fold a BatchNorm without running statistics (track_running_stats=False)")
    inv_std = torch.rsqrt(bn.running_var.double() + bn.eps)
    gamma = bn.weight.double() if bn.weight is not None else torch.ones_like(inv_std)
    beta = bn.bias.double() if bn.bias is not None else torch.zeros_like(inv_std)
    scale = gamma * inv_std
    shift = beta - bn.running_mean.double() * scale
    return scale, shift


def fold_conv_bn_weights(conv: nn.Conv2d | nn.ConvTranspose2d, bn: nn.BatchNorm2d) -> None:
    """Folds an eval-mode BatchNorm that follows ``conv`` into ``conv`` in place (in float64).

    ``bn(conv(x)) = conv'(x)`` with ``W' = W * s`` per output channel and ``b' = (b - mean) * s + beta``,
    ``s = gamma / sqrt(var + eps)``.
    """
    scale, shift = _bn_scale_shift(bn)
    w = conv.weight.detach().double()
    if isinstance(conv, nn.ConvTranspose2d):
        if conv.groups != 1:
            raise ValueError("folding BatchNorm into a grouped ConvTranspose2d is not supported")
        w = w * scale.reshape(1, -1, *([1] * (w.dim() - 2)))  # weight is [in, out, kh, kw]
    else:
        w = w * scale.reshape(-1, *([1] * (w.dim() - 1)))  # weight is [out, in/groups, kh, kw]
    b = conv.bias.detach().double() if conv.bias is not None else torch.zeros_like(scale)
    b = b * scale + shift
    dtype = conv.weight.dtype
    conv.weight = nn.Parameter(w.to(dtype))
    conv.bias = nn.Parameter(b.to(dtype))


def fold_batchnorm(model: nn.Module) -> nn.Module:
    """Returns ``model`` (modified in place, put in eval mode) with no BatchNorm left.

    * :class:`ConvNorm` and adjacent ``Conv2d``/``ConvTranspose2d`` → ``BatchNorm2d`` pairs in an
      ``nn.Sequential`` are folded into the convolution.
    * Any other ``BatchNorm2d`` becomes a :class:`ChannelAffine`.
    """
    model.eval()
    for module in list(model.modules()):
        if isinstance(module, ConvNorm) and isinstance(module.norm, nn.BatchNorm2d):
            fold_conv_bn_weights(module.conv, module.norm)
            module.norm = nn.Identity()
        elif isinstance(module, nn.Sequential):
            names = list(module._modules.keys())
            for a, b in zip(names, names[1:]):
                conv, bn = module._modules[a], module._modules[b]
                if isinstance(conv, (nn.Conv2d, nn.ConvTranspose2d)) and isinstance(bn, nn.BatchNorm2d):
                    fold_conv_bn_weights(conv, bn)
                    module._modules[b] = nn.Identity()
    _replace_remaining_batchnorm(model)
    return model


def _replace_remaining_batchnorm(module: nn.Module) -> None:
    for name, child in module.named_children():
        if isinstance(child, nn.BatchNorm2d):
            scale, shift = _bn_scale_shift(child)
            dtype = child.running_mean.dtype
            setattr(module, name, ChannelAffine(scale.to(dtype), shift.to(dtype)))
        else:
            _replace_remaining_batchnorm(child)
