"""DRA-UNet: Deep Residual Attention U-Net (rectal tumour CT paper, Sci. J. Intell. Syst. Res. 2022).

U-Net whose convolution blocks are deep residual modules (BN → ReLU → 3×3 conv, twice, plus an
identity/1×1 shortcut) and whose skip connections pass through additive attention gates driven by
the decoder feature one level coarser. Layout (base ``b`` filters, ``depth`` 4):

    encoder   res(in→b) | pool res(b→2b) | pool res(2b→4b) | pool res(4b→8b)
    bridge    pool res(8b→16b)
    decoder   for each level, coarse to fine: gate(skip, g=decoder) ; up = convT2×2(decoder) ;
              res(cat[gated skip, up] → level channels)
    head      BN → ReLU → 1×1 conv → logits (the sigmoid/softmax is applied by the caller)

Where the paper is silent we follow Oktay et al.'s Attention U-Net (gate on one-level-coarser
gating signal, 2×2 strided W_x) and Zhang et al.'s ResUNet (first block without pre-activation).
Input height/width must be multiples of ``2**depth`` (16 by default).
"""

from __future__ import annotations

from typing import List

import torch
from torch import nn

from ..blocks import AttentionGate, PreActResidualBlock, require_size_multiple
from ..registry import register_model


class DRAUNet(nn.Module):
    def __init__(self, in_channels: int = 1, out_channels: int = 1, base_filters: int = 16, depth: int = 4,
                 attention: bool = True):
        super().__init__()
        if depth < 1:
            raise ValueError("depth must be at least 1")
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.depth = depth
        self.size_multiple = 2 ** depth
        widths = [base_filters * 2 ** i for i in range(depth + 1)]  # last one is the bridge

        self.encoder = nn.ModuleList()
        for level in range(depth):
            cin = in_channels if level == 0 else widths[level - 1]
            self.encoder.append(PreActResidualBlock(cin, widths[level], preactivation=level > 0))
        self.pool = nn.MaxPool2d(2)
        self.bridge = PreActResidualBlock(widths[depth - 1], widths[depth])

        self.gates = nn.ModuleList()
        self.ups = nn.ModuleList()
        self.decoder = nn.ModuleList()
        for level in reversed(range(depth)):
            coarse, fine = widths[level + 1], widths[level]
            self.gates.append(AttentionGate(fine, coarse, max(1, fine // 2)) if attention else nn.Identity())
            self.ups.append(nn.ConvTranspose2d(coarse, fine, kernel_size=2, stride=2))
            self.decoder.append(PreActResidualBlock(2 * fine, fine))
        self.head = nn.Sequential(nn.BatchNorm2d(widths[0]), nn.ReLU(inplace=True),
                                  nn.Conv2d(widths[0], out_channels, kernel_size=1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        require_size_multiple(x, self.size_multiple, "DRA-UNet")
        skips: List[torch.Tensor] = []
        for level, block in enumerate(self.encoder):
            x = block(x if level == 0 else self.pool(x))
            skips.append(x)
        d = self.bridge(self.pool(x))
        for gate, up, block, skip in zip(self.gates, self.ups, self.decoder, reversed(skips)):
            gated = gate(skip, d)[0] if isinstance(gate, AttentionGate) else skip
            d = block(torch.cat([gated, up(d)], dim=1))
        return self.head(d)


@register_model("dra-unet", "Deep Residual Attention U-Net (residual blocks + attention-gated skips)")
def dra_unet(in_channels: int = 1, out_channels: int = 1, base_filters: int = 16, depth: int = 4,
             attention: bool = True) -> DRAUNet:
    """Deep Residual Attention U-Net."""
    return DRAUNet(in_channels=in_channels, out_channels=out_channels, base_filters=base_filters, depth=depth,
                   attention=attention)
