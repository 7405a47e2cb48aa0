"""The Word report: template (python-docx, from the specification), context, rendering, build.

``build_report`` is the library function behind ``nianbao build``; ``render_report`` renders one
report to .docx bytes (the template is prepared once per process, for batches).
"""

from __future__ import annotations

from .build import BuildResult, ChecksFailed, build_report, default_output, render_report
from .render import PACKAGED_TEMPLATE, TemplateProblem, prepare

__all__ = ["BuildResult", "ChecksFailed", "PACKAGED_TEMPLATE", "TemplateProblem", "build_report",
           "default_output", "prepare", "render_report"]
