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

import torch

from ..blocks import DoubleConv
from ..registry import register_model
from .encoder_decoder import UNetScaffold

VARIANTS = ("ours1", "ours2")


class FirstConvSkip(DoubleConv):
    """An encoder block whose skip is its first convolution's output (the "improved skip")."""

    def skip_and_output(self, x: torch.Tensor):
        return self.forward_both(x)


class ConcatenatedBridge(DoubleConv):
    """The bridge of ``ours1``: both convolutions' outputs, concatenated (twice the channels)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat(self.forward_both(x), dim=1)


@register_model("improved-skip-unet",
                "U-Net with skips from each block's first convolution (+ bridge concatenation in ours1)")
class ImprovedSkipUNet(UNetScaffold):
    display_name = "Improved-skip U-Net"

    def __init__(self, in_channels: int = 1, out_channels: int = 1, base_filters: int = 16, depth: int = 4,
                 variant: str = "ours1", dropout: float = 0.0):
        variant = str(variant).strip().lower()
        if variant not in VARIANTS:
            raise ValueError(f"unknown improved-skip U-Net variant {variant!r}; valid: {', '.join(VARIANTS)}")
        concatenated = variant == "ours1"
        super().__init__(in_channels, out_channels, base_filters, depth,
                         encoder_block=lambda cin, cout, first: FirstConvSkip(cin, cout),
                         decoder_block=lambda cin, cout, first: DoubleConv(cin, cout),
                         bridge_block=lambda cin, cout, first: (ConcatenatedBridge if concatenated else DoubleConv)(cin, cout),
                         bridge_out_channels=base_filters * 2 ** (depth + 1) if concatenated else None, dropout=dropout)
        self.variant = variant
