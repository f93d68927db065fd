import numpy as np
import pytest
import torch
from checkers import need

from medseg_training.losses import DiceCELoss, StructureLoss, make_loss, soft_dice_loss
from medseg_training.metrics import dice, fill_holes_per_slice, largest_component, overlap_metrics


def binary_target():
    t = torch.zeros(2, 1, 16, 16)
    t[:, :, 4:12, 5:10] = 1
    return t


def test_perfect_prediction_gives_near_zero_loss():
    t = binary_target()
    logits = (t * 2 - 1) * 30  # confident and right
    assert soft_dice_loss(logits, t).item() < 1e-3
    assert DiceCELoss()(logits, t).item() < 1e-3


def test_wrong_prediction_gives_high_loss():
    t = binary_target()
    logits = (1 - 2 * t) * 30  # confident and wrong
    assert soft_dice_loss(logits, t).item() > 0.95
    assert DiceCELoss()(logits, t).item() > 10


def test_dice_loss_in_unit_interval_and_differentiable():
    logits = torch.randn(2, 1, 16, 16, requires_grad=True)
    loss = make_loss("dice")(logits, binary_target())
    assert 0.0 <= loss.item() <= 1.0
    loss.backward()
    assert logits.grad is not None and torch.isfinite(logits.grad).all()


def test_multiclass_losses():
    target = torch.zeros(2, 16, 16, dtype=torch.long)
    target[:, 2:8, 2:8] = 1
    target[:, 10:14, 10:14] = 2
    perfect = torch.nn.functional.one_hot(target, 3).permute(0, 3, 1, 2).float() * 40
    assert soft_dice_loss(perfect, target).item() < 1e-3
    assert make_loss("dice-bce")(perfect, target).item() < 1e-3


def test_unknown_loss():
    with pytest.raises(ValueError, match="valid"):
        make_loss("focal")


def test_dice_metric():
    a = np.zeros((4, 4), bool)
    b = np.zeros((4, 4), bool)
    assert dice(a, b) == 1.0  # nothing to find, nothing found
    a[0, :2] = True
    assert dice(a, b) == 0.0
    b[0, 1:3] = True
    assert dice(a, b) == pytest.approx(0.5)
    m = overlap_metrics(a, b)
    assert m["iou"] == pytest.approx(1 / 3) and m["precision"] == pytest.approx(0.5) and m["recall"] == pytest.approx(0.5)


def test_postprocessing():
    need("scipy")
    m = np.zeros((2, 10, 10), bool)
    m[:, 1:8, 1:8] = True
    m[:, 4, 4] = False  # a hole
    m[0, 9, 9] = True  # a speck
    out = fill_holes_per_slice(largest_component(m))
    assert out[:, 4, 4].all() and not out[0, 9, 9]


def test_structure_loss_weighs_boundaries_and_prefers_the_right_answer():
    target = torch.zeros(1, 1, 40, 40)
    target[..., 10:30, 10:30] = 1
    good = (target * 2 - 1) * 8
    loss = StructureLoss()
    assert loss(good, target) < 0.05 < loss(-good, target)
    # An error on the boundary costs more than the same error deep inside the background.
    edge, far = good.clone(), good.clone()
    edge[..., 10, 10:30] = -8
    far[..., 0, 0:20] = 8
    assert loss(edge, target) > loss(far, target)
    assert make_loss("structure")(good, target) == loss(good, target)
