import pytest

from medseg_training.registry import UnknownModelError, available_models, create_model
from medseg_training.nets import DRAUNet


def test_dra_unet_is_registered():
    assert "dra-unet" in available_models()
    assert isinstance(create_model("dra-unet", base_filters=4), DRAUNet)


def test_name_lookup_ignores_case_and_underscores():
    assert isinstance(create_model("DRA_UNet", base_filters=4), DRAUNet)


def test_unknown_name_lists_valid_names():
    with pytest.raises(UnknownModelError) as err:
        create_model("no-such-net")
    assert "valid names" in str(err.value)
    assert "dra-unet" in str(err.value)


def test_unknown_argument_lists_accepted_arguments():
    with pytest.raises(UnknownModelError) as err:
        create_model("dra-unet", filters=16)
    assert "base_filters" in str(err.value)


def test_every_network_is_a_registered_class_on_the_scaffold():
    from medseg_training.nets.encoder_decoder import EncoderDecoder, UNetScaffold
    from medseg_training.registry import model_spec

    unet_family = {"unet", "attention-unet", "dra-unet", "improved-skip-unet"}
    for name in available_models():
        network = model_spec(name).network
        assert isinstance(network, type) and issubclass(network, EncoderDecoder), name
        assert issubclass(network, UNetScaffold) == (name in unet_family), name


def test_the_shipped_fine_tune_weights_load_into_their_networks():
    """models/*.pt are what users fine-tune from: a renamed module would orphan them."""
    from pathlib import Path

    from medseg_training.checkpoints import load_checkpoint, model_from_checkpoint

    shipped = sorted((Path(__file__).resolve().parents[2] / "models").glob("*.pt"))
    assert shipped, "no shipped weights found"
    for path in shipped:
        model_from_checkpoint(load_checkpoint(path))  # load_state_dict is strict
