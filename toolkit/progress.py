"""A progress display for long batches: a bar redrawn in place on a terminal, a line every ten
per cent otherwise (a log file or a pipe must not fill with carriage returns)."""

from __future__ import annotations

import sys
import time
from typing import TextIO

WIDTH = 30


class Progress:
    def __init__(self, label: str = "校验", stream: TextIO | None = None, min_total: int = 20) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.min_total = min_total  # short batches print nothing
        self.started = time.perf_counter()
        self.last_draw = 0.0
        self.last_step = 0

    def __call__(self, done: int, total: int) -> None:
        if total < self.min_total:
            return
        now = time.perf_counter()
        rate = done / (now - self.started) if now > self.started and done else 0.0
        if self.tty:
            if done < total and now - self.last_draw < 0.1:
                return
            self.last_draw = now
            filled = WIDTH * done // total
            bar = "█" * filled + "·" * (WIDTH - filled)
            self.stream.write(f"\r{self.label} [{bar}] {done}/{total}  {rate:.0f} 个/秒 ")
            if done == total:
                self.stream.write("\n")
            self.stream.flush()
            return
        step = 10 * done // total
        if done and step > self.last_step:
            self.last_step = step
            print(f"{self.label}：{done}/{total}（{100 * done // total}%），{rate:.0f} 个/秒",
                  file=self.stream, flush=True)
