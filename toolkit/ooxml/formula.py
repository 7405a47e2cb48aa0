"""What a formula cell holds: its text and the value saved with it.

Here, in the OOXML layer, because the sheet reader makes it; ``toolkit.values`` (which knows the
report's fields) takes it from here, so that this layer imports nothing of the annual report.
"""

from __future__ import annotations

from typing import NamedTuple


class Formula(NamedTuple):  # (not a frozen dataclass: a fifth of the cost at each start)
    """A formula found in a cell: its text (without '='), and the value cached with it."""

    text: str
    cached: object = None
