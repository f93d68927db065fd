"""End to end on a synthetic CT: train (JSON-line progress) → resume → export → eval."""

import json

import numpy as np
import torch
import pytest

from medseg_training import eval as evaluator
from medseg_training import train


@pytest.fixture
def synthetic_ct(tmp_path):
    import nibabel as nib

    rng = np.random.default_rng(0)
    k, j, i = 6, 48, 64
    ct = np.full((i, j, k), -1000.0, np.float32)  # nibabel order [i, j, k]
    labels = np.zeros((i, j, k), np.uint8)
    yy, xx = np.mgrid[:j, :i]
    for s in range(k):
        body = ((xx - 32) / 28) ** 2 + ((yy - 24) / 20) ** 2 < 1
        organ = ((xx - 22 - s) / 10) ** 2 + ((yy - 22) / 8) ** 2 < 1
        ct[:, :, s][body.T] = 0.0
        ct[:, :, s][organ.T] = 120.0
        labels[:, :, s][organ.T] = 1
        labels[:, :, s][(organ & (xx < 20)).T] = 2  # a "tumour" inside the organ
    ct += rng.normal(0, 10, ct.shape).astype(np.float32)
    nib.save(nib.Nifti1Image(ct.astype(np.int16), np.diag([0.8, 0.8, 2.0, 1.0])), str(tmp_path / "ct.nii.gz"))
    nib.save(nib.Nifti1Image(labels, np.diag([0.8, 0.8, 2.0, 1.0])), str(tmp_path / "seg.nii.gz"))
    return tmp_path / "ct.nii.gz", tmp_path / "seg.nii.gz"


def events(text):
    return [json.loads(line) for line in text.strip().splitlines() if line.startswith("{")]


def test_train_resume_export_eval(synthetic_ct, tmp_path, capsys):
    ct, seg = synthetic_ct
    out_dir = tmp_path / "run"
    common = ["--model-kwargs", '{"base_filters": 4}', "--train", str(ct), str(seg), "--train-labels", "1,2",
              "--val", str(ct), str(seg), "--val-labels", "1,2", "--window", "60,400", "--size", "32",
              "--batch-size", "2", "--log-every", "2", "--threads", "2", "--out-dir", str(out_dir)]
    assert train.main(common + ["--epochs", "2"]) == 0
    ev = events(capsys.readouterr().out)
    assert ev[0]["event"] == "start" and ev[0]["trainSlices"] == 6 and ev[0]["valSlices"] == 6
    progress = [e for e in ev if e["event"] == "progress"]
    assert progress and all({"epoch", "step", "loss", "valDice", "etaSeconds"} <= set(e) for e in progress)
    assert any(e.get("epochEnd") and e["valDice"] is not None for e in progress)
    done = ev[-1]
    assert done["event"] == "done" and done["epochs"] == 2 and done["stopReason"] == "epochs"
    assert (out_dir / "best.pt").exists() and (out_dir / "last.pt").exists()

    onnx_path = tmp_path / "synthetic.onnx"
    manifest = {"id": "synthetic-organ", "name": "Synthetic organ",
                "output": {"labels": [{"value": 1, "name": "organ", "color": "#d95f02"}]}}
    assert train.main(common + ["--epochs", "3", "--resume", str(out_dir / "last.pt"),
                                "--export-onnx", str(onnx_path), "--manifest-json", json.dumps(manifest)]) == 0
    ev = events(capsys.readouterr().out)
    assert ev[0]["resumedFromEpoch"] == 2
    done = ev[-1]
    assert done["epochs"] == 3 and done["onnx"] == str(onnx_path) and done["parityMaxAbsDiff"] <= 1e-4

    from medseg_training.export import read_embedded_manifest

    embedded = read_embedded_manifest(onnx_path)
    assert embedded["id"] == "synthetic-organ" and embedded["input"]["height"] == 32
    assert embedded["training"]["data"] == "ct.nii.gz"

    assert evaluator.main(["--checkpoint", str(out_dir / "best.pt"), "--image", str(ct), "--mask", str(seg),
                           "--labels", "1,2", "--threads", "2"]) == 0
    result = events(capsys.readouterr().out)[-1]
    assert result["event"] == "eval" and 0.0 <= result["dice"] <= 1.0 and result["slices"] == 6


def test_alignment_check_cli(synthetic_ct, capsys):
    ct, seg = synthetic_ct
    assert evaluator.main(["--check-alignment", "--image", str(ct), "--mask", str(seg), "--labels", "1,2"]) == 0
    assert events(capsys.readouterr().out)[-1]["aligned"] is True


def test_bad_input_is_an_error_event_not_a_traceback(tmp_path, capsys):
    code = train.main(["--train", str(tmp_path / "missing.nii.gz"), str(tmp_path / "m.nii.gz"),
                       "--out-dir", str(tmp_path / "run"), "--size", "32"])
    ev = events(capsys.readouterr().out)
    assert code == 1 and ev[-1]["event"] == "error" and "does not exist" in ev[-1]["message"]


def test_unknown_architecture_lists_valid_names(synthetic_ct, tmp_path, capsys):
    ct, seg = synthetic_ct
    code = train.main(["--arch", "nope", "--train", str(ct), str(seg), "--out-dir", str(tmp_path / "r")])
    ev = events(capsys.readouterr().out)
    assert code == 1 and "dra-unet" in ev[-1]["message"]


def test_fine_tune_on_a_dataset_file_reports_the_parent_baseline(synthetic_ct, tmp_path, capsys):
    import nibabel as nib

    ct, seg = synthetic_ct
    parent_dir = tmp_path / "parent"
    assert train.main(["--model-kwargs", '{"base_filters": 4}', "--train", str(ct), str(seg), "--train-labels", "1,2",
                       "--window", "60,400", "--size", "32", "--epochs", "1", "--batch-size", "2", "--threads", "2",
                       "--out-dir", str(parent_dir)]) == 0
    capsys.readouterr()
    # The app writes binary masks; the second case is held out, the first has one slice weighted up.
    binary = (np.asarray(nib.load(str(seg)).dataobj) > 0).astype(np.uint8)
    nib.save(nib.Nifti1Image(binary, np.eye(4)), str(tmp_path / "mask.nii.gz"))
    dataset = {"format": "medseg-finetune-dataset/1", "cases": [
        {"id": "a", "image": "ct.nii.gz", "mask": "mask.nii.gz", "split": "train", "sliceWeights": [1, 1, 4, 1, 1, 1]},
        {"id": "b", "image": "ct.nii.gz", "mask": "mask.nii.gz", "split": "validation"}]}
    (tmp_path / "dataset.json").write_text(json.dumps(dataset))
    assert train.main(["--dataset", str(tmp_path / "dataset.json"), "--init-checkpoint", str(parent_dir / "best.pt"),
                       "--epochs", "2", "--batch-size", "2", "--threads", "2", "--out-dir", str(tmp_path / "ft")]) == 0
    ev = events(capsys.readouterr().out)
    assert ev[0]["event"] == "start" and ev[0]["trainSlices"] == 6 and ev[0]["valSlices"] == 6
    baseline = next(e for e in ev if e["event"] == "baseline")
    assert set(baseline["valMetrics"]) == {"dice", "iou", "precision", "recall"}
    done = ev[-1]
    assert done["parentValMetrics"] == baseline["valMetrics"]
    assert done["bestValMetrics"]["dice"] == done["bestValDice"]


def test_dataset_with_a_bad_split_is_a_user_error(synthetic_ct, tmp_path, capsys):
    ct, seg = synthetic_ct
    (tmp_path / "dataset.json").write_text(json.dumps({"format": "medseg-finetune-dataset/1", "cases": [
        {"id": "a", "image": str(ct), "mask": str(seg), "split": "test"}]}))
    code = train.main(["--dataset", str(tmp_path / "dataset.json"), "--out-dir", str(tmp_path / "r"), "--size", "32"])
    assert code == 1 and "split 'test'" in events(capsys.readouterr().out)[-1]["message"]


def test_freeze_batchnorm_keeps_the_statistics_and_trains_the_rest(synthetic_ct, tmp_path, capsys):
    from medseg_training.checkpoints import load_checkpoint

    ct, seg = synthetic_ct
    common = ["--model-kwargs", '{"base_filters": 4}', "--train", str(ct), str(seg), "--window", "60,400", "--size", "32",
              "--batch-size", "2", "--threads", "2", "--epochs", "1"]
    assert train.main(common + ["--out-dir", str(tmp_path / "parent")]) == 0
    assert train.main(common + ["--init-checkpoint", str(tmp_path / "parent" / "last.pt"), "--freeze-batchnorm",
                                "--out-dir", str(tmp_path / "child")]) == 0
    capsys.readouterr()
    before = load_checkpoint(tmp_path / "parent" / "last.pt")["state_dict"]
    after = load_checkpoint(tmp_path / "child" / "last.pt")["state_dict"]
    stats = [k for k in before if k.endswith(("running_mean", "running_var"))]
    weights = [k for k in before if k.endswith("weight") and before[k].dim() == 4]
    assert stats and all(torch.equal(before[k], after[k]) for k in stats)
    assert any(not torch.equal(before[k], after[k]) for k in weights)
