"""Process plumbing shared by the CLIs: JSON-line events, threads, device choice, checkpoints."""

from __future__ import annotations

import ctypes
import inspect
import json
import math
import os
import sys
from pathlib import Path
from typing import Any, Dict

import torch
from torch import nn

CHECKPOINT_FORMAT = "medseg-checkpoint/1"


class UserFacingError(Exception):
    """An error whose message is shown to the user as is (no stack trace)."""


def _clean(value: Any) -> Any:
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else float(f"{value:.6g}")
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def emit(event: str, **fields: Any) -> None:
    """Prints one JSON line ``{"event": event, ...}`` on stdout and flushes."""
    sys.stdout.write(json.dumps(_clean({"event": event, **fields})) + "\n")
    sys.stdout.flush()


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


_TENSOR_KEYS = ("state_dict", "optimizer")


def save_checkpoint(path: str | os.PathLike, payload: Dict[str, Any]) -> None:
    """Writes atomically (temporary file + rename), so a crash never leaves half a checkpoint.

    Tensors (``state_dict``, optimizer state) are stored as tensors, everything else as one JSON
    string, so the file loads with ``torch.load(weights_only=True)`` on every PyTorch version
    (1.13's safe unpickler rejects Python floats).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    meta = {k: v for k, v in payload.items() if k not in _TENSOR_KEYS}
    blob: Dict[str, Any] = {"format": CHECKPOINT_FORMAT, "meta": json.dumps(meta), "state_dict": payload["state_dict"]}
    if payload.get("optimizer") is not None:
        opt = payload["optimizer"]
        blob["optimizer_state"] = opt["state"]
        blob["optimizer_param_groups"] = json.dumps(opt["param_groups"])
    tmp = path.with_name(path.name + ".tmp")
    torch.save(blob, tmp)
    os.replace(tmp, path)


def load_checkpoint(path: str | os.PathLike) -> Dict[str, Any]:
    """Loads a checkpoint written by :func:`save_checkpoint` (never unpickles code)."""
    path = Path(path)
    if not path.is_file():
        raise UserFacingError(f"checkpoint {path} does not exist")
    kwargs: Dict[str, Any] = {"map_location": "cpu"}
    if "weights_only" in inspect.signature(torch.load).parameters:
        kwargs["weights_only"] = True
    try:
        blob = torch.load(str(path), **kwargs)
    except Exception as exc:
        raise UserFacingError(f"cannot read checkpoint {path}: it is not a MedSeg training checkpoint or is damaged "
                              f"({str(exc).splitlines()[0][:200]})") from exc
    if not isinstance(blob, dict) or blob.get("format") != CHECKPOINT_FORMAT:
        raise UserFacingError(f"{path} is not a MedSeg training checkpoint ({CHECKPOINT_FORMAT})")
    ckpt = json.loads(blob["meta"])
    ckpt["format"] = blob["format"]
    ckpt["state_dict"] = blob["state_dict"]
    if "optimizer_state" in blob:
        ckpt["optimizer"] = {"state": blob["optimizer_state"],
                             "param_groups": json.loads(blob["optimizer_param_groups"])}
    return ckpt


def model_from_checkpoint(ckpt: Dict[str, Any]) -> nn.Module:
    from .registry import create_model

    model = create_model(ckpt["architecture"], **ckpt["model_kwargs"])
    model.load_state_dict(ckpt["state_dict"])
    return model.eval()
