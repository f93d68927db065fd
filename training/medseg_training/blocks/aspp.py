"""Atrous spatial pyramid pooling (DeepLab; Chen et al. 2017) in ResUNet++'s form."""

from __future__ import annotations

from typing import Sequence

import torch
from torch import nn


class ASPP(nn.Module):
    """Parallel 3×3 convolutions with dilation ``rates`` (each + BatchNorm), summed, then a 1×1 conv.

    ResUNet++ (Jha et al. 2019, reference code) uses rates 1, 6, 12 and 18 and SUMS the branches
    (DeepLabv3 concatenates them and adds an image-pooling branch; ResUNet++ does neither). There is
    no activation inside the block. Each branch is an adjacent ``Conv2d``/``BatchNorm2d`` pair, so
    ``fold_batchnorm`` folds it.

    Shapes: ``[N, in_channels, H, W]`` → ``[N, out_channels, H, W]`` (padding = rate keeps H×W).
    """

    def __init__(self, in_channels: int, out_channels: int, rates: Sequence[int] = (1, 6, 12, 18)):
        super().__init__()
        if not rates:
            raise ValueError("ASPP needs at least one dilation rate")
        self.rates = tuple(int(r) for r in rates)
        self.branches = nn.ModuleList(
            nn.Sequential(nn.Conv2d(in_channels, out_channels, 3, padding=r, dilation=r, bias=False),
                          nn.BatchNorm2d(out_channels))
            for r in self.rates)
        self.project = nn.Conv2d(out_channels, out_channels, kernel_size=1, bias=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.branches[0](x)
        for branch in self.branches[1:]:
            y = y + branch(x)
        return self.project(y)
