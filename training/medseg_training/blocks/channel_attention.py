"""Channel attention module (DANet's CAM, Fu et al. 2019), as RA V-Net's CA module (§2.4)."""

from __future__ import annotations

import torch
from torch import nn


class ChannelAttention(nn.Module):
    """``E = beta · reshape(G · A) + A`` with the C×C channel affinity ``G = softmax(A Aᵀ / s)``.

    ``A`` is the input reshaped to ``[N, C, H·W]``; row ``y`` of ``G`` is the softmax over ``x`` of
    ``A_y · A_x / s`` (RA V-Net eq. 1 / DANet eq. 3: similar channels reinforce each other; DANet's
    code uses ``max − A Aᵀ`` instead). ``beta`` (``gamma`` here) is a learned scalar initialised to
    0, so the module starts as the identity. No other parameters.

    ``normalise=True`` (default) divides the affinities by ``s = H·W`` (a Gram matrix of per-pixel
    means): with the papers' raw sums (``normalise=False``, ``s = 1``) the logits grow with the
    slice area (tens of thousands at the bottom of a 256² network), so the softmax is a near-hard
    argmax whose float32 rounding alone moves the output by ~1e-3, which fails the 1e-4 ONNX
    Runtime parity check, and whose behaviour changes with the input size.

    Shapes: ``[N, C, H, W]`` → ``[N, C, H, W]``.
    """

    def __init__(self, normalise: bool = True):
        super().__init__()
        self.normalise = normalise
        self.gamma = nn.Parameter(torch.zeros(1))

    def affinity(self, x: torch.Tensor) -> torch.Tensor:
        """``G`` [N, C, C]; each row sums to 1."""
        a = x.flatten(2)
        if self.normalise:
            a = a * a.shape[-1] ** -0.5  # scale before the product: no large sums (half precision)
        return torch.softmax(torch.bmm(a, a.transpose(1, 2)), dim=-1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        weighted = torch.bmm(self.affinity(x), x.flatten(2)).view_as(x)
        return self.gamma * weighted + x
