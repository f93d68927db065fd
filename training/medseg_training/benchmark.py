"""PyTorch eager timing of an architecture, plus the same weights exported for ONNX Runtime timing.

Used by ``scripts/bench.ts``::

    /usr/bin/python3 -m medseg_training.benchmark --config '{"name":"dra-unet","base_filters":16}' \\
        --size 512 --threads 2 --repeats 5 --onnx-out /tmp/bench.onnx

``--config`` is the manifest's ``training.config`` (``name`` + architecture arguments). Weights are
random (timing only). Writes the folded ONNX to ``--onnx-out`` and the input (``[1, C, size, size]``
raw little-endian float32) next to it, and prints one JSON line:
``{"torchMsPerSlice", "inputPath", "onnxPath", "size", "threads", "config"}`` (median of ``--repeats``
single-slice forwards after one warm-up; eval mode, BatchNorm not folded, as trained).
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
import time
from typing import List, Optional

import numpy as np
import torch

from .blocks import fold_batchnorm
from .export import export_onnx
from .registry import UnknownModelError, create_model
from .devices import configure_threads
from .events import UserFacingError, emit


def main(argv: Optional[List[str]] = None) -> int:
    p = argparse.ArgumentParser(prog="python -m medseg_training.benchmark")
    p.add_argument("--config", required=True, help='JSON: {"name": "dra-unet", ...architecture arguments}')
    p.add_argument("--size", type=int, default=512)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--onnx-out", required=True)
    args = p.parse_args(argv)
    configure_threads(args.threads)
    try:
        config = json.loads(args.config)
        kwargs = {k: v for k, v in config.items() if k != "name"}
        model = create_model(config.get("name") or config.get("architecture"), **kwargs).eval()
    except (json.JSONDecodeError, UnknownModelError, TypeError) as exc:
        emit("error", message=f"bad --config: {exc}")
        return 1
    channels = int(kwargs.get("in_channels", 1))
    x = torch.from_numpy(np.random.default_rng(0).random((1, channels, args.size, args.size), dtype=np.float32))
    times = []
    with torch.no_grad():
        model(x)
        for _ in range(max(1, args.repeats)):
            t = time.perf_counter()
            model(x)
            times.append((time.perf_counter() - t) * 1000)
    try:
        export_onnx(fold_batchnorm(copy.deepcopy(model)), args.onnx_out, x)
    except UserFacingError as exc:
        emit("error", message=str(exc))
        return 1
    input_path = args.onnx_out + ".input.f32"
    x.numpy().astype("<f4").tofile(input_path)
    emit("benchmark", torchMsPerSlice=float(np.median(times)), inputPath=input_path, inputShape=list(x.shape), onnxPath=args.onnx_out,
         size=args.size, threads=args.threads, config=config)
    return 0


if __name__ == "__main__":
    sys.exit(main())
