"""A run's configuration: from the command line, from the checkpoint it resumes, or from the parent
it fine-tunes (which fixes architecture, preprocessing, input size, orientation and 2.5D context,
since the new version must run where the parent ran). The dict is stored in every checkpoint as
``train_config`` (JSON), so resuming needs nothing but ``--resume``.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

from .data import Preprocessing, SampleOptions, describe_sources, parse_labels
from .events import UserFacingError


def floats(text: str) -> List[float]:
    return [float(v) for v in text.split(",") if v.strip()]


def parse_size(text: str) -> Optional[List[int]]:
    if text in ("0", "native", "none"):
        return None
    parts = text.lower().replace("×", "x").split("x")
    return [int(parts[0]), int(parts[-1])]


def _json(text: str, flag: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserFacingError(f"{flag} is not valid JSON: {exc}") from exc


@dataclass
class RunConfig:
    architecture: str
    model_kwargs: Dict[str, Any]
    config: Dict[str, Any]

    def sample_options(self, keep_full_masks: bool = False) -> SampleOptions:
        c = self.config
        size = c.get("size")
        return SampleOptions(preprocessing=Preprocessing.from_manifest(c["preprocessing"]),
                             channels=int(c.get("imageChannels") or self.model_kwargs.get("in_channels", 1)),
                             orientation=c.get("orientation"), adjacent_slices=int(c.get("adjacentSlices") or 0),
                             size=tuple(size) if size else None, keep_full_masks=keep_full_masks)


def image_channels(args: argparse.Namespace, adjacent: int) -> int:
    """``--channels``, or (when only ``--model-kwargs`` names ``in_channels``) what that implies."""
    if args.channels is not None:
        return int(args.channels)
    given = _json(args.model_kwargs, "--model-kwargs").get("in_channels")
    return max(1, int(given) // (2 * adjacent + 1)) if given else 1


def _resumed(args: argparse.Namespace, resume: Dict) -> RunConfig:
    config = dict(resume["train_config"])
    for flag, key in (("epochs", "epochs"), ("max_minutes", "maxMinutes"), ("patience", "patience")):
        if getattr(args, flag) is not None:
            config[key] = getattr(args, flag)
    return RunConfig(resume["architecture"], resume["model_kwargs"], config)


def _sample_settings(args: argparse.Namespace, init: Optional[Dict]) -> Dict[str, Any]:
    """Preprocessing, size, orientation, 2.5D context and flips: the parent's when fine-tuning (a model
    that learnt left from right in the canonical orientation must not be taught with mirror images)."""
    if init:
        parent = init["train_config"]
        return {"preprocessing": parent["preprocessing"], "size": parent["size"],
                "orientation": parent.get("orientation"), "adjacentSlices": int(parent.get("adjacentSlices") or 0),
                "imageChannels": int(parent.get("imageChannels") or init["model_kwargs"].get("in_channels", 1)),
                "flip": bool(parent.get("flip", True))}
    adjacent = max(0, int(args.adjacent_slices))
    network_channels = image_channels(args, adjacent) * (2 * adjacent + 1)
    pre = Preprocessing(window=tuple(floats(args.window)) if args.window else None, scale=args.scale,
                        mean=floats(args.mean) if args.mean else [0.0] * network_channels,
                        std=floats(args.std) if args.std else [1.0] * network_channels)
    if len(pre.mean) != network_channels or len(pre.std) != network_channels:
        raise UserFacingError(f"--mean/--std need {network_channels} values (one per network input channel: "
                              f"{image_channels(args, adjacent)} image channel(s) × {2 * adjacent + 1} slice(s))")
    return {"preprocessing": pre.to_manifest(), "size": parse_size(args.size),
            "orientation": None if args.orientation == "as-stored" else args.orientation,
            "adjacentSlices": adjacent, "imageChannels": image_channels(args, adjacent), "flip": not args.no_flip}


def build_run_config(args: argparse.Namespace, resume: Optional[Dict], init: Optional[Dict]) -> RunConfig:
    if resume:
        return _resumed(args, resume)
    if not args.train and not args.dataset:
        raise UserFacingError("give at least one --train IMAGE MASK pair (or --dataset)")
    samples = _sample_settings(args, init)
    if init:
        arch, model_kwargs = init["architecture"], dict(init["model_kwargs"])
    else:
        network_channels = samples["imageChannels"] * (2 * samples["adjacentSlices"] + 1)
        arch = args.arch
        model_kwargs = {"in_channels": network_channels, "out_channels": 1,
                        **_json(args.model_kwargs, "--model-kwargs")}
        if model_kwargs["in_channels"] != network_channels:
            raise UserFacingError(f"--model-kwargs in_channels {model_kwargs['in_channels']} does not match "
                                  f"{network_channels} input channel(s) (--channels × 2.5D slices)")
    augment = "none" if args.no_augment else args.augment
    config = {
        "train": [list(p) for p in args.train], "val": [list(p) for p in args.val], "dataset": args.dataset,
        "trainLabels": parse_labels(args.train_labels), "valLabels": parse_labels(args.val_labels),
        **samples, "epochs": args.epochs if args.epochs is not None else 50, "batchSize": args.batch_size,
        "lr": args.lr, "weightDecay": args.weight_decay, "freezeBatchnorm": args.freeze_batchnorm,
        "weightAverage": args.weight_average,
        "loss": args.loss, "lossKwargs": _json(args.loss_kwargs, "--loss-kwargs"),
        "augment": augment != "none", "augmentPreset": augment, "elastic": args.elastic,
        "maxMinutes": args.max_minutes or 0.0, "patience": args.patience or 0, "seed": args.seed,
        "precision": args.precision, "valFraction": args.val_fraction, "valEvery": args.val_every,
        "data": args.data_description or describe_sources([p[0] for p in args.train] + [args.dataset or ""]).strip(", "),
        "valData": describe_sources(p[0] for p in args.val) if args.val else None,
        "parent": (init.get("manifest") or {}).get("id") if init else None,
    }
    return RunConfig(arch, model_kwargs, config)
