"""Evaluate a checkpoint on an image + mask the way the engine runs the exported model.

    /usr/bin/python3 -m medseg_training.eval --checkpoint runs/liver/best.pt \\
        --image example_ct_sm.nii.gz --mask example_seg.nii.gz --labels 5

Slices are read as the checkpoint's run read them (``data.py``: its orientation, 2.5D context,
preprocessing and input size), predicted, resized back, thresholded at 0.5, and compared with the
mask voxels in ``--labels``. Prints one JSON line ``{"event":"eval","dice","iou","precision","recall",
"postprocessed":{...},...}``; ``postprocessed`` applies the engine's optional post-processing
(largest 3D connected component, then hole filling per slice; needs scipy).

``--check-alignment`` instead prints the overlay check of a CT mask against its image
(``data.mask_alignment_report``), to catch flipped or reordered labels before training.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import List, Optional

import numpy as np

from .data import DataError, foreground, load_pair, mask_alignment_report, parse_labels
from .metrics import fill_holes_per_slice, largest_component, overlap_metrics
from .predict import binary_prediction, predict_samples
from .readers import read_mask, read_volume
from .train_config import RunConfig
from .checkpoints import load_checkpoint, model_from_checkpoint
from .devices import configure_threads, select_device
from .events import UserFacingError, emit


def evaluate(checkpoint: str, image: str, mask: str, labels: Optional[List[int]], device: str = "auto",
             batch_size: int = 4, threshold: float = 0.5, postprocess: bool = True) -> dict:
    ckpt = load_checkpoint(checkpoint)
    model = model_from_checkpoint(ckpt)
    dev = select_device(device)
    model.to(dev)
    run = RunConfig(ckpt["architecture"], ckpt["model_kwargs"], ckpt.get("train_config", {}))
    samples = load_pair(image, mask, run.sample_options(keep_full_masks=True), labels)
    probs = predict_samples(model, samples, run.sample_options().preprocessing, dev,
                            int(ckpt.get("sizeMultiple", 16)), batch_size)
    pred = np.stack([binary_prediction(p, threshold) for p in probs])
    truth = np.stack(samples.full_masks) > 0
    result = {"checkpoint": Path(checkpoint).name, "image": Path(image).name, "labels": labels,
              "slices": int(pred.shape[0]), "threshold": threshold, **overlap_metrics(pred, truth)}
    if postprocess:
        try:
            post = fill_holes_per_slice(largest_component(pred))
            result["postprocessed"] = {"largestComponent": True, "fillHoles": True, **overlap_metrics(post, truth)}
        except ImportError:
            result["postprocessed"] = None  # scipy missing
    return result


def main(argv: Optional[List[str]] = None) -> int:
    p = argparse.ArgumentParser(prog="python -m medseg_training.eval", description=__doc__.split("\n")[0])
    p.add_argument("--checkpoint", help="checkpoint (.pt) to evaluate")
    p.add_argument("--image", required=True, help="NIfTI, DICOM series folder, 2D image or image folder")
    p.add_argument("--mask", required=True, help="label map on the same voxel grid")
    p.add_argument("--labels", default=None, help="mask values counted as foreground, e.g. 5 or 1,2 (default non-zero)")
    p.add_argument("--threshold", type=float, default=0.5)
    p.add_argument("--no-postprocess", action="store_true")
    p.add_argument("--check-alignment", action="store_true", help="only check the mask overlays the CT as stored")
    p.add_argument("--device", default="auto")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batch-size", type=int, default=4)
    args = p.parse_args(argv)
    configure_threads(args.threads)
    try:
        labels = parse_labels(args.labels)
        if args.check_alignment:
            vol = read_volume(args.image)
            report = mask_alignment_report(vol.array, foreground(read_mask(args.mask), labels))
            emit("alignment", image=Path(args.image).name, mask=Path(args.mask).name, **report)
            return 0 if report["aligned"] else 3
        if not args.checkpoint:
            raise UserFacingError("--checkpoint is required (unless --check-alignment)")
        emit("eval", **evaluate(args.checkpoint, args.image, args.mask, labels, args.device, args.batch_size,
                                args.threshold, not args.no_postprocess))
        return 0
    except (UserFacingError, DataError) as exc:
        emit("error", message=str(exc))
        return 1


if __name__ == "__main__":
    sys.exit(main())
