"""Architecture registry: ``create_model(name, **kw)``.

Each file in ``nets/`` registers one public architecture class with :func:`register_model`; importing
``medseg_training.nets`` registers them all. Names are lower-case and hyphenated
(``dra-unet``); ``_`` and case are ignored when looking a name up.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Type

from torch import nn


class UnknownModelError(ValueError):
    """Raised for an unknown architecture name or an argument the architecture does not take."""


@dataclass(frozen=True)
class ModelSpec:
    name: str
    network: Type[nn.Module]
    description: str

    def parameters(self) -> Dict[str, Any]:
        """The constructor's keyword arguments and their defaults."""
        sig = inspect.signature(self.network)
        return {p.name: (None if p.default is inspect.Parameter.empty else p.default) for p in sig.parameters.values()
                if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}


_REGISTRY: Dict[str, ModelSpec] = {}


def _normalise(name: str) -> str:
    return name.strip().lower().replace("_", "-")


def register_model(name: str, description: str) -> Callable[[Type[nn.Module]], Type[nn.Module]]:
    """Class decorator: registers the network class under ``name``."""

    def decorate(network: Type[nn.Module]) -> Type[nn.Module]:
        key = _normalise(name)
        if key in _REGISTRY and _REGISTRY[key].network is not network:
            raise ValueError(f"architecture {key!r} is registered twice")
        _REGISTRY[key] = ModelSpec(key, network, description)
        return network

    return decorate


def _ensure_loaded() -> None:
    from . import nets  # noqa: F401  (importing registers every architecture)


def available_models() -> List[str]:
    """Sorted names of all registered architectures."""
    _ensure_loaded()
    return sorted(_REGISTRY)


def model_spec(name: str) -> ModelSpec:
    _ensure_loaded()
    key = _normalise(name)
    if key not in _REGISTRY:
        raise UnknownModelError(f"unknown architecture {name!r}; valid names: {', '.join(sorted(_REGISTRY))}")
    return _REGISTRY[key]


def create_model(name: str, **kwargs: Any) -> nn.Module:
    """Builds the architecture ``name`` with ``kwargs``.

    Raises :class:`UnknownModelError` listing the valid names (unknown architecture) or the accepted
    arguments (unknown keyword).
    """
    spec = model_spec(name)
    accepted = spec.parameters()
    unknown = sorted(set(kwargs) - set(accepted))
    if unknown:
        raise UnknownModelError(
            f"architecture {spec.name!r} does not take {', '.join(unknown)}; it accepts: {', '.join(accepted)}")
    return spec.network(**kwargs)
