"""Attention U-Net (lung tumour paper) and its weighted Dice + cross-entropy loss."""

import pytest
import torch
import torch.nn.functional as F

from medseg_training.blocks import AttentionGate
from medseg_training.losses import soft_dice_loss
from medseg_training.losses import DiceCELoss
from medseg_training.nets import AttentionUNet
from medseg_training.registry import create_model

from test_unet import count_parameters, export_with_parity, requires_ort, unet_parameter_formula


def gate_parameters(x, g, inter):
    """W_x (2×2, stride 2, no bias) + W_g (1×1 + bias) + psi (1×1 + bias) + output 1×1 conv + BN."""
    return 4 * x * inter + (g * inter + inter) + (inter + 1) + (x * x + 2 * x)


@pytest.mark.parametrize("shape", [(1, 1, 16, 16), (2, 1, 64, 48), (1, 1, 96, 160)])
def test_output_shape_matches_input(shape):
    model = create_model("attention-unet", base_filters=4).eval()
    with torch.no_grad():
        assert model(torch.randn(*shape)).shape == (shape[0], 1, shape[2], shape[3])


def test_channels_depth_and_size_check():
    model = create_model("attention-unet", in_channels=3, out_channels=3, base_filters=4, depth=3).eval()
    with torch.no_grad():
        assert model(torch.randn(1, 3, 24, 40)).shape == (1, 3, 24, 40)
    with pytest.raises(ValueError, match="multiples of 8"):
        model(torch.randn(1, 3, 20, 40))


def test_every_skip_is_gated():
    model = create_model("attention-unet", base_filters=4)
    assert isinstance(model, AttentionUNet)
    assert sum(isinstance(m, AttentionGate) for m in model.modules()) == 4
    alphas = []
    for gate in model.gates:
        gate.register_forward_hook(lambda mod, inp, out: alphas.append(mod.coefficients(*inp)))
    with torch.no_grad():
        model.eval()(torch.randn(1, 1, 32, 48))
    assert [tuple(a.shape[-2:]) for a in alphas] == [(4, 6), (8, 12), (16, 24), (32, 48)]  # coarse to fine
    assert all(0.0 <= float(a.min()) and float(a.max()) <= 1.0 for a in alphas)


def test_parameter_count_is_pinned_and_matches_the_hand_formula():
    assert count_parameters(create_model("attention-unet")) == 2_030_053  # base 16, ~8.1 MB
    # = the U-Net's layers + one gate per level (skip f, gating 2f, intermediate f/2)
    gates = sum(gate_parameters(f, 2 * f, f // 2) for f in (16, 32, 64, 128))
    assert gates == 87_764
    assert unet_parameter_formula(16) + gates == 2_030_053
    assert count_parameters(AttentionGate(16, 32, 8)) == gate_parameters(16, 32, 8) == 1_073


def test_gradients_reach_every_parameter():
    model = create_model("attention-unet", base_filters=4)
    model(torch.randn(2, 1, 32, 32)).mean().backward()
    assert not [n for n, p in model.named_parameters() if p.grad is None]


# ----------------------------------------------------------------------------- weighted Dice + CE

def test_weighted_loss_binary_is_the_weighted_sum():
    torch.manual_seed(0)
    logits, target = torch.randn(2, 1, 8, 8), (torch.rand(2, 1, 8, 8) > 0.7).float()
    dice, bce = soft_dice_loss(logits, target), F.binary_cross_entropy_with_logits(logits, target)
    assert torch.allclose(DiceCELoss(0.5, 0.5)(logits, target), 0.5 * dice + 0.5 * bce)
    assert torch.allclose(DiceCELoss(0.8, 0.2)(logits, target), 0.8 * dice + 0.2 * bce)
    assert torch.allclose(DiceCELoss(1.0, 0.0)(logits, target), dice)
    assert torch.allclose(DiceCELoss(0.3, 0.7)(logits, target[:, 0]), 0.3 * dice + 0.7 * bce)


def test_weighted_loss_class_weighting():
    torch.manual_seed(0)
    logits, target = torch.randn(2, 1, 8, 8), (torch.rand(2, 1, 8, 8) > 0.8).float()
    expected = F.binary_cross_entropy_with_logits(logits, target, pos_weight=torch.tensor([4.0]))
    assert torch.allclose(DiceCELoss(0.0, 1.0, pos_weight=4.0)(logits, target), expected)
    logits3, labels = torch.randn(2, 3, 8, 8), torch.randint(0, 3, (2, 8, 8))
    w = torch.tensor([0.2, 1.0, 3.0])
    expected = 0.5 * soft_dice_loss(logits3, labels) + 0.5 * F.cross_entropy(logits3, labels, weight=w)
    assert torch.allclose(DiceCELoss(0.5, 0.5, class_weights=w.tolist())(logits3, labels), expected)
    with pytest.raises(ValueError, match="pos_weight"):
        DiceCELoss(pos_weight=2.0)(logits3, labels)
    with pytest.raises(ValueError, match="not both 0"):
        DiceCELoss(0.0, 0.0)


def test_weighted_loss_prefers_the_right_answer_and_has_gradients():
    target = torch.zeros(1, 1, 16, 16)
    target[..., 4:9, 4:9] = 1
    good = (target * 2 - 1) * 8
    logits = torch.zeros(1, 1, 16, 16, requires_grad=True)
    loss = DiceCELoss(pos_weight=3.0)
    assert loss(good, target) < 0.05 < loss(-good, target)
    loss(logits, target).backward()
    assert logits.grad is not None and logits.grad.abs().sum() > 0


@requires_ort
def test_export_parity(tmp_path):
    _, graph = export_with_parity(tmp_path, "attention-unet", {"in_channels": 1, "out_channels": 1, "base_filters": 4},
                                  [(2, 32, 32), (1, 16, 48)])
    assert sum(n.op_type == "Sigmoid" for n in graph.graph.node) == 4  # one per gate; logits out
