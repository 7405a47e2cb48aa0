"""W13 over a batch: which text sections of one unit are 80 % or more the same as another unit's.

One implementation for both batches (``nianbao audit`` of published reports, ``nianbao collect``
of the district's workbooks); each turns the pairs into findings in its own words. The measure
is W8's (``similarity.Shingles``: the share of a text's 8-character shingles found in the other).

Fast for hundreds of units: identical texts are compared once (a batch holds many copies of the
same report); an index from shingle to texts finds the pairs worth comparing, so only texts that
share shingles are ever compared; shingles found in very many texts are the format's own phrases,
not a copy, and are not followed. The 条例's title and the sentences every report opens with are
removed before comparing (``BOILERPLATE``): two reports sharing only those are not copies.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from itertools import chain

from .. import spec
from .catalog import COPY_MIN_CHARS, COPY_SHARE, RULE_BY_ID
from .engine import Finding
from .similarity import Shingles, normalize, share_of

# Words every report repeats by the format's own rules (normalised: no punctuation, no spaces).
BOILERPLATE = re.compile("|".join((
    r"中华人民共和国政府信息公开条例", r"以下简称条例", r"政府信息公开条例",
    r"国务院办公厅政府信息与政务公开办公室关于印发",
    r"政府信息公开工作年度报告格式", r"政府信息公开工作年度报告", r"国办公开办函20\d\d\d+号",
    r"本报告所列数据的统计期限自\d{4}年1月1日起至\d{4}年12月31日止",
    r"本年度报告中使用数据统计期限为\d{4}年1月1日至\d{4}年12月31日",
)))


@dataclass(frozen=True)
class Copy:
    """Text ``key`` of item ``index`` is ``share`` the same as that of item ``other``."""

    index: int
    key: str
    other: int
    share: float


def comparable(text: str) -> str:
    """The text as compared: without punctuation, spaces and the format's boilerplate."""
    return BOILERPLATE.sub("", normalize(text or ""))


def find_copies(items: Iterable[tuple[int, Hashable, dict[str, str]]], keys: Iterable[str],
                share: float = COPY_SHARE, min_chars: int = COPY_MIN_CHARS) -> list[Copy]:
    """For each (index, unit, texts) and each text key, the most similar text of another unit,
    when ``share`` or more of its shingles are found there. ``unit``: items of one unit (the
    same key) are never compared with each other."""
    items = list(items)
    out: list[Copy] = []
    for key in keys:
        owners: dict[str, list[tuple[int, Hashable]]] = defaultdict(list)  # text -> (index, unit)
        for index, unit, sections in items:
            text = comparable(sections.get(key, ""))
            if len(text) >= min_chars:
                owners[text].append((index, unit))
        texts = list(owners)
        candidates = _similar([Shingles.of(t).items for t in texts], share)
        for a, found in candidates.items():
            found.sort(key=lambda sb: (-sb[0], sb[1] != a, sb[1]))
            for index, unit in owners[texts[a]]:
                other = next(((s, o) for s, b in found for o, o_unit in owners[texts[b]] if o_unit != unit), None)
                if other is not None:
                    out.append(Copy(index, key, other[1], other[0]))
    return out


# Shingles probed beyond the fewest that prefix filtering needs: a text then has to hold
# PROBE_EXTRA + 1 of them to be compared at all, which spares almost every set intersection
# (measured on 1,000 units: 6,700 pairs intersected with none extra, 235 with 8, 6 with 16, at
# the price of longer posting lists; 8 was the fastest).
PROBE_EXTRA = 8


def _similar(shingles: list[frozenset[str]], share: float) -> dict[int, list[tuple[float, int]]]:
    """For each text (its set of shingles), (share, other) of every text holding ``share`` or more
    of its shingles, itself first. Shingles held by very many texts (the format's phrases, the
    sentences every report repeats) do not make a copy: only a text's rarer shingles (``rare``)
    count towards ``share``.

    A set-similarity join with prefix filtering: a text B that holds at least ``need`` of A's rare
    shingles holds at least one of any ``len(rare) - need + 1`` of them, and at least ``k + 1`` of
    any ``len(rare) - need + 1 + k``; so only the texts holding that many of A's rarest shingles
    (few texts hold a rare shingle) are candidates, counted from the index of those shingles, and
    each candidate with enough rare shingles is verified by a set intersection. Comparing every
    pair that shares any shingle costs seconds for 1,000 units writing the same common sentences;
    this costs milliseconds. Which shingles are probed changes only the work, never the pairs."""
    counts = Counter(chain.from_iterable(shingles))
    common = max(50, len(shingles) // 5)
    frequent = {item for item, n in counts.items() if n > common}
    # How many of each text's shingles are rare (set only for the texts that probe: the others
    # are only ever looked up, and B's shingles among A's rare ones are B's rare ones anyway)
    n_rare = [len(sh) - len(sh & frequent) for sh in shingles] if frequent else [len(sh) for sh in shingles]
    rarity = counts.__getitem__
    probes: dict[int, tuple[int, int, frozenset[str], list[str]]] = {}  # text -> (need, hits needed, rare, probed)
    for a, sh in enumerate(shingles):
        need = math.ceil(share * len(sh) - 1e-9)
        if n_rare[a] and n_rare[a] >= need:
            rare = sh - frequent
            extra = min(PROBE_EXTRA, need - 1)
            probes[a] = (need, extra + 1, rare, sorted(rare, key=rarity)[:len(rare) - need + 1 + extra])
    probed = set(chain.from_iterable(p for *_, p in probes.values()))
    holders: dict[str, list[int]] = defaultdict(list)  # only the shingles some text probes with
    for i, sh in enumerate(shingles):
        for item in sh & probed:
            holders[item].append(i)
    out: dict[int, list[tuple[float, int]]] = {i: [(1.0, i)] for i in range(len(shingles))}
    for a, (need, hits_needed, rare, probe) in probes.items():
        sh = shingles[a]
        hits = Counter(chain.from_iterable(map(holders.__getitem__, probe)))
        for b, n in hits.items():
            # B's rare shingles are the only ones of A's it can hold: too few, and it is no copy
            if n >= hits_needed and b != a and n_rare[b] >= need and len(rare & shingles[b]) >= need:
                s = share_of(sh, shingles[b])
                if s >= share:
                    out[a].append((s, b))
    return out


def copy_finding(c: Copy, other_unit: str, other_where: str) -> Finding:
    """The W13 warning for ``c``, naming the other unit and where its text was read."""
    label, rule = spec.TEXT_LABELS[c.key], RULE_BY_ID["W13"]
    return Finding(rule.id, rule.severity,
                   f"正文「{label}」有{c.share:.0%}与“{other_unit}”的报告（{other_where}）相同，"
                   "请确认不是照抄（抄袭他人报告会被扣分）", (c.key,), "正文", label,
                   found=f"{c.share:.0%}", expected=f"低于{COPY_SHARE:.0%}")
