"""What a property is, and what the prover says about it."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rfc5269.model.config import ModelConfig
from rfc5269.model.events import EventRecord
from rfc5269.model.state import State

StateFormula = Callable[[ModelConfig, State], Any]
StepFormula = Callable[[ModelConfig, State, EventRecord, Any, State], Any]
LemmaSet = Callable[[ModelConfig, State], list[tuple[str, Any]]]


class Expect(enum.Enum):
    """Expected outcome of a (property, configuration) pair."""

    HOLDS = "holds"
    VIOLATED = "violated"


@dataclass(frozen=True)
class Property:
    """One security property of RFC 5269 as a proof obligation.

    Exactly one of ``invariant`` (a state formula) and ``step`` (a formula over
    one transition: state, event, verdict, next state) is set. ``lemmas``
    gives the strengthening invariants used for the unbounded proof (checked
    inductive on their own first). ``expected`` maps configuration names
    (:mod:`rfc5269.proofs.configs`) to the expected outcome.
    """

    id: str
    title: str
    requirements: tuple[str, ...]
    formula: str
    expected: dict[str, Expect]
    invariant: StateFormula | None = None
    step: StepFormula | None = None
    lemmas: LemmaSet | None = None
    clarifications: dict[str, str] = field(default_factory=dict)
    symmetric_instance: StateFormula | None = None
    deep_bmc_at_once: frozenset[str] = frozenset()
    """Populations whose deep BMC run asks once for a violation at any depth (else incremental)."""

    def bmc_invariant(self, cfg: ModelConfig) -> StateFormula | None:
        """The state formula BMC searches a violation of: the symmetric instance where sound.

        An invariant that is a conjunction over (honest MN, honest AR) pairs (or
        over honest ARs) of one formula may give its (MN 0, AR 0) (or AR 0)
        conjunct as ``symmetric_instance``:
        honest MNs are interchangeable, and so are honest ARs (same initial
        state, same rules; the attacker's CGA and routers are fixed points), so
        the property is violated in k steps iff that conjunct is. With a
        bug-zoo fault switched on the full formula is used.
        """
        if self.symmetric_instance is not None and not cfg.faults:
            return self.symmetric_instance
        return self.invariant

    def holds_concretely(
        self, cfg: ModelConfig, before: State, ev: EventRecord, acc: bool, after: State,
    ) -> bool:
        """Evaluate the property on one concrete step (used to confirm counterexamples)."""
        if self.invariant is not None:
            return bool(self.invariant(cfg, after))
        assert self.step is not None
        return bool(self.step(cfg, before, ev, acc, after))


class Status(enum.Enum):
    """What the prover established."""

    PROVED = "proved"  # for all trace lengths
    BOUNDED = "holds-to-depth"  # no violation up to the depth
    VIOLATED = "violated"  # counterexample at the depth
    UNKNOWN = "unknown"  # solver gave up (reported, never hidden)


@dataclass
class Result:
    """Outcome of one job."""

    property_id: str
    config: str
    population: str
    status: Status
    depth: int | None
    seconds: float
    expected: str
    method: str
    trace: list[dict[str, Any]] = field(default_factory=list)
    msc_text: str = ""
    msc_mermaid: str = ""
    note: str = ""
    cpu_seconds: float = 0.0

    @property
    def as_expected(self) -> bool:
        """The status matches the expectation."""
        if self.expected == Expect.HOLDS.value:
            return self.status in (Status.PROVED, Status.BOUNDED)
        return self.status is Status.VIOLATED

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly."""
        return {
            "property": self.property_id,
            "config": self.config,
            "population": self.population,
            "status": self.status.value,
            "depth": self.depth,
            "seconds": round(self.seconds, 3),
            "cpu_seconds": round(self.cpu_seconds, 3),
            "expected": self.expected,
            "as_expected": self.as_expected,
            "method": self.method,
            "note": self.note,
            "trace": self.trace,
            "msc_mermaid": self.msc_mermaid,
        }
