"""U-Net with improved skip connections (Di, Ma, Lian & Wang, liver CT and cell nuclei).

Two changes to the classic U-Net (``unet``), both meant to keep more low-level information:

1. **Improved skip connection**: each encoder block's skip is taken from its FIRST 3×3
   convolution instead of the second (the second still feeds the next max-pool).
2. **Convolution-block concatenation**: in the fifth convolution block (the bridge) the outputs of
   its two convolutions are concatenated, doubling the channels that enter the first
   up-convolution. The paper adds it "only after the fifth convolution block" to limit parameters.

``variant="ours1"`` has both changes, ``variant="ours2"`` only the first (the paper's Table 3/4
naming; their tables put ours2 marginally ahead, their text says the opposite). Layout (base ``b``,
``depth`` 4):

    encoder   (c1, c2) = dc(in→b) ; skip0 = c1 | pool(c2) → dc(b→2b) ; skip1 = first conv | …
    bridge    pool → (b1, b2) = dc(8b→16b) ; ours1: cat[b1, b2] (32b) ; ours2: b2 (16b)
    decoder   as U-Net: up = convT2×2 ; dc(cat[skip, up] → level channels)
    head      1×1 conv → logits

The paper's parameter counts (Table 2: U-Net 7,759,521; Ours1 8,289,697; Ours2 7,765,409) are
those of the classic Keras U-Net at base 32 (convolutions with biases, no BatchNorm), the Ours
models adding one BatchNorm per convolution block (9 × 4·C = 5,888 Keras numbers). The
ours1 − ours2 difference, 524,288 = 16b·8b·(2×2) at b = 32, is the first up-convolution's extra
16b input channels, exactly as here. We put BatchNorm after every convolution (as ``unet``), so
our absolute counts differ by the norms and biases.
``dropout`` (the paper uses dropout against over-fitting without giving the rate) is applied,
as in the Keras U-Net it builds on, to the deepest encoder block's output and to the bridge output.
Input height/width must be multiples of ``2**depth`` (16 by default).
"""

from __future__ import annotations

from typing import List

import torch
from torch import nn

from ..blocks import DoubleConv, require_size_multiple
from ..registry import register_model

VARIANTS = ("ours1", "ours2")


class ImprovedSkipUNet(nn.Module):
    def __init__(self, in_channels: int = 1, out_channels: int = 1, base_filters: int = 16, depth: int = 4,
                 variant: str = "ours1", dropout: float = 0.0):
        super().__init__()
        if depth < 1:
            raise ValueError("depth must be at least 1")
        variant = str(variant).strip().lower()
        if variant not in VARIANTS:
            raise ValueError(f"unknown improved-skip U-Net variant {variant!r}; valid: {', '.join(VARIANTS)}")
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.depth = depth
        self.variant = variant
        self.size_multiple = 2 ** depth
        widths = [base_filters * 2 ** i for i in range(depth + 1)]  # last one is the bridge

        self.encoder = nn.ModuleList(
            DoubleConv(in_channels if level == 0 else widths[level - 1], widths[level]) for level in range(depth))
        self.pool = nn.MaxPool2d(2)
        self.bridge = DoubleConv(widths[depth - 1], widths[depth])
        self.dropout = nn.Dropout(dropout) if dropout > 0 else nn.Identity()

        self.ups = nn.ModuleList()
        self.decoder = nn.ModuleList()
        for level in reversed(range(depth)):
            coarse, fine = widths[level + 1], widths[level]
            if level == depth - 1 and variant == "ours1":
                coarse *= 2  # the bridge's two convolutions, concatenated
            self.ups.append(nn.ConvTranspose2d(coarse, fine, kernel_size=2, stride=2))
            self.decoder.append(DoubleConv(2 * fine, fine))
        self.head = nn.Conv2d(widths[0], out_channels, kernel_size=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        require_size_multiple(x, self.size_multiple, "Improved-skip U-Net")
        skips: List[torch.Tensor] = []
        for level, block in enumerate(self.encoder):
            first, x = block.forward_both(x if level == 0 else self.pool(x))
            skips.append(first)
        b1, b2 = self.bridge.forward_both(self.pool(self.dropout(x)))
        d = self.dropout(torch.cat([b1, b2], dim=1) if self.variant == "ours1" else b2)
        for up, block, skip in zip(self.ups, self.decoder, reversed(skips)):
            d = block(torch.cat([skip, up(d)], dim=1))
        return self.head(d)


@register_model("improved-skip-unet",
                "U-Net with skips from each block's first convolution (+ bridge concatenation in ours1)")
def improved_skip_unet(in_channels: int = 1, out_channels: int = 1, base_filters: int = 16, depth: int = 4,
                       variant: str = "ours1", dropout: float = 0.0) -> ImprovedSkipUNet:
    """U-Net with improved skip connections."""
    return ImprovedSkipUNet(in_channels=in_channels, out_channels=out_channels, base_filters=base_filters,
                            depth=depth, variant=variant, dropout=dropout)
