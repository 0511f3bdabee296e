"""CPU-time measurement helpers.

Each operation is timed on its own with ``time.process_time_ns`` (the CPU
time of this process, which another process on a shared core disturbs less
than wall time), and the implementation and its baseline are measured in
alternation, so that a change of machine load hits both alike. Medians are
reported beside means: a load spike moves the mean, rarely the median.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

T = TypeVar("T")


@dataclass
class Samples:
    """CPU times of repeated operations, in seconds."""

    values: list[float] = field(default_factory=list)

    def timed(self, func: Callable[[], T]) -> T:
        """Run ``func`` once, adding its CPU time; return its result."""
        t0 = time.process_time_ns()
        result = func()
        self.values.append((time.process_time_ns() - t0) / 1e9)
        return result

    @property
    def median(self) -> float:
        return statistics.median(self.values) if self.values else 0.0

    @property
    def mean(self) -> float:
        return statistics.fmean(self.values) if self.values else 0.0

    @property
    def total(self) -> float:
        return sum(self.values)

    def __len__(self) -> int:
        return len(self.values)


def cpu_seconds(func: Callable[[], object]) -> float:
    """CPU time of one call of ``func``."""
    t0 = time.process_time_ns()
    func()
    return (time.process_time_ns() - t0) / 1e9


def per_call(func: Callable[[], object], count: int, rounds: int = 3) -> float:
    """Best over ``rounds`` of the CPU time per call of ``count`` calls in a row."""
    best = float("inf")
    for _ in range(rounds):
        t0 = time.process_time_ns()
        for _ in range(count):
            func()
        best = min(best, (time.process_time_ns() - t0) / 1e9 / count)
    return best
