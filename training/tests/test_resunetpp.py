"""ResUNet++ (polyp paper): stem, stride-2 residual units + SE, ASPP bridge/head, decoder attention."""

import pytest
import torch
from torch import nn

from medseg_training.blocks import ASPP, DecoderAttention, PreActResidualBlock, SqueezeExcitation
from medseg_training.nets import ResUNetPlusPlus
from medseg_training.registry import create_model

from test_unet import count_parameters, export_with_parity, requires_ort


def aspp_parameters(i, o, branches=4):
    return branches * (9 * i * o + 2 * o) + o * o + o  # dilated 3×3 convs + BN, then the 1×1 fuse


@pytest.mark.parametrize("shape", [(1, 3, 8, 8), (2, 3, 64, 48), (1, 3, 40, 96), (1, 1, 32, 32)])
def test_output_shape_matches_input(shape):
    model = create_model("resunetpp", in_channels=shape[1], base_filters=4).eval()
    with torch.no_grad():
        assert model(torch.randn(*shape)).shape == (shape[0], 1, shape[2], shape[3])


def test_channels_depth_and_size_multiple():
    model = create_model("resunetpp", in_channels=3, out_channels=2, base_filters=4, depth=4).eval()
    assert model.size_multiple == 16
    with torch.no_grad():
        assert model(torch.randn(1, 3, 32, 48)).shape == (1, 2, 32, 48)
    with pytest.raises(ValueError, match="multiples of 8"):
        create_model("resunetpp", base_filters=4)(torch.randn(1, 1, 36, 36))


def test_structure_follows_the_reference():
    model = create_model("resunetpp", in_channels=3)
    assert isinstance(model, ResUNetPlusPlus) and model.size_multiple == 8
    stem = model.stem[0]
    assert isinstance(stem, PreActResidualBlock) and isinstance(stem.pre, nn.Identity)  # no pre-activation
    strides = [block[0].conv1.conv.stride for block in model.encoder]
    assert strides == [(2, 2)] * 3  # downsampling by strided convolutions, no pooling
    assert all(isinstance(block[1], SqueezeExcitation) for block in [model.stem, *model.encoder, *model.decoder])
    assert model.bridge.rates == model.head_aspp.rates == (1, 6, 12, 18)
    widths = [(a.x_conv[2].in_channels, d[0].conv1.conv.out_channels) for a, d in zip(model.attention, model.decoder)]
    assert widths == [(256, 128), (128, 64), (64, 32)]  # the reference's 16-32-64-128-256


def test_parameter_count_is_pinned_and_matches_the_reference():
    model = create_model("resunetpp", in_channels=3)
    assert count_parameters(model) == 4_060_977  # base 16 = the reference's width (~16 MB float32)
    # The reference (m_resunet.py) has 4,062,993: the same layers plus a bias on every convolution
    # that feeds a BatchNorm (stem ×2, residual conv1 + shortcut, ASPP branches), which we drop.
    dropped = 2 * 16 + 2 * sum((32, 64, 128, 128, 64, 32)) + 4 * 256 + 4 * 16
    assert count_parameters(model) + dropped == 4_062_993
    assert count_parameters(model.bridge) == aspp_parameters(128, 256) == 1_247_488
    assert count_parameters(SqueezeExcitation(64)) == 2 * 64 * 8
    assert count_parameters(create_model("resunetpp", in_channels=3, base_filters=14)) == 3_110_199  # ship size


def test_squeeze_excitation_scales_channels():
    torch.manual_seed(0)
    se = SqueezeExcitation(16).eval()
    x = torch.rand(2, 16, 8, 12) + 0.5
    with torch.no_grad():
        y, s = se(x), se.scale(x)
    assert s.shape == (2, 16, 1, 1) and float(s.min()) > 0 and float(s.max()) < 1
    ratio = y / x
    assert torch.allclose(ratio, ratio[..., :1, :1].expand_as(ratio), atol=1e-6)  # one factor per channel
    assert torch.allclose(ratio[..., 0, 0], s[..., 0, 0], atol=1e-6)
    assert SqueezeExcitation(4).fc1.out_channels == 1  # tiny widths keep one hidden unit


def test_aspp_output_shape():
    aspp = ASPP(8, 12).eval()
    with torch.no_grad():
        assert aspp(torch.randn(2, 8, 6, 10)).shape == (2, 12, 6, 10)  # rate 18 on a 6×10 map still works
    assert [b[0].dilation for b in aspp.branches] == [(1, 1), (6, 6), (12, 12), (18, 18)]
    assert count_parameters(aspp) == aspp_parameters(8, 12)


def test_decoder_attention_shapes():
    att = DecoderAttention(g_channels=8, x_channels=32).eval()
    with torch.no_grad():
        assert att(torch.randn(2, 8, 16, 24), torch.randn(2, 32, 8, 12)).shape == (2, 32, 8, 12)


def test_gradients_reach_every_parameter():
    model = create_model("resunetpp", in_channels=3, base_filters=4)
    model(torch.rand(2, 3, 32, 32)).mean().backward()
    assert not [n for n, p in model.named_parameters() if p.grad is None]


@requires_ort
def test_export_parity(tmp_path):
    _, graph = export_with_parity(tmp_path, "resunetpp", {"in_channels": 3, "out_channels": 1, "base_filters": 4},
                                  [(2, 32, 32), (1, 16, 48)])
    dilations = {tuple(a.ints) for n in graph.graph.node if n.op_type == "Conv" for a in n.attribute
                 if a.name == "dilations"}
    assert {(6, 6), (12, 12), (18, 18)} <= dilations
