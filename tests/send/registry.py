"""Registry of the verdict reasons the SEND tests exercise.

Each negative test is decorated with :func:`covers` naming the reason(s) it
makes the verifier report, and asserts that reason with :func:`expect_reject`;
``test_reason_coverage.py`` fails if any :class:`Reason` has no such test.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from rfc5269.send.verdict import Outcome, Reason, Verdict

COVERED: dict[Reason, list[str]] = {}
F = TypeVar("F", bound=Callable[..., Any])


def covers(*reasons: Reason) -> Callable[[F], F]:
    """Mark a test as the one where ``reasons`` alone fail."""

    def mark(func: F) -> F:
        for r in reasons:
            COVERED.setdefault(r, []).append(f"{func.__module__}.{func.__qualname__}")
        return func

    return mark


def expect_reject(verdict: Verdict[Any], reason: Reason) -> None:
    """The verdict is a rejection naming exactly ``reason``."""
    assert verdict.outcome is Outcome.REJECTED, f"expected rejection {reason}, got {verdict}"
    assert verdict.reason is reason, f"expected {reason}, got {verdict}"


def expect_unsecured(verdict: Verdict[Any], reason: Reason) -> None:
    assert verdict.outcome is Outcome.UNSECURED, f"expected unsecured, got {verdict}"
    assert verdict.reason is reason


def expect_accept(verdict: Verdict[Any]) -> Any:
    assert verdict.accepted, f"expected acceptance, got {verdict}"
    return verdict.info
