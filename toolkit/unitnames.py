"""Units' names as people write them, compared: 城北街道, 城北街道办事处 and 某某区城北街道办事处 are one
unit to a reader, and to the district's roster (collect) and to last year's reports (W1, W2, W8).

``Names.norm`` is the form compared after exact matching (``previous.unit_key``) failed: full-width
to half-width, no spaces, a leading region name, the suffixes 办事处/人民政府/委员会. The region
names that may lead a unit's name are not guessed from any 省/市/区/县/旗 in a name (城区街道,
市场监督管理局 must stay as they are): they are the leading regions written in the district's own
name and those shared by two or more names of the batch. ``tails`` gives a name without each of
its leading regions: one name is another's tail when the other only adds regions before it.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

SUFFIXES = ("办事处", "人民政府", "委员会")
_REGION = re.compile(r"[^省市区县旗\s]{1,8}?[省市区县旗]")
MIN_TAIL = 3  # a name left after a region prefix shorter than this (街道) says nothing


def leading_regions(name: str) -> list[str]:
    """The leading region names of ``name``, outermost first: 某某市某某区城北街道 -> 某某市, 某某市某某区."""
    out: list[str] = []
    rest = half_width(name)
    prefix = ""
    while (m := _REGION.match(rest)) and len(rest) > m.end():
        prefix += m.group(0)
        out.append(prefix)
        rest = rest[m.end():]
    return out


def tails(norm: str) -> list[str]:
    """``norm`` (a normalised name) without each of its leading region names: 某某区城北街道 ->
    城北街道. One name is another's tail when the other only adds regions before it."""
    return [t for r in leading_regions(norm) if len(t := norm[len(r):]) >= MIN_TAIL]


def half_width(text: str) -> str:
    """Full-width letters, digits and spaces as half-width, without spaces."""
    return "".join(unicodedata.normalize("NFKC", str(text or "")).split())


@dataclass
class Names:
    """Normalises unit names with the region names known for this batch."""

    regions: tuple[str, ...] = ()  # longest first

    @classmethod
    def known(cls, district: str | None, names: list[str]) -> Names:
        regions: set[str] = set(leading_regions(district or ""))
        counts = Counter(r for n in names for r in set(leading_regions(n)))
        regions |= {r for r, n in counts.items() if n >= 2}
        return cls(tuple(sorted(regions, key=len, reverse=True)))

    def norm(self, name: str) -> str:
        """The name as compared after exact matching failed; never empty for a non-empty name."""
        s = half_width(name).casefold()
        if not s:
            return ""
        for region in self.regions:
            r = region.casefold()
            if s.startswith(r) and len(s) > len(r):
                s = s[len(r):]
                break
        for suffix in SUFFIXES:
            if s.endswith(suffix) and len(s) > len(suffix):
                s = s[: -len(suffix)]
                break
        return s

    def named_in(self, text: str, norms: Iterable[str]) -> str | None:
        """The one of ``norms`` (normalised names) that ``text`` (a file name) contains: the
        longest where one contains another (城北街道社区 over 城北街道); None for none, for two
        unrelated ones (never a guess) and for names too short to say anything."""
        s = half_width(text).casefold()
        found = [n for n in set(norms) if len(n) >= MIN_TAIL and n in s]
        found = [n for n in found if not any(n != m and n in m for m in found)]
        return found[0] if len(found) == 1 else None


def alike(a: str, b: str) -> bool:
    """Whether two names are one unit's as a reader takes them: the same but for spaces, letter
    case, width and the suffixes 办事处/人民政府/委员会, or one only adds regions before the other
    (某某区城南街道办事处 / 城南街道)."""
    names = Names()
    na, nb = names.norm(a), names.norm(b)
    return bool(na) and (na == nb or na in tails(nb) or nb in tails(na))


def plain(name: str) -> str:
    """``name`` normalised with no region removed: a name is another's tail only as written (甲区
    人民政府办公室, with 甲区 stripped as a known region, is no tail of 乙区人民政府办公室)."""
    return Names().norm(name)
