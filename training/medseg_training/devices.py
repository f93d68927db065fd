"""Where and on how many threads PyTorch runs."""

from __future__ import annotations

import ctypes

import torch

from .events import UserFacingError

_INTEROP_SET = False


def configure_threads(threads: int) -> None:
    """Limits PyTorch (OpenMP) AND the BLAS library to ``threads`` threads.

    Debian's PyTorch uses OpenBLAS (pthreads build), whose own worker threads otherwise spin on
    every core regardless of ``torch.set_num_threads``.
    """
    global _INTEROP_SET
    n = max(1, int(threads))
    torch.set_num_threads(n)
    if not _INTEROP_SET and torch.get_num_interop_threads() != 1:
        _INTEROP_SET = True  # a second call aborts the process (PyTorch 1.13), so only ever once
        try:
            torch.set_num_interop_threads(1)
        except RuntimeError:
            pass
    for name in ("libopenblas.so.0", "libblas.so.3"):
        try:
            ctypes.CDLL(name).openblas_set_num_threads(n)
            break
        except (OSError, AttributeError):
            continue


def select_device(name: str = "auto") -> torch.device:
    """``auto`` → CUDA when available, else CPU; ``cuda`` without a usable GPU is a user-facing error."""
    name = (name or "auto").lower()
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name.startswith("cuda"):
        if not torch.cuda.is_available():
            raise UserFacingError("CUDA was requested but no usable NVIDIA GPU/driver was found; "
                                  "use --device cpu (slower) or --device auto")
        return torch.device(name)
    if name == "cpu":
        return torch.device("cpu")
    raise UserFacingError(f"unknown device {name!r}; use auto, cpu or cuda")
