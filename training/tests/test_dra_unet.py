import pytest
import torch

from medseg_training.registry import create_model


def count_parameters(model):
    return sum(p.numel() for p in model.parameters())


@pytest.mark.parametrize("shape", [(1, 1, 16, 16), (2, 1, 64, 48), (1, 1, 96, 160), (3, 1, 32, 32)])
def test_output_shape_matches_input(shape):
    model = create_model("dra-unet", base_filters=4).eval()
    with torch.no_grad():
        y = model(torch.randn(*shape))
    assert y.shape == (shape[0], 1, shape[2], shape[3])


def test_channels_in_and_out():
    model = create_model("dra-unet", in_channels=3, out_channels=2, base_filters=4, depth=3).eval()
    with torch.no_grad():
        y = model(torch.randn(2, 3, 24, 40))
    assert y.shape == (2, 2, 24, 40)


def test_without_attention():
    model = create_model("dra-unet", base_filters=4, attention=False).eval()
    with torch.no_grad():
        assert model(torch.randn(1, 1, 32, 32)).shape == (1, 1, 32, 32)


def test_parameter_count_is_pinned():
    # The shipped liver model's configuration; a change here changes the ONNX file (~8.5 MB).
    assert count_parameters(create_model("dra-unet", base_filters=16)) == 2_119_317
    assert count_parameters(create_model("dra-unet", base_filters=8)) == 531_405


def test_size_not_multiple_of_16_is_a_clear_error():
    model = create_model("dra-unet", base_filters=4).eval()
    with pytest.raises(ValueError, match="multiples of 16"):
        model(torch.randn(1, 1, 40, 40))


def test_gradients_reach_every_parameter():
    model = create_model("dra-unet", base_filters=4)
    model(torch.randn(2, 1, 32, 32)).mean().backward()
    missing = [n for n, p in model.named_parameters() if p.grad is None]
    assert not missing
