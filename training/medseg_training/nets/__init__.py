"""One public architecture per file; importing this package registers them all.

To add an architecture: write ``nets/<name>.py`` with a builder decorated by
``@register_model("<name>")`` (blocks go in ``blocks/``) and import it below.
"""

from . import dra_unet  # noqa: F401
from .dra_unet import DRAUNet

__all__ = ["DRAUNet"]

from . import unet, resunetpp, ra_vnet, attention_unet, improved_skip_unet  # noqa: F401,E402
from .unet import UNet  # noqa: E402
from .resunetpp import ResUNetPlusPlus  # noqa: E402
from .ra_vnet import RAVNet  # noqa: E402
from .attention_unet import AttentionUNet  # noqa: E402
from .improved_skip_unet import ImprovedSkipUNet  # noqa: E402

__all__ += ["AttentionUNet", "ImprovedSkipUNet", "RAVNet", "ResUNetPlusPlus", "UNet"]
