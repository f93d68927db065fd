"""Export a click-guided checkpoint: the trainer's export (BatchNorm folded, ONNX Runtime parity ≤ 1e-4)
with the manifest's ``interaction`` field, which tells the engine and the editor how to feed the network."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional

from ..export import ExportError, _deep_merge, export_checkpoint, read_manifest_arg, report_export
from ..checkpoints import load_checkpoint
from ..devices import configure_threads

#: Shipped models must stay small enough to download with the app.
MAX_BYTES = 15 * 1024 * 1024


def interactive_manifest(ckpt: Dict[str, Any]) -> Dict[str, Any]:
    cfg = ckpt["train_config"]
    own = ckpt.get("valMetrics") or {}
    # best.pt is the last.pt of the epoch that improved: its own validation is the best one
    selected = bool(own) and [own.get("nocAt85"), own.get("nocAt90")] == list(ckpt.get("bestVal") or [])
    manifest = {"interaction": ckpt["interaction"],
                "training": {"protocol": "iterative simulated clicks (RITM/DeepEdit style)", "maxRounds": cfg["maxRounds"],
                             "initFrom": cfg.get("initFrom"), "validation": "mean NoC under the standard protocol",
                             "bestEpoch": ckpt["epoch"] if selected else None, "validateEvery": cfg.get("valEvery"),
                             "device": ckpt.get("device"), "threads": ckpt.get("threads")}}
    if cfg["adjacentSlices"]:
        manifest["input"] = {"adjacentSlices": cfg["adjacentSlices"]}
    return manifest


def export_interactive(checkpoint: str, out: str, manifest_json: Optional[str | Dict] = None,
                       weights_out: Optional[str] = None) -> Dict[str, Any]:
    manifest = _deep_merge(interactive_manifest(load_checkpoint(checkpoint)), read_manifest_arg(manifest_json))
    result = export_checkpoint(checkpoint, out, manifest, weights_out=weights_out)
    if result["bytes"] > MAX_BYTES:
        Path(out).unlink()
        raise ExportError(f"{out} is {result['bytes'] / 2**20:.1f} MB; shipped models must stay under 15 MB: use fewer filters")
    return result


def main(argv: Optional[List[str]] = None) -> int:
    """``python -m medseg_training.interactive.export --checkpoint best.pt --out m.onnx [--manifest-json …] [--weights-out m.pt]``"""
    p = argparse.ArgumentParser(prog="python -m medseg_training.interactive.export", description=__doc__.split("\n")[0])
    p.add_argument("--checkpoint", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--manifest-json", default=None)
    p.add_argument("--weights-out", default=None)
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args(argv)
    configure_threads(args.threads)
    return report_export(lambda: export_interactive(args.checkpoint, args.out, args.manifest_json, args.weights_out))


if __name__ == "__main__":
    sys.exit(main())
