"""One public architecture per file, each a registered class; importing this package registers them all.

To add an architecture: write ``nets/<name>.py`` with a class decorated by
``@register_model("<name>")`` (built on ``encoder_decoder``'s scaffold where it fits; blocks go in
``blocks/``) and import it below.
"""

from .attention_unet import AttentionUNet
from .dra_unet import DRAUNet
from .improved_skip_unet import ImprovedSkipUNet
from .ra_vnet import RAVNet
from .resunetpp import ResUNetPlusPlus
from .unet import UNet

__all__ = ["AttentionUNet", "DRAUNet", "ImprovedSkipUNet", "RAVNet", "ResUNetPlusPlus", "UNet"]
