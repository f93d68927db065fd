"""ONNX export: BatchNorm folded, manifest embedded, ONNX Runtime (onnxruntime-node) within 1e-4."""

import json

import numpy as np
import pytest
import torch

from medseg_training import export as exporter
from medseg_training.blocks import fold_batchnorm
from medseg_training.registry import create_model
from medseg_training.checkpoints import load_checkpoint, save_checkpoint

from test_blocks import randomise_batchnorm

SHAPES = [(2, 32, 32), (1, 16, 48)]
MANIFEST = {"id": "test-liver", "name": "Test liver", "task": "liver segmentation",
            "output": {"labels": [{"value": 1, "name": "liver", "color": "#d95f02"}], "largestComponent": True}}


@pytest.fixture
def checkpoint(tmp_path):
    torch.manual_seed(0)
    kwargs = {"in_channels": 1, "out_channels": 1, "base_filters": 4}
    model = randomise_batchnorm(create_model("dra-unet", **kwargs))
    path = tmp_path / "model.pt"
    save_checkpoint(path, {"architecture": "dra-unet", "model_kwargs": kwargs, "state_dict": model.state_dict(),
                           "train_config": {"size": [32, 32], "data": "synthetic discs", "loss": "dice-bce",
                                            "preprocessing": {"window": {"center": 60, "width": 400}, "scale": 1.0,
                                                              "mean": [0.0], "std": [1.0]}},
                           "epoch": 3, "step": 12, "bestValDice": 0.875, "sizeMultiple": 16})
    return path


def test_checkpoint_round_trip_loads_weights_only(checkpoint):
    ckpt = load_checkpoint(checkpoint)
    assert ckpt["architecture"] == "dra-unet" and ckpt["bestValDice"] == 0.875
    assert isinstance(ckpt["state_dict"]["head.2.weight"], torch.Tensor)


def test_export_parity_and_manifest(checkpoint, tmp_path):
    import onnx

    out = tmp_path / "model.onnx"
    result = exporter.export_checkpoint(checkpoint, out, json.dumps(MANIFEST), parity_shapes=SHAPES)
    assert result["parity"]["maxAbsDiff"] <= 1e-4
    assert len(result["parity"]["cases"]) == 2
    assert [c["outputShape"] for c in result["parity"]["cases"]] == [[2, 1, 32, 32], [1, 1, 16, 48]]

    model = onnx.load(str(out))
    props = {p.key: p.value for p in model.metadata_props}
    manifest = json.loads(props["medseg.manifest"])
    assert manifest["id"] == "test-liver" and manifest["architecture"] == "dra-unet"
    assert manifest["input"] == {"channels": 1, "height": 32, "width": 32, "sizeMultiple": 16, "layout": "NCHW"}
    assert manifest["preprocessing"]["window"] == {"center": 60, "width": 400}
    assert manifest["output"]["activation"] == "sigmoid" and manifest["output"]["largestComponent"] is True
    assert manifest["metrics"]["dice"] == 0.875 and manifest["training"]["epochs"] == 3
    assert manifest["training"]["config"]["name"] == "dra-unet"
    assert exporter.read_embedded_manifest(out) == manifest

    assert [i.name for i in model.graph.input] == ["input"]
    assert [o.name for o in model.graph.output] == ["logits"]
    dims = [d.dim_param or d.dim_value for d in model.graph.input[0].type.tensor_type.shape.dim]
    assert dims == ["batch", 1, "height", "width"]
    assert model.opset_import[0].version == 17
    ops = {n.op_type for n in model.graph.node}
    assert "BatchNormalization" not in ops and "Sigmoid" in ops  # sigmoid only inside the attention gates
    assert model.graph.node[-1].op_type == "Conv"  # the graph ends in logits


def test_copy_with_manifest_keeps_the_network_and_merges_the_fields(checkpoint, tmp_path):
    import onnx

    source, out = tmp_path / "model.onnx", tmp_path / "variant.onnx"
    exporter.export_checkpoint(checkpoint, source, json.dumps(MANIFEST), parity_shapes=SHAPES)
    fields = {"id": "test-liver-variant-tta", "output": {"testTimeFlips": ["horizontal"], "largestComponent": False}}
    assert exporter.main(["--from-onnx", str(source), "--out", str(out), "--manifest-json", json.dumps(fields)]) == 0
    before, after = exporter.read_embedded_manifest(source), exporter.read_embedded_manifest(out)
    assert after["id"] == "test-liver-variant-tta"
    assert after["output"] == {**before["output"], "testTimeFlips": ["horizontal"], "largestComponent": False}
    assert {k: v for k, v in after.items() if k not in ("id", "output")} == {k: v for k, v in before.items() if k not in ("id", "output")}
    assert onnx.load(str(out)).graph == onnx.load(str(source)).graph


def test_export_fails_when_parity_breaks(checkpoint, tmp_path, monkeypatch):
    def broken_fold(model):
        fold_batchnorm(model)
        with torch.no_grad():
            model.head[2].bias += 0.01  # a wrong fold
        return model

    monkeypatch.setattr(exporter, "fold_batchnorm", broken_fold)
    out = tmp_path / "broken.onnx"
    with pytest.raises(exporter.ExportError, match="differs from PyTorch"):
        exporter.export_checkpoint(checkpoint, out, MANIFEST, parity_shapes=SHAPES)
    assert not out.exists()


def test_export_cli_exit_code_and_message(checkpoint, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(exporter, "fold_batchnorm", lambda m: m.head[2].bias.data.add_(0.5) and m)
    code = exporter.main(["--checkpoint", str(checkpoint), "--out", str(tmp_path / "x.onnx"),
                          "--manifest-json", json.dumps(MANIFEST), "--parity-shapes", "1x32x32"])
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert code == 1 and line["event"] == "error" and "differs from PyTorch" in line["message"]


def test_invalid_manifest_is_rejected(checkpoint, tmp_path):
    bad = {**MANIFEST, "output": {"labels": [{"value": 1, "name": "a", "color": "#000"},
                                             {"value": 2, "name": "b", "color": "#fff"}]}}
    with pytest.raises(exporter.ExportError, match="label"):
        exporter.export_checkpoint(checkpoint, tmp_path / "m.onnx", bad, parity_shapes=SHAPES)
    assert not (tmp_path / "m.onnx").exists()


def test_fine_tune_weights_are_half_precision_and_load_back(checkpoint, tmp_path):
    from medseg_training.checkpoints import model_from_checkpoint

    weights = tmp_path / "m.pt"
    exporter.export_checkpoint(checkpoint, tmp_path / "m.onnx", json.dumps(MANIFEST), parity_shapes=SHAPES, weights_out=weights)
    saved = load_checkpoint(weights)
    assert saved["weightsDtype"] == "float16" and saved["manifest"]["id"] == MANIFEST["id"]
    assert all(v.dtype == torch.float16 for v in saved["state_dict"].values() if v.is_floating_point())
    original, reloaded = model_from_checkpoint(load_checkpoint(checkpoint)), model_from_checkpoint(saved)
    assert all(p.dtype == torch.float32 for p in reloaded.parameters())
    x = torch.randn(1, 1, 32, 32)
    with torch.no_grad():
        a, b = original(x), reloaded(x)
    assert (a - b).abs().max().item() < 2e-2 * a.abs().max().item()
