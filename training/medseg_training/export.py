"""Export a checkpoint to ONNX with its manifest embedded, checked against PyTorch by ONNX Runtime.

    /usr/bin/python3 -m medseg_training.export --checkpoint runs/liver/best.pt \\
        --out models/dra-unet-liver-ct.onnx --manifest-json manifest.json

Steps: build the model from the checkpoint (eval mode) → fold every BatchNorm (``blocks.conv``) →
``torch.onnx.export`` at opset 17, input ``input`` / output ``logits`` (NCHW float32, dynamic batch,
height and width) → embed the manifest JSON in ``metadata_props`` under ``medseg.manifest`` →
run the file in ONNX Runtime (onnxruntime-node, graph optimisation ``all``, via ``ort_parity.mjs``)
on random inputs of two shapes and compare with the UNFOLDED PyTorch model. The file is moved
into place only when the largest absolute difference of the logits is ≤ ``--tolerance`` (1e-4);
otherwise the command fails with exit code 1 and leaves nothing at ``--out``.

The graph outputs LOGITS when ``output.activation`` is ``sigmoid``/``softmax``: the engine applies it.

Manifest: the fields derived from the checkpoint (architecture, input, preprocessing, activation,
training provenance, validation Dice) are filled in; ``--manifest-json`` (JSON text or a file)
is merged over them (objects merge key by key). ``id``, ``name`` and ``output.labels`` should come
from it. Node is found as ``$MEDSEG_NODE`` or ``node`` on PATH; onnxruntime-node is resolved from
the app's ``node_modules`` (or ``$MEDSEG_ORT_MODULE``).
"""

from __future__ import annotations

import argparse
import copy
import datetime as _dt
import inspect
import json
import os
import shutil
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch

from .blocks import fold_batchnorm
from .checkpoints import load_checkpoint, model_from_checkpoint, save_checkpoint
from .devices import configure_threads
from .events import UserFacingError, emit
from .manifest_schema import manifest_structure_problems

MANIFEST_KEY = "medseg.manifest"
OPSET = 17
PARITY_SCRIPT = Path(__file__).with_name("ort_parity.mjs")
DEFAULT_TOLERANCE = 1e-4


class ExportError(UserFacingError):
    pass


# --------------------------------------------------------------------------- manifest

def _deep_merge(base: Dict[str, Any], override: Dict[str, Any]) -> Dict[str, Any]:
    out = copy.deepcopy(base)
    for k, v in override.items():
        out[k] = _deep_merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else copy.deepcopy(v)
    return out


def read_manifest_arg(value: Optional[str | Dict]) -> Dict[str, Any]:
    """``--manifest-json``: a dict, JSON text (starting with ``{``) or the path of a JSON file."""
    if value is None:
        return {}
    if isinstance(value, dict):
        return value
    text = value.strip()
    if not text.startswith("{"):
        p = Path(text)
        if not p.is_file():
            raise ExportError(f"--manifest-json: {p} is neither JSON text nor an existing file")
        text = p.read_text(encoding="utf-8")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ExportError(f"--manifest-json is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ExportError("--manifest-json must be a JSON object")
    return data


def default_manifest(ckpt: Dict[str, Any]) -> Dict[str, Any]:
    """The manifest fields a checkpoint determines."""
    cfg = ckpt.get("train_config", {})
    kwargs = ckpt["model_kwargs"]
    out_channels = int(kwargs.get("out_channels", 1))
    size = cfg.get("size")
    pre = cfg.get("preprocessing", {"scale": 1.0, "mean": [0.0], "std": [1.0]})
    inp: Dict[str, Any] = {"channels": int(kwargs.get("in_channels", 1))}
    if size:
        inp.update({"height": int(size[0]), "width": int(size[1])})
    inp.update({"sizeMultiple": int(ckpt.get("sizeMultiple", 16)), "layout": "NCHW"})
    if cfg.get("orientation"):
        inp["orientation"] = cfg["orientation"]
    if cfg.get("adjacentSlices"):
        inp["adjacentSlices"] = int(cfg["adjacentSlices"])
    arch = ckpt["architecture"]
    manifest: Dict[str, Any] = {
        "id": f"{arch}-model", "name": f"{arch} model", "version": "1.0.0", "architecture": arch,
        "task": "segmentation", "modality": "CT" if pre.get("window") else "other",
        "input": inp, "preprocessing": pre,
        "output": {"activation": "sigmoid" if out_channels == 1 else "softmax", "threshold": 0.5,
                   "labels": [{"value": 1, "name": "foreground", "color": "#d95f02"}]},
        "training": {"data": cfg.get("data", ""), "epochs": int(ckpt.get("epoch", 0)),
                     "seconds": round(float(ckpt.get("seconds", 0.0)), 1),
                     "config": {"name": arch, **{k: v for k, v in kwargs.items()}},
                     "loss": cfg.get("loss"), "batchSize": cfg.get("batchSize"), "lr": cfg.get("lr"),
                     "augment": cfg.get("augmentPreset") or cfg.get("augment"), "flip": cfg.get("flip", True),
                     "validationData": cfg.get("valData"), "bestEpoch": ckpt.get("bestEpoch"),
                     "patience": cfg.get("patience") or None, "weightAverage": cfg.get("weightAverage") or None,
                     "precision": ckpt.get("precision"),
                     "budget": {"epochs": cfg.get("epochs"), "minutes": cfg.get("maxMinutes") or None},
                     "framework": f"PyTorch {ckpt.get('torch', torch.__version__)}",
                     "exported": _dt.date.today().isoformat()},
        "metrics": {},
        "parent": cfg.get("parent"),
    }
    if ckpt.get("valMetrics"):  # this checkpoint's own validation (best.pt: the best; last.pt: the last)
        manifest["metrics"] = {k: round(float(v), 4) for k, v in ckpt["valMetrics"].items()}
    elif ckpt.get("bestValDice") is not None and ckpt["bestValDice"] >= 0:
        manifest["metrics"]["dice"] = round(float(ckpt["bestValDice"]), 4)
    if ckpt.get("parentValMetrics"):
        manifest["parentMetrics"] = {k: round(float(v), 4) for k, v in ckpt["parentValMetrics"].items()}
    return manifest


def manifest_problems(m: Dict[str, Any], in_channels: int, out_channels: int) -> List[str]:
    """The manifest's structure checked against the engine's JSON Schema (``manifest_schema.py``),
    then the rules across fields and the checks against the model being exported."""
    problems = manifest_structure_problems(m)
    if problems:
        return problems
    inp, pre, out = m["input"], m["preprocessing"], m["output"]
    if inp["channels"] != in_channels:
        problems.append(f'"input.channels" is {inp["channels"]} but the model takes {in_channels}')
    for k in ("height", "width"):
        if inp.get(k) is not None and inp[k] % inp["sizeMultiple"]:
            problems.append(f'"input.{k}" must be a multiple of sizeMultiple')
    if len(pre["mean"]) != in_channels or len(pre["std"]) != in_channels:
        problems.append('"preprocessing.mean" and ".std" need one value per input channel')
    inter = m.get("interaction")
    if inter is not None and in_channels <= len(inter["prompts"]):
        problems.append('"input.channels" must count the image channels and the prompts')
    if inter is not None and (inp.get("height") is None or inp.get("width") is None):
        problems.append('a click-guided model needs "input.height" and "input.width"')
    act, labels = out["activation"], out["labels"]
    if act == "none":
        problems.append('this exporter writes logits: "output.activation" must be sigmoid or softmax')
    elif act == "sigmoid" and len(labels) != out_channels:
        problems.append(f'sigmoid output: {out_channels} output channel(s) but {len(labels)} label(s)')
    elif act == "softmax" and len(labels) not in (out_channels, out_channels - 1):
        problems.append(f"softmax output: {out_channels} channels (background first) but {len(labels)} label(s)")
    return problems


# --------------------------------------------------------------------------- ONNX

def export_onnx(model: torch.nn.Module, path: str | os.PathLike, example: torch.Tensor) -> None:
    """``torch.onnx.export`` (TorchScript exporter) with dynamic batch/height/width, opset 17."""
    kwargs: Dict[str, Any] = {}
    if "dynamo" in inspect.signature(torch.onnx.export).parameters:
        kwargs["dynamo"] = False  # PyTorch ≥ 2.5 has a second exporter; we need the classic one
    dynamic = {0: "batch", 2: "height", 3: "width"}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the TorchScript exporter's shape-inference chatter
        torch.onnx.export(model, (example,), str(path), opset_version=OPSET, input_names=["input"],
                          output_names=["logits"], dynamic_axes={"input": dynamic, "logits": dynamic},
                          do_constant_folding=True, **kwargs)


def _set_manifest(model, manifest: Dict[str, Any]) -> None:
    """Puts ``manifest`` in a loaded model's metadata (replacing any) and checks the model."""
    import onnx

    for prop in list(model.metadata_props):
        if prop.key == MANIFEST_KEY:
            model.metadata_props.remove(prop)
    entry = model.metadata_props.add()
    entry.key = MANIFEST_KEY
    entry.value = json.dumps(manifest, separators=(",", ":"))
    model.producer_name = "medseg_training"
    onnx.checker.check_model(model)


def _manifest_of(model, path: str | os.PathLike) -> Dict[str, Any]:
    for prop in model.metadata_props:
        if prop.key == MANIFEST_KEY:
            return json.loads(prop.value)
    raise ExportError(f"{path} has no {MANIFEST_KEY} metadata")


def embed_manifest(path: str | os.PathLike, manifest: Dict[str, Any]) -> None:
    import onnx

    model = onnx.load(str(path))
    _set_manifest(model, manifest)
    onnx.save(model, str(path))


def read_embedded_manifest(path: str | os.PathLike) -> Dict[str, Any]:
    import onnx

    return _manifest_of(onnx.load(str(path), load_external_data=False), path)


def copy_with_manifest(source: str | os.PathLike, out: str | os.PathLike, manifest_json: str | Dict) -> Dict[str, Any]:
    """The same network as ``source`` under its manifest with ``manifest_json``'s fields merged in: a
    variant that differs only in how the engine runs it (test-time flips, post-processing)."""
    import onnx

    model = onnx.load(str(source))
    manifest = _deep_merge(_manifest_of(model, source), read_manifest_arg(manifest_json))
    _set_manifest(model, manifest)
    onnx.save(model, str(out))
    # The graph and weights are the source's, already parity-checked when it was exported.
    return {"path": str(out), "bytes": os.path.getsize(out), "parity": None, "manifest": manifest, "from": str(source)}


def _node_executable() -> str:
    node = os.environ.get("MEDSEG_NODE") or shutil.which("node")
    if not node:
        raise ExportError("Node.js was not found: the ONNX Runtime parity check runs onnxruntime-node. "
                          "Install Node ≥ 20 and run `npm ci` in the app folder, or set MEDSEG_NODE")
    return node


def ort_parity(onnx_path: str | os.PathLike, cases: Sequence[Tuple[np.ndarray, np.ndarray]],
               workdir: str | os.PathLike) -> Dict[str, Any]:
    """Runs ``ort_parity.mjs``: ONNX Runtime on each input vs the expected output (raw LE float32 files)."""
    workdir = Path(workdir)
    spec = {"model": str(Path(onnx_path).resolve()), "graphOptimizationLevel": "all", "cases": []}
    for n, (x, y) in enumerate(cases):
        xin, yout = workdir / f"parity-{n}-input.f32", workdir / f"parity-{n}-expected.f32"
        np.ascontiguousarray(x, dtype="<f4").tofile(xin)
        np.ascontiguousarray(y, dtype="<f4").tofile(yout)
        spec["cases"].append({"input": str(xin), "inputShape": list(x.shape), "expected": str(yout),
                              "expectedShape": list(y.shape)})
    spec_path = workdir / "parity.json"
    spec_path.write_text(json.dumps(spec))
    env = dict(os.environ)
    try:
        proc = subprocess.run([_node_executable(), str(PARITY_SCRIPT), str(spec_path)], capture_output=True,
                              text=True, timeout=600, env=env, cwd=str(_app_root()))
    except subprocess.TimeoutExpired as exc:
        raise ExportError("the ONNX Runtime parity check timed out") from exc
    lines = [ln for ln in proc.stdout.strip().splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        message = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        if lines:
            message = json.loads(lines[-1]).get("error", message)
        raise ExportError(f"the ONNX Runtime parity check could not run: {message}")
    return json.loads(lines[-1])


def _app_root() -> Path:
    return Path(__file__).resolve().parents[2]


def parity_inputs(manifest: Dict[str, Any], in_channels: int, shapes: Optional[List[Tuple[int, int, int]]] = None,
                  seed: int = 0) -> List[np.ndarray]:
    """Random inputs in the preprocessed range: [0, 1] images normalised with the manifest's mean/std."""
    inp = manifest["input"]
    mult = int(inp.get("sizeMultiple", 16))
    if shapes is None:
        h, w = int(inp.get("height") or 8 * mult), int(inp.get("width") or 8 * mult)
        shapes = [(2, h, w), (1, 2 * mult, 3 * mult)]
    pre = manifest["preprocessing"]
    mean = np.asarray(pre["mean"], np.float32).reshape(1, -1, 1, 1)
    std = np.asarray(pre["std"], np.float32).reshape(1, -1, 1, 1)
    rng = np.random.default_rng(seed)
    out = []
    for n, h, w in shapes:
        base = rng.random((n, in_channels, h // 8 + 1, w // 8 + 1), dtype=np.float32)  # smooth structures
        x = torch.nn.functional.interpolate(torch.from_numpy(base), size=(h, w), mode="bilinear", align_corners=False)
        x = 0.8 * x.numpy() + 0.2 * rng.random((n, in_channels, h, w), dtype=np.float32)
        out.append(((x - mean) / std).astype(np.float32))
    return out


def export_checkpoint(checkpoint: str | os.PathLike, out: str | os.PathLike, manifest_json: Optional[str | Dict] = None,
                      tolerance: float = DEFAULT_TOLERANCE, parity_shapes: Optional[List[Tuple[int, int, int]]] = None,
                      fold: bool = True, weights_out: Optional[str | os.PathLike] = None) -> Dict[str, Any]:
    """Exports ``checkpoint`` to ``out``; returns ``{"path", "manifest", "parity", "bytes"}``.

    Raises :class:`ExportError` (nothing written at ``out``) when the manifest is invalid or the
    ONNX Runtime output differs from PyTorch by more than ``tolerance``.
    """
    ckpt = load_checkpoint(checkpoint)
    reference = model_from_checkpoint(ckpt)
    kwargs = ckpt["model_kwargs"]
    in_channels, out_channels = int(kwargs.get("in_channels", 1)), int(kwargs.get("out_channels", 1))
    manifest = _deep_merge(default_manifest(ckpt), read_manifest_arg(manifest_json))
    manifest["architecture"] = ckpt["architecture"]
    problems = manifest_problems(manifest, in_channels, out_channels)
    if problems:
        raise ExportError("the manifest is not valid: " + "; ".join(problems))

    inputs = parity_inputs(manifest, in_channels, parity_shapes)
    with torch.no_grad():
        expected = [reference(torch.from_numpy(x)).numpy() for x in inputs]
    exported = copy.deepcopy(reference)
    if fold:
        fold_batchnorm(exported)
    with torch.no_grad():
        fold_diff = max(float(np.abs(exported(torch.from_numpy(x)).numpy() - y).max()) for x, y in zip(inputs, expected))

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="medseg-export-") as tmp:
        tmp_onnx = Path(tmp) / "model.onnx"
        export_onnx(exported, tmp_onnx, torch.from_numpy(inputs[0]))
        embed_manifest(tmp_onnx, manifest)
        parity = ort_parity(tmp_onnx, list(zip(inputs, expected)), tmp)
        parity["foldMaxAbsDiff"] = fold_diff
        parity["tolerance"] = tolerance
        if not parity.get("maxAbsDiff", float("inf")) <= tolerance:
            raise ExportError(f"ONNX Runtime output differs from PyTorch by {parity.get('maxAbsDiff')} "
                              f"(> {tolerance}); the model was not written")
        shutil.move(str(tmp_onnx), str(out.with_name(out.name + ".tmp")))
        os.replace(out.with_name(out.name + ".tmp"), out)
    result = {"path": str(out), "manifest": manifest, "parity": parity, "bytes": out.stat().st_size}
    if weights_out:
        keep = ("architecture", "model_kwargs", "state_dict", "train_config", "epoch", "step", "bestValDice", "valMetrics",
                "sizeMultiple", "seconds", "torch")
        # Half precision halves the file; load_state_dict casts back into the float32 parameters, and
        # a fine-tune measures its parent's baseline from these same weights.
        half = {k: v.half() if v.is_floating_point() else v for k, v in ckpt["state_dict"].items()}
        save_checkpoint(weights_out, {**{k: ckpt[k] for k in keep if k in ckpt}, "state_dict": half,
                                      "weightsDtype": "float16", "manifest": manifest})
        result["weights"] = str(weights_out)
    return result


def main(argv: Optional[List[str]] = None) -> int:
    p = argparse.ArgumentParser(prog="python -m medseg_training.export", description=__doc__.split("\n")[0])
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--checkpoint")
    source.add_argument("--from-onnx", help="re-export an exported model with --manifest-json's fields merged into its manifest (no checkpoint)")
    p.add_argument("--out", required=True, help="the .onnx file to write")
    p.add_argument("--manifest-json", default=None, help="manifest fields: JSON text or a .json file")
    p.add_argument("--tolerance", type=float, default=DEFAULT_TOLERANCE, help="max |ORT - PyTorch| on the logits")
    p.add_argument("--parity-shapes", default=None, help="e.g. 2x256x256,1x32x48 (NxHxW); default from the manifest")
    p.add_argument("--no-fold", action="store_true", help="keep BatchNorm nodes (debugging)")
    p.add_argument("--weights-out", default=None,
                   help="also write a weights-only checkpoint (with the manifest) to fine-tune from later")
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args(argv)
    configure_threads(args.threads)
    shapes = None
    if args.parity_shapes:
        shapes = [tuple(int(v) for v in s.lower().split("x")) for s in args.parity_shapes.split(",")]
    if args.from_onnx:
        return report_export(lambda: copy_with_manifest(args.from_onnx, args.out, args.manifest_json or {}))
    return report_export(lambda: export_checkpoint(args.checkpoint, args.out, args.manifest_json, args.tolerance, shapes,
                                                   fold=not args.no_fold, weights_out=args.weights_out))


def report_export(export: Callable[[], Dict[str, Any]]) -> int:
    """Runs an export for a CLI: one JSON line, the result or the error a user can act on; the exit code."""
    try:
        result = export()
    except UserFacingError as exc:
        emit("error", message=str(exc))
        return 1
    emit("exported", path=result["path"], bytes=result["bytes"], parity=result["parity"], manifest=result["manifest"],
         weights=result.get("weights"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
