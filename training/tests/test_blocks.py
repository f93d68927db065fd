import copy

import pytest
import torch
from torch import nn

from medseg_training.blocks import AttentionGate, ChannelAffine, PreActResidualBlock, fold_batchnorm
from medseg_training.registry import create_model


def randomise_batchnorm(model, seed=0):
    g = torch.Generator().manual_seed(seed)
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.copy_(torch.rand(m.num_features, generator=g) - 0.5)
            m.running_var.copy_(torch.rand(m.num_features, generator=g) * 1.5 + 0.5)
            m.weight.data.copy_(torch.rand(m.num_features, generator=g) + 0.5)
            m.bias.data.copy_(torch.rand(m.num_features, generator=g) * 0.4 - 0.2)
    return model


def test_attention_gate_shapes():
    gate = AttentionGate(x_channels=8, g_channels=16, inter_channels=4).eval()
    x, g = torch.randn(2, 8, 32, 24), torch.randn(2, 16, 16, 12)
    y, alpha = gate(x, g), gate.coefficients(x, g)
    assert y.shape == x.shape
    assert alpha.shape == (2, 1, 32, 24)
    assert float(alpha.min()) >= 0.0 and float(alpha.max()) <= 1.0


@pytest.mark.parametrize("cin,cout,preact", [(8, 8, True), (4, 8, True), (1, 8, False)])
def test_residual_block_shapes(cin, cout, preact):
    block = PreActResidualBlock(cin, cout, preactivation=preact).eval()
    assert block(torch.randn(2, cin, 16, 16)).shape == (2, cout, 16, 16)
    assert isinstance(block.shortcut, nn.Identity) == (cin == cout)


def test_fold_batchnorm_keeps_outputs_and_removes_every_batchnorm():
    model = randomise_batchnorm(create_model("dra-unet", base_filters=4)).eval()
    folded = fold_batchnorm(copy.deepcopy(model))
    assert not any(isinstance(m, nn.BatchNorm2d) for m in folded.modules())
    assert any(isinstance(m, ChannelAffine) for m in folded.modules())  # the pre-activation norms
    x = torch.randn(2, 1, 32, 48)
    with torch.no_grad():
        diff = (model(x) - folded(x)).abs().max().item()
    assert diff < 1e-5


def test_fold_sequential_conv_bn_and_conv_transpose():
    seq = nn.Sequential(nn.ConvTranspose2d(3, 5, 2, stride=2), nn.BatchNorm2d(5), nn.ReLU(),
                        nn.Conv2d(5, 4, 3, padding=1), nn.BatchNorm2d(4))
    randomise_batchnorm(seq).eval()
    folded = fold_batchnorm(copy.deepcopy(seq))
    assert sum(isinstance(m, nn.BatchNorm2d) for m in folded.modules()) == 0
    assert sum(isinstance(m, ChannelAffine) for m in folded.modules()) == 0
    x = torch.randn(1, 3, 8, 8)
    with torch.no_grad():
        assert (seq(x) - folded(x)).abs().max().item() < 1e-5
