"""Regenerate docs/rules.md (the rules catalogue) and docs/format.md (the format, from
toolkit/spec.py); tests fail when either is out of date."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from toolkit.docs import format_markdown, rules_markdown  # noqa: E402

if __name__ == "__main__":
    for name, text in (("rules.md", rules_markdown()), ("format.md", format_markdown())):
        (ROOT / "docs" / name).write_text(text, encoding="utf-8")
        print(f"docs/{name} written")
