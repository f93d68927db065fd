"""The encoder–decoder scaffold every network here configures (not an architecture of its own).

:class:`EncoderDecoder` is the U-Net skeleton: encoder levels, each leaving a skip connection; a
bridge at the bottom; decoder stages from coarse to fine, each merging one skip; a head. Its
``encode`` / ``through_bridge`` / ``decode`` / ``through_head`` steps are what an architecture overrides when its
skeleton differs (ResUNet++'s strided encoder, RA V-Net's attention-recovery decoder).

:class:`UNetScaffold` is the classic instance, configured rather than subclassed:

    encoder   block(in→b) | pool block(b→2b) | … | pool block(→2^(depth-1)·b)
    bridge    pool bridge_block(→2^depth·b) (optionally dropout before and after)
    decoder   for each level, coarse to fine: s = skip_gate(skip, g=decoder) (identity without one) ;
              up = convT2×2(decoder) ; decoder_block(cat[s, up] → level width)
    head      head(b → out_channels) (a 1×1 convolution by default)

An encoder block may expose ``skip_and_output(x) -> (skip, y)`` to hand the decoder something other
than its output (the improved-skip U-Net's first-convolution skips). Attribute names (``encoder``,
``pool``, ``bridge``, ``gates``, ``ups``, ``decoder``, ``head``) are the state-dict keys of the
shipped checkpoints: renaming them breaks every saved model.
"""

from __future__ import annotations

from typing import Callable, List, Optional, Tuple

import torch
from torch import nn

from ..blocks import require_size_multiple

#: ``(in_channels, out_channels, first)`` → block; ``first`` is True only for the block that sees the image.
BlockFactory = Callable[[int, int, bool], nn.Module]
#: ``(skip_channels, gating_channels)`` → module with ``forward(skip, g) -> gated skip``.
GateFactory = Callable[[int, int], nn.Module]
#: ``(in_channels, out_channels)`` → the head.
HeadFactory = Callable[[int, int], nn.Module]


def level_widths(base_filters: int, levels: int) -> List[int]:
    """``[b, 2b, 4b, …]``: the channel width of each level."""
    return [base_filters * 2 ** i for i in range(levels)]


def skip_and_output(block: nn.Module, x: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    """What an encoder block hands the decoder (its skip) and the next level (its output)."""
    split = getattr(block, "skip_and_output", None)
    if split is not None:
        return split(x)
    y = block(x)
    return y, y


class EncoderDecoder(nn.Module):
    """encode → bridge → decode (coarse to fine) → head; subclasses build the modules."""

    #: The network's name in error messages.
    display_name = "encoder-decoder"

    def __init__(self, in_channels: int, out_channels: int, depth: int, size_multiple: int):
        super().__init__()
        if depth < 1:
            raise ValueError("depth must be at least 1")
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.depth = depth
        self.size_multiple = size_multiple

    def encode(self, x: torch.Tensor) -> Tuple[List[torch.Tensor], torch.Tensor]:
        """Skips (fine to coarse) and the input of the bridge: levels joined by ``self.pool``."""
        skips: List[torch.Tensor] = []
        for level, block in enumerate(self.encoder):
            skip, x = skip_and_output(block, x if level == 0 else self.pool(x))
            skips.append(skip)
        return skips, self.pool(x)

    def through_bridge(self, x: torch.Tensor) -> torch.Tensor:
        return self.bridge(x)

    def decode(self, stage: int, d: torch.Tensor, skip: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def through_head(self, d: torch.Tensor) -> torch.Tensor:
        return self.head(d)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        require_size_multiple(x, self.size_multiple, self.display_name)
        skips, x = self.encode(x)
        d = self.through_bridge(x)
        for stage, skip in enumerate(reversed(skips)):
            d = self.decode(stage, d, skip)
        return self.through_head(d)


def _conv1x1_head(in_channels: int, out_channels: int) -> nn.Module:
    return nn.Conv2d(in_channels, out_channels, kernel_size=1)


class UNetScaffold(EncoderDecoder):
    """The classic U-Net skeleton with its blocks, skip gate, bridge and head supplied."""

    def __init__(self, in_channels: int, out_channels: int, base_filters: int, depth: int, *,
                 encoder_block: BlockFactory, decoder_block: Optional[BlockFactory] = None,
                 bridge_block: Optional[BlockFactory] = None, bridge_out_channels: Optional[int] = None,
                 skip_gate: Optional[GateFactory] = None, head: HeadFactory = _conv1x1_head, dropout: float = 0.0):
        super().__init__(in_channels, out_channels, depth, 2 ** depth)
        widths = level_widths(base_filters, depth + 1)  # the last one is the bridge's
        decoder_block = decoder_block or encoder_block
        self.encoder = nn.ModuleList(encoder_block(in_channels if level == 0 else widths[level - 1], widths[level],
                                                   level == 0) for level in range(depth))
        self.pool = nn.MaxPool2d(2)
        self.bridge = (bridge_block or encoder_block)(widths[depth - 1], widths[depth], False)
        self.dropout = nn.Dropout(dropout) if dropout > 0 else nn.Identity()
        if skip_gate is not None:
            self.gates = nn.ModuleList(skip_gate(widths[level], widths[level + 1]) for level in reversed(range(depth)))
        self.ups = nn.ModuleList()
        self.decoder = nn.ModuleList()
        for level in reversed(range(depth)):
            coarse = bridge_out_channels if level == depth - 1 and bridge_out_channels else widths[level + 1]
            self.ups.append(nn.ConvTranspose2d(coarse, widths[level], kernel_size=2, stride=2))
            self.decoder.append(decoder_block(2 * widths[level], widths[level], False))
        self.head = head(widths[0], out_channels)

    def through_bridge(self, x: torch.Tensor) -> torch.Tensor:
        return self.dropout(self.bridge(self.dropout(x)))

    def decode(self, stage: int, d: torch.Tensor, skip: torch.Tensor) -> torch.Tensor:
        if hasattr(self, "gates"):
            skip = self.gates[stage](skip, d)
        return self.decoder[stage](torch.cat([skip, self.ups[stage](d)], dim=1))

