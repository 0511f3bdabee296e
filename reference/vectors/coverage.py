"""Which requirements the corpus exercises, with how many valid and invalid cases.

The issue's bar: every implemented MUST observable on the wire has a
positive and a negative case. :func:`coverage` measures where the corpus
stands against that bar (``rfc5269 vectors coverage DIR`` prints it), so the
gap is listed rather than hidden.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rfc5269 import requirements
from rfc5269.vectors.check import load_corpus


@dataclass(frozen=True)
class Coverage:
    """Cases per flag, and the implemented MUSTs by how well they are covered."""

    counts: dict[str, dict[str, int]]
    both: tuple[str, ...]
    valid_only: tuple[str, ...]
    invalid_only: tuple[str, ...]
    uncovered: tuple[str, ...]


def coverage(directory: str | Path) -> Coverage:
    """Count the corpus's cases per flag and sort the implemented MUSTs into four bins."""
    counts: dict[str, dict[str, int]] = {}
    for suite in load_corpus(directory).values():
        for group in suite["testGroups"]:
            for case in group["tests"]:
                for flag in case["flags"]:
                    row = counts.setdefault(flag, {"valid": 0, "invalid": 0, "acceptable": 0})
                    row[case["result"]] += 1
    musts = [r.id for r in requirements.all_requirements()
             if r.status is requirements.Status.IMPLEMENTED and r.level.letter == "M"]

    def has(rid: str, result: str) -> bool:
        return counts.get(rid, {}).get(result, 0) > 0

    return Coverage(
        counts,
        tuple(r for r in musts if has(r, "valid") and has(r, "invalid")),
        tuple(r for r in musts if has(r, "valid") and not has(r, "invalid")),
        tuple(r for r in musts if has(r, "invalid") and not has(r, "valid")),
        tuple(r for r in musts if r not in counts),
    )


def format_coverage(c: Coverage) -> str:
    """A plain-text summary (what ``rfc5269 vectors coverage`` prints)."""
    total = len(c.both) + len(c.valid_only) + len(c.invalid_only) + len(c.uncovered)
    lines = [f"implemented MUSTs: {total}",
             f"  positive and negative cases: {len(c.both)}",
             f"  positive only:               {len(c.valid_only)}",
             f"  negative only:               {len(c.invalid_only)}",
             f"  no case:                     {len(c.uncovered)}"]
    for title, ids in (("positive only", c.valid_only), ("negative only", c.invalid_only),
                       ("no case", c.uncovered)):
        lines.append(f"{title}: {' '.join(ids)}")
    return "\n".join(lines)
