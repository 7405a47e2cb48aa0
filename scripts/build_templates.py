"""Rebuild workbook_templates/年报填报模板.xlsx, the blank standard workbook, from the specification.

A test fails when the committed template no longer matches what the specification builds.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# This checkout's toolkit, not an installed nianbao's: a template built from another copy of the
# specification would be committed while the test (which uses this checkout) still fails.
sys.path.insert(0, str(ROOT))

from toolkit.workbook.build import write_workbook  # noqa: E402

TEMPLATE = ROOT / "workbook_templates" / "年报填报模板.xlsx"

if __name__ == "__main__":
    write_workbook(TEMPLATE)
    print(f"{TEMPLATE.relative_to(ROOT)} written")
