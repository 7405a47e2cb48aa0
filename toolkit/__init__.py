"""nianbao (年报): the annual government-information-disclosure report, checked and built from Excel."""

import logging

__version__ = "0.1.0"

# A library logs; the command decides whether anything is shown (``--debug``). Without this, a
# log record of level WARNING or above would reach the user through logging's last resort.
logging.getLogger(__name__).addHandler(logging.NullHandler())
