"""Shared paths and helpers for the tests; paths come from the project root."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SEED = ROOT / "source" / "upstream" / "image-recognition.zh.txt"
SAMPLES = FIXTURES / "upstream-samples"

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
