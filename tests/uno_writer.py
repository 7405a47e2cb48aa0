"""Edit a Word document in LibreOffice Writer through UNO, as a person would, and save it as .docx.

Run by the system interpreter (Debian's python3-uno), like tests/uno_calc.py, whose office start
it shares:

    /usr/bin/python3 tests/uno_writer.py < job.json

The job (JSON): {"input": PATH, "output": PATH, "profile": FILE-URL, "steps": [STEP, ...]}, each
step one of

    {"tracked_replace": {"find": "1234", "replace": "1240"}}   with 修订 (Edit > Track Changes >
                                       Record) on, overwrite the first occurrence of the text
    {"content_control": {"find": "88"}}    wrap the text in a content control (内容控件, Form >
                                       Content Control), as a unit's template holds its values;
                                       with "placeholder": "单击此处输入文字。" the control is left
                                       showing that placeholder instead (nothing typed into it)

Each text to find must occur exactly once in the document. Prints nothing on success; on failure,
the reason on stderr and exit status 1. Tests call it through tests/lo.py (``writer_edit``).
"""

from __future__ import annotations

import sys

from uno_calc import run_job

DOCX_FILTER = "MS Word 2007 XML"


def find_once(doc, text: str):
    search = doc.createSearchDescriptor()
    search.SearchString = text
    found = doc.findAll(search)
    if found.getCount() != 1:
        raise ValueError(f"{text!r} occurs {found.getCount()} times, not once")
    return found.getByIndex(0)


def run_step(doc, step: dict) -> None:
    (kind, arg), = step.items()
    if kind == "tracked_replace":
        doc.RecordChanges = True
        find_once(doc, arg["find"]).setString(arg["replace"])
        doc.RecordChanges = False
    elif kind == "content_control":
        found = find_once(doc, arg["find"])
        control = doc.createInstance("com.sun.star.text.ContentControl")
        if arg.get("placeholder"):
            found.setString(arg["placeholder"])
            control.ShowingPlaceHolder = True
        found.getText().insertTextContent(found, control, True)
    else:
        raise ValueError(f"unknown step {kind}")


def main() -> int:
    return run_job(run_step, DOCX_FILTER)


if __name__ == "__main__":
    sys.exit(main())
