"""The figures a benchmark run produces, and their JSON record.

A :class:`Figure` is one measured quantity with its baseline, ratio and goal;
a :class:`Section` is one sub-benchmark's figures plus free-form details
(tables the plots are drawn from). :class:`Record` is the whole run, written
by ``rfc5269 bench --json`` and read by the documentation's performance page.
"""

from __future__ import annotations

import datetime
import os
import platform
import sys
from dataclasses import asdict, dataclass, field
from typing import Any

SCHEMA = "rfc5269-bench/1"


@dataclass
class Figure:
    """One measured quantity.

    ``ratio`` is ``value / baseline`` when a baseline exists; ``goal`` the
    bound the issue sets (``goal_kind`` says whether the figure must stay at
    most or at least that value); ``met`` the comparison, None without a goal.
    """

    name: str
    value: float
    unit: str
    baseline: float | None = None
    ratio: float | None = None
    goal: float | None = None
    goal_kind: str = ""  # "max" or "min", applied to ``ratio`` if present else ``value``
    met: bool | None = None
    note: str = ""

    def judge(self) -> Figure:
        """Fill ``ratio`` and ``met`` from the other fields; return self."""
        if self.baseline:
            self.ratio = self.value / self.baseline
        if self.goal is not None:
            x = self.ratio if self.ratio is not None else self.value
            self.met = x <= self.goal if self.goal_kind == "max" else x >= self.goal
        return self


@dataclass
class Section:
    """One sub-benchmark's figures and details."""

    name: str
    title: str
    figures: list[Figure] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    available: bool = True
    seconds: float = 0.0

    def add(self, figure: Figure) -> Figure:
        """Judge and keep one figure."""
        self.figures.append(figure.judge())
        return figure


def machine() -> dict[str, Any]:
    """Where the figures were measured (the load average matters on a shared machine)."""
    import cryptography

    return {
        "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "python": sys.version.split()[0],
        "cryptography": cryptography.__version__,
        "platform": platform.platform(),
        "processor": platform.machine(),
    }


@dataclass
class Record:
    """A whole ``rfc5269 bench`` run."""

    command: str
    sections: list[Section] = field(default_factory=list)
    started: str = field(default_factory=lambda: datetime.datetime.now(
        datetime.UTC).isoformat(timespec="seconds"))
    machine_before: dict[str, Any] = field(default_factory=machine)
    machine_after: dict[str, Any] = field(default_factory=dict)

    def results(self) -> list[dict[str, Any]]:
        """Every figure as a flat row (the table the docs render)."""
        rows = []
        for s in self.sections:
            for f in s.figures:
                rows.append({"benchmark": s.name, **asdict(f)})
        return rows

    def as_dict(self) -> dict[str, Any]:
        """The JSON record."""
        return {
            "schema": SCHEMA,
            "command": self.command,
            "started": self.started,
            "machine": self.machine_before,
            "machine_after": self.machine_after,
            "results": self.results(),
            "sections": {s.name: {"title": s.title, "available": s.available,
                                  "seconds": round(s.seconds, 2), "details": s.details}
                         for s in self.sections},
        }


def format_section(section: Section) -> str:
    """A human-readable block of one section's figures."""
    lines = [f"== {section.title} =="]
    if not section.available:
        lines.append(f"  not available: {section.details.get('reason', '')}")
        return "\n".join(lines)
    for f in section.figures:
        text = f"  {f.name:<58} {_num(f.value):>12} {f.unit}"
        if f.baseline is not None:
            text += f"  (baseline {_num(f.baseline)}, ratio {f.ratio:.3f})"
        if f.goal is not None:
            sign = "<=" if f.goal_kind == "max" else ">="
            text += f"  goal {sign} {f.goal:g}: {'met' if f.met else 'NOT met'}"
        if f.note:
            text += f"  [{f.note}]"
        lines.append(text)
    return "\n".join(lines)


def _num(x: float) -> str:
    if x == 0 or 0.01 <= abs(x) < 1e6:
        return f"{x:,.2f}" if abs(x) < 100 else f"{x:,.0f}"
    return f"{x:.3g}"
