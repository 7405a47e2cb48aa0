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
