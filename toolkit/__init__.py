"""nianbao (年报): the annual government-information-disclosure report, checked and built from Excel."""

__version__ = "0.1.0"
