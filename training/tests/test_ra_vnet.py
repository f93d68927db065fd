"""RA V-Net (liver CT paper): CofRes encoder, channel attention, AR decoder with a ConvLSTM."""

import pytest
import torch

from medseg_training.blocks import (AttentionRecoveryModule, ChannelAttention, CofResBlock, ConvLSTM, ConvLSTMCell,
                                    UpsamplingResidualBlock)
from medseg_training.nets import RAVNet
from medseg_training.registry import create_model

from test_blocks import randomise_batchnorm
from test_unet import calibrate_batchnorm, count_parameters, export_with_parity, requires_ort


def cofres_parameters(i, o):
    q = o // 4
    convs = 9 * i * q + 2 * q + 3 * (9 * q * q + 2 * q)  # four 3×3 conv + BN at a quarter width
    fuse = o * o + 2 * o  # conv⑤ 1×1 + BN
    return convs + fuse + (0 if i == o else i * o + 2 * o)


def convlstm_parameters(i, h, k=3):
    return 4 * h * k * k * (i + h) + 4 * h


@pytest.mark.parametrize("shape", [(1, 1, 16, 16), (2, 1, 64, 48), (1, 1, 96, 160)])
def test_output_shape_matches_input(shape):
    model = create_model("ra-vnet", base_filters=4).eval()
    with torch.no_grad():
        assert model(torch.randn(*shape)).shape == (shape[0], 1, shape[2], shape[3])


def test_channels_depth_and_errors():
    model = create_model("ra-vnet", in_channels=2, out_channels=3, base_filters=8, depth=3).eval()
    with torch.no_grad():
        assert model(torch.randn(1, 2, 24, 40)).shape == (1, 3, 24, 40)
    with pytest.raises(ValueError, match="multiples of 8"):
        model(torch.randn(1, 2, 20, 40))
    with pytest.raises(ValueError, match="multiple of 4"):
        create_model("ra-vnet", base_filters=6)


def test_parameter_count_is_pinned_and_matches_the_hand_formula():
    model = create_model("ra-vnet")
    assert isinstance(model, RAVNet)
    assert count_parameters(model) == 2_296_974  # base 16 (~9.2 MB), the size we ship
    assert count_parameters(model.bottom) == cofres_parameters(128, 256) == 284_160
    encoder = sum(cofres_parameters(i, o) for i, o in [(1, 16), (16, 32), (32, 64), (64, 128)])
    assert sum(count_parameters(b) for b in model.encoder) == encoder
    assert count_parameters(model.decoder[0].lstm) == convlstm_parameters(128, 128) == 1_180_160
    assert count_parameters(model.channel_attention) == 1  # only gamma


def test_cofres_is_residual():
    block = CofResBlock(16, 16).eval()
    x = torch.randn(2, 16, 8, 8)
    with torch.no_grad():
        block.fuse[0].conv.weight.zero_()  # conv⑤ silenced: relu(bn(0)) = 0 with fresh statistics
        assert torch.equal(block(x), x)
        widen = CofResBlock(8, 16).eval()
        widen.fuse[0].conv.weight.zero_()
        assert torch.allclose(widen(x[:, :8]), widen.shortcut(x[:, :8]))
    assert [c[0].conv.out_channels for c in block.convs] == [4, 4, 4, 4]
    with pytest.raises(ValueError, match="multiple of 4"):
        CofResBlock(8, 10)


def test_channel_attention_identity_at_gamma_zero_and_the_formula():
    torch.manual_seed(0)
    x = torch.randn(2, 6, 5, 7)
    for normalise in (True, False):
        ca = ChannelAttention(normalise=normalise)
        assert float(ca.gamma) == 0.0
        with torch.no_grad():
            assert torch.equal(ca(x), x)
            ca.gamma.fill_(0.7)
            a = x.reshape(2, 6, 35)
            energy = a @ a.transpose(1, 2) / (35 if normalise else 1)
            g = torch.softmax(energy, dim=-1)
            assert ca.affinity(x).shape == (2, 6, 6)
            assert torch.allclose(ca.affinity(x).sum(-1), torch.ones(2, 6))
            assert torch.allclose(ca(x), 0.7 * (g @ a).reshape(x.shape) + x, atol=1e-5)


def test_convlstm_steps():
    torch.manual_seed(0)
    cell = ConvLSTMCell(6, 4).eval()
    assert torch.equal(cell.input_conv.bias[4:8], torch.ones(4))  # forget-gate bias starts at 1
    x1, x2 = torch.randn(2, 6, 8, 10), torch.randn(2, 6, 8, 10)
    with torch.no_grad():
        h1, c1 = cell(x1)
        assert h1.shape == c1.shape == (2, 4, 8, 10)
        zeros = torch.zeros(2, 4, 8, 10)
        h1z, c1z = cell(x1, (zeros, zeros))  # no state = zero state
        assert torch.allclose(h1, h1z, atol=1e-6) and torch.allclose(c1, c1z, atol=1e-6)
        h2, c2 = cell(x2, (h1, c1))
        lstm = ConvLSTM(6, 4).eval()
        lstm.cell.load_state_dict(cell.state_dict())
        assert torch.allclose(lstm([x1, x2]), h2)  # the sequence runs the cell step by step
    assert float(h2.abs().max()) < 1
    assert count_parameters(cell) == convlstm_parameters(6, 4)


def test_attention_recovery_module_shapes():
    up = UpsamplingResidualBlock(32, 16).eval()
    ar = AttentionRecoveryModule(32, 16).eval()
    with torch.no_grad():
        assert up(torch.randn(2, 32, 4, 6)).shape == (2, 16, 8, 12)
        assert up.reduce[0].conv.out_channels == 8  # conv① to a quarter
        assert ar(torch.randn(2, 32, 4, 6), torch.randn(2, 16, 8, 12)).shape == (2, 16, 8, 12)


def test_channel_attention_reaches_the_output_and_gradients_reach_every_parameter():
    torch.manual_seed(0)
    model = calibrate_batchnorm(randomise_batchnorm(create_model("ra-vnet", base_filters=8)))
    x = torch.rand(1, 1, 64, 64)
    with torch.no_grad():
        before = model(x)
        model.channel_attention.gamma.fill_(0.5)
        assert (model(x) - before).abs().max() > 1e-3
    model.train()
    model(torch.rand(2, 1, 32, 32)).mean().backward()
    assert not [n for n, p in model.named_parameters() if p.grad is None]


@requires_ort
def test_export_parity_with_the_convlstm_unrolled(tmp_path):
    def attention_on(model):
        model.channel_attention.gamma.data.fill_(0.5)

    _, graph = export_with_parity(tmp_path, "ra-vnet", {"in_channels": 1, "out_channels": 1, "base_filters": 8},
                                  [(2, 32, 32), (1, 16, 48)], prepare=attention_on)
    ops = [n.op_type for n in graph.graph.node]
    assert not {"Loop", "Scan", "If", "LSTM"} & set(ops)
    assert ops.count("Tanh") == 4 * 2 * 2  # 4 AR modules × 2 steps × (candidate, output)
    assert "Softmax" in ops  # the channel attention
