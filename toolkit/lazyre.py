"""Regular expressions compiled when first used.

Python compiles a pattern in Python code: a few hundred microseconds for a long one, paid by every
start of every process for every module-level ``re.compile``. ``nianbao check`` starts about 40
times a minute in a batch script, and many of its patterns serve only rare paths (formulas that
need shifting, a date in a text, characters XML cannot carry): those are made with ``lazy`` and
compiled at their first use. Use it only for patterns whose methods are called (``P.search(…)``),
not for one passed to ``re`` functions or compared with ``isinstance``.
"""

from __future__ import annotations

import re
from typing import Any, cast


class _LazyPattern:
    def __init__(self, pattern: str, flags: int) -> None:
        self._source = (pattern, flags)

    def __getattr__(self, name: str) -> Any:  # only for names not yet on the instance
        value = getattr(re.compile(*self._source), name)
        setattr(self, name, value)  # the compiled pattern's bound method: later uses find it directly
        return value

    def __repr__(self) -> str:
        return f"lazy({self._source[0]!r})"


def lazy(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, compiled at the first use of one of its methods."""
    return cast("re.Pattern[str]", _LazyPattern(pattern, flags))
