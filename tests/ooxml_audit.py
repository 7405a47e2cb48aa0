"""An independent OOXML validator for the tests: openxml-audit (PyPI), as its CLI runs it.

``audit_errors(path)`` validates one .xlsx/.xlsm/.docx the way ``openxml-audit PATH`` does
(its default Office 2019 rules, schema and semantic checks, strict policy) and returns the
errors, each as the CLI prints it; warnings are left out. One validator serves the session:
building it loads the schemas (about a second).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from conftest import require_module


@cache
def _validator():
    audit = require_module("openxml_audit", "openxml-audit is not installed: pip install openxml-audit")
    from openxml_audit.cli import DEFAULT_FORMAT_BY_VALIDATOR
    return audit.OpenXmlValidator(file_format=DEFAULT_FORMAT_BY_VALIDATOR["ooxml"], max_errors=0)


def audit_errors(path: Path | str) -> list[str]:
    """The errors openxml-audit finds in the file (an empty list: Office opens it without repair)."""
    from openxml_audit import ValidationSeverity
    result = _validator().validate(Path(path))
    return [str(e) for e in result.errors if e.severity == ValidationSeverity.ERROR]
