"""The bundled sample: the real 2022 report of 锦屏街道 (../shared/reference), as JSON data."""

from __future__ import annotations

import json
from importlib import resources

SAMPLE_FILE = "jinping_2022.json"


def sample_text() -> str:
    return resources.files(__package__).joinpath(SAMPLE_FILE).read_text(encoding="utf-8")


def sample_data() -> dict[str, object]:
    """key -> value, without the format field."""
    data = json.loads(sample_text())
    data.pop("format", None)
    return data
