"""The fast-trainer benchmark behind ``npm run bench``'s ``training.<architecture>``."""

import json

import torch

from medseg_training.training_benchmark import main, measure


def test_measure_times_both_precisions_of_the_same_step():
    out = measure({"name": "unet", "in_channels": 3, "base_filters": 4}, size=32, batch_size=2, repeats=1,
                  device=torch.device("cpu"))
    assert out["fp32StepSeconds"] > 0 and out["fastStepSeconds"] > 0
    assert abs(out["speedup"] - out["fp32StepSeconds"] / out["fastStepSeconds"]) < 0.01
    assert out["precision"]["autocast"] in (None, "bfloat16")
    assert (out["architecture"], out["size"], out["batchSize"]) == ("unet", 32, 2)


def test_cli_prints_one_json_event_and_rejects_unknown_architectures(capsys):
    assert main(["--config", '{"name": "unet", "base_filters": 4}', "--size", "32", "--batch-size", "1",
                 "--repeats", "1", "--threads", "1"]) == 0
    event = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert event["event"] == "training-benchmark" and event["speedup"] > 0
    assert main(["--config", '{"name": "no-such-net"}']) == 1
    assert "bad --config" in capsys.readouterr().out
