"""Train (or fine-tune) a segmentation network; progress as JSON lines on stdout.

Example (PYTHONPATH=training)::

    /usr/bin/python3 -m medseg_training.train --arch dra-unet --model-kwargs '{"base_filters": 16}' \\
        --train ct-dicom/ label.nii.gz --train-labels 1,2 \\
        --val example_ct.nii.gz example_seg.nii.gz --val-labels 5 \\
        --window 60,400 --size 256 --epochs 40 --batch-size 4 --out-dir runs/liver

Events (one JSON object per line on stdout):

* ``{"event":"start", ...}`` once the data is loaded
* ``{"event":"progress","epoch","step","loss","valDice","etaSeconds", ...}`` every ``--log-every``
  steps and after each validation (``valDice`` is the latest validation Dice, ``null`` before the first)
* ``{"event":"checkpoint","path","valDice","epoch"}`` when a new best model is saved
* ``{"event":"done","bestValDice","bestEpoch","epochs","steps","seconds","checkpoint",...,"stopReason"}``
  (``stopReason``: ``epochs``, ``time-limit`` or ``cancelled``; SIGTERM/SIGINT cancel cleanly at the next step)
* ``{"event":"error","message"}`` then exit code 1 (2 for bad arguments)

Checkpoints in ``--out-dir``: ``last.pt`` (every epoch, resumable with ``--resume``) and ``best.pt``
(best validation Dice). With ``--export-onnx`` the best checkpoint is exported at the end.
"""

from __future__ import annotations

import argparse
import json
import math
import signal
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional

import numpy as np
import torch

from .augment import AugmentConfig, make_batch
from .data import DataError, Preprocessing, SliceSet, describe_sources, load_dataset, load_pair, parse_labels
from .losses import make_loss
from .metrics import confusion, metrics_from_confusion
from .predict import predict_probabilities
from .registry import UnknownModelError, create_model
from .runtime import (UserFacingError, configure_threads, emit, load_checkpoint, save_checkpoint,
                      select_device)


def _floats(text: str) -> List[float]:
    return [float(v) for v in text.split(",") if v.strip()]


def _size(text: str) -> Optional[List[int]]:
    if text in ("0", "native", "none"):
        return None
    parts = text.lower().replace("×", "x").split("x")
    h, w = (int(parts[0]), int(parts[-1]))
    return [h, w]


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m medseg_training.train", description=__doc__.split("\n")[0])
    p.add_argument("--arch", default="dra-unet", help="architecture name (see registry)")
    p.add_argument("--model-kwargs", default="{}", help='JSON object of architecture arguments, e.g. \'{"base_filters": 16}\'')
    p.add_argument("--train", nargs=2, action="append", metavar=("IMAGE", "MASK"), default=[],
                   help="training image (NIfTI, DICOM series folder, 2D image or image folder) and its mask; repeatable")
    p.add_argument("--val", nargs=2, action="append", metavar=("IMAGE", "MASK"), default=[],
                   help="validation image and mask; repeatable")
    p.add_argument("--train-labels", default=None, help="mask values counted as foreground, e.g. 1,2 (default: any non-zero)")
    p.add_argument("--val-labels", default=None, help="mask values counted as foreground in --val masks")
    p.add_argument("--dataset", default=None, help="instead of --train/--val: a medseg-finetune-dataset/1 JSON file "
                   "(cases with their split and per-slice sampling weights), as the app's fine-tune job writes")
    p.add_argument("--val-fraction", type=float, default=0.1, help="without --val: fraction of training slices held out")
    p.add_argument("--channels", type=int, default=1)
    p.add_argument("--window", default=None, help="CT window CENTER,WIDTH mapped to [0, 1], e.g. 60,400")
    p.add_argument("--scale", type=float, default=1.0, help="multiplier after windowing (1/255 for 8-bit images)")
    p.add_argument("--mean", default=None, help="per-channel mean, comma-separated (default 0)")
    p.add_argument("--std", default=None, help="per-channel std, comma-separated (default 1)")
    p.add_argument("--size", default="256", help="network input HxW (e.g. 256 or 256x320); slices are resized to it")
    p.add_argument("--epochs", type=int, default=None, help="epochs (default 50; with --resume: the run's own)")
    p.add_argument("--batch-size", type=int, default=4)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--weight-decay", type=float, default=1e-4)
    p.add_argument("--loss", default="dice-bce", help="dice-bce, dice, bce or weighted-dice-ce")
    p.add_argument("--loss-kwargs", default="{}", help='JSON arguments of the loss, e.g. \'{"pos_weight": 3}\' for weighted-dice-ce')
    p.add_argument("--max-minutes", type=float, default=None, help="stop after this many minutes (0 = no limit); "
                   "the learning-rate schedule follows whichever of epochs/time runs out first")
    p.add_argument("--no-augment", action="store_true", help="no flips/crops/rotation/intensity jitter")
    p.add_argument("--elastic", type=float, default=0.0,
                   help="elastic deformation strength (displacement std in normalised units, e.g. 0.03; 0 = off)")
    p.add_argument("--threads", type=int, default=2, help="CPU threads for PyTorch")
    p.add_argument("--device", default="auto", help="auto, cpu or cuda")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out-dir", required=True, help="folder for last.pt / best.pt")
    p.add_argument("--resume", default=None, help="continue from a last.pt of an interrupted run")
    p.add_argument("--init-checkpoint", default=None, help="fine-tune: start from this checkpoint's weights")
    p.add_argument("--freeze-batchnorm", action="store_true",
                   help="keep BatchNorm statistics fixed (their scale and shift still train): fine-tuning on a few "
                        "cases in batches of 4 would otherwise overwrite statistics learnt on the whole training set")
    p.add_argument("--log-every", type=int, default=10, help="steps between progress events")
    p.add_argument("--val-every", type=int, default=1, help="epochs between validations")
    p.add_argument("--data-description", default=None, help="training data description recorded in the checkpoint/manifest")
    p.add_argument("--export-onnx", default=None, help="export the best checkpoint to this .onnx at the end")
    p.add_argument("--manifest-json", default=None, help="manifest fields (JSON text or a .json file) for --export-onnx")
    p.add_argument("--export-from", choices=("best", "last"), default="best",
                   help="export the checkpoint with the best validation Dice (model selection) or the last one "
                        "(fine-tuning: the held-out cases then judge the model without having chosen it)")
    p.add_argument("--export-weights", default=None, help="with --export-onnx: also write the weights-only checkpoint "
                   "(what a later fine-tune starts from) here")
    return p


class _Stopper:
    """Turns SIGTERM/SIGINT into a flag the training loop checks between steps."""

    def __init__(self) -> None:
        self.requested = False
        self._previous: Dict = {}

    def install(self) -> None:
        for sig in (signal.SIGTERM, signal.SIGINT):
            try:
                self._previous[sig] = signal.signal(sig, self._handle)
            except (ValueError, OSError):  # not the main thread
                pass

    def restore(self) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)
        self._previous.clear()

    def _handle(self, signum, frame) -> None:  # noqa: ARG002
        self.requested = True


def _load_sets(pairs, labels, pre: Preprocessing, channels: int) -> SliceSet:
    out = SliceSet()
    for image, mask in pairs:
        out.extend(load_pair(image, mask, pre, labels, channels))
    return out


def _lr_factor(progress: float) -> float:
    warmup = 0.03
    if progress < warmup:
        return 0.1 + 0.9 * progress / warmup
    t = min(1.0, (progress - warmup) / (1 - warmup))
    return 0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * t))


def validate(model, val: SliceSet, size, size_multiple: int, device, batch_size: int = 8) -> Dict[str, float]:
    """Dice, IoU, precision and recall pooled over every validation voxel (threshold 0.5), predicted
    the way the engine does."""
    probs = predict_probabilities(model, val.images, size=size, size_multiple=size_multiple,
                                  batch_size=batch_size, device=device)
    tp = fp = fn = 0
    for p, m in zip(probs, val.masks):
        pred = (p > 0.5) if p.ndim == 2 else (p.argmax(0) > 0)
        c = confusion(pred, m > 0)
        tp, fp, fn = tp + c["tp"], fp + c["fp"], fn + c["fn"]
    return metrics_from_confusion(tp, fp, fn)


def run(args: argparse.Namespace) -> int:
    stopper = _Stopper()
    stopper.install()
    try:
        return _run(args, stopper)
    finally:
        stopper.restore()


def _run(args: argparse.Namespace, stopper: _Stopper) -> int:
    configure_threads(args.threads)
    device = select_device(args.device)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)

    resume = load_checkpoint(args.resume) if args.resume else None
    init = load_checkpoint(args.init_checkpoint) if args.init_checkpoint else None
    if resume:
        config = dict(resume["train_config"])
        arch, model_kwargs = resume["architecture"], resume["model_kwargs"]
        if args.epochs is not None:
            config["epochs"] = args.epochs
        if args.max_minutes is not None:
            config["maxMinutes"] = args.max_minutes
    else:
        if not args.train and not args.dataset:
            raise UserFacingError("give at least one --train IMAGE MASK pair (or --dataset)")
        try:
            extra = json.loads(args.model_kwargs)
        except json.JSONDecodeError as exc:
            raise UserFacingError(f"--model-kwargs is not valid JSON: {exc}") from exc
        if init:  # fine-tuning keeps the parent's architecture and preprocessing
            arch, model_kwargs = init["architecture"], dict(init["model_kwargs"])
            pre_dict = init["train_config"]["preprocessing"]
            size = init["train_config"]["size"]
        else:
            arch = args.arch
            model_kwargs = {"in_channels": args.channels, "out_channels": 1, **extra}
            channels = model_kwargs["in_channels"]
            pre_dict = Preprocessing(
                window=tuple(_floats(args.window)) if args.window else None, scale=args.scale,
                mean=_floats(args.mean) if args.mean else [0.0] * channels,
                std=_floats(args.std) if args.std else [1.0] * channels).to_manifest()
            size = _size(args.size)
        config = {
            "train": [list(p) for p in args.train], "val": [list(p) for p in args.val], "dataset": args.dataset,
            "trainLabels": parse_labels(args.train_labels), "valLabels": parse_labels(args.val_labels),
            "preprocessing": pre_dict, "size": size, "epochs": args.epochs if args.epochs is not None else 50, "batchSize": args.batch_size,
            "lr": args.lr, "weightDecay": args.weight_decay, "freezeBatchnorm": args.freeze_batchnorm, "loss": args.loss, "lossKwargs": json.loads(args.loss_kwargs), "augment": not args.no_augment,
            "elastic": args.elastic,
            "maxMinutes": args.max_minutes or 0.0, "seed": args.seed,
            "data": args.data_description or describe_sources([p[0] for p in args.train] + [args.dataset or ""]).strip(", "),
            "valData": describe_sources(p[0] for p in args.val) if args.val else None,
            "parent": (init.get("manifest") or {}).get("id") if init else None,
        }
    try:
        model = create_model(arch, **model_kwargs)
    except UnknownModelError as exc:
        raise UserFacingError(str(exc)) from exc
    size_multiple = int(getattr(model, "size_multiple", 16))
    size = config["size"]
    if size is not None and (size[0] % size_multiple or size[1] % size_multiple):
        raise UserFacingError(f"--size {size[0]}x{size[1]} must be a multiple of {size_multiple} for {arch}")
    if init and not resume:
        model.load_state_dict(init["state_dict"])
    pre = Preprocessing.from_manifest(config["preprocessing"])
    channels = model_kwargs.get("in_channels", 1)

    if config.get("dataset"):
        train_set, val_set = load_dataset(config["dataset"], pre, channels)
    else:
        train_set = _load_sets(config["train"], config["trainLabels"], pre, channels)
        val_set = _load_sets(config["val"], config["valLabels"], pre, channels) if config["val"] else SliceSet()
    if not config["val"] and not config.get("dataset"):  # hold out every n-th slice
        n = max(2, int(round(1 / max(1e-6, args.val_fraction)))) if args.val_fraction > 0 else 0
        if n and len(train_set) >= 2 * n:
            val_set = train_set.take(i for i in range(len(train_set)) if i % n == n // 2)
            train_set = train_set.take(i for i in range(len(train_set)) if i % n != n // 2)
    if len(train_set) == 0:
        raise UserFacingError("no training slices were found")
    if size is None and len({im.shape for im in train_set.images}) > 1:
        raise UserFacingError("training images differ in size: give --size HxW to resize them")
    train_size = tuple(size) if size is not None else tuple(train_set.images[0].shape[-2:])

    def train_mode() -> None:
        model.train()
        if config.get("freezeBatchnorm"):
            for m in model.modules():
                if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
                    m.eval()

    model.to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=config["lr"], weight_decay=config["weightDecay"])
    try:
        loss_fn = make_loss(config["loss"], **config.get("lossKwargs", {}))
    except (ValueError, TypeError) as exc:
        raise UserFacingError(f"--loss {config['loss']}: {exc}") from exc
    augment = AugmentConfig(elastic=float(config.get("elastic", 0.0))) if config["augment"] else AugmentConfig.none()

    start_epoch, step, best_dice, best_epoch, history = 0, 0, -1.0, 0, []
    best_metrics: Optional[Dict[str, float]] = None
    # Fine-tuning: the parent's metrics on the same held-out slices, the bar a new version must clear.
    parent_metrics: Optional[Dict[str, float]] = None
    elapsed_before = 0.0
    if resume:
        model.load_state_dict(resume["state_dict"])
        optimizer.load_state_dict(resume["optimizer"])
        start_epoch, step = resume["epoch"], resume["step"]
        best_dice, best_epoch = resume.get("bestValDice", -1.0), resume.get("bestEpoch", 0)
        history = resume.get("history", [])
        elapsed_before = resume.get("seconds", 0.0)
        best_metrics, parent_metrics = resume.get("bestValMetrics"), resume.get("parentValMetrics")

    epochs = int(config["epochs"])
    batch = int(config["batchSize"])
    steps_per_epoch = max(1, math.ceil(len(train_set) / batch))
    total_steps = epochs * steps_per_epoch
    max_seconds = float(config.get("maxMinutes") or 0) * 60.0
    emit("start", architecture=arch, modelKwargs=model_kwargs, device=str(device), threads=torch.get_num_threads(),
         trainSlices=len(train_set), valSlices=len(val_set), inputSize=list(train_size), epochs=epochs,
         stepsPerEpoch=steps_per_epoch, parameters=sum(p.numel() for p in model.parameters()),
         resumedFromEpoch=start_epoch if resume else None)

    if init and not resume and len(val_set):
        parent_metrics = validate(model, val_set, list(size) if size else None, size_multiple, device)
        emit("baseline", valDice=parent_metrics["dice"], valMetrics=parent_metrics, parent=config.get("parent"))
        train_mode()

    t0 = time.time() - elapsed_before
    val_dice: Optional[float] = history[-1].get("valDice") if history else None
    val_metrics: Optional[Dict[str, float]] = resume.get("valMetrics") if resume else None
    stop_reason = "epochs"
    epoch = start_epoch
    val_seconds = 0.0

    def payload(epoch_done: int) -> Dict:
        return {"architecture": arch, "model_kwargs": model_kwargs, "state_dict": model.state_dict(),
                "optimizer": optimizer.state_dict(), "train_config": config, "epoch": epoch_done, "step": step,
                "valDice": val_dice, "bestValDice": best_dice, "bestEpoch": best_epoch, "history": history,
                "valMetrics": val_metrics, "bestValMetrics": best_metrics, "parentValMetrics": parent_metrics,
                "seconds": time.time() - t0, "sizeMultiple": size_multiple, "torch": torch.__version__}

    run_start, first_step, n_vals = time.time(), step, 0

    def eta() -> float:
        per_step = (time.time() - run_start - val_seconds) / max(1, step - first_step)
        per_val = val_seconds / n_vals if n_vals else 0.0
        remaining = (total_steps - step) * per_step + per_val * max(0.0, (epochs - epoch) / max(1, args.val_every))
        if max_seconds:
            remaining = min(remaining, max(0.0, max_seconds - (time.time() - t0)))
        return remaining

    weights = np.asarray(train_set.weights, dtype=np.float64)
    weighted = len(weights) == len(train_set) and np.ptp(weights) > 0
    train_mode()
    for epoch in range(start_epoch, epochs):
        # Weighted slices (human corrections) are drawn proportionally more often.
        order = rng.choice(len(train_set), len(train_set), p=weights / weights.sum()) if weighted \
            else rng.permutation(len(train_set))
        running, running_n = 0.0, 0
        epoch_loss, epoch_n = 0.0, 0
        for b in range(steps_per_epoch):
            if stopper.requested:
                stop_reason = "cancelled"
                break
            if max_seconds and time.time() - t0 >= max_seconds:
                stop_reason = "time-limit"
                break
            idx = order[b * batch:(b + 1) * batch]
            if len(idx) < 2 and len(order) >= 2:  # BatchNorm needs more than one sample
                idx = np.concatenate([idx, order[:2 - len(idx)]])
            x, y = make_batch([train_set.images[i] for i in idx], [train_set.masks[i] for i in idx], train_size,
                              augment, rng)
            x, y = x.to(device), y.to(device)
            progress = step / total_steps
            if max_seconds:
                progress = max(progress, (time.time() - t0) / max_seconds)
            for group in optimizer.param_groups:
                group["lr"] = config["lr"] * _lr_factor(progress)
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(x), y)
            if not torch.isfinite(loss):
                raise UserFacingError(f"the loss became {loss.item()} at step {step}: lower --lr or check the data")
            loss.backward()
            optimizer.step()
            step += 1
            running += loss.item()
            running_n += 1
            epoch_loss += loss.item()
            epoch_n += 1
            if step % args.log_every == 0:
                emit("progress", epoch=epoch + 1, step=step, loss=running / running_n, valDice=val_dice,
                     etaSeconds=eta(), epochs=epochs, totalSteps=total_steps, lr=optimizer.param_groups[0]["lr"])
                running, running_n = 0.0, 0
        if stop_reason == "cancelled":
            if epoch_n:  # keep the weights; a resume restarts this epoch
                save_checkpoint(out_dir / "last.pt", payload(epoch))
            break
        if epoch_n == 0:
            break
        epoch_done = epoch + 1
        partial = stop_reason != "epochs"
        if len(val_set) and (epoch_done % args.val_every == 0 or epoch_done == epochs or partial):
            tv = time.time()
            val_metrics = validate(model, val_set, list(size) if size else None, size_multiple, device)
            val_dice = val_metrics["dice"]
            val_seconds += time.time() - tv
            n_vals += 1
            train_mode()
        history.append({"epoch": epoch_done, "loss": epoch_loss / epoch_n, "valDice": val_dice,
                        "seconds": round(time.time() - t0, 1)})
        improved = val_dice is not None and val_dice > best_dice
        if not len(val_set):
            improved = True  # no validation data: the latest model is the best we know
        if improved:
            best_dice, best_epoch = (val_dice if val_dice is not None else -1.0), epoch_done
            best_metrics = val_metrics
            save_checkpoint(out_dir / "best.pt", payload(epoch_done))
            emit("checkpoint", path=str(out_dir / "best.pt"), valDice=val_dice, epoch=epoch_done)
        save_checkpoint(out_dir / "last.pt", payload(epoch_done))
        emit("progress", epoch=epoch_done, step=step, loss=epoch_loss / epoch_n, valDice=val_dice, etaSeconds=eta(),
             epochs=epochs, totalSteps=total_steps, epochEnd=True, bestValDice=best_dice if best_dice >= 0 else None)
        if partial:
            break

    seconds = time.time() - t0
    result = {"bestValDice": best_dice if best_dice >= 0 else None, "bestValMetrics": best_metrics,
              "parentValMetrics": parent_metrics, "bestEpoch": best_epoch,
              "epochs": history[-1]["epoch"] if history else start_epoch, "steps": step, "seconds": round(seconds, 1),
              "checkpoint": str(out_dir / "best.pt"), "lastCheckpoint": str(out_dir / "last.pt"),
              "stopReason": stop_reason}
    source = out_dir / f"{args.export_from}.pt"
    if args.export_onnx and stop_reason != "cancelled" and source.exists():
        from .export import export_checkpoint

        exported = export_checkpoint(source, args.export_onnx, args.manifest_json, weights_out=args.export_weights)
        result["exportedValMetrics"] = best_metrics if args.export_from == "best" else val_metrics
        result["onnx"] = exported["path"]
        result["parityMaxAbsDiff"] = exported["parity"]["maxAbsDiff"]
    emit("done", **result)
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse already printed usage on stderr
        if exc.code not in (0, None):
            emit("error", message="bad arguments (see usage on stderr)")
        return int(exc.code or 0)
    try:
        return run(args)
    except (UserFacingError, DataError) as exc:
        emit("error", message=str(exc))
        return 1
    except KeyboardInterrupt:
        emit("error", message="interrupted")
        return 1


if __name__ == "__main__":
    sys.exit(main())
