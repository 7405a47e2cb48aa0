"""nianbao (年报): the annual government-information-disclosure report, checked and built from Excel."""

__version__ = "0.1.0"

# A library logs; the command decides whether anything is shown (``--debug``). The package's logger
# gets its NullHandler when the first record is written (``toolkit.log``: logging is not imported at
# start-up).
