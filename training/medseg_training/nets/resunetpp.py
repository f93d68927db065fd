"""ResUNet++ (Jha et al., IEEE ISM 2019), as used for polyp segmentation by Tram (HUFLIT J. Sci.).

Follows the authors' reference code (``m_resunet.py``, filters 16-32-64-128-256 for
``base_filters=16``, three stride-2 levels). Layout (base ``b``, ``depth`` 3):

    stem      res0(in→b) + SE                    res0: 3×3 conv-BN-ReLU-3×3 conv + 1×1 conv-BN shortcut
    encoder   res(b→2b, stride 2) + SE | res(2b→4b, /2) + SE | res(4b→8b, /2) + SE
    bridge    ASPP(8b→16b)
    decoder   for each level, coarse to fine: a = attention(g=encoder skip, x=decoder) ;
              up = nearest 2× (a) ; d = res(cat[up, skip] → 2·level width) + SE
    head      ASPP(2b→b) → 1×1 conv → logits

``res`` is the pre-activation residual unit (BN-ReLU-conv, BN-ReLU-conv, 1×1 conv-BN shortcut;
``PreActResidualBlock``); SE is squeeze-and-excitation with ratio 8; ASPP sums four 3×3 branches
with dilation 1, 6, 12, 18 (each + BN) and fuses them with a 1×1 conv; the attention block
re-weights the decoder feature with a map from the max-pooled encoder feature (``DecoderAttention``).
SE follows every residual unit, decoder ones included, as in the reference code (the paper's
figure shows it in the encoder). Deviations: convolutions directly followed by BatchNorm have no
bias (the reference's are redundant): 4,060,977 parameters at ``base_filters=16`` against the
reference's 4,062,993 (the 2,016 dropped biases); no final sigmoid (logits). Input height/width must be multiples of
``2**depth`` (8 by default); the polyp paper trains at 352×352 RGB scaled by 1/255
(``in_channels=3``; the default is 1, as for every network here).

The decoder attention multiplies features without a sigmoid, so activations grow towards the
output (×10–20 at random initialisation): float32 rounding there is larger than in the plain
U-Nets, keep an eye on the 1e-4 export parity at large inputs.
"""

from __future__ import annotations

from typing import List, Tuple

import torch
import torch.nn.functional as F
from torch import nn

from ..blocks import ASPP, DecoderAttention, PreActResidualBlock, SqueezeExcitation
from ..registry import register_model
from .encoder_decoder import EncoderDecoder, level_widths


def _residual_se(in_channels: int, out_channels: int, stride: int = 1, preactivation: bool = True) -> nn.Sequential:
    return nn.Sequential(PreActResidualBlock(in_channels, out_channels, stride=stride, preactivation=preactivation),
                         SqueezeExcitation(out_channels, reduction=8))


@register_model("resunetpp", "ResUNet++ (residual units + squeeze-excitation + ASPP + decoder attention)")
class ResUNetPlusPlus(EncoderDecoder):
    display_name = "ResUNet++"

    def __init__(self, in_channels: int = 1, out_channels: int = 1, base_filters: int = 16, depth: int = 3):
        super().__init__(in_channels, out_channels, depth, 2 ** depth)
        widths = level_widths(base_filters, depth + 2)  # encoder levels 0..depth, then the bridge

        self.stem = _residual_se(in_channels, widths[0], preactivation=False)
        self.encoder = nn.ModuleList(_residual_se(widths[level - 1], widths[level], stride=2)
                                     for level in range(1, depth + 1))
        self.bridge = ASPP(widths[depth], widths[depth + 1])

        self.attention = nn.ModuleList()
        self.decoder = nn.ModuleList()
        for level in reversed(range(depth)):
            skip, coarse = widths[level], widths[level + 2]  # the decoder input is two widths above its skip
            self.attention.append(DecoderAttention(skip, coarse))
            self.decoder.append(_residual_se(coarse + skip, widths[level + 1]))
        self.head_aspp = ASPP(widths[1], widths[0])
        self.head = nn.Conv2d(widths[0], out_channels, kernel_size=1)

    def encode(self, x: torch.Tensor) -> Tuple[List[torch.Tensor], torch.Tensor]:
        # Strided residual units instead of pooling; the deepest one feeds the bridge, not a skip.
        features = [self.stem(x)]
        for block in self.encoder:
            features.append(block(features[-1]))
        return features[:-1], features[-1]

    def decode(self, stage: int, d: torch.Tensor, skip: torch.Tensor) -> torch.Tensor:
        up = F.interpolate(self.attention[stage](skip, d), scale_factor=2.0, mode="nearest")
        return self.decoder[stage](torch.cat([up, skip], dim=1))

    def through_head(self, d: torch.Tensor) -> torch.Tensor:
        return self.head(self.head_aspp(d))
