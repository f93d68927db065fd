"""U-Net with improved skip connections: skips from each block's first convolution (ours1/ours2)."""

import pytest
import torch

from medseg_training.nets import ImprovedSkipUNet
from medseg_training.registry import create_model

from test_unet import count_parameters, export_with_parity, requires_ort, unet_parameter_formula


@pytest.mark.parametrize("variant", ["ours1", "ours2"])
@pytest.mark.parametrize("shape", [(1, 1, 16, 16), (2, 1, 64, 48), (1, 3, 96, 160), (2, 3, 32, 32)])
def test_output_shape_matches_input(variant, shape):
    model = create_model("improved-skip-unet", in_channels=shape[1], base_filters=4, variant=variant).eval()
    with torch.no_grad():
        assert model(torch.randn(*shape)).shape == (shape[0], 1, shape[2], shape[3])


def test_skips_come_from_the_first_convolution():
    model = create_model("improved-skip-unet", base_filters=4, variant="ours2").eval()
    seen = {}
    model.encoder[0].conv1.register_forward_hook(lambda m, i, o: seen.__setitem__("first", o.clone()))
    model.encoder[0].conv2.register_forward_hook(lambda m, i, o: seen.__setitem__("second", o.clone()))
    model.decoder[-1].register_forward_hook(lambda m, i, o: seen.__setitem__("cat", i[0].clone()))
    with torch.no_grad():
        model(torch.randn(1, 1, 32, 32))
    skip = seen["cat"][:, :4]  # the finest decoder block gets cat[skip, up]
    assert torch.equal(skip, seen["first"]) and not torch.allclose(skip, seen["second"])


def test_ours1_concatenates_the_bridge_convolutions():
    seen = {}
    model = create_model("improved-skip-unet", base_filters=4, variant="ours1").eval()
    model.bridge.conv1.register_forward_hook(lambda m, i, o: seen.__setitem__("b1", o.clone()))
    model.bridge.conv2.register_forward_hook(lambda m, i, o: seen.__setitem__("b2", o.clone()))
    model.ups[0].register_forward_hook(lambda m, i, o: seen.__setitem__("up_in", i[0].clone()))
    with torch.no_grad():
        model(torch.randn(1, 1, 32, 32))
    assert model.ups[0].in_channels == 2 * 64
    assert torch.equal(seen["up_in"], torch.cat([seen["b1"], seen["b2"]], dim=1))
    assert create_model("improved-skip-unet", base_filters=4, variant="ours2").ups[0].in_channels == 64


def test_parameter_counts_are_pinned_and_match_the_paper_difference():
    ours1, ours2 = create_model("improved-skip-unet"), create_model("improved-skip-unet", variant="ours2")
    assert count_parameters(ours1) == 2_073_361  # base 16 (the default variant), ~8.3 MB
    assert count_parameters(ours2) == 1_942_289 == unet_parameter_formula(16)  # same layers as U-Net
    # ours1 widens only the first up-convolution (2×2) by the bridge's 16b extra channels → 8b.
    b = 32
    big1, big2 = (count_parameters(create_model("improved-skip-unet", base_filters=b, variant=v))
                  for v in ("ours1", "ours2"))
    assert big1 - big2 == 16 * b * 8 * b * 4 == 524_288
    # The paper's Table 2: U-Net 7,759,521, Ours1 8,289,697, Ours2 7,765,409 (Keras, biases, base 32).
    assert keras_unet_parameters(32) == 7_759_521
    assert 8_289_697 - 7_765_409 == 524_288  # the same widened up-convolution
    assert 7_765_409 - 7_759_521 == 4 * (sum(b * 2 ** i for i in range(5)) + sum(b * 2 ** i for i in range(4)))
    # ^ ours2 − U-Net = one Keras BatchNorm (4 numbers per channel) in each of the 9 convolution blocks


def keras_unet_parameters(b, cin=1, cout=1):
    """The classic U-Net without BatchNorm, every convolution with a bias (the paper's baseline)."""
    def conv(i, o, k):
        return k * k * i * o + o

    w = [b * 2 ** i for i in range(5)]
    total = sum(conv(cin if i == 0 else w[i - 1], w[i], 3) + conv(w[i], w[i], 3) for i in range(5))
    total += sum(conv(w[i + 1], w[i], 2) + conv(2 * w[i], w[i], 3) + conv(w[i], w[i], 3) for i in range(4))
    return total + conv(w[0], cout, 1)


def test_variant_names_and_errors():
    assert create_model("improved-skip-unet", base_filters=4, variant="Ours2").variant == "ours2"
    assert isinstance(create_model("improved_skip_unet", base_filters=4), ImprovedSkipUNet)
    with pytest.raises(ValueError, match="ours1, ours2"):
        create_model("improved-skip-unet", variant="ours3")
    with pytest.raises(ValueError, match="multiples of 16"):
        create_model("improved-skip-unet", base_filters=4)(torch.randn(1, 1, 24, 24))


def test_dropout_only_in_training_and_gradients_reach_every_parameter():
    model = create_model("improved-skip-unet", base_filters=4, dropout=0.5).eval()
    x = torch.randn(2, 1, 32, 32)
    with torch.no_grad():
        assert torch.equal(model(x), model(x))
    model.train()
    model(x).mean().backward()
    assert not [n for n, p in model.named_parameters() if p.grad is None]


@requires_ort
@pytest.mark.parametrize("variant,channels", [("ours1", 1), ("ours2", 3)])
def test_export_parity(tmp_path, variant, channels):
    export_with_parity(tmp_path, "improved-skip-unet",
                       {"in_channels": channels, "out_channels": 1, "base_filters": 4, "variant": variant},
                       [(2, 32, 32), (1, 16, 48)])
