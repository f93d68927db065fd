"""The fast trainer against plain fp32: one training step of the same model, batch and input.

Used by ``scripts/bench.ts`` (``training.<architecture>``)::

    /usr/bin/python3 -m medseg_training.training_benchmark \\
        --config '{"name":"resunetpp","in_channels":3,"base_filters":14}' --size 256 --batch-size 4

Prints one JSON line ``{"event":"training-benchmark","fp32StepSeconds","fastStepSeconds","speedup",
"precision",...}``: the median of ``--repeats`` steps of each kind after one warm-up each, the two
kinds alternating so that load from other processes falls on both alike. Both start from the same
weights and see the same batch. ``--layouts`` also times the fast dtype in the other memory layout
(how ``precision.CHANNELS_LAST`` was chosen).
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
import time
from typing import Dict, List, Optional

import numpy as np
import torch

from .events import UserFacingError, emit
from .devices import configure_threads, select_device
from .losses import make_loss
from .precision import StepPrecision, choose_precision, training_step
from .registry import UnknownModelError, create_model


class _Stepper:
    """A model, its optimiser and a fixed batch, stepped in one precision."""

    def __init__(self, model: torch.nn.Module, x: torch.Tensor, y: torch.Tensor, precision: StepPrecision):
        self.model = precision.prepare_model(model).train()
        self.optimizer = torch.optim.AdamW(self.model.parameters(), lr=1e-4)
        self.x, self.y = precision.prepare_input(x), y.to(precision.device)
        self.precision = precision
        self.loss = make_loss("dice-ce")

    def step(self) -> float:
        if self.precision.device.type == "cuda":
            torch.cuda.synchronize()
        start = time.perf_counter()
        training_step(self.model, self.optimizer, self.loss, self.x, self.y, self.precision)
        if self.precision.device.type == "cuda":
            torch.cuda.synchronize()
        return time.perf_counter() - start


def measure(config: Dict, size: int, batch_size: int, repeats: int, device: torch.device,
            layouts: bool = False) -> Dict:
    kwargs = {k: v for k, v in config.items() if k != "name"}
    name = config["name"]
    torch.manual_seed(0)
    model = create_model(name, **kwargs)
    rng = np.random.default_rng(0)
    channels = int(kwargs.get("in_channels", 1))
    x = torch.from_numpy(rng.random((batch_size, channels, size, size), dtype=np.float32))
    y = torch.from_numpy((rng.random((batch_size, 1, size, size)) > 0.7).astype(np.float32))
    fast = choose_precision(name, device)
    kinds = {"fp32": StepPrecision(device, None, False), "fast": fast}
    if layouts and fast.autocast_dtype is not None:
        kinds["fastOtherLayout"] = StepPrecision(device, fast.autocast_dtype, not fast.channels_last, fast.scaler)
    steppers = {k: _Stepper(copy.deepcopy(model), x, y, p) for k, p in kinds.items()}
    times: Dict[str, List[float]] = {k: [] for k in kinds}
    for stepper in steppers.values():
        stepper.step()  # warm-up: oneDNN picks and caches its kernels
    for _ in range(max(1, repeats)):
        for k, stepper in steppers.items():
            times[k].append(stepper.step())
    fp32, fastest = float(np.median(times["fp32"])), float(np.median(times["fast"]))
    out = {"architecture": name, "config": config, "size": size, "batchSize": batch_size, "repeats": repeats,
           "fp32StepSeconds": round(fp32, 4), "fastStepSeconds": round(fastest, 4),
           "speedup": round(fp32 / fastest, 3), "precision": fast.describe(), "threads": torch.get_num_threads()}
    if "fastOtherLayout" in times:
        out["otherLayoutStepSeconds"] = round(float(np.median(times["fastOtherLayout"])), 4)
    return out


def main(argv: Optional[List[str]] = None) -> int:
    p = argparse.ArgumentParser(prog="python -m medseg_training.training_benchmark")
    p.add_argument("--config", required=True, help='JSON: {"name": "dra-unet", ...architecture arguments}')
    p.add_argument("--size", type=int, default=256)
    p.add_argument("--batch-size", type=int, default=4)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--device", default="cpu")
    p.add_argument("--layouts", action="store_true", help="also time the fast dtype in the other memory layout")
    args = p.parse_args(argv)
    configure_threads(args.threads)
    try:
        config = json.loads(args.config)
        result = measure(config, args.size, args.batch_size, args.repeats, select_device(args.device), args.layouts)
    except (json.JSONDecodeError, UnknownModelError, TypeError, KeyError) as exc:
        emit("error", message=f"bad --config: {exc}")
        return 1
    except UserFacingError as exc:
        emit("error", message=str(exc))
        return 1
    emit("training-benchmark", **result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
