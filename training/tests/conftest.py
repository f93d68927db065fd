"""Test setup: import the package from training/ and keep PyTorch to a couple of CPU threads."""

import os
import sys
from pathlib import Path

import pytest

TRAINING_ROOT = Path(__file__).resolve().parents[1]
if str(TRAINING_ROOT) not in sys.path:
    sys.path.insert(0, str(TRAINING_ROOT))

from medseg_training.devices import configure_threads  # noqa: E402

configure_threads(int(os.environ.get("MEDSEG_TEST_THREADS", "2")))


@pytest.fixture
def rng():
    import numpy as np

    return np.random.default_rng(1234)
