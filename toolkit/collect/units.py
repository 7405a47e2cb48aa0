"""Which unit each file stands for, and whom each draft goes to.

With a roster (``roster.Roster``) a file belongs to the roster entry its unit name matches
(exactly or after normalising), and an unusable e-mail to the entry of its sender's address;
every draft is addressed from the roster. Without one, the drafts answer the e-mail a file came
in, and two names that normalise to the same are suspected of being one unit (``SUSPECT``) until
the user says so with ``--same "甲=乙"``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ..errors import BadArgument
from ..previous import unit_key
from ..unitnames import Names, plain, tails
from .batch import FileResult
from .gather import SEP, Item, Mail
from .returns import Reply
from .roster import AMBIGUOUS, EXACT, MATCHED, NEAR, OUTSIDE, Entry, Match, Roster
from .summary import DEFAULT_SUMMARY_UNIT

# Figures other than 0 two units' identical tables must have to be suspected as one unit.
IDENTICAL_MIN_FIGURES = 10


# Names a note lists at most (a note naming 160 units, on each of their rows, is read by no one).
MAX_LISTED = 5


def listed(names: list[str]) -> str:
    """“甲”“乙”: the names, or the first ``MAX_LISTED`` of them and how many there are."""
    shown = "“" + "”“".join(names[:MAX_LISTED]) + "”"
    return shown + (f"等{len(names)}个单位" if len(names) > MAX_LISTED else "")


def reply_to(mail: Mail) -> Reply:
    """What a draft answering ``mail`` sets: In-Reply-To, References, 回复：its subject."""
    return Reply(mail.message_id, mail.references, mail.subject)


def parse_same(pairs: list[str] | tuple[str, ...]) -> list[tuple[str, str]]:
    """``--same "甲=乙"`` as (甲, 乙); BadArgument for anything else."""
    out = []
    for pair in pairs:
        left, sep, right = pair.replace("＝", "=").partition("=")
        if not sep or not left.strip() or not right.strip():
            raise BadArgument(f"--same 应写成“单位甲=单位乙”，实为“{pair}”")
        out.append((left.strip(), right.strip()))
    return out


@dataclass
class Units:
    """The batch's units: ``key`` for select.decide, the roster match and the address per file."""

    roster: Roster | None
    names: Names
    same: dict[str, str] = field(default_factory=dict)  # unit_key -> the key it is joined to
    matches: dict[int, Match] = field(default_factory=dict)  # result index -> roster match
    suspects: dict[int, str] = field(default_factory=dict)  # result index -> the note
    names_sent: dict[int, str] = field(default_factory=dict)  # result index -> its unit name (ambiguous)
    by_file: dict[int, str] = field(default_factory=dict)  # unusable file -> the unit its name names

    @classmethod
    def of(cls, results: list[FileResult], items: list[Item], roster: Roster | None, district: str | None,
           same: list[tuple[str, str]]) -> Units:
        names = roster.names if roster else Names.known(district, [r.unit for r in results if r.unit])
        joined = {unit_key(b): unit_key(a) for a, b in same}
        u = cls(roster, names, joined)
        for r in results:
            if roster is None:
                continue
            if r.state != "unusable" and r.unit:
                m = u.matches[r.index] = roster.match_with(r.unit, same)
                if m.how in (AMBIGUOUS, NEAR):  # never merged, never summed on its own: the user decides
                    pair = f"{m.candidates[0].name}={r.unit}"
                    u.names_sent[r.index] = r.unit
                    alike = "、".join(f"“{e.name}”" for e in m.candidates)
                    said = ("都相近，无法确定是哪个单位" if m.how == AMBIGUOUS
                            else "相近（可能是同一单位），机关名称不在名单中")
                    u.suspects[r.index] = (
                        f"机关名称“{r.unit}”与单位名单中的{alike}{said}，未计入汇总；请改正机关名称或单位名单，"
                        f"或加 --same \"{pair}\"（名单中的名称=工作簿中的名称）重新汇总")
            else:
                # an unusable file: its sender, by address, else by the name the e-mail is from,
                # else by the unit's name in the file's name (甲街道年报.rar); a file from a folder
                # that names no roster unit belongs to no one known: no match said
                mail = items[r.index].mail
                m = Match(OUTSIDE)
                if mail is not None:
                    entry = roster.by_email(mail.address)
                    m = Match(EXACT, entry) if entry else roster.match(mail.name)
                if m.how not in MATCHED:
                    by_file = roster.in_file_name(file_name(r.origin))
                    m = by_file if by_file.entry or mail is None else m
                if m.how != OUTSIDE or mail is not None:
                    u.matches[r.index] = m
        usable = [r for r in results if r.state != "unusable" and r.unit and not cls.unnamed(r)]
        if roster is None:
            u._suspect(usable)
            # a file that cannot be read whose name holds the name of a unit that sent a workbook
            norms = {names.norm(r.unit or ""): r.unit or "" for r in usable}
            for r in results:
                if r.state == "unusable":
                    norm = names.named_in(file_name(r.origin), norms)
                    if norm:
                        u.by_file[r.index] = norms[norm]
        u._identical(usable)
        return u

    def key(self, r: FileResult) -> str:
        m = self.matches.get(r.index)
        if m and m.entry and m.how in MATCHED:
            return unit_key(m.entry.name)
        k = unit_key(r.unit or self.by_file.get(r.index))
        if self.unnamed(r):  # two districts' unnamed summaries are two units, not copies of one
            return f"{k}#{r.index}"
        return self.same.get(k, k)

    @staticmethod
    def unnamed(r: FileResult) -> str:
        """For a district's summary made without --unit (named 汇总): what to do about it."""
        if r.summary_of and unit_key(r.unit) == unit_key(DEFAULT_SUMMARY_UNIT):
            return (f"此汇总数据的机关名称为“{DEFAULT_SUMMARY_UNIT}”（生成时未给 --unit），"
                    "请在其“基本信息”中填写区县的机关名称")
        return ""

    def _suspect(self, results: list[FileResult]) -> None:
        """Two names (not joined by --same) that normalise to one, or one is the other with a
        region before it (某某区城北街道办事处 / 城北街道): neither is summed."""
        by_norm: dict[str, dict[str, str]] = defaultdict(dict)  # norm -> key -> a name as written
        for r in results:
            by_norm[self.names.norm(r.unit or "")].setdefault(self.key(r), r.unit or "")
        shorter: dict[str, dict[str, str]] = defaultdict(dict)  # norm -> key -> name, of its longer forms
        for r in results:
            for t in tails(self.names.norm(r.unit or "")):
                if any(plain(name) == t for name in by_norm.get(t, {}).values()):
                    shorter[t].setdefault(self.key(r), r.unit or "")
                    for k, name in by_norm[t].items():
                        if plain(name) == t:  # written as the tail, not made one by a region removed
                            shorter[self.names.norm(r.unit or "")].setdefault(k, name)
        for r in results:
            norm = self.names.norm(r.unit or "")
            group = {**by_norm[norm], **shorter.get(norm, {})}
            key = self.key(r)
            others = [name for k, name in group.items() if k != key]
            if others:
                pair = f"{r.unit}={others[0]}"
                self.suspects[r.index] = (f"与{listed(others)}可能是同一单位，均未计入汇总；如是同一单位，"
                                          f"请加 --same \"{pair}\" 重新汇总，如不是，请核实机关名称")

    def _identical(self, results: list[FileResult]) -> None:
        """Two units whose tables are the same in every cell, with enough figures for that not
        to be chance (all-zero tables of small units are alike by nature): one unit's workbook
        sent twice under two names, or one unit's data sent as another's. Neither is summed."""
        results = [r for r in results if r.index not in self.suspects]  # held already, said why
        by_numbers: dict[tuple, dict[str, str]] = defaultdict(dict)
        for r in results:
            if r.numbers is not None and sum(map(bool, r.numbers)) >= IDENTICAL_MIN_FIGURES:  # (figures not 0)
                by_numbers[r.numbers].setdefault(self.key(r), r.unit or "")
        for r in results:
            group = by_numbers.get(r.numbers) if r.numbers is not None else None
            if not group:
                continue
            key = self.key(r)
            others = [name for k, name in group.items() if k != key]
            if others:
                pair = f"{r.unit}={others[0]}"
                self.suspects[r.index] = (f"表格数据与{listed(others)}的完全相同，可能是同一单位或报错了文件，"
                                          f"均未计入汇总；如是同一单位，请加 --same \"{pair}\" 重新汇总，"
                                          "如不是，请核实各自的数据")

    def named(self, r: FileResult, items: list[Item]) -> str | None:
        """The unit's name for the row of a file that cannot be read: its roster entry's, the
        name its e-mail is from, or the unit its file's name names."""
        entry, mail = self.entry(r), items[r.index].mail
        if entry:
            return entry.name
        return (mail.name if mail else None) or self.by_file.get(r.index)

    def entry(self, r: FileResult) -> Entry | None:
        m = self.matches.get(r.index)
        return m.entry if m else None

    def roster_note(self, r: FileResult) -> str:
        m = self.matches.get(r.index)
        return m.note if m else ""

    def address(self, r: FileResult, items: list[Item]) -> tuple[str, Reply | None]:
        """(To, the e-mail answered): from the roster when there is one; else the sender's."""
        mail = items[r.index].mail
        if self.roster is not None:
            e = self.entry(r)
            if e and e.email:
                return e.email, None
            return (mail.address if mail else r.sender), None
        if mail:
            return mail.address, reply_to(mail)
        return r.sender, None

    def covered(self) -> set[str]:
        """unit_key of every roster entry that sent something (usable or not)."""
        return {unit_key(m.entry.name) for m in self.matches.values() if m.entry and m.how in MATCHED}

    def undecided(self) -> dict[str, list[str]]:
        """unit_key of a roster entry -> the names sent that match it and another entry alike
        (an ambiguous match): it may have reported, so it is not reminded as if it had not."""
        out: dict[str, list[str]] = defaultdict(list)
        for i, m in self.matches.items():
            if m.how in (AMBIGUOUS, NEAR) and i in self.suspects:
                for e in m.candidates:
                    out[unit_key(e.name)].append(self.names_sent[i])
        return out


def file_name(origin: str) -> str:
    """A file's own name in its origin (“收件/甲.eml › 甲街道年报.rar” -> 甲街道年报.rar)."""
    return origin.replace("\\", "/").rsplit("/", 1)[-1].rsplit(SEP, 1)[-1]


__all__ = ["Units", "parse_same"]
