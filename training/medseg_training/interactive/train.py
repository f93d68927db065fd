"""Train a click-guided network the way RITM and DeepEdit do; progress as JSON lines on stdout.

    PYTHONPATH=training /usr/bin/python3 -m medseg_training.interactive.train \\
        --train kvasir-train/images kvasir-train/masks --val kvasir-val/images kvasir-val/masks \\
        --channels 3 --scale 0.00392157 --size 192 --epochs 30 --out-dir /work/runs/interactive/polyp

Each step draws a batch (:mod:`.samples`: augmented slices with their first prompt), lets the
network run 0…``--max-rounds`` rounds on it without gradients, each round adding the protocol's
click in the error regions of the network's own previous prediction (which becomes the previous
mask), then trains on the last round's input. Inputs are built exactly as the engine builds them
(:mod:`.click_encoding`), focus box included. Model selection: mean NoC@85 (then NoC@90) on
``--val`` under the standard protocol (:mod:`.noc`).

Events: ``start``, ``progress`` (``epoch, step, loss, valNoc85, valNoc90, etaSeconds``),
``checkpoint``, ``done`` (plus ``onnx``/``parityMaxAbsDiff`` with ``--export-onnx``), ``error``.
Checkpoints (``last.pt``, ``best.pt``) are the trainer's format, so ``medseg_training.export``
and ``--resume`` work on them.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional

import numpy as np
import torch

from ..data import DataError, Preprocessing, parse_labels
from ..losses import make_loss
from ..precision import StepPrecision, choose_precision, training_step
from ..registry import UnknownModelError, create_model
from ..checkpoints import keep_checkpoint_as, load_checkpoint, save_checkpoint
from ..devices import configure_threads, select_device
from ..events import UserFacingError, emit
from ..schedule import cosine_factor as _lr_factor
from ..train import _Stopper
from ..train_config import floats as _floats
from .click_encoding import InteractionSpec, decode, encode, resize_planes
from .clicker import training_click
from .loading import load_sets
from .noc import iou_after_each_click, summarise
from .samples import InteractiveSet, SampleConfig, draw_sample


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m medseg_training.interactive.train", description=__doc__.split("\n")[0])
    p.add_argument("--arch", default="unet")
    p.add_argument("--model-kwargs", default='{"base_filters": 16}')
    p.add_argument("--train", nargs=2, action="append", metavar=("IMAGE", "MASK"), default=[])
    p.add_argument("--val", nargs=2, action="append", metavar=("IMAGE", "MASK"), default=[])
    p.add_argument("--init-from", default=None, help="start from a trained segmentation checkpoint of the same "
                   "architecture on the same data (e.g. the shipped U-Net): the prompts' first-layer weights start at 0")
    p.add_argument("--train-labels", default=None)
    p.add_argument("--val-labels", default=None)
    p.add_argument("--val-slices", default=None, help="FROM,TO: use only these slices of --val volumes (half-open)")
    p.add_argument("--channels", type=int, default=1, help="image channels (3 for RGB)")
    p.add_argument("--adjacent-slices", type=int, default=0,
                   help="CT: this many neighbouring slices on each side as extra image channels (1 → k-1, k, k+1)")
    p.add_argument("--window", default=None)
    p.add_argument("--scale", type=float, default=1.0)
    p.add_argument("--max-side", type=int, default=512, help="images are scaled down at load so no side exceeds this")
    p.add_argument("--size", type=int, default=192, help="network input height = width")
    p.add_argument("--radius", type=float, default=5.0, help="click disk radius in network pixels")
    p.add_argument("--expand", type=float, default=1.4, help="focus box: bounding box × this")
    p.add_argument("--min-fraction", type=float, default=0.2, help="focus box: at least this fraction of the slice")
    p.add_argument("--max-rounds", type=int, default=3, help="simulated rounds before the training pass")
    p.add_argument("--rotate90", action="store_true", help="also transpose (orientation-free images: endoscopy)")
    p.add_argument("--gamma", type=float, default=0.0)
    p.add_argument("--epochs", type=int, default=None, help="epochs (default 30; with --resume: the run's own)")
    p.add_argument("--batch-size", type=int, default=8)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--weight-decay", type=float, default=1e-4)
    p.add_argument("--max-minutes", type=float, default=0.0)
    p.add_argument("--val-every", type=int, default=2)
    p.add_argument("--val-clicks", type=int, default=20)
    p.add_argument("--val-limit", type=int, default=0, help="validate on the first N slices with the structure (0 = all)")
    p.add_argument("--precision", choices=("auto", "fp32"), default="auto",
                   help="auto: the fast trainer's format (bf16 autocast + channels_last where the hardware has it)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--device", default="auto")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--log-every", type=int, default=10)
    p.add_argument("--out-dir", required=True)
    p.add_argument("--resume", default=None)
    p.add_argument("--data-description", default=None)
    p.add_argument("--export-onnx", default=None)
    p.add_argument("--export-weights", default=None)
    p.add_argument("--manifest-json", default=None)
    return p


def _config(args) -> Dict:
    pre = Preprocessing(window=tuple(_floats(args.window)) if args.window else None, scale=args.scale,
                        mean=[0.0] * args.channels, std=[1.0] * args.channels)
    return {
        "arch": args.arch, "modelKwargs": json.loads(args.model_kwargs), "train": args.train, "val": args.val,
        "trainLabels": parse_labels(args.train_labels), "valLabels": parse_labels(args.val_labels),
        "valSlices": [int(v) for v in args.val_slices.split(",")] if args.val_slices else None,
        "channels": args.channels, "adjacentSlices": args.adjacent_slices, "preprocessing": pre.to_manifest(),
        "maxSide": args.max_side, "size": [args.size, args.size],
        "interaction": {"radius": args.radius, "expand": args.expand, "minFraction": args.min_fraction},
        "maxRounds": args.max_rounds, "sample": {"rotate90": args.rotate90, "gamma": args.gamma},
        "epochs": args.epochs or 30, "batchSize": args.batch_size, "lr": args.lr, "weightDecay": args.weight_decay,
        "maxMinutes": args.max_minutes, "valEvery": args.val_every, "valClicks": args.val_clicks, "valLimit": args.val_limit,
        "seed": args.seed, "initFrom": Path(args.init_from).name if args.init_from else None,
        "loss": "dice-bce", "data": args.data_description or ", ".join(Path(p[0]).name for p in args.train),
    }


def image_channels(config: Dict) -> int:
    return config["channels"] * (1 + 2 * config["adjacentSlices"])


def spec_of(config: Dict) -> InteractionSpec:
    i = config["interaction"]
    return InteractionSpec(height=config["size"][0], width=config["size"][1], radius=i["radius"], expand=i["expand"],
                           min_fraction=i["minFraction"])


def transfer_weights(model: torch.nn.Module, ckpt: Dict, offset: int) -> None:
    """Copies a trained segmentation network's weights. The first convolution sees more channels here:
    the old weights go to the image channels from ``offset`` (the centre slice of 2.5D input), the rest
    start at zero, so training starts from the old network and learns what the prompts add."""
    own = model.state_dict()
    for key, value in ckpt["state_dict"].items():
        target = own.get(key)
        if target is None:
            raise UserFacingError(f"--init-from: the checkpoint's {key} has no counterpart in this network")
        value = value.to(target.dtype)
        if target.shape == value.shape:
            own[key] = value
        elif target.dim() == 4 and target.shape[0] == value.shape[0] and target.shape[2:] == value.shape[2:]:
            widened = torch.zeros_like(target)
            widened[:, offset:offset + value.shape[1]] = value
            own[key] = widened
        else:
            raise UserFacingError(f"--init-from: {key} is {list(value.shape)} there and {list(target.shape)} here")
    model.load_state_dict(own)


def simulate_rounds(model, batch, spec: InteractionSpec, rounds: int, rng, precision: StepPrecision) -> None:
    """RITM's iterative training: the network's own prediction becomes the previous mask, and the next
    click goes into its errors."""
    model.eval()
    with torch.no_grad():
        for _ in range(rounds):
            encoded = [encode(s.image, s.previous, s.clicks, spec) for s in batch]
            with precision.autocast():
                logits = model(precision.prepare_input(torch.stack([x for x, _ in encoded])))
            probs = torch.sigmoid(logits.float()).cpu()
            for s, p, (_, box) in zip(batch, probs, encoded):
                s.previous = decode(p[0], box, s.truth.shape, spec.threshold)
                click = training_click(s.truth, s.previous, rng)
                if click:
                    s.clicks.append(click)
    model.train()


def training_pass(batch, spec: InteractionSpec):
    xs, ys = [], []
    for s in batch:
        x, box = encode(s.image, s.previous, s.clicks, spec)
        t = torch.from_numpy(s.truth[box.y0:box.y0 + box.height, box.x0:box.x0 + box.width].astype(np.float32))[None]
        xs.append(x)
        ys.append((resize_planes(t, spec.height, spec.width) > 0.5).float())
    return torch.stack(xs), torch.stack(ys)


def validate(model, val: InteractiveSet, spec: InteractionSpec, max_clicks: int, limit: int, precision: StepPrecision) -> Dict[str, float]:
    """In fp32 (the layout may stay channels_last): the NoC that selects a checkpoint is the exported model's."""
    model.eval()

    def predict(x: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(model(precision.prepare_input(x)).float()).cpu()

    curves = [iou_after_each_click(predict, torch.from_numpy(val.images[n].astype(np.float32)), val.truths[n], spec, max_clicks)
              for n in val.with_structure()[:limit or None]]
    model.train()
    return summarise(curves, max_clicks)


def _run(args, stopper: _Stopper) -> int:
    configure_threads(args.threads)
    device = select_device(args.device)
    resume = load_checkpoint(args.resume) if args.resume else None
    config = dict(resume["train_config"]) if resume else _config(args)
    if resume:  # the checkpoint's preprocessing lists every network channel (for export); loading needs the image's
        pre, channels = config["preprocessing"], config["channels"]
        config["preprocessing"] = {**pre, "mean": pre["mean"][:channels], "std": pre["std"][:channels]}
    if resume:  # a resumed run may be given more time or epochs
        config["maxMinutes"] = args.max_minutes or config["maxMinutes"]
        config["epochs"] = args.epochs or config["epochs"]
    torch.manual_seed(config["seed"])
    rng = np.random.default_rng(config["seed"] + (resume["step"] if resume else 0))
    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    spec = spec_of(config)
    model_kwargs = {"in_channels": image_channels(config) + len(spec.prompts), "out_channels": 1, **config["modelKwargs"]}
    try:
        model = create_model(config["arch"], **model_kwargs)
    except UnknownModelError as exc:
        raise UserFacingError(str(exc)) from exc
    if args.init_from and not resume:
        transfer_weights(model, load_checkpoint(args.init_from), config["channels"] * config["adjacentSlices"])
    size_multiple = int(getattr(model, "size_multiple", 16))
    if spec.height % size_multiple:
        raise UserFacingError(f"--size {spec.height} must be a multiple of {size_multiple} for {config['arch']}")
    train_set, val_set = load_sets(config)
    indices = train_set.trainable()
    if not indices:
        raise UserFacingError("no training slice holds the structure")
    sample_cfg = SampleConfig(rotate90=config["sample"]["rotate90"], gamma=config["sample"]["gamma"])
    precision = choose_precision(config["arch"], device, args.precision)
    if resume:
        model.load_state_dict(resume["state_dict"])
    precision.prepare_model(model)  # before the optimiser, which then holds the relaid-out parameters
    optimizer = torch.optim.AdamW(model.parameters(), lr=config["lr"], weight_decay=config["weightDecay"])
    loss_fn = make_loss(config["loss"])
    epoch0, step, best, history, seconds0 = 0, 0, None, [], 0.0
    if resume:
        optimizer.load_state_dict(resume["optimizer"])
        epoch0, step, best, history, seconds0 = resume["epoch"], resume["step"], resume.get("bestVal"), resume["history"], resume["seconds"]
    batch_size, epochs = config["batchSize"], config["epochs"]
    steps_per_epoch = max(1, len(indices) // batch_size)
    total_steps, max_seconds = epochs * steps_per_epoch, config["maxMinutes"] * 60
    emit("start", architecture=config["arch"], modelKwargs=model_kwargs, device=str(device), trainSlices=len(indices),
         valSlices=len(val_set.with_structure()), inputSize=config["size"], epochs=epochs, stepsPerEpoch=steps_per_epoch,
         parameters=sum(p.numel() for p in model.parameters()), precision=precision.describe(), resumedFromEpoch=epoch0 if resume else None)
    t0 = time.time() - seconds0
    val_metrics: Optional[Dict[str, float]] = history[-1].get("val") if history else None

    def payload(epoch_done: int) -> Dict:
        return {"architecture": config["arch"], "model_kwargs": model_kwargs, "state_dict": model.state_dict(),
                "optimizer": optimizer.state_dict(), "train_config": {**config, "preprocessing": network_preprocessing(config)},
                "epoch": epoch_done, "step": step, "history": history, "valMetrics": val_metrics, "bestVal": best,
                "seconds": time.time() - t0, "sizeMultiple": size_multiple, "torch": torch.__version__,
                "precision": precision.describe(), "interaction": spec.to_manifest(), "device": str(device),
                "threads": torch.get_num_threads()}

    stop_reason = "epochs"
    model.train()
    for epoch in range(epoch0, epochs):
        order = rng.permutation(indices)
        epoch_loss, epoch_n = 0.0, 0
        for b in range(steps_per_epoch):
            if stopper.requested or (max_seconds and time.time() - t0 >= max_seconds):
                stop_reason = "cancelled" if stopper.requested else "time-limit"
                break
            batch = [draw_sample(train_set, int(n), sample_cfg, rng) for n in order[b * batch_size:(b + 1) * batch_size]]
            simulate_rounds(model, batch, spec, int(rng.integers(0, config["maxRounds"] + 1)), rng, precision)
            x, y = training_pass(batch, spec)
            progress = max(step / total_steps, (time.time() - t0) / max_seconds if max_seconds else 0.0)
            for group in optimizer.param_groups:
                group["lr"] = config["lr"] * _lr_factor(progress)
            loss = training_step(model, optimizer, loss_fn, precision.prepare_input(x), y.to(device), precision)
            if not torch.isfinite(loss):
                raise UserFacingError(f"the loss became {loss.item()} at step {step}: lower --lr")
            step += 1
            epoch_loss, epoch_n = epoch_loss + loss.item(), epoch_n + 1
            if step % args.log_every == 0:
                emit("progress", epoch=epoch + 1, step=step, loss=epoch_loss / epoch_n, totalSteps=total_steps,
                     secondsPerStep=(time.time() - t0) / max(1, step), lr=optimizer.param_groups[0]["lr"])
        if epoch_n == 0 or stop_reason == "cancelled":
            break
        epoch_done = epoch + 1
        if len(val_set) and (epoch_done % config["valEvery"] == 0 or epoch_done == epochs or stop_reason != "epochs"):
            val_metrics = validate(model, val_set, spec, config["valClicks"], config["valLimit"], precision)
            history.append({"epoch": epoch_done, "loss": epoch_loss / epoch_n, "val": val_metrics})
            key = (val_metrics["nocAt85"], val_metrics["nocAt90"])
            improved = best is None or key < tuple(best)
            if improved:
                best = list(key)
        else:  # a checkpoint carries only a validation of its own weights
            val_metrics, improved = None, False
            history.append({"epoch": epoch_done, "loss": epoch_loss / epoch_n})
        save_checkpoint(out_dir / "last.pt", payload(epoch_done))
        if improved:
            keep_checkpoint_as(out_dir / "last.pt", out_dir / "best.pt")
            emit("checkpoint", path=str(out_dir / "best.pt"), epoch=epoch_done, **val_metrics)
        emit("progress", epoch=epoch_done, step=step, loss=epoch_loss / epoch_n, epochEnd=True,
             seconds=round(time.time() - t0, 1), **({f"val{k[0].upper()}{k[1:]}": v for k, v in val_metrics.items()} if val_metrics else {}))
        if stop_reason != "epochs":
            break
    source = out_dir / ("best.pt" if (out_dir / "best.pt").exists() else "last.pt")
    result = {"epochs": history[-1]["epoch"] if history else epoch0, "steps": step, "seconds": round(time.time() - t0, 1),
              "best": best, "stopReason": stop_reason, "checkpoint": str(source)}
    if args.export_onnx and stop_reason != "cancelled" and source.exists():
        from .export import export_interactive

        exported = export_interactive(source, args.export_onnx, args.manifest_json, args.export_weights)
        result.update(onnx=exported["path"], parityMaxAbsDiff=exported["parity"]["maxAbsDiff"], bytes=exported["bytes"])
    emit("done", **result)
    return 0


def network_preprocessing(config: Dict) -> Dict:
    """The manifest's preprocessing lists a value per network channel; prompts are never preprocessed (0 and 1)."""
    pre = dict(config["preprocessing"])
    slices, prompts = 1 + 2 * config["adjacentSlices"], len(spec_of(config).prompts)
    return {**pre, "mean": pre["mean"] * slices + [0.0] * prompts, "std": pre["std"] * slices + [1.0] * prompts}


def main(argv: Optional[List[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    stopper = _Stopper()  # SIGTERM/SIGINT end the run cleanly between steps
    stopper.install()
    try:
        return _run(args, stopper)
    except (UserFacingError, DataError) as exc:
        emit("error", message=str(exc))
        return 1
    finally:
        stopper.restore()


if __name__ == "__main__":
    sys.exit(main())
