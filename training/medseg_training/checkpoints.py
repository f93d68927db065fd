"""Training checkpoints: written atomically, loaded without unpickling code."""

from __future__ import annotations

import inspect
import json
import os
import shutil
from pathlib import Path
from typing import Any, Dict

import torch
from torch import nn

from .events import UserFacingError

CHECKPOINT_FORMAT = "medseg-checkpoint/1"

_TENSOR_KEYS = ("state_dict", "training_state_dict", "optimizer")


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
    if payload.get("training_state_dict") is not None:  # with a weight average: the weights the optimiser steps
        blob["training_state_dict"] = payload["training_state_dict"]
    if payload.get("optimizer") is not None:
        opt = payload["optimizer"]
        blob["optimizer_state"] = opt["state"]
        blob["optimizer_param_groups"] = json.dumps(opt["param_groups"])
    tmp = path.with_name(path.name + ".tmp")
    torch.save(blob, tmp)
    os.replace(tmp, path)


def keep_checkpoint_as(path: str | os.PathLike, copy: str | os.PathLike) -> None:
    """Makes ``copy`` the checkpoint now at ``path`` (an improved epoch's ``best.pt`` is its ``last.pt``)
    without serialising it again: a hard link where the file system has them, else a file copy; through a
    temporary name, so ``copy`` is always whole. Later saves to ``path`` replace its name, not the file."""
    path, copy = Path(path), Path(copy)
    tmp = copy.with_name(copy.name + ".tmp")
    tmp.unlink(missing_ok=True)
    try:
        os.link(path, tmp)
    except OSError:
        shutil.copyfile(path, tmp)
    os.replace(tmp, copy)


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
    if "training_state_dict" in blob:
        ckpt["training_state_dict"] = blob["training_state_dict"]
    if "optimizer_state" in blob:
        ckpt["optimizer"] = {"state": blob["optimizer_state"],
                             "param_groups": json.loads(blob["optimizer_param_groups"])}
    return ckpt


def model_from_checkpoint(ckpt: Dict[str, Any]) -> nn.Module:
    from .registry import create_model

    model = create_model(ckpt["architecture"], **ckpt["model_kwargs"])
    model.load_state_dict(ckpt["state_dict"])
    return model.eval()
