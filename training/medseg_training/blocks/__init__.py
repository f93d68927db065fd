"""Building blocks shared by the architectures in ``nets/``."""

from .conv import ChannelAffine, ConvNorm, fold_batchnorm, fold_conv_bn_weights
from .residual import PreActResidualBlock
from .attention import AttentionGate
from .input_size import require_size_multiple

__all__ = [
    "AttentionGate",
    "ChannelAffine",
    "ConvNorm",
    "PreActResidualBlock",
    "fold_batchnorm",
    "fold_conv_bn_weights",
    "require_size_multiple",
]

# Blocks of the U-Net family (unet, attention-unet, improved-skip-unet, resunetpp, ra-vnet).
from .double_conv import DoubleConv  # noqa: E402
from .se import SqueezeExcitation  # noqa: E402
from .aspp import ASPP  # noqa: E402
from .decoder_attention import DecoderAttention  # noqa: E402
from .cofres import CofResBlock  # noqa: E402
from .channel_attention import ChannelAttention  # noqa: E402
from .convlstm import ConvLSTM, ConvLSTMCell  # noqa: E402
from .attention_recovery import AttentionRecoveryModule, UpsamplingResidualBlock  # noqa: E402

__all__ += [
    "ASPP",
    "AttentionRecoveryModule",
    "ChannelAttention",
    "CofResBlock",
    "ConvLSTM",
    "ConvLSTMCell",
    "DecoderAttention",
    "DoubleConv",
    "SqueezeExcitation",
    "UpsamplingResidualBlock",
]
