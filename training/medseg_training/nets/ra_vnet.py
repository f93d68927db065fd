"""RA V-Net: Residual Attention V-Net for liver CT (Lee, Qi, Fan & Xie), 2D slice-wise.

Layout (base ``b`` filters, ``depth`` 4):

    encoder   cofres(in→b) | pool cofres(b→2b) | pool cofres(2b→4b) | pool cofres(4b→8b)
    bottom    pool cofres(8b→16b) → CA
    decoder   for each level, coarse to fine: d = AR(d, skip) (level width)
    head      1×1 conv → logits (the sigmoid/softmax is applied by the caller)

* **CofRes** (§2.3, ``CofResBlock``): four stacked 3×3 conv-BN-ReLU at 1/4 of the target width,
  their outputs concatenated to the target width, fused by a 1×1 conv-BN-ReLU (conv⑤), plus the
  input (1×1 conv-BN projection where the width changes). Its output is both the skip and the
  input of the next max-pool.
* **CA** (§2.4, ``ChannelAttention``): ``E = beta · reshape(softmax(A Aᵀ / HW) A) + A`` on the
  bottom features, C×C affinity, ``beta`` learned from 0.
* **AR** (§2.5, ``AttentionRecoveryModule``): upsampling block (conv① 1×1 to C/4, 2×2 transposed
  conv, residual block, conv② 1×1), then the skip and the upsampled feature are stacked as a
  two-step sequence ``[skip, upsampled]`` for a ConvLSTM (3×3, sigmoid gates, last hidden state),
  and conv③ (3×3 conv-BN-ReLU) integrates its output.

Where the text is silent or inconsistent: conv② restores the SKIP's width (C/2) rather than the
input width C, because the two sequence steps must have equal widths to be stacked (the paper
stacks ② with the skip yet gives ② C channels); the ConvLSTM's hidden width is the skip's width,
and conv③ keeps it (the paper halves C there; we have already halved). The upsampling is a 2×2
transposed convolution (V-Net's choice; the paper only says the size is "restored"). The CA
softmax is over ``A Aᵀ`` as the RA V-Net text says (DANet's code uses ``max − A Aᵀ``), but divided
by the pixel count H·W: the raw sums reach ~1e4–1e5 at the bottom of a 256² slice, where the
softmax is a hard argmax whose float32 rounding alone breaks the 1e-4 ONNX parity and whose
behaviour depends on the slice size (``ChannelAttention(normalise=False)`` is the raw form). ConvLSTM
without peepholes and with sigmoid gates (Keras ``ConvLSTM2D`` used ``hard_sigmoid``). 2D only:
the app segments slice-wise (the paper also trains on 2D slices). Input height/width must be
multiples of ``2**depth`` (16 by default); ``base_filters`` must be a multiple of 4.
"""

from __future__ import annotations

import torch
from torch import nn

from ..blocks import AttentionRecoveryModule, ChannelAttention, CofResBlock
from ..registry import register_model
from .encoder_decoder import EncoderDecoder, level_widths


@register_model("ra-vnet", "RA V-Net (CofRes encoder, channel attention, ConvLSTM attention-recovery decoder)")
class RAVNet(EncoderDecoder):
    display_name = "RA V-Net"

    def __init__(self, in_channels: int = 1, out_channels: int = 1, base_filters: int = 16, depth: int = 4):
        super().__init__(in_channels, out_channels, depth, 2 ** depth)
        if base_filters < 4 or base_filters % 4:
            raise ValueError(f"RA V-Net needs base_filters that is a multiple of 4 (CofRes convolves at a quarter "
                             f"of each width); got {base_filters}")
        widths = level_widths(base_filters, depth + 1)  # the last one is the bottom's

        self.encoder = nn.ModuleList(
            CofResBlock(in_channels if level == 0 else widths[level - 1], widths[level]) for level in range(depth))
        self.pool = nn.MaxPool2d(2)
        self.bottom = CofResBlock(widths[depth - 1], widths[depth])
        self.channel_attention = ChannelAttention()
        self.decoder = nn.ModuleList(AttentionRecoveryModule(widths[level + 1], widths[level])
                                     for level in reversed(range(depth)))
        self.head = nn.Conv2d(widths[0], out_channels, kernel_size=1)

    def through_bridge(self, x: torch.Tensor) -> torch.Tensor:
        return self.channel_attention(self.bottom(x))

    def decode(self, stage: int, d: torch.Tensor, skip: torch.Tensor) -> torch.Tensor:
        return self.decoder[stage](d, skip)
