"""Rebuild workbook_templates/年报填报模板.xlsx, the blank standard workbook, from the specification.

A test fails when the committed template no longer matches what the specification builds.
"""

from pathlib import Path

from toolkit.workbook.build import write_workbook

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "workbook_templates" / "年报填报模板.xlsx"

if __name__ == "__main__":
    write_workbook(TEMPLATE)
    print(f"{TEMPLATE.relative_to(ROOT)} written")
