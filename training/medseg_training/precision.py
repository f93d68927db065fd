"""How a training step runs fast: reduced-precision autocast where the hardware computes in it
natively, and the channels_last memory layout where it measured faster.

* CPU: bf16 autocast when the CPU has AVX-512 BF16 or AMX (detected); fp32 otherwise, since
  emulated bf16 is slower than fp32. The loss, the optimiser and the weights stay fp32.
* CUDA: bf16 autocast where the GPU supports it, fp16 with loss scaling otherwise.
* channels_last: per architecture, from :data:`CHANNELS_LAST` (measured; see below).

Exported models stay fp32 (``export.py`` builds them from the fp32 weights and checks ONNX
Runtime against the fp32 PyTorch model); validation runs in fp32 too, so the Dice that selects a
checkpoint is the shipped model's.
"""

from __future__ import annotations

import contextlib
import platform
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, Optional

import torch
from torch import nn

#: channels_last with bf16 autocast, per architecture, chosen by measuring one training step (batch
#: 4, 256², 2 threads; fp32 / bf16 NCHW / bf16 channels_last, seconds) with
#: ``python -m medseg_training.training_benchmark --layouts`` on the 2-core Xeon (AVX-512 BF16) of
#: the development machine while other jobs loaded it (load average ≈ 18, so only the ratios mean
#: anything): resunetpp (3 ch, base 14) 201.4 / 60.6 / 46.5; dra-unet (3 ch) 12.78 / 18.90 / 8.31.
#: NCHW bf16 can be slower than fp32 (PyTorch 1.13 reorders NCHW tensors around every oneDNN bf16
#: convolution); channels_last avoids that.
CHANNELS_LAST: Dict[str, bool] = {
    "resunetpp": True, "dra-unet": True, "ra-vnet": True, "unet": True, "attention-unet": True,
    "improved-skip-unet": True,
}


@lru_cache(maxsize=1)
def cpu_has_native_bf16() -> bool:
    """AVX-512 BF16 or AMX: the CPU multiplies bf16 in hardware (not emulated, which is slower)."""
    cpu = getattr(torch, "cpu", None)
    for probe in ("_is_avx512_bf16_supported", "_is_amx_tile_supported"):  # PyTorch ≥ 2.1
        if cpu is not None and hasattr(cpu, probe) and getattr(cpu, probe)():
            return True
    if platform.system() == "Linux":
        try:
            flags = Path("/proc/cpuinfo").read_text().split()
        except OSError:
            return False
        return "avx512_bf16" in flags or "amx_bf16" in flags
    return False


#: oneDNN 2.6 (PyTorch 1.13) corrupts the heap in the channels_last backward of some convolutions
#: whose widths are not multiples of 16: 1×1 stride-2 ones (ResUNet++'s 14→28 shortcut at 256²,
#: fp32 and bf16 alike) and dilated ones (its ASPP at 24, 28 or 56 channels; 48 and 64 are fine).
#: Those few convolutions run as NCHW islands in a channels_last network.
def _needs_nchw(module: nn.Module) -> bool:
    if not isinstance(module, nn.Conv2d) or (module.in_channels % 16 == 0 and module.out_channels % 16 == 0):
        return False
    return max(module.dilation) > 1 or (max(module.stride) > 1 and max(module.kernel_size) == 1)


class _Relayout(torch.autograd.Function):
    """Identity whose output takes one memory format and whose gradient takes another."""

    @staticmethod
    def forward(ctx, x, forward_format, backward_format):  # noqa: D401
        ctx.backward_format = backward_format
        return x.contiguous(memory_format=forward_format)

    @staticmethod
    def backward(ctx, grad):
        return grad.contiguous(memory_format=ctx.backward_format), None, None


def _nchw_island(forward):
    def run(x: torch.Tensor) -> torch.Tensor:
        y = forward(_Relayout.apply(x, torch.contiguous_format, torch.channels_last))
        return _Relayout.apply(y, torch.channels_last, torch.contiguous_format)
    return run


@dataclass
class StepPrecision:
    """The numeric format of a training step on one device."""

    device: torch.device
    autocast_dtype: Optional[torch.dtype]
    channels_last: bool
    scaler: Optional["torch.cuda.amp.GradScaler"] = None

    def autocast(self):
        if self.autocast_dtype is None:
            return contextlib.nullcontext()
        return torch.autocast(device_type=self.device.type, dtype=self.autocast_dtype)

    def prepare_model(self, model: nn.Module) -> nn.Module:
        """Moves ``model`` to the device and layout (in place)."""
        model.to(self.device)
        if not self.channels_last:
            return model
        model.to(memory_format=torch.channels_last)
        if self.device.type == "cpu":
            for module in model.modules():
                if _needs_nchw(module):
                    # clone, not contiguous(): a 1×1 kernel is "contiguous" in both layouts and keeps its strides
                    module.weight.data = module.weight.data.clone(memory_format=torch.contiguous_format)
                    module.forward = _nchw_island(module.forward)
        return model

    def prepare_input(self, x: torch.Tensor) -> torch.Tensor:
        x = x.to(self.device, non_blocking=True)
        return x.contiguous(memory_format=torch.channels_last) if self.channels_last else x

    def describe(self) -> Dict[str, object]:
        return {"autocast": None if self.autocast_dtype is None else str(self.autocast_dtype).replace("torch.", ""),
                "channelsLast": self.channels_last}


def choose_precision(architecture: str, device: torch.device, mode: str = "auto") -> StepPrecision:
    """``mode``: ``auto`` (the fast format this hardware supports) or ``fp32``."""
    if mode not in ("auto", "fp32"):
        raise ValueError(f"unknown precision {mode!r}; use auto or fp32")
    if mode == "fp32":
        return StepPrecision(device, None, False)
    if device.type == "cuda":
        if torch.cuda.is_bf16_supported():
            return StepPrecision(device, torch.bfloat16, CHANNELS_LAST.get(architecture, False))
        return StepPrecision(device, torch.float16, CHANNELS_LAST.get(architecture, False),
                             scaler=torch.cuda.amp.GradScaler())
    if device.type == "cpu" and cpu_has_native_bf16():
        return StepPrecision(device, torch.bfloat16, CHANNELS_LAST.get(architecture, False))
    return StepPrecision(device, None, False)


def training_step(model: nn.Module, optimizer: torch.optim.Optimizer, loss_fn: nn.Module, x: torch.Tensor,
                  y: torch.Tensor, precision: StepPrecision) -> torch.Tensor:
    """One optimiser step; the loss is computed in fp32 on the (autocast) logits."""
    optimizer.zero_grad(set_to_none=True)
    with precision.autocast():
        logits = model(x)
    loss = loss_fn(logits.float(), y)
    if precision.scaler is not None:
        precision.scaler.scale(loss).backward()
        precision.scaler.step(optimizer)
        precision.scaler.update()
    else:
        loss.backward()
        optimizer.step()
    return loss.detach()
