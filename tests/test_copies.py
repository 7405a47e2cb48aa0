"""W13's join (``rules.copies``) finds exactly the pairs that comparing every pair of texts finds:
its filters (the rarest shingles probed, the count of them a text must hold, the count of rare
shingles) only spare work. Checked on batches made to be hard: many texts built from a few
sentences (shingles frequent enough to be left out), small edits that put shares near 80 %,
texts sent by several units and re-sent by one."""

from __future__ import annotations

import math
import random

import pytest

from toolkit.rules import copies
from toolkit.rules.copies import find_copies

CHARS = ("的一是不了人在有我他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可里后"
         "小么心多天而能好都然没于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知")


def _every_pair(shingles: list[frozenset[str]], share: float) -> dict[int, list[tuple[float, int]]]:
    """The definition, pair by pair: B is a copy of A when it holds ``need`` of A's rare shingles
    (those held by at most ``common`` texts) and ``share`` of all of them."""
    counts: dict[str, int] = {}
    for sh in shingles:
        for item in sh:
            counts[item] = counts.get(item, 0) + 1
    common = max(50, len(shingles) // 5)
    out: dict[int, list[tuple[float, int]]] = {i: [(1.0, i)] for i in range(len(shingles))}
    for a, sh in enumerate(shingles):
        need = math.ceil(share * len(sh) - 1e-9)
        rare = {item for item in sh if counts[item] <= common}
        if not rare or len(rare) < need:
            continue
        for b, other in enumerate(shingles):
            if b != a and len(rare & other) >= need and len(sh & other) / len(sh) >= share:
                out[a].append((len(sh & other) / len(sh), b))
    return out


def _batch(rng: random.Random, n: int) -> list[tuple[int, int, dict[str, str]]]:
    sentences = ["".join(rng.choice(CHARS) for _ in range(rng.randint(6, 30))) for _ in range(60)]
    models = ["".join(rng.choice(sentences) for _ in range(rng.randint(1, 8))) for _ in range(max(2, n // 4))]
    items = []
    for i in range(n):
        text, kind = rng.choice(models), rng.random()
        if kind < 0.3:  # a few characters changed
            cut = rng.randint(0, len(text))
            text = (text[:cut] + "".join(rng.choice(CHARS) for _ in range(rng.randint(0, 12)))
                    + text[cut + rng.randint(0, 10):])
        elif kind < 0.5:  # a sentence added
            text += rng.choice(sentences)
        elif kind < 0.6:  # a text of its own
            text = "".join(rng.choice(sentences) for _ in range(rng.randint(1, 10)))
        items.append((i, rng.randint(0, n // 2), {"text.problems": text, "text.overview": text[::-1]}))
    return items


@pytest.mark.parametrize("extra", [0, 1, copies.PROBE_EXTRA, 40])
def test_the_join_finds_what_every_pair_finds(monkeypatch, extra):
    rng = random.Random(5)
    monkeypatch.setattr(copies, "PROBE_EXTRA", extra)
    partial = 0
    for n in (5, 30, 80, 300):
        for _ in range(3):
            items = _batch(rng, n)
            found = find_copies(items, ["text.problems", "text.overview"])
            with monkeypatch.context() as m:
                m.setattr(copies, "_similar", _every_pair)
                expected = find_copies(items, ["text.problems", "text.overview"])
            assert found == expected
            partial += sum(1 for c in found if c.share < 1)
    assert partial > 10  # near copies were there to find, not only identical texts
