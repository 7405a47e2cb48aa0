import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests/lo.py and other helpers

SHARED = ROOT.parent / "shared"
REFERENCE = SHARED / "reference" / "000_91b930a4292c284b.txt"


@pytest.fixture
def sample() -> dict:
    from toolkit.sample import sample_data
    return sample_data()


@pytest.fixture
def sample_xlsx(tmp_path, sample) -> Path:
    from toolkit.api import new_workbook
    return new_workbook(tmp_path / "锦屏街道2022.xlsx", data=sample)
