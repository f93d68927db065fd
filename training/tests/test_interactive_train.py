"""The click-guided trainer end to end on a synthetic CT: iterative click training with 2.5D input,
NoC validation, resume, export with the manifest's interaction field and ONNX Runtime parity; and
starting from a trained segmentation network."""

import json

import numpy as np
import pytest
import torch

from medseg_training.interactive import train
from medseg_training.interactive.click_encoding import InteractionSpec
from medseg_training.registry import create_model
from medseg_training.checkpoints import load_checkpoint


@pytest.fixture
def organ_ct(tmp_path):
    import nibabel as nib

    rng = np.random.default_rng(0)
    i, j, k = 40, 32, 5
    ct = np.full((i, j, k), -1000.0, np.float32)
    labels = np.zeros((i, j, k), np.uint8)
    yy, xx = np.mgrid[:j, :i]
    for s in range(k):
        organ = ((xx - 18 - s) / 9) ** 2 + ((yy - 15) / 7) ** 2 < 1
        ct[:, :, s][organ.T] = 120.0
        labels[:, :, s][organ.T] = 1
    ct += rng.normal(0, 10, ct.shape).astype(np.float32)
    for name, data in (("ct", ct.astype(np.int16)), ("seg", labels)):
        nib.save(nib.Nifti1Image(data, np.diag([0.8, 0.8, 2.0, 1.0])), str(tmp_path / f"{name}.nii.gz"))
    return str(tmp_path / "ct.nii.gz"), str(tmp_path / "seg.nii.gz")


def events(text):
    return [json.loads(line) for line in text.strip().splitlines() if line.startswith("{")]


def test_train_resume_and_export_a_2_5d_click_model(organ_ct, tmp_path, capsys):
    image, mask = organ_ct
    common = ["--train", image, mask, "--val", image, mask, "--window", "60,400", "--adjacent-slices", "1", "--size", "32",
              "--model-kwargs", '{"base_filters": 4, "depth": 2}', "--batch-size", "2", "--val-every", "1", "--val-clicks", "3",
              "--out-dir", str(tmp_path / "run")]
    assert train.main(common + ["--epochs", "1"]) == 0
    first = events(capsys.readouterr().out)
    start = first[0]
    assert start["event"] == "start" and start["modelKwargs"]["in_channels"] == 6 and start["trainSlices"] == 5
    assert any(e["event"] == "checkpoint" and 1 <= e["nocAt85"] <= 3 for e in first)

    onnx = tmp_path / "click.onnx"
    manifest = json.dumps({"id": "click-organ", "name": "Click organ", "output": {"labels": [{"value": 1, "name": "organ", "color": "#d95f02"}]}})
    assert train.main(["--resume", str(tmp_path / "run" / "last.pt"), "--epochs", "2", "--out-dir", str(tmp_path / "run"),
                       "--export-onnx", str(onnx), "--manifest-json", manifest]) == 0
    done = events(capsys.readouterr().out)[-1]
    assert done["event"] == "done" and done["epochs"] == 2 and done["parityMaxAbsDiff"] <= 1e-4

    from medseg_training.export import read_embedded_manifest
    embedded = read_embedded_manifest(onnx)
    assert embedded["input"]["channels"] == 6 and embedded["input"]["adjacentSlices"] == 1
    assert embedded["preprocessing"]["window"] == {"center": 60.0, "width": 400.0}
    assert embedded["preprocessing"]["mean"] == [0.0] * 6 and embedded["preprocessing"]["std"] == [1.0] * 6
    spec = InteractionSpec.from_manifest(embedded)
    assert spec.prompts == ("positiveClicks", "negativeClicks", "previousMask") and spec.height == 32
    assert "nocAt85" in embedded["metrics"]
    best = load_checkpoint(tmp_path / "run" / "best.pt")
    assert embedded["training"]["bestEpoch"] == best["epoch"] and embedded["training"]["validateEvery"] == 1
    assert embedded["training"]["device"] == "cpu" and embedded["training"]["threads"] >= 1


def test_init_from_a_segmentation_network_puts_its_weights_on_the_centre_slice():
    old = create_model("unet", in_channels=1, out_channels=1, base_filters=4, depth=2)
    new = create_model("unet", in_channels=6, out_channels=1, base_filters=4, depth=2)
    train.transfer_weights(new, {"state_dict": old.state_dict(), "architecture": "unet"}, offset=1)
    key = next(k for k, v in old.state_dict().items() if v.dim() == 4)
    w_old, w_new = old.state_dict()[key], new.state_dict()[key]
    assert torch.equal(w_new[:, 1:2], w_old)
    assert not w_new[:, 0].any() and not w_new[:, 2:].any()
    rest = [k for k in old.state_dict() if k != key]
    assert all(torch.equal(old.state_dict()[k], new.state_dict()[k]) for k in rest)


def test_an_incompatible_start_is_a_user_error():
    other = create_model("unet", in_channels=1, out_channels=1, base_filters=8, depth=2)
    new = create_model("unet", in_channels=6, out_channels=1, base_filters=4, depth=2)
    with pytest.raises(train.UserFacingError, match="there and"):
        train.transfer_weights(new, {"state_dict": other.state_dict(), "architecture": "unet"}, offset=0)
