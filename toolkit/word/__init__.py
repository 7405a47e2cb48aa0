"""The Word report: template (python-docx, from the specification), context, rendering, file names.

``render_report`` renders one report to .docx bytes (the template is prepared once per process,
for batches); the workflow behind ``nianbao build`` is ``toolkit.app.build``.
"""

from __future__ import annotations

from .build import default_output, guard_output, render_report, write_report
from .render import PACKAGED_TEMPLATE, TemplateProblem, prepare

__all__ = ["PACKAGED_TEMPLATE", "TemplateProblem", "default_output", "guard_output", "prepare", "render_report",
           "write_report"]
