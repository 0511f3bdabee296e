"""The requirement catalogue: every normative statement the project traces.

The catalogue lives in ``data/requirements.toml`` (see the comment at its top
for what it contains and how IDs are formed). Each entry names one RFC 2119
keyword occurrence of RFC 5269 §3–§5, or of a section of RFC 3971, RFC 5568 or
RFC 3775 that RFC 5269 invokes for its messages, with a paraphrase in the
project's own words, the actor it binds and whether the reference implements
it.

An ID reads ``RFC5269-3.2-M4``: RFC number, section, a letter for the level
(M = MUST / MUST NOT / REQUIRED, S = SHOULD / SHOULD NOT / RECOMMENDED,
Y = MAY) and the ordinal of that keyword among the same-letter keywords of the
section. :func:`keyword_occurrences` recomputes those ordinals from an RFC's
text, so the catalogue can be checked against the RFCs themselves.

Code and tests cite IDs in comments, docstrings and transition tables;
:func:`find_citations` collects those citations for the traceability matrix.
"""

from __future__ import annotations

import enum
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Final

__all__ = [
    "ID_PATTERN",
    "REQUIREMENT_IDS",
    "Actor",
    "Keyword",
    "Level",
    "Observability",
    "Requirement",
    "Status",
    "all_requirements",
    "by_section",
    "find_citations",
    "get",
    "keyword_occurrences",
    "level_letter",
    "partial_sections",
    "section_text",
]


class Level(enum.Enum):
    """The RFC 2119 keyword of a statement (MUST NOT written with one space)."""

    MUST = "MUST"
    MUST_NOT = "MUST NOT"
    REQUIRED = "REQUIRED"
    SHOULD = "SHOULD"
    SHOULD_NOT = "SHOULD NOT"
    RECOMMENDED = "RECOMMENDED"
    MAY = "MAY"

    @property
    def letter(self) -> str:
        """The ID letter for this level: M, S or Y."""
        return level_letter(self.value)


class Actor(enum.Enum):
    """Who a statement binds (RFC 5269 roles; PAR = the AR receiving FBUs)."""

    MN = "MN"
    AR = "AR"
    PAR = "PAR"
    ANY = "ANY"


class Status(enum.Enum):
    """What the reference does with a statement."""

    IMPLEMENTED = "implemented"
    DEVIATES = "deviates"
    OUT_OF_SCOPE = "out-of-scope"


_LETTERS: Final[Mapping[str, str]] = {
    "MUST": "M", "MUST NOT": "M", "REQUIRED": "M", "SHALL": "M", "SHALL NOT": "M",
    "SHOULD": "S", "SHOULD NOT": "S", "RECOMMENDED": "S",
    "MAY": "Y", "OPTIONAL": "Y",
}


class Observability(enum.Enum):
    """How a black box (packets in, packets out, the adapter's observation) sees a MUST.

    Classified for every implemented MUST / MUST NOT (``observable`` in the
    catalogue; the test-vector coverage is measured against it):

    * ``wire`` — some input must be accepted and some must be refused because
      of it (for a rule on what a node sends: the receiving node must refuse a
      message that breaks it), so vectors show both sides;
    * ``one-sided`` — visible on the wire, but the RFCs give no input that is
      refused over it: what a sender puts in a field every receiver ignores,
      what a receiver must ignore, a value or a moment of sending no receiver
      is told to judge; vectors can only show the accepted side;
    * ``internal`` — not visible in packets nor in what an adapter reports
      (configuration, the order of work, state no answer depends on).

    ``observable_why`` says why for the last two.
    """

    WIRE = "wire"
    ONE_SIDED = "one-sided"
    INTERNAL = "internal"


def level_letter(keyword: str) -> str:
    """ID letter (M, S, Y) of an RFC 2119 keyword such as ``"MUST NOT"``."""
    return _LETTERS[keyword]


ID_PATTERN: Final = re.compile(r"RFC(\d{4})-([\d.]+?)-([MSY])(\d+)")
"""Shape of a requirement ID; used by :func:`find_citations` and the tests."""


@dataclass(frozen=True)
class Requirement:
    """One catalogued normative statement."""

    id: str
    rfc: int
    section: str
    level: Level
    actor: Actor
    status: Status
    text: str  # paraphrase, never RFC prose
    why: str = ""  # reason, for deviates / out-of-scope
    observable: Observability | None = None  # set for implemented MUSTs
    observable_why: str = ""  # reason, for one-sided / internal

    def as_dict(self) -> dict[str, str | int]:
        """Plain values, e.g. for JSON or the documentation generators."""
        out: dict[str, str | int] = {
            "id": self.id, "rfc": self.rfc, "section": self.section,
            "level": self.level.value, "actor": self.actor.value,
            "status": self.status.value, "text": self.text, "why": self.why}
        if self.observable is not None:
            out["observable"] = self.observable.value
            out["observable_why"] = self.observable_why
        return out

    @property
    def mandatory(self) -> bool:
        """True for MUST, MUST NOT and REQUIRED."""
        return self.level.letter == "M"


def _parse(entry: Mapping[str, object]) -> Requirement:
    rid = str(entry["id"])
    match = ID_PATTERN.fullmatch(rid)
    if match is None:
        raise ValueError(f"malformed requirement ID {rid!r}")
    level = Level(str(entry["level"]))
    if level.letter != match.group(3):
        raise ValueError(f"{rid}: level {level.value} does not match its letter")
    return Requirement(
        id=rid,
        rfc=int(match.group(1)),
        section=match.group(2),
        level=level,
        actor=Actor(str(entry["actor"])),
        status=Status(str(entry["status"])),
        text=str(entry["text"]),
        why=str(entry.get("why", "")),
        observable=Observability(str(entry["observable"])) if "observable" in entry else None,
        observable_why=str(entry.get("observable_why", "")),
    )


@cache
def _load() -> tuple[tuple[Requirement, ...], tuple[str, ...]]:
    raw = resources.files("rfc5269").joinpath("data/requirements.toml").read_text("utf-8")
    doc = tomllib.loads(raw)
    reqs = tuple(_parse(e) for e in doc["requirement"])
    seen: set[str] = set()
    for r in reqs:
        if r.id in seen:
            raise ValueError(f"duplicate requirement ID {r.id}")
        seen.add(r.id)
    return reqs, tuple(str(p) for p in doc.get("partial_sections", ()))


def all_requirements() -> tuple[Requirement, ...]:
    """Every catalogued requirement, in catalogue order (RFC, then reading order)."""
    return _load()[0]


@cache
def _index() -> dict[str, Requirement]:
    return {r.id: r for r in all_requirements()}


def get(requirement_id: str) -> Requirement:
    """The requirement with this ID; ``KeyError`` if it is not catalogued."""
    return _index()[requirement_id]


def by_section(rfc: int, section: str) -> tuple[Requirement, ...]:
    """The requirements of one section, e.g. ``by_section(5269, "3.2")``."""
    return tuple(r for r in all_requirements() if r.rfc == rfc and r.section == section)


def partial_sections() -> tuple[str, ...]:
    """Sections (``"RFC3775-11.7.2"``) where only some keyword occurrences are catalogued."""
    return _load()[1]


REQUIREMENT_IDS: Final[frozenset[str]] = frozenset(r.id for r in all_requirements())


# --- citations -------------------------------------------------------------

_SOURCE_SUFFIXES: Final = frozenset({".py", ".pyi", ".md", ".rst", ".toml", ".json", ".smt2"})


def _files(paths: Iterable[str | Path]) -> Iterable[Path]:
    for p in map(Path, paths):
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and f.suffix in _SOURCE_SUFFIXES and "__pycache__" not in f.parts:
                    yield f
        elif p.is_file():
            yield p


def find_citations(paths: Iterable[str | Path]) -> dict[str, list[tuple[str, int]]]:
    """Requirement IDs cited in the given files or folders.

    Returns ID -> list of (file, line number), line numbers counted from 1.
    Folders are searched recursively for source and documentation files
    (``.py``, ``.md``, ``.rst``, ``.toml``, ``.json``, ``.smt2``). IDs are
    found by shape, whether or not they are catalogued; checking them against
    :data:`REQUIREMENT_IDS` is the caller's business.
    """
    found: dict[str, list[tuple[str, int]]] = {}
    for f in _files(paths):
        try:
            lines = f.read_text("utf-8").splitlines()
        except (UnicodeDecodeError, OSError):
            continue
        for n, line in enumerate(lines, start=1):
            for m in ID_PATTERN.finditer(line):
                found.setdefault(m.group(0), []).append((str(f), n))
    return found


# --- the RFC texts -----------------------------------------------------------

_HEADING = re.compile(r"^(\d+(?:\.\d+)*)\.?[ \t]+\S.*$", re.MULTILINE)
_KEYWORD = re.compile(
    r"\b(?:(MUST|SHOULD|SHALL)(\s+(?:NOT|not)\b)?|(MAY|REQUIRED|RECOMMENDED|OPTIONAL))\b"
)


def section_text(rfc_text: str, section: str) -> str | None:
    """The body of one section of an RFC's plain text, up to the next heading.

    Headings are numbered lines starting in column 0 (table-of-contents lines
    are indented, so they never match). Returns ``None`` when the RFC has no
    such section. Subsections are not included.
    """
    heads = list(_HEADING.finditer(rfc_text))
    for i, h in enumerate(heads):
        if h.group(1) == section:
            end = heads[i + 1].start() if i + 1 < len(heads) else len(rfc_text)
            return rfc_text[h.end():end]
    return None


@dataclass(frozen=True)
class Keyword:
    """One RFC 2119 keyword occurrence in a section, with its would-be ID suffix."""

    keyword: str  # normalized: "MUST NOT" also for the RFCs' occasional "MUST not"
    letter: str
    ordinal: int  # among the same-letter keywords of the section, from 1
    offset: int  # in the section text

    @property
    def suffix(self) -> str:
        """``M4`` and the like."""
        return f"{self.letter}{self.ordinal}"


def keyword_occurrences(text: str) -> tuple[Keyword, ...]:
    """Every upper-case RFC 2119 keyword in ``text``, numbered per letter.

    Only upper-case keywords count; a ``NOT`` (or ``not``) following MUST,
    SHOULD or SHALL, even across a line break, makes one keyword with it.
    """
    counts: dict[str, int] = {}
    out: list[Keyword] = []
    for m in _KEYWORD.finditer(text):
        if m.group(1):
            kw = m.group(1) + (" NOT" if m.group(2) else "")
        else:
            kw = m.group(3)
        letter = level_letter(kw)
        counts[letter] = counts.get(letter, 0) + 1
        out.append(Keyword(kw, letter, counts[letter], m.start()))
    return tuple(out)
