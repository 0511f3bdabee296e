"""Transition tables and the runner that applies them.

A node's behaviour is a table of :class:`Transition` rows, in the manner of
h11's ``_state.py``: for a state and an input kind, the checks to perform in
order, the action to take when all pass, the state that follows, what happens
on a failed check, and the requirement IDs the row implements. The code that
performs a check or an action is a method of the node named after it; the
table is the whole of the control flow.

The runner records each decision as a :class:`~rfc5269.nodes.trace.TraceEvent`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from rfc5269.nodes.trace import CheckRecord, TraceEvent, TraceLog
from rfc5269.wire.describe import fast_init


@dataclass(frozen=True)
class Transition:
    """One row of a node's transition table."""

    name: str
    actor: str
    state: str
    input: str
    checks: tuple[str, ...]
    action: str
    next_state: str
    on_reject: str
    requirements: tuple[str, ...]


@fast_init
@dataclass(frozen=True)
class CheckResult:
    """Outcome of one check: passed, or failed with a reason name."""

    passed: bool
    reason: str | None = None

    @staticmethod
    def ok() -> CheckResult:
        """The check passed."""
        return _PASSED

    @staticmethod
    def fail(reason: str) -> CheckResult:
        """The check failed for ``reason``."""
        return CheckResult(False, reason)


_PASSED = CheckResult(True)


@dataclass(frozen=True)
class CheckSpec:
    """A named check: the requirement IDs it implements (for the trace and the docs)."""

    name: str
    requirements: tuple[str, ...]
    description: str

    @cached_property
    def passed(self) -> CheckRecord:
        """The trace record of this check passing (one shared instance: records are frozen)."""
        return CheckRecord(self.name, True, None, self.requirements)

    def record(self, result: CheckResult) -> CheckRecord:
        """The trace record of one outcome of this check."""
        if result.passed:
            return self.passed
        return CheckRecord(self.name, False, result.reason, self.requirements)


def find_transition(table: tuple[Transition, ...], state: str, input_kind: str) -> Transition:
    """The row for ``(state, input_kind)``; ``*`` in a row's state matches any state."""
    for row in table:
        if row.input == input_kind and row.state in (state, "*"):
            return row
    raise LookupError(f"no transition for state {state!r} on {input_kind!r}")


def run_transition(
    *,
    row: Transition,
    node: str,
    now: float,
    state_before: dict[str, Any],
    check: Callable[[str], CheckResult],
    check_specs: Mapping[str, CheckSpec],
    action: Callable[[], None],
    on_reject: Callable[[str, str], None],
    state_after: Callable[[], dict[str, Any]],
    facts: dict[str, Any],
    log: TraceLog,
) -> TraceEvent:
    """Perform the row's checks in order; run the action or the reject handler; record it.

    ``check`` performs the check of that name; ``on_reject`` receives the
    failed check's name and reason.
    """
    records: list[CheckRecord] = []
    failed: CheckRecord | None = None
    for name in row.checks:
        record = check_specs[name].record(check(name))
        records.append(record)
        if not record.passed:
            failed = record
            break
    if failed is None:
        action()
        verdict, reason = "accepted", None
    else:
        on_reject(failed.name, failed.reason or failed.name)
        verdict, reason = "rejected", failed.reason
    event = TraceEvent(
        actor=row.actor,
        node=node,
        time=now,
        transition=row.name,
        input_kind=row.input,
        state_before=state_before,
        checks=tuple(records),
        verdict=verdict,
        reason=reason,
        state_after=state_after(),
        requirements=row.requirements,
        facts=facts,
    )
    log.record(event)
    return event
