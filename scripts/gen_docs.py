"""Regenerate docs/rules.md from the rules catalogue (tests fail when it is out of date)."""

from pathlib import Path

from toolkit.docs import rules_markdown

ROOT = Path(__file__).resolve().parent.parent

if __name__ == "__main__":
    (ROOT / "docs" / "rules.md").write_text(rules_markdown(), encoding="utf-8")
    print("docs/rules.md written")
