import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests/lo.py and other helpers

# The project's shared material (FORMAT.md, the published reference report) lies beside the
# checkout, as CI lays it; NIANBAO_SHARED points elsewhere.
SHARED = Path(os.environ.get("NIANBAO_SHARED") or ROOT.parent / "shared")
REFERENCE = SHARED / "reference" / "000_91b930a4292c284b.txt"
FORMAT_MD = SHARED / "FORMAT.md"


def shared_text(path: Path) -> str:
    """A file of shared/: skipped with the reason where it is not there, failed under CI=true."""
    if not path.exists():
        reason = f"{path} not found: shared/ must lie beside the checkout (or set NIANBAO_SHARED)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return path.read_text(encoding="utf-8")


@pytest.fixture
def sample() -> dict:
    from toolkit.sample import sample_data
    return sample_data()


@pytest.fixture
def sample_xlsx(tmp_path, sample) -> Path:
    from toolkit.api import new_workbook
    return new_workbook(tmp_path / "锦屏街道2022.xlsx", data=sample)
