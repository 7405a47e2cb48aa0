"""Regenerate the Word report template from the specification.

    python scripts/build_word_template.py          # writes both copies
    python scripts/build_word_template.py --check  # exit 1 if a committed copy is out of date

Writes word_templates/annual_report.docx (the copy offices look at and restyle) and
toolkit/word/annual_report.docx (the copy an installed nianbao uses). Both are built by
toolkit.word.template.build_template(); tests/test_word.py compares them with it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from toolkit.word.template import build_template  # noqa: E402
from toolkit.word.render import PACKAGED_TEMPLATE  # noqa: E402

TARGETS = (ROOT / "word_templates" / "annual_report.docx", PACKAGED_TEMPLATE)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare, write nothing")
    args = parser.parse_args()
    content = build_template()
    if args.check:
        from toolkit.word.template import same_docx
        stale = [t for t in TARGETS if not t.exists() or not same_docx(t.read_bytes(), content)]
        for t in stale:
            print(f"out of date: {t.relative_to(ROOT)}")
        return 1 if stale else 0
    for target in TARGETS:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        print(f"wrote {target.relative_to(ROOT)} ({len(content)} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
