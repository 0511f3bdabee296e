"""Which requirements the corpus exercises, measured against their observability.

The issue's bar: every implemented MUST observable on the wire has a
positive and a negative case. The catalogue classifies each implemented MUST
(:class:`rfc5269.requirements.Observability`):

* ``wire`` — needs a ``valid`` and an ``invalid`` case flagged with it;
* ``one-sided`` — visible on the wire but no input is refused over it
  (fields receivers ignore, what a sender chooses): needs a ``valid`` case,
  whose checks judge what the node sends or that it accepts;
* ``internal`` — no vector can show it; listed with the catalogue's reason.

:func:`coverage` measures the corpus against that bar and ``rfc5269 vectors
coverage DIR`` prints it, gaps first, so the gap is listed rather than hidden.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rfc5269 import requirements
from rfc5269.requirements import Observability
from rfc5269.vectors.check import load_corpus


@dataclass(frozen=True)
class Coverage:
    """Cases per flag, and the implemented MUSTs by class and by how well they are covered."""

    counts: dict[str, dict[str, int]]
    both: tuple[str, ...]
    valid_only: tuple[str, ...]
    invalid_only: tuple[str, ...]
    uncovered: tuple[str, ...]
    classes: dict[str, tuple[str, ...]]  # observability value -> IDs

    def has(self, rid: str, result: str) -> bool:
        """Whether some case with this ``result`` carries the flag ``rid``."""
        return self.counts.get(rid, {}).get(result, 0) > 0

    @property
    def wire_gaps(self) -> tuple[str, ...]:
        """Wire-observable MUSTs lacking a valid or an invalid case."""
        return tuple(r for r in self.classes[Observability.WIRE.value]
                     if not (self.has(r, "valid") and self.has(r, "invalid")))

    @property
    def one_sided_gaps(self) -> tuple[str, ...]:
        """One-sided MUSTs lacking a valid case."""
        return tuple(r for r in self.classes[Observability.ONE_SIDED.value]
                     if not self.has(r, "valid"))


def coverage(directory: str | Path) -> Coverage:
    """Count the corpus's cases per flag and sort the implemented MUSTs into bins."""
    counts: dict[str, dict[str, int]] = {}
    for suite in load_corpus(directory).values():
        for group in suite["testGroups"]:
            for case in group["tests"]:
                for flag in case["flags"]:
                    row = counts.setdefault(flag, {"valid": 0, "invalid": 0, "acceptable": 0})
                    row[case["result"]] += 1
    musts = [r for r in requirements.all_requirements()
             if r.status is requirements.Status.IMPLEMENTED and r.mandatory]
    ids = [r.id for r in musts]

    def has(rid: str, result: str) -> bool:
        return counts.get(rid, {}).get(result, 0) > 0

    classes = {o.value: tuple(r.id for r in musts if r.observable is o) for o in Observability}
    return Coverage(
        counts,
        tuple(r for r in ids if has(r, "valid") and has(r, "invalid")),
        tuple(r for r in ids if has(r, "valid") and not has(r, "invalid")),
        tuple(r for r in ids if has(r, "invalid") and not has(r, "valid")),
        tuple(r for r in ids if r not in counts),
        classes,
    )


def format_coverage(c: Coverage) -> str:
    """A plain-text summary (what ``rfc5269 vectors coverage`` prints)."""
    wire = c.classes[Observability.WIRE.value]
    one_sided = c.classes[Observability.ONE_SIDED.value]
    internal = c.classes[Observability.INTERNAL.value]
    total = len(c.both) + len(c.valid_only) + len(c.invalid_only) + len(c.uncovered)
    lines = [
        f"implemented MUSTs: {total}",
        f"  wire-observable: {len(wire)} (need a valid and an invalid case); "
        f"gaps: {len(c.wire_gaps)}",
        f"  one-sided:       {len(one_sided)} (no input is refused over them; need a valid "
        f"case); gaps: {len(c.one_sided_gaps)}",
        f"  internal:        {len(internal)} (no vector can show them)",
        "by cases, whatever the class:",
        f"  positive and negative cases: {len(c.both)}",
        f"  positive only:               {len(c.valid_only)}",
        f"  negative only:               {len(c.invalid_only)}",
        f"  no case:                     {len(c.uncovered)}",
        f"wire gaps: {' '.join(c.wire_gaps) or '-'}",
        f"one-sided gaps: {' '.join(c.one_sided_gaps) or '-'}",
        f"one-sided: {' '.join(one_sided)}",
        "internal (reason from the catalogue):",
    ]
    lines += [f"  {rid}: {requirements.get(rid).observable_why}" for rid in internal]
    return "\n".join(lines)
