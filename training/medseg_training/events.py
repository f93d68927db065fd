"""JSON-line events on stdout: the CLIs' output, and the trainer's protocol with the app.

The trainer's events (:data:`TRAINER_EVENTS`) are the contract with
``src/core/training/trainer-events.ts``, whose union a fixture test checks against what
``python -m medseg_training.train`` really prints; :func:`trainer_event` (which the trainer prints
them with) refuses one that lacks a required field or carries an undeclared one, so the two cannot
drift apart silently. Other CLIs print their own events with :func:`emit`.
"""

from __future__ import annotations

import json
import math
import sys
from typing import Any, Dict, FrozenSet, Tuple


class UserFacingError(Exception):
    """An error whose message is shown to the user as is (no stack trace)."""


def _fields(required: str, optional: str = "") -> Tuple[FrozenSet[str], FrozenSet[str]]:
    return frozenset(required.split()), frozenset(optional.split())


#: Trainer event → (required fields, optional fields).
TRAINER_EVENTS: Dict[str, Tuple[FrozenSet[str], FrozenSet[str]]] = {
    "start": _fields("architecture modelKwargs device threads trainSlices valSlices inputSize epochs stepsPerEpoch "
                     "parameters resumedFromEpoch precision"),
    "baseline": _fields("valDice valMetrics parent"),
    "progress": _fields("epoch step loss valDice etaSeconds epochs totalSteps lr", "epochEnd bestValDice"),
    "checkpoint": _fields("path valDice epoch"),
    "done": _fields("bestValDice bestValMetrics parentValMetrics bestEpoch epochs steps seconds checkpoint "
                    "lastCheckpoint stopReason", "exportedValMetrics onnx parityMaxAbsDiff"),
    "error": _fields("message"),
}
#: Why a run ended (``done.stopReason``).
STOP_REASONS = ("epochs", "plateau", "time-limit", "cancelled")


def _clean(value: Any) -> Any:
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else float(f"{value:.6g}")
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def check_trainer_event(event: str, fields: Dict[str, Any]) -> None:
    """Raises ``ValueError`` when a trainer event does not match :data:`TRAINER_EVENTS`."""
    required, optional = TRAINER_EVENTS[event]
    missing, extra = required - set(fields), set(fields) - required - optional
    if missing or extra:
        raise ValueError(f"trainer event {event!r}: missing {sorted(missing)}, undeclared {sorted(extra)}")
    if event == "done" and fields["stopReason"] not in STOP_REASONS:
        raise ValueError(f"unknown stopReason {fields['stopReason']!r}")


def trainer_event(event: str, **fields: Any) -> None:
    """Prints one event of the trainer's protocol, checked against :data:`TRAINER_EVENTS`."""
    check_trainer_event(event, fields)
    emit(event, **fields)


def emit(event: str, **fields: Any) -> None:
    """Prints one JSON line ``{"event": event, ...}`` on stdout and flushes."""
    sys.stdout.write(json.dumps(_clean({"event": event, **fields})) + "\n")
    sys.stdout.flush()
