"""Attention U-Net for lung tumour CT (Wang & Li, TPU 2025; after Oktay et al., MIDL 2018).

The paper adds "the attention mechanism" to a classic U-Net and trains it with a weighted sum of
Dice and cross-entropy losses (``losses.DiceCELoss``); it gives no gate details,
so the gates follow Oktay et al.'s additive attention gate (the same block as DRA-UNet's). Layout
(base ``b`` filters, ``depth`` 4):

    encoder   dc(in→b) | pool dc(b→2b) | pool dc(2b→4b) | pool dc(4b→8b)
    bridge    pool dc(8b→16b)
    decoder   for each level, coarse to fine: gated = gate(skip, g=decoder) ;
              up = convT2×2(decoder) ; dc(cat[gated, up] → level channels)
    head      1×1 conv → logits

``dc`` is two (3×3 conv → BatchNorm → ReLU), as in ``unet``. Every skip is gated (Oktay's code
gates all but the finest one; the common 2D re-implementations gate all four), gating signal one
level coarser, intermediate width half the skip's. No deep supervision. Input height/width must be
multiples of ``2**depth`` (16 by default).
"""

from __future__ import annotations

from ..blocks import AttentionGate, DoubleConv
from ..registry import register_model
from .encoder_decoder import UNetScaffold


@register_model("attention-unet", "Attention U-Net (U-Net + additive attention gates on the skips)")
class AttentionUNet(UNetScaffold):
    display_name = "Attention U-Net"

    def __init__(self, in_channels: int = 1, out_channels: int = 1, base_filters: int = 16, depth: int = 4):
        super().__init__(in_channels, out_channels, base_filters, depth,
                         encoder_block=lambda cin, cout, first: DoubleConv(cin, cout),
                         skip_gate=AttentionGate)
