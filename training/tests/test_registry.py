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
