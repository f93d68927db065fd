"""The end of a run: export the chosen checkpoint (ONNX + manifest + parity check, optionally the
weights a later fine-tune starts from) and add what was exported to the ``done`` event."""

from __future__ import annotations

from pathlib import Path
from typing import Dict, Optional


def finish(result: Dict, out_dir: Path, export_from: str, onnx: Optional[str], manifest_json: Optional[str],
           weights_out: Optional[str], last_metrics: Optional[Dict]) -> Dict:
    """``result`` (the fit loop's) plus ``onnx``, ``parityMaxAbsDiff`` and ``exportedValMetrics`` when
    ``onnx`` was asked for and the run was not cancelled."""
    source = Path(out_dir) / f"{export_from}.pt"
    if not onnx or result["stopReason"] == "cancelled" or not source.exists():
        return result
    from .export import export_checkpoint

    exported = export_checkpoint(source, onnx, manifest_json, weights_out=weights_out)
    return {**result, "exportedValMetrics": result["bestValMetrics"] if export_from == "best" else last_metrics,
            "onnx": exported["path"], "parityMaxAbsDiff": exported["parity"]["maxAbsDiff"]}
