"""What the benchmark scripts share: timing a call the same way everywhere."""

from __future__ import annotations

import statistics
import time
from typing import Callable


def median_time(fn: Callable[[], object], rounds: int) -> float:
    """The median of ``rounds`` timings of ``fn()``, in seconds: the median, not the mean, so a
    moment of load from elsewhere on a shared machine does not move the result."""
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)
