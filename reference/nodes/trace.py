"""Structured trace of every decision a node makes.

Each time an :class:`~rfc5269.nodes.ar.AccessRouter` or a
:class:`~rfc5269.nodes.mn.MobileNode` handles an input, it records one
:class:`TraceEvent`: the state before, the input, each check performed with its
outcome, the verdict, the transition taken (with the requirement IDs it
implements) and the state after. The model's conformance checker, the property
tests, the demo transcript and the documentation all read these events.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rfc5269.wire.describe import fast_init


@fast_init
@dataclass(frozen=True)
class CheckRecord:
    """One check performed while handling an input.

    ``name`` is the check's name in the transition table, ``passed`` its
    outcome, ``reason`` the rejection reason (a verdict reason's name) when it
    failed, and ``requirements`` the requirement IDs the check implements.
    """

    name: str
    passed: bool
    reason: str | None = None
    requirements: tuple[str, ...] = ()


@dataclass(frozen=True)
class TraceEvent:
    """One decision of one node.

    ``verdict`` is ``"accepted"`` when every check passed and the transition's
    action ran, ``"rejected"`` when a check failed (``reason`` says which),
    ``"ignored"`` for inputs the node does not handle in its state.
    ``facts`` carries the concrete values the model's step relation needs
    (CGAs, nonces, key identifiers, times); it never carries key material.
    """

    actor: str
    node: str
    time: float
    transition: str
    input_kind: str
    state_before: dict[str, Any]
    checks: tuple[CheckRecord, ...]
    verdict: str
    reason: str | None
    state_after: dict[str, Any]
    requirements: tuple[str, ...]
    facts: dict[str, Any] = field(default_factory=dict)

    def failed_check(self) -> CheckRecord | None:
        """The first check that failed, if any."""
        for check in self.checks:
            if not check.passed:
                return check
        return None

    def as_dict(self) -> dict[str, Any]:
        """A JSON-friendly rendering."""
        return {
            "actor": self.actor,
            "node": self.node,
            "time": self.time,
            "transition": self.transition,
            "input": self.input_kind,
            "state_before": self.state_before,
            "checks": [
                {"name": c.name, "passed": c.passed, "reason": c.reason,
                 "requirements": list(c.requirements)}
                for c in self.checks
            ],
            "verdict": self.verdict,
            "reason": self.reason,
            "state_after": self.state_after,
            "requirements": list(self.requirements),
            "facts": self.facts,
        }


def ignored_event(actor: str, node: str, time: float, input_kind: str,
                  state: str) -> TraceEvent:
    """The record of an input for which the node's table has no row in its state."""
    return TraceEvent(
        actor=actor, node=node, time=time, transition=f"ignore {input_kind} in {state}",
        input_kind=input_kind, state_before={"state": state}, checks=(), verdict="ignored",
        reason="no transition", state_after={"state": state}, requirements=())


def malformed_event(actor: str, node: str, time: float, field: str, rule: str,
                    requirements: tuple[str, ...], length: int) -> TraceEvent:
    """The record of a received packet that does not decode (its ``decodes`` check failed)."""
    return TraceEvent(
        actor=actor, node=node, time=time, transition="discard a malformed packet",
        input_kind="malformed", state_before={},
        checks=(CheckRecord("decodes", False, f"{field}: {rule}", requirements),),
        verdict="rejected", reason="malformed", state_after={}, requirements=(),
        facts={"length": length})


class TraceLog:
    """An append-only list of trace events, shared by the nodes of one run."""

    def __init__(self) -> None:
        self.events: list[TraceEvent] = []

    def record(self, event: TraceEvent) -> None:
        """Append one event."""
        self.events.append(event)

    def __iter__(self) -> Any:
        return iter(self.events)

    def __len__(self) -> int:
        return len(self.events)
