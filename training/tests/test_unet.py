"""U-Net baseline, plus the helpers the U-Net-family tests share (ONNX export + parity, counts)."""

import os
import shutil
from pathlib import Path

import pytest
import torch
from torch import nn

from medseg_training import export as exporter
from medseg_training.nets import UNet
from medseg_training.registry import UnknownModelError, available_models, create_model
from medseg_training.checkpoints import save_checkpoint

from test_blocks import randomise_batchnorm

FAMILY = ("unet", "resunetpp", "ra-vnet", "attention-unet", "improved-skip-unet")
APP_ROOT = Path(__file__).resolve().parents[2]


def count_parameters(model):
    return sum(p.numel() for p in model.parameters())


def _ort_missing():
    if not (os.environ.get("MEDSEG_NODE") or shutil.which("node")):
        return ("Node.js is not installed (the parity check runs onnxruntime-node); "
                "install Node >= 20 or set MEDSEG_NODE")
    if not (os.environ.get("MEDSEG_ORT_MODULE") or (APP_ROOT / "node_modules" / "onnxruntime-node").is_dir()):
        return "onnxruntime-node is not installed; run `npm ci` in the app folder or set MEDSEG_ORT_MODULE"
    return None


requires_ort = pytest.mark.skipif(_ort_missing() is not None, reason=_ort_missing() or "")


def calibrate_batchnorm(model, size=(64, 64), seed=0):
    """Sets every BatchNorm's running statistics to those of one random batch, keeping the affine
    parameters: eval-mode activations then have trained-like scales, so deep paths reach the logits
    (with arbitrary statistics a deep decoder can shrink them to nothing and parity proves little)."""
    norms = [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
    for m in norms:
        m.reset_running_stats()
        m.momentum = None  # cumulative average: after one batch, exactly its statistics
    model.train()
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        model(torch.rand(4, model.in_channels, *size, generator=g))
    for m in norms:
        m.momentum = 0.1
    return model.eval()


def export_with_parity(tmp_path, arch, kwargs, shapes, prepare=None):
    """Exports a model with random BatchNorm parameters and calibrated statistics through
    ``export_checkpoint`` (fold, opset 17, onnxruntime-node parity ≤ 1e-4 against the unfolded
    model); returns (result, onnx model)."""
    import onnx

    torch.manual_seed(0)
    model = calibrate_batchnorm(randomise_batchnorm(create_model(arch, **kwargs)))
    if prepare is not None:
        prepare(model)
    channels = model.in_channels
    path = tmp_path / "model.pt"
    save_checkpoint(path, {"architecture": arch, "model_kwargs": kwargs, "state_dict": model.state_dict(),
                           "train_config": {"preprocessing": {"scale": 1.0, "mean": [0.0] * channels,
                                                              "std": [1.0] * channels}},
                           "epoch": 0, "sizeMultiple": model.size_multiple})
    manifest = {"id": f"test-{arch}", "name": f"Test {arch}",
                "output": {"labels": [{"value": 1, "name": "target", "color": "#d95f02"}]}}
    out = tmp_path / "model.onnx"
    result = exporter.export_checkpoint(path, out, manifest, parity_shapes=shapes)
    assert result["parity"]["maxAbsDiff"] <= 1e-4
    expected_shapes = [[n, model.out_channels, h, w] for n, h, w in shapes]
    assert [c["outputShape"] for c in result["parity"]["cases"]] == expected_shapes
    graph = onnx.load(str(out))
    assert graph.opset_import[0].version == 17
    ops = {n.op_type for n in graph.graph.node}
    assert "BatchNormalization" not in ops
    assert graph.graph.node[-1].op_type == "Conv"  # logits
    assert exporter.read_embedded_manifest(out)["architecture"] == arch
    return result, graph


def unet_parameter_formula(b, depth=4, cin=1, cout=1):
    """By hand: dc(i, o) = two 3×3 convs without bias + two BatchNorms; up = 2×2 transposed conv with bias."""
    def dc(i, o):
        return 9 * i * o + 2 * o + 9 * o * o + 2 * o

    w = [b * 2 ** i for i in range(depth + 1)]
    total = sum(dc(cin if i == 0 else w[i - 1], w[i]) for i in range(depth)) + dc(w[depth - 1], w[depth])
    total += sum(4 * w[i + 1] * w[i] + w[i] + dc(2 * w[i], w[i]) for i in range(depth))
    return total + w[0] * cout + cout


@pytest.mark.parametrize("shape", [(1, 1, 16, 16), (2, 1, 64, 48), (1, 1, 96, 160)])
def test_output_shape_matches_input(shape):
    model = create_model("unet", base_filters=4).eval()
    with torch.no_grad():
        y = model(torch.randn(*shape))
    assert y.shape == (shape[0], 1, shape[2], shape[3])


def test_channels_depth_and_size_multiple():
    model = create_model("unet", in_channels=3, out_channels=2, base_filters=4, depth=3).eval()
    assert model.size_multiple == 8
    with torch.no_grad():
        assert model(torch.randn(2, 3, 24, 40)).shape == (2, 2, 24, 40)
    with pytest.raises(ValueError, match="multiples of 8"):
        model(torch.randn(1, 3, 20, 40))


def test_parameter_count_is_pinned_and_matches_the_hand_formula():
    assert count_parameters(create_model("unet")) == 1_942_289  # base 16: the shipped size (~7.8 MB)
    assert count_parameters(create_model("unet", base_filters=64)) == 31_036_481  # Ronneberger's width
    assert unet_parameter_formula(16) == 1_942_289
    assert unet_parameter_formula(64) == 31_036_481
    model = create_model("unet", in_channels=3, out_channels=2, base_filters=4, depth=3)
    assert count_parameters(model) == unet_parameter_formula(4, depth=3, cin=3, cout=2)
    # one layer group by hand: the first block, 3×3 conv 1→16 + BN, 3×3 conv 16→16 + BN
    assert count_parameters(create_model("unet").encoder[0]) == 9 * 16 + 2 * 16 + 9 * 16 * 16 + 2 * 16 == 2_512


def test_gradients_reach_every_parameter():
    model = create_model("unet", base_filters=4)
    model(torch.randn(2, 1, 32, 32)).mean().backward()
    assert not [n for n, p in model.named_parameters() if p.grad is None]


def test_family_is_registered_and_listed_on_error():
    names = available_models()
    assert set(FAMILY) <= set(names)
    assert isinstance(create_model("UNet", base_filters=4), UNet)
    with pytest.raises(UnknownModelError) as err:
        create_model("u-net-3000")
    assert all(name in str(err.value) for name in FAMILY)


@requires_ort
def test_export_parity(tmp_path):
    export_with_parity(tmp_path, "unet", {"in_channels": 1, "out_channels": 1, "base_filters": 4},
                       [(2, 32, 32), (1, 16, 48)])
