"""An exponential moving average of a model's weights, validated and exported in their place.

With a few dozen training images (the COVID-19 set has 45 after its held-out tenth) the weights
after any one step carry that step's noise, and so does a validation Dice on five held-out slices:
the plateau rule then stops on noise. The average over the last ~1/(1 − decay) steps is a smoother
model and a smoother signal (Polyak averaging; timm's ``ModelEmaV2`` keeps BatchNorm statistics
in the average too, as here). Early steps use ``(1 + n) / (10 + n)`` so the random start fades fast.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Dict, Iterator, Optional

import torch
from torch import nn


class WeightAverage:
    def __init__(self, model: nn.Module, decay: float, shadow: Optional[Dict[str, torch.Tensor]] = None,
                 updates: int = 0):
        if not 0.0 < decay < 1.0:
            raise ValueError(f"the weight average's decay must be in (0, 1), got {decay}")
        self.decay, self.updates = decay, updates
        current = model.state_dict()
        source = shadow if shadow is not None else current
        self.shadow = {k: source[k].detach().clone().to(v.device) for k, v in current.items()}

    @torch.no_grad()
    def update(self, model: nn.Module) -> None:
        self.updates += 1
        d = min(self.decay, (1 + self.updates) / (10 + self.updates))
        for k, v in model.state_dict().items():
            s = self.shadow[k]
            if s.is_floating_point():
                s.mul_(d).add_(v.detach(), alpha=1.0 - d)
            else:
                s.copy_(v)

    @contextmanager
    def applied(self, model: nn.Module) -> Iterator[None]:
        """The averaged weights in ``model`` for the block (a validation); its own weights after."""
        own = {k: v.detach().clone() for k, v in model.state_dict().items()}
        model.load_state_dict(self.shadow)
        try:
            yield
        finally:
            model.load_state_dict(own)
