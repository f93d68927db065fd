"""Writes ``test/fixtures/click-encoding.json``: clicks, masks and the network inputs and protocol clicks
this package computes from them. The engine's tests (``test/unit/click-encoding.test.ts``) check
that TypeScript computes the same; ``training/tests/test_click_encoding.py`` checks that the file is
what this module makes, so neither side can drift alone.

    PYTHONPATH=training /usr/bin/python3 -m medseg_training.interactive.fixture   # regenerate
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Dict, List, Sequence

import numpy as np

from .click_encoding import ENCODING, Click, InteractionSpec, encode
from .clicker import next_click

FIXTURE = Path(__file__).resolve().parents[3] / "test" / "fixtures" / "click-encoding.json"


def mask_text(mask: np.ndarray) -> str:
    """Rows of 0/1 characters joined by '/', row j first."""
    return "/".join("".join("1" if v else "0" for v in row) for row in np.asarray(mask, bool))


def _floats(values: np.ndarray) -> List[float]:
    """float32 values as the shortest decimals that read back as the same float32."""
    return [float(np.format_float_positional(v, unique=True, trim="-")) for v in np.asarray(values, np.float32).ravel()]


def _disk(h: int, w: int, cy: float, cx: float, r: float) -> np.ndarray:
    yy, xx = np.ogrid[:h, :w]
    return (yy - cy) ** 2 + (xx - cx) ** 2 <= r * r


def _image(channels: int, h: int, w: int) -> np.ndarray:
    yy, xx = np.mgrid[:h, :w].astype(np.float32)
    return np.stack([np.sin(0.37 * xx * (c + 1)) + np.cos(0.21 * yy) * (c + 0.5) for c in range(channels)]).astype(np.float32)


def _encode_case(name: str, channels: int, h: int, w: int, previous: np.ndarray, clicks: Sequence[Click],
                 spec: InteractionSpec) -> Dict:
    image = _image(channels, h, w)
    x, box = encode(image, previous, clicks, spec)
    return {
        "name": name, "height": h, "width": w, "channels": channels,
        "interaction": spec.to_manifest(), "net": [spec.height, spec.width],
        "image": _floats(image), "previous": mask_text(previous),
        "clicks": [{"i": c.i, "j": c.j, "positive": c.positive} for c in clicks],
        "box": list(box), "input": _floats(x.numpy()),
    }


def encode_cases() -> List[Dict]:
    small = _disk(30, 40, 12, 9, 3)
    edge = _disk(24, 24, 20, 22, 5)
    rim_prev = np.zeros((5, 20), bool)
    rim_prev[2, 10] = True
    return [
        _encode_case("whole slice: no previous mask", 2, 12, 20, np.zeros((12, 20), bool), [Click(7, 5, True)],
                     InteractionSpec(height=16, width=16, radius=3.0)),
        _encode_case("focus box around a small object, both kinds of click", 1, 30, 40, small,
                     [Click(9, 12, True), Click(14, 10, False)], InteractionSpec(height=16, width=16, radius=2.0)),
        _encode_case("focus box clamped at the slice's edge", 3, 24, 24, edge, [Click(21, 19, True)],
                     InteractionSpec(height=8, width=8, radius=1.5, expand=1.7, min_fraction=0.1)),
        # Box 5 × 5 at x0 = 8 fed to a 10-wide, 5-high network: the click lands at u = 4.5, v = 2, so
        # pixels (6, 4) and (3, 0) lie exactly 2.5 away.
        _encode_case("a pixel exactly on the disk's rim is inside", 1, 5, 20, rim_prev,
                     [Click(10, 2, True), Click(10, 2, False)],
                     InteractionSpec(height=5, width=10, radius=2.5, expand=1.4, min_fraction=0.25)),
        _encode_case("prompts in another order", 1, 16, 16, _disk(16, 16, 8, 8, 4), [Click(8, 8, True)],
                     InteractionSpec(height=8, width=8, radius=1.0, prompts=("previousMask", "negativeClicks", "positiveClicks"))),
    ]


def _clicker_case(name: str, truth: np.ndarray, pred: np.ndarray) -> Dict:
    click = next_click(truth, pred)
    return {"name": name, "truth": mask_text(truth), "pred": mask_text(pred),
            "click": None if click is None else {"i": click.i, "j": click.j, "positive": click.positive}}


def clicker_cases() -> List[Dict]:
    h, w = 20, 24
    empty = np.zeros((h, w), bool)
    blob = _disk(h, w, 9, 11, 6)
    rng = np.random.default_rng(7)
    noisy = blob ^ (rng.random((h, w)) < 0.15)
    square = np.zeros((h, w), bool)
    square[4:8, 4:8] = True
    other = np.zeros((h, w), bool)
    other[12:16, 14:18] = True
    edge = np.zeros((h, w), bool)
    edge[:, 18:] = True
    return [
        _clicker_case("nothing to correct", blob, blob),
        _clicker_case("empty start: the object's centre", blob, empty),
        _clicker_case("an extra region larger than the missed one", square, square | _disk(h, w, 14, 6, 4)),
        _clicker_case("equal sizes: the missed region wins", square, other),
        _clicker_case("the slice's edge counts as the region's border", edge, empty),
        _clicker_case("many small errors", blob, noisy),
        _clicker_case("a thin miss and a thick extra", _disk(h, w, 10, 12, 7), _disk(h, w, 10, 12, 6) | square),
    ]


def fixture() -> Dict:
    return {"encoding": ENCODING, "generatedBy": "python -m medseg_training.interactive.fixture",
            "encode": encode_cases(), "clicker": clicker_cases()}


def main() -> int:
    FIXTURE.write_text(json.dumps(fixture(), separators=(",", ":")) + "\n")
    print(FIXTURE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
