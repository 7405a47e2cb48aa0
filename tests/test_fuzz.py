"""The mutation fuzz (tests/fuzzing.py) with a fixed seed and a small budget: no traceback, no
hang, no reason that only says something unexpected happened. A larger budget by hand:

    NIANBAO_FUZZ=10000 python3 -m pytest -q tests/test_fuzz.py     (or scripts/fuzz.py -n 10000)
"""

from __future__ import annotations

import os

import fuzzing

CASES = int(os.environ.get("NIANBAO_FUZZ", "300"))  # about a minute on two cores (a third are documents)
WORKERS = int(os.environ.get("NIANBAO_FUZZ_WORKERS", "2"))


def test_mutated_inputs_give_a_clear_result():
    report = fuzzing.run(CASES, workers=WORKERS, timeout=30.0)
    print(report.summary())
    assert len(report.outcomes) == CASES
    assert not report.failures, report.summary() + "\n\n" + "\n\n".join(
        f"case {o.index} ({o.result} {o.step}):\n{o.detail}" for o in report.failures[:5])


def test_cases_are_reproducible():
    """A case is made from (seed, number) alone: the figures of a run can be looked into."""
    bases = fuzzing.make_bases()
    named = {k: fuzzing.named_cells(v) for k, v in fuzzing.workbook_bases(bases).items()}
    assert all(named[k] for k in named)
    kinds = {fuzzing.plan(7, index, list(bases)).kind for index in range(60)}
    assert "doc" in kinds and "xlsx" in kinds  # published reports are fuzzed too
    for index in (3, 17, 42, *(i for i in range(60) if fuzzing.plan(7, i, list(bases)).kind == "doc")):
        a = fuzzing.build_case(fuzzing.plan(7, index, list(bases)), bases, named)
        b = fuzzing.build_case(fuzzing.plan(7, index, list(bases)), bases, named)
        assert a == b
