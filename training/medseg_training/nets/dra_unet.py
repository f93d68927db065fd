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

from torch import nn

from ..blocks import AttentionGate, PreActResidualBlock
from ..registry import register_model
from .encoder_decoder import UNetScaffold


def _pre_activation_head(in_channels: int, out_channels: int) -> nn.Module:
    return nn.Sequential(nn.BatchNorm2d(in_channels), nn.ReLU(inplace=True),
                         nn.Conv2d(in_channels, out_channels, kernel_size=1))


@register_model("dra-unet", "Deep Residual Attention U-Net (residual blocks + attention-gated skips)")
class DRAUNet(UNetScaffold):
    display_name = "DRA-UNet"

    def __init__(self, in_channels: int = 1, out_channels: int = 1, base_filters: int = 16, depth: int = 4,
                 attention: bool = True):
        super().__init__(in_channels, out_channels, base_filters, depth,
                         encoder_block=lambda cin, cout, first: PreActResidualBlock(cin, cout, preactivation=not first),
                         skip_gate=AttentionGate if attention else None, head=_pre_activation_head)
