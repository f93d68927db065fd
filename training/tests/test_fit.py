"""The fast trainer: precision choice, early stopping on a plateau, 2.5D + canonical runs into the manifest."""

import json

import pytest
import torch

from medseg_training import precision as fast
from medseg_training import train
from medseg_training.checkpoints import load_checkpoint
from medseg_training.losses import make_loss
from medseg_training.registry import create_model
from medseg_training.schedule import Plateau, Schedule

from test_train_cli import events, synthetic_ct  # noqa: F401  (fixture)


def test_fp32_is_asked_for_or_the_cpu_has_no_native_bf16(monkeypatch):
    cpu = torch.device("cpu")
    assert fast.choose_precision("unet", cpu, "fp32").autocast_dtype is None
    monkeypatch.setattr(fast, "cpu_has_native_bf16", lambda: False)
    assert fast.choose_precision("unet", cpu).describe() == {"autocast": None, "channelsLast": False}
    monkeypatch.setattr(fast, "cpu_has_native_bf16", lambda: True)
    chosen = fast.choose_precision("resunetpp", cpu)
    assert chosen.autocast_dtype is torch.bfloat16 and chosen.channels_last == fast.CHANNELS_LAST["resunetpp"]
    with pytest.raises(ValueError, match="precision"):
        fast.choose_precision("unet", cpu, "fp16")


@pytest.mark.skipif(not fast.cpu_has_native_bf16(), reason="needs a CPU with native bf16")
def test_a_bf16_channels_last_step_matches_fp32_closely_and_keeps_fp32_weights():
    torch.manual_seed(0)
    model = create_model("resunetpp", in_channels=3, base_filters=6)
    x, y = torch.rand(2, 3, 32, 32), (torch.rand(2, 1, 32, 32) > 0.5).float()
    losses = {}
    for name, p in (("fp32", fast.StepPrecision(torch.device("cpu"), None, False)),
                    ("fast", fast.StepPrecision(torch.device("cpu"), torch.bfloat16, True))):
        m = create_model("resunetpp", in_channels=3, base_filters=6)
        m.load_state_dict(model.state_dict())
        p.prepare_model(m)
        opt = torch.optim.SGD(m.parameters(), lr=0.0)
        losses[name] = float(fast.training_step(m, opt, make_loss("dice-ce"), p.prepare_input(x), y, p))
        assert all(q.dtype == torch.float32 for q in m.parameters())
    assert losses["fast"] == pytest.approx(losses["fp32"], rel=0.05)


def test_plateau_cuts_the_rate_once_then_stops():
    p = Plateau(patience=4)
    assert [p.observe(d) for d in (0.5, 0.6, 0.6, 0.6)] == [False, False, False, False]
    assert p.lr_factor == pytest.approx(0.3)  # two stale validations = half the patience
    assert [p.observe(d) for d in (0.6, 0.6)] == [False, True]
    s = Schedule(4, p.state())
    assert s.plateau.stale == p.stale and s.factor(0.5) == pytest.approx(0.3)


def test_a_run_stops_on_a_plateau(synthetic_ct, tmp_path, capsys):  # noqa: F811
    ct, seg = synthetic_ct
    args = ["--model-kwargs", '{"base_filters": 4}', "--train", str(ct), str(seg), "--window", "60,400",
            "--size", "32", "--batch-size", "2", "--lr", "1e-9", "--epochs", "30", "--patience", "2",
            "--out-dir", str(tmp_path / "run"), "--val-fraction", "0.34"]
    assert train.main(args) == 0
    done = events(capsys.readouterr().out)[-1]
    assert done["event"] == "done" and done["stopReason"] == "plateau" and done["epochs"] < 30


def test_a_2_5d_canonical_run_records_it_for_the_engine(synthetic_ct, tmp_path, capsys):  # noqa: F811
    ct, seg = synthetic_ct
    out = tmp_path / "run"
    args = ["--model-kwargs", '{"base_filters": 4}', "--train", str(ct), str(seg), "--val", str(ct), str(seg),
            "--window", "60,400", "--size", "32", "--batch-size", "2", "--epochs", "1", "--orientation", "LPS",
            "--adjacent-slices", "1", "--no-flip", "--augment", "strong", "--out-dir", str(out)]
    assert train.main(args) == 0
    start = events(capsys.readouterr().out)[0]
    assert start["modelKwargs"]["in_channels"] == 3 and "autocast" in start["precision"]
    ckpt = load_checkpoint(out / "last.pt")
    from medseg_training.export import default_manifest

    manifest = default_manifest(ckpt)
    assert manifest["input"]["channels"] == 3 and manifest["input"]["adjacentSlices"] == 1
    assert manifest["input"]["orientation"] == "LPS" and manifest["preprocessing"]["mean"] == [0.0, 0.0, 0.0]
    assert manifest["training"]["flip"] is False and manifest["training"]["augment"] == "strong"
    json.dumps(manifest)  # the manifest is plain JSON


def test_best_is_kept_from_last_without_a_second_save_and_outlives_the_next_save(tmp_path):
    from medseg_training.checkpoints import keep_checkpoint_as, save_checkpoint

    last, best = tmp_path / "last.pt", tmp_path / "best.pt"
    save_checkpoint(last, {"state_dict": {"w": torch.ones(2)}, "epoch": 3})
    keep_checkpoint_as(last, best)
    save_checkpoint(last, {"state_dict": {"w": torch.zeros(2)}, "epoch": 4})
    kept = load_checkpoint(best)
    assert kept["epoch"] == 3 and torch.equal(kept["state_dict"]["w"], torch.ones(2))
    assert load_checkpoint(last)["epoch"] == 4 and not (tmp_path / "best.pt.tmp").exists()


def test_batches_are_augmented_on_the_training_device(synthetic_ct, tmp_path, monkeypatch):  # noqa: F811
    from medseg_training import fit

    devices = []

    def recording(*args, **kwargs):
        devices.append(args[4] if len(args) > 4 else kwargs.get("device"))
        return make_batch(*args, **kwargs)

    make_batch = fit.make_batch
    monkeypatch.setattr(fit, "make_batch", recording)
    ct, seg = synthetic_ct
    args = ["--model-kwargs", '{"base_filters": 4}', "--train", str(ct), str(seg), "--window", "60,400", "--size", "32",
            "--batch-size", "2", "--epochs", "1", "--out-dir", str(tmp_path / "run")]
    assert train.main(args) == 0
    assert devices and all(torch.device(d) == torch.device("cpu") for d in devices)


def test_the_weight_average_follows_the_steps_and_lends_itself_for_a_block():
    from medseg_training.weight_average import WeightAverage

    model = torch.nn.Sequential(torch.nn.Linear(2, 1), torch.nn.BatchNorm1d(1))
    with torch.no_grad():
        model[0].weight.fill_(0.0)
    average = WeightAverage(model, decay=0.5)
    with torch.no_grad():
        model[0].weight.fill_(1.0)
    average.update(model)  # first update: min(0.5, 2/11) of the old, 9/11 of the new
    assert average.shadow["0.weight"][0, 0].item() == pytest.approx(9 / 11)
    assert average.shadow["1.num_batches_tracked"].item() == model[1].num_batches_tracked.item()
    with average.applied(model):
        assert model[0].weight[0, 0].item() == pytest.approx(9 / 11)
    assert model[0].weight[0, 0].item() == 1.0
    with pytest.raises(ValueError, match="decay"):
        WeightAverage(model, decay=1.0)


def test_a_weight_averaged_run_validates_and_saves_the_average_and_resumes_its_steps(synthetic_ct, tmp_path, capsys,  # noqa: F811
                                                                                    monkeypatch):
    from medseg_training import fit
    from medseg_training.export import default_manifest

    validated = []

    def recording(model, *args, **kwargs):
        validated.append({k: v.detach().clone() for k, v in model.state_dict().items()})
        return real(model, *args, **kwargs)

    real = fit.validate
    monkeypatch.setattr(fit, "validate", recording)
    ct, seg = synthetic_ct
    out = tmp_path / "run"
    common = ["--model-kwargs", '{"base_filters": 4}', "--train", str(ct), str(seg), "--val", str(ct), str(seg),
              "--window", "60,400", "--size", "32", "--batch-size", "2", "--weight-average", "0.9", "--out-dir", str(out)]
    assert train.main(common + ["--epochs", "1"]) == 0
    first = load_checkpoint(out / "last.pt")
    assert first["averageUpdates"] == first["step"] > 0
    assert any(not torch.equal(first["state_dict"][k], first["training_state_dict"][k]) for k in first["state_dict"])
    assert all(torch.equal(validated[-1][k], first["state_dict"][k]) for k in first["state_dict"])
    assert train.main(common + ["--epochs", "2", "--resume", str(out / "last.pt")]) == 0
    second = load_checkpoint(out / "last.pt")
    assert second["averageUpdates"] == second["step"] == 2 * first["step"]
    assert default_manifest(second)["training"]["weightAverage"] == 0.9
