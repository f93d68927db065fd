"""U-Net (Ronneberger, Fischer & Brox, MICCAI 2015): the baseline of the U-Net family.

Layout (base ``b`` filters, ``depth`` 4):

    encoder   dc(in→b) | pool dc(b→2b) | pool dc(2b→4b) | pool dc(4b→8b)
    bridge    pool dc(8b→16b)
    decoder   for each level, coarse to fine: up = convT2×2(decoder, halves the channels) ;
              dc(cat[skip, up] → level channels)
    head      1×1 conv → logits (the sigmoid/softmax is applied by the caller)

``dc`` is two (3×3 conv → BatchNorm → ReLU). Deviations from the 2015 paper: "same" padding (the
original uses unpadded convolutions and crops the skips, so output ≠ input size), BatchNorm after
every convolution (the paper predates it), and no dropout at the end of the contracting path.
``base_filters=64`` is the paper's width (31.0 M parameters); the default 16 (1.94 M) is the size
the app ships. Input height/width must be multiples of ``2**depth`` (16 by default).
"""

from __future__ import annotations

from ..blocks import DoubleConv
from ..registry import register_model
from .encoder_decoder import UNetScaffold


@register_model("unet", "U-Net (Ronneberger 2015) with BatchNorm: the baseline")
class UNet(UNetScaffold):
    display_name = "U-Net"

    def __init__(self, in_channels: int = 1, out_channels: int = 1, base_filters: int = 16, depth: int = 4):
        super().__init__(in_channels, out_channels, base_filters, depth,
                         encoder_block=lambda cin, cout, first: DoubleConv(cin, cout))
