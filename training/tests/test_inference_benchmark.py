"""The PyTorch side of ``npm run bench``'s ``inference``: it says the input's shape, so the ONNX side
feeds a 2.5D (3-channel) model the same input as a 1-channel one."""

import json

import numpy as np

from medseg_training.benchmark import main


def test_the_event_gives_the_shape_of_the_input_it_wrote(tmp_path, capsys):
    onnx = tmp_path / "bench.onnx"
    assert main(["--config", '{"name": "unet", "in_channels": 3, "base_filters": 4}', "--size", "32",
                 "--repeats", "1", "--threads", "1", "--onnx-out", str(onnx)]) == 0
    event = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert event["inputShape"] == [1, 3, 32, 32]
    assert np.fromfile(event["inputPath"], dtype="<f4").size == 3 * 32 * 32
    assert onnx.exists()
