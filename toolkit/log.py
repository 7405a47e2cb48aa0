"""The library's loggers, made when a record is first written.

A library logs and the command decides whether anything is shown (``--debug`` in ``toolkit.cli``).
The library only logs exceptions it turns into reasons, at level DEBUG, and a check that goes well
logs nothing; importing ``logging`` (with ``traceback``, ``string`` and ``threading``) costs about
3 ms of every start-up, so a module holds a ``Logger`` here and ``logging`` is imported at the first
record. The package's logger then gets a ``NullHandler``, so that no record of ours ever reaches
the user through logging's last resort.
"""

from __future__ import annotations

import functools
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import logging

PACKAGE = __name__.rpartition(".")[0]  # "toolkit"


class Logger:
    """``logging.getLogger(name)`` for what the library writes (``debug``), made on first use."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def debug(self, msg: str, *args: object, exc_info: bool = False) -> None:
        # stacklevel 2: the record names the caller's file and line, not this one
        real_logger(self.name).debug(msg, *args, exc_info=exc_info, stacklevel=2)


@functools.cache
def real_logger(name: str) -> logging.Logger:
    import logging
    package = logging.getLogger(PACKAGE)
    if not any(isinstance(h, logging.NullHandler) for h in package.handlers):
        package.addHandler(logging.NullHandler())
    return logging.getLogger(name)


def debug_to_stderr() -> None:
    """``--debug``: every record of the library, and the traceback of an error, on stderr."""
    import logging
    real_logger(PACKAGE)
    logging.basicConfig(level=logging.DEBUG, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
