"""The click encoding (medseg-clicks/1): focus box, disks, channel order, decoding, and the fixture
the engine's tests check against."""

import json

import numpy as np
import pytest
import torch

from medseg_training.interactive.click_encoding import (Box, Click, InteractionSpec, click_disks, decode, encode,
                                                        focus_box, paste)
from medseg_training.interactive.fixture import FIXTURE, fixture

SPEC = InteractionSpec(height=16, width=16, radius=2.0, expand=1.5, min_fraction=0.25)


def test_an_empty_previous_mask_focuses_on_the_whole_slice():
    assert focus_box(np.zeros((30, 50), bool), [Click(3, 4, True)], SPEC) == Box(0, 0, 50, 30)


def test_the_box_is_a_square_around_the_mask_and_clicks_expanded():
    prev = np.zeros((100, 100), bool)
    prev[40:60, 30:50] = True          # 20 × 20, centre (40, 50)
    box = focus_box(prev, [Click(55, 50, False)], SPEC)  # the click widens it to columns 30..55 (26)
    assert (box.width, box.height) == (39, 39)           # ceil(26 × 1.5)
    assert box.x0 == int(np.floor((30 + 55 + 1) / 2 - 39 / 2 + 0.5)) and box.y0 == 31


def test_a_small_object_gets_at_least_min_fraction_of_the_slice_and_stays_inside():
    prev = np.zeros((40, 80), bool)
    prev[38:40, 78:80] = True
    box = focus_box(prev, [], SPEC)
    assert (box.width, box.height) == (20, 20)         # 0.25 × 80
    assert (box.x0, box.y0) == (60, 20)                 # clamped into the slice


def test_a_box_wider_than_the_slice_is_cut_to_it():
    prev = np.zeros((20, 60), bool)
    prev[2:18, 10:50] = True
    assert focus_box(prev, [], SPEC) == Box(0, 0, 60, 20)


def test_disks_include_their_rim_and_follow_the_box():
    spec = InteractionSpec(height=10, width=10, radius=2.5)
    disks = click_disks([Click(4, 4, True)], Box(0, 0, 10, 10), spec)
    assert disks[0, 4 + 2, 4 + 1] == 1 and disks[0, 4 + 2, 4 + 2] == 0   # 1.5² + 2² = 2.5²: on the rim
    assert disks[1].sum() == 0
    zoomed = click_disks([Click(12, 12, False)], Box(10, 10, 5, 5), spec)  # 2× magnified
    assert zoomed[1, 5, 5] == 1 and zoomed[1].sum() > disks[0].sum() * 0 and zoomed[0].sum() == 0


def test_encode_puts_image_then_prompts_in_manifest_order():
    image = np.stack([np.full((8, 8), 0.25, np.float32), np.full((8, 8), 0.75, np.float32)])
    prev = np.zeros((8, 8), bool)
    prev[2:6, 2:6] = True
    spec = InteractionSpec(height=8, width=8, radius=1.0, expand=2.0, min_fraction=1.0,
                           prompts=("previousMask", "positiveClicks", "negativeClicks"))
    x, box = encode(image, prev, [Click(3, 3, True)], spec)
    assert box == Box(0, 0, 8, 8) and tuple(x.shape) == (5, 8, 8)
    assert torch.allclose(x[0], torch.tensor(0.25)) and torch.allclose(x[1], torch.tensor(0.75))
    assert torch.equal(x[2], torch.from_numpy(prev.astype(np.float32)))
    assert x[3, 3, 3] == 1 and x[4].sum() == 0


def test_decode_and_paste_edit_only_the_label_inside_the_box():
    current = np.zeros((10, 10), np.uint8)
    current[0:3, 0:3] = 2            # another structure, outside the box
    current[5:7, 5:7] = 2            # another structure, inside the box
    current[4, 4] = 1                # the label, inside the box, no longer predicted
    box = Box(3, 3, 6, 6)
    prob = torch.zeros(4, 4)
    prob[1:3, 1:3] = 0.9
    pred = decode(prob, box, (10, 10), 0.5)
    assert not pred[:3].any() and pred[3:9, 3:9].any()
    out = paste(current, pred, box, label=1)
    assert (out[0:3, 0:3] == 2).all() and (out[5:7, 5:7] == 2).all()
    assert out[4, 4] == (1 if pred[4, 4] else 0)
    assert set(np.unique(out[pred & (current == 0)])) <= {1}


def test_the_committed_fixture_is_what_this_package_computes():
    committed = json.loads(FIXTURE.read_text())
    assert committed == json.loads(json.dumps(fixture())), \
        "the click encoding changed: regenerate the fixture (python -m medseg_training.interactive.fixture) and make the engine agree"


@pytest.mark.parametrize("case", json.loads(FIXTURE.read_text())["encode"], ids=lambda c: c["name"])
def test_fixture_cases_decode_to_the_stated_box(case):
    spec = InteractionSpec.from_manifest({"interaction": case["interaction"], "input": {"height": case["net"][0], "width": case["net"][1]},
                                          "output": {"threshold": 0.5}})
    prev = np.array([[ch == "1" for ch in row] for row in case["previous"].split("/")])
    clicks = [Click(c["i"], c["j"], c["positive"]) for c in case["clicks"]]
    assert list(focus_box(prev, clicks, spec)) == case["box"]
