"""The README stays in step with the commands: every subcommand and every option it takes is
documented (as sqlite-utils keeps its docs in step with --help)."""

import argparse
from pathlib import Path

import pytest

from toolkit.cli import build_parser

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


@pytest.mark.parametrize("name", sorted(_subcommands()))
def test_every_command_and_option_is_in_the_readme(name):
    sub = _subcommands()[name]
    assert f"nianbao {name}" in README, f"README does not show `nianbao {name}`"
    # an option is documented when any of its spellings is (-o or --output)
    actions = [a for a in sub._actions if a.option_strings and "--help" not in a.option_strings]
    missing = [a.option_strings[-1] for a in actions
               if not any(f"{o} " in README or f"{o}]" in README for o in a.option_strings)]
    assert not missing, f"README does not mention {name}'s options {missing}"


ROOT = Path(__file__).resolve().parent.parent


def test_format_doc_is_in_step_with_the_spec():
    from toolkit.docs import format_markdown
    doc = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
    assert doc == format_markdown(), "docs/format.md is out of date: run python scripts/gen_docs.py"


def test_format_doc_carries_every_key_label_and_rule():
    from toolkit import spec
    from toolkit.rules import RULES
    doc = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
    for key, field in spec.FIELDS.items():
        if key.startswith(("meta.", "text.", "t2.")):
            assert f"`{key}`" in doc, key
        if field.row_label:
            assert field.row_label in doc, key
    for table in spec.TABLES:
        assert table.title in doc
        for cell in table.cells:
            assert not cell.text or cell.text in doc, cell.text
    for rule in RULES:
        assert f"| {rule.id} |" in doc
    assert spec.title({"meta.unit": "{meta.unit}", "meta.year": "{meta.year}"}) in doc


def test_readme_and_help_link_only_inside_the_repository():
    """Links resolve to files of the repository; the format is docs/format.md, not a file outside."""
    import re
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = doc.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)#\s]+)", text):
            if re.match(r"[a-z]+:", target):  # https:, mailto:
                continue
            path = (doc.parent / target).resolve()
            assert path.is_relative_to(ROOT) and path.exists(), f"{doc.name}: link to {target}"
        assert "FORMAT.md" not in text and "../shared" not in text, doc.name
    parser = build_parser()
    texts = [parser.format_help(), *(s.format_help() for s in _subcommands().values())]
    assert not any("FORMAT.md" in t or "../" in t for t in texts)
