"""The size check every encoder-decoder network makes before its first layer."""

from __future__ import annotations

import torch


def require_size_multiple(x: torch.Tensor, multiple: int, network: str) -> None:
    """Raises a clear error when ``x``'s height or width is not a multiple of ``multiple`` (the
    network halves them ``log2(multiple)`` times). Skipped while tracing for ONNX export, where the
    sizes are symbolic."""
    if torch.jit.is_tracing() or torch.jit.is_scripting():
        return
    h, w = x.shape[-2:]
    if h % multiple or w % multiple:
        raise ValueError(f"{network} needs height and width that are multiples of {multiple}; got {h}×{w} (pad the image first)")
