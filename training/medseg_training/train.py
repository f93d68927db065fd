"""Train (or fine-tune) a segmentation network; progress as JSON lines on stdout.

Example (PYTHONPATH=training)::

    /usr/bin/python3 -m medseg_training.train --arch dra-unet --model-kwargs '{"base_filters": 16}' \\
        --train ct-dicom/ label.nii.gz --train-labels 1,2 --orientation LPS --adjacent-slices 1 --no-flip \\
        --window 60,400 --size 256 --epochs 200 --patience 12 --batch-size 4 --out-dir runs/liver

Events (one JSON object per line on stdout; ``events.TRAINER_EVENTS`` declares their fields):

* ``start`` once the data is loaded (with the step ``precision`` chosen)
* ``baseline`` (fine-tuning) the parent's metrics on the validation data, before the first step
* ``progress`` every ``--log-every`` steps and after each epoch (``epochEnd``)
* ``checkpoint`` when a new best model is saved
* ``done`` (``stopReason``: ``epochs``, ``plateau``, ``time-limit`` or ``cancelled``; SIGTERM/SIGINT
  cancel cleanly at the next step) or ``error`` then exit code 1 (2 for bad arguments)

The run is composed of ``train_config`` (settings), ``train_data`` (samples in memory), ``fit``
(the loop) and ``train_finish`` (export). Checkpoints in ``--out-dir``: ``last.pt`` (every epoch,
resumable with ``--resume``) and ``best.pt`` (best validation Dice).
"""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path
from typing import Dict, List, Optional

import torch

from .checkpoints import load_checkpoint
from .data import DataError
from .devices import configure_threads, select_device
from .events import UserFacingError, trainer_event
from .fit import Fitter
from .precision import choose_precision
from .registry import UnknownModelError, create_model
from .train_config import build_run_config
from .train_data import load_run_data
from .train_finish import finish


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
    p.add_argument("--channels", type=int, default=None,
                   help="image channels per slice (1 grey, 3 RGB; default: from --model-kwargs in_channels, else 1)")
    p.add_argument("--orientation", choices=("as-stored", "LPS"), default="as-stored",
                   help="LPS: volumes are reordered to the canonical orientation (voxel axes towards Left, "
                        "Posterior, Superior) before training, as the engine does for the exported model")
    p.add_argument("--adjacent-slices", type=int, default=0,
                   help="2.5D: this many slices on each side of slice k become extra input channels (k−n … k+n)")
    p.add_argument("--window", default=None, help="CT window CENTER,WIDTH mapped to [0, 1], e.g. 60,400")
    p.add_argument("--scale", type=float, default=1.0, help="multiplier after windowing (1/255 for 8-bit images)")
    p.add_argument("--mean", default=None, help="per-channel mean, comma-separated (default 0)")
    p.add_argument("--std", default=None, help="per-channel std, comma-separated (default 1)")
    p.add_argument("--size", default="256", help="network input HxW (e.g. 256 or 256x320); slices are resized to it")
    p.add_argument("--epochs", type=int, default=None, help="epochs (default 50; with --resume: the run's own)")
    p.add_argument("--batch-size", type=int, default=4)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--weight-decay", type=float, default=1e-4)
    p.add_argument("--loss", default="dice-ce", help="dice-ce (dice-bce), dice, bce, weighted-dice-ce or structure")
    p.add_argument("--loss-kwargs", default="{}", help='JSON arguments of the loss, e.g. \'{"pos_weight": 3}\' for dice-ce')
    p.add_argument("--max-minutes", type=float, default=None, help="stop after this many minutes (0 = no limit); "
                   "the learning-rate schedule follows whichever of epochs/time runs out first")
    p.add_argument("--patience", type=int, default=None,
                   help="stop after this many validations without improvement (the learning rate is cut ×0.3 "
                        "half-way); --epochs is then only an upper bound (default 0: run the whole budget)")
    p.add_argument("--weight-average", type=float, default=0.0, metavar="DECAY",
                   help="validate and export an exponential moving average of the weights, e.g. 0.99 (~100 steps; "
                        "smooths small-data runs and their plateau signal); 0 = off")
    p.add_argument("--augment", choices=("none", "light", "strong"), default="light",
                   help="light: flips, zoom, rotation, contrast, brightness, noise; strong: + gamma, blur, "
                        "JPEG artefacts (8-bit images), colour/HSV (RGB), wider rotation")
    p.add_argument("--no-augment", action="store_true", help="same as --augment none")
    p.add_argument("--no-flip", action="store_true", help="no mirror images (volumes in the canonical "
                   "orientation: left and right carry anatomy)")
    p.add_argument("--precision", choices=("auto", "fp32"), default="auto",
                   help="auto: bf16 autocast where the CPU has AVX-512 BF16/AMX, CUDA autocast on GPUs, "
                        "channels_last where measured faster; fp32: plain float32 steps")
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
    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    resume = load_checkpoint(args.resume) if args.resume else None
    init = load_checkpoint(args.init_checkpoint) if args.init_checkpoint else None
    run_config = build_run_config(args, resume, init)
    try:
        model = create_model(run_config.architecture, **run_config.model_kwargs)
    except UnknownModelError as exc:
        raise UserFacingError(str(exc)) from exc
    size, multiple = run_config.config["size"], int(getattr(model, "size_multiple", 16))
    if size is not None and (size[0] % multiple or size[1] % multiple):
        raise UserFacingError(f"--size {size[0]}x{size[1]} must be a multiple of {multiple} for {run_config.architecture}")
    if init and not resume:
        model.load_state_dict(init["state_dict"])
    data = load_run_data(run_config)
    try:
        precision = choose_precision(run_config.architecture, device, run_config.config.get("precision", "auto"))
    except ValueError as exc:
        raise UserFacingError(str(exc)) from exc
    fitter = Fitter(model, run_config, data, precision, out_dir, should_stop=lambda: stopper.requested,
                    log_every=args.log_every)
    if resume:
        fitter.restore(resume)
    c = run_config.config
    steps_per_epoch = max(1, -(-len(data.train) // int(c["batchSize"])))
    trainer_event("start", architecture=run_config.architecture, modelKwargs=run_config.model_kwargs, device=str(device),
         threads=torch.get_num_threads(), trainSlices=len(data.train), valSlices=len(data.val),
         inputSize=list(size) if size else list(data.train.images[0].shape[-2:]), epochs=int(c["epochs"]),
         stepsPerEpoch=steps_per_epoch, parameters=sum(p.numel() for p in model.parameters()),
         resumedFromEpoch=fitter.epoch if resume else None, precision=precision.describe())
    if init and not resume:
        fitter.baseline(c.get("parent"))
    result = fitter.fit()
    trainer_event("done", **finish(result, out_dir, args.export_from, args.export_onnx, args.manifest_json, args.export_weights,
                          fitter.val_metrics))
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse already printed usage on stderr
        if exc.code not in (0, None):
            trainer_event("error", message="bad arguments (see usage on stderr)")
        return int(exc.code or 0)
    try:
        return run(args)
    except (UserFacingError, DataError) as exc:
        trainer_event("error", message=str(exc))
        return 1
    except KeyboardInterrupt:
        trainer_event("error", message="interrupted")
        return 1


if __name__ == "__main__":
    sys.exit(main())
