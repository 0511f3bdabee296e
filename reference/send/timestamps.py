"""Timestamp checks and the per-peer timestamp cache (RFC 3971 §5.3.4.2).

Times are handled as integers in units of 2**-16 seconds ("ticks"), the
resolution of the Timestamp option's 48.16 fixed-point field (RFC 3971
§5.3.1), so every comparison is exact: no floating-point rounding can move a
message across a boundary.

The rules (RFC 3971 §5.3.4.2):

* new peer (no cache entry): accept when ``-Delta < RDnew - TSnew < +Delta``;
* known peer: accept when
  ``TSnew + fuzz > TSlast + (RDnew - RDlast) * (1 - drift) - fuzz``;
* RDlast/TSlast are updated only when the message is accepted (the caller
  commits after the signature has verified) and, for a known peer, only if
  also ``TSnew > TSlast``.

Cache policy (RFC 3971 §5.3.4 leaves it to the implementation):

* the cache holds at most ``capacity`` peers;
* an entry is kept at least ``entry_lifetime`` after its last update
  (default ``2 * Delta``: a message may carry a timestamp up to Delta ahead
  of the receive time, so its replay passes the new-peer window until
  2 * Delta after it was first received; a shorter lifetime lets an attacker
  replay it as soon as the entry has gone);
* when the cache is full, a new peer takes the place of, in this order:
  an expired entry, else the least recently updated entry of the lowest Sec
  bucket *if that Sec is lower than the new peer's Sec*; otherwise the new
  peer is refused (existing entries are preferred to new ones, higher Sec to
  lower, as §5.3.4 suggests) and its message is rejected with
  ``TIMESTAMP_CACHE_FULL``.

Every operation is O(1): entries live in eight buckets, one per Sec value,
each an insertion-ordered dict whose first item is its least recently updated
entry (updates move the entry to the end). Finding an expired entry or the
eviction victim looks only at the first item of at most eight buckets.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from rfc5269.constants import TIMESTAMP_DELTA, TIMESTAMP_DRIFT, TIMESTAMP_FUZZ
from rfc5269.send.verdict import Reason, Verdict
from rfc5269.wire.describe import fast_init

TICKS_PER_SECOND = 1 << 16


def to_ticks(seconds: float | int | Fraction) -> int:
    """Seconds (int, Fraction or float) as whole ticks of 2**-16 s, rounded down."""
    if isinstance(seconds, int):
        return seconds * TICKS_PER_SECOND
    if isinstance(seconds, float):
        return math.floor(seconds * TICKS_PER_SECOND)  # exact: scaling by 2**16 loses nothing
    return math.floor(seconds * TICKS_PER_SECOND)


def timestamp_now(now: float | int | Fraction) -> int:
    """The Timestamp field value a sender puts in its message at time ``now`` (§5.3.3)."""
    return to_ticks(now) & ((1 << 64) - 1)


@dataclass(frozen=True)
class TimestampPolicy:
    """Receiver parameters of RFC 3971 §5.3.4.2 (defaults from §10.2)."""

    delta: Fraction = Fraction(TIMESTAMP_DELTA)
    fuzz: Fraction = Fraction(TIMESTAMP_FUZZ)
    drift: Fraction = Fraction(str(TIMESTAMP_DRIFT))
    capacity: int = 1024
    entry_lifetime: Fraction | None = None  # None: 2 * delta

    def __post_init__(self) -> None:
        if self.capacity < 1:
            raise ValueError("the timestamp cache needs room for at least one peer")

    @property
    def lifetime_ticks(self) -> int:
        life = self.entry_lifetime if self.entry_lifetime is not None else 2 * self.delta
        return to_ticks(life)


def new_peer_ok(ts_new: int, rd_new: int, delta: int) -> bool:
    """RFC 3971 §5.3.4.2, new peer: -Delta < RDnew - TSnew < +Delta (all in ticks)."""
    return -delta < rd_new - ts_new < delta


def known_peer_ok(ts_new: int, rd_new: int, ts_last: int, rd_last: int,
                  fuzz: int, drift: Fraction) -> bool:
    """RFC 3971 §5.3.4.2, known peer (ticks; drift exact).

    TSnew + fuzz > TSlast + (RDnew - RDlast) * (1 - drift) - fuzz, evaluated
    with both sides multiplied by drift's denominator so it stays in integers.
    """
    den = drift.denominator
    lhs = (ts_new + fuzz - ts_last + fuzz) * den
    rhs = (rd_new - rd_last) * (den - drift.numerator)
    return lhs > rhs


@dataclass(slots=True)
class _Entry:
    ts_last: int
    rd_last: int
    sec: int


@fast_init
@dataclass(frozen=True)
class TimestampDecision:
    """What :meth:`TimestampCache.check` decided, to be committed on acceptance."""

    peer: Hashable
    sec: int
    ts_new: int
    rd_new: int
    known: bool
    update: bool  # will RDlast/TSlast be replaced on commit?


class TimestampCache:
    """Bounded per-peer (RDlast, TSlast) store with the §5.3.4.2 checks.

    Use :meth:`check` before accepting a message (no state change), then
    :meth:`commit` once every other check has passed, as RFC 3971 only lets
    an accepted, signed message update RDlast/TSlast. :meth:`judge` is
    :meth:`check` without the wrapping verdict on success (the receiver's
    path builds one verdict per message).
    """

    def __init__(self, policy: TimestampPolicy | None = None) -> None:
        self.policy = policy or TimestampPolicy()
        self._delta = to_ticks(self.policy.delta)
        self._fuzz = to_ticks(self.policy.fuzz)
        self._lifetime = self.policy.lifetime_ticks
        self._drift = self.policy.drift
        # Every entry sits in `_entries` and in the bucket of its Sec (least recently
        # updated first); both hold the same _Entry object.
        self._entries: dict[Hashable, _Entry] = {}
        self._buckets: list[OrderedDict[Hashable, _Entry]] = [OrderedDict() for _ in range(8)]

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, peer: object) -> bool:
        return peer in self._entries

    def last(self, peer: Hashable) -> tuple[int, int] | None:
        """(TSlast, RDlast) in ticks for a known peer, else None."""
        e = self._entries.get(peer)
        return None if e is None else (e.ts_last, e.rd_last)

    def check(self, peer: Hashable, timestamp: int, now: float | int | Fraction, sec: int = 0
              ) -> Verdict[TimestampDecision]:
        """Judge a message's Timestamp field (ticks) received at ``now`` from ``peer``.

        ``sec`` is the peer's CGA Sec (its cache priority). No state changes.
        """
        decision = self.judge(peer, timestamp, now, sec)
        if isinstance(decision, Verdict):
            return decision
        return Verdict.accept(decision)

    def judge(self, peer: Hashable, timestamp: int, now: float | int | Fraction, sec: int = 0
              ) -> TimestampDecision | Verdict[Any]:
        """:meth:`check` answering the decision itself when the timestamp passes (no state
        changes), the rejecting verdict otherwise."""
        rd_new = to_ticks(now)
        entry = known = self._entries.get(peer)
        if entry is not None and rd_new - entry.rd_last > self._lifetime:
            entry = None  # expired: judged as a new peer
        if entry is None:
            if not new_peer_ok(timestamp, rd_new, self._delta):
                return Verdict.reject(
                    Reason.TIMESTAMP_OUTSIDE_WINDOW,
                    f"RDnew - TSnew = {(rd_new - timestamp) / TICKS_PER_SECOND:.3f} s")
            if known is None and not self._room_for(sec, rd_new):
                return Verdict.reject(Reason.TIMESTAMP_CACHE_FULL, f"{len(self)} peers")
            return TimestampDecision(peer, sec, timestamp, rd_new, False, True)
        if not known_peer_ok(timestamp, rd_new, entry.ts_last, entry.rd_last, self._fuzz,
                             self._drift):
            return Verdict.reject(Reason.TIMESTAMP_NOT_FRESH)
        return TimestampDecision(peer, sec, timestamp, rd_new, True, timestamp > entry.ts_last)

    def commit(self, decision: TimestampDecision) -> None:
        """Record an accepted message (RDlast/TSlast update rules of §5.3.4.2)."""
        if not decision.update:
            return
        peer = decision.peer
        entry = self._entries.get(peer)
        if entry is not None and entry.sec == decision.sec:  # update in place, now the newest
            entry.ts_last, entry.rd_last = decision.ts_new, decision.rd_new
            self._buckets[entry.sec].move_to_end(peer)
            return
        if entry is not None:  # the peer's Sec changed: it moves to another bucket
            self._remove(peer)
        elif len(self._entries) >= self.policy.capacity:
            victim = self._victim(decision.sec, decision.rd_new)
            if victim is None:  # the cache filled up between check and commit
                return
            self._remove(victim)
        entry = _Entry(decision.ts_new, decision.rd_new, decision.sec)
        self._buckets[decision.sec][peer] = entry
        self._entries[peer] = entry

    # -- eviction (O(1): at most eight bucket heads are inspected) ----------
    def _room_for(self, sec: int, rd_now: int) -> bool:
        return len(self._entries) < self.policy.capacity or self._victim(sec, rd_now) is not None

    def _victim(self, sec: int, rd_now: int) -> Hashable | None:
        for bucket in self._buckets:  # an expired entry anywhere
            if bucket:
                peer, entry = next(iter(bucket.items()))
                if rd_now - entry.rd_last > self._lifetime:
                    return peer
        for bucket_sec in range(sec):  # else the stalest entry of a lower Sec
            bucket = self._buckets[bucket_sec]
            if bucket:
                return next(iter(bucket))
        return None

    def _remove(self, peer: Hashable) -> None:
        del self._buckets[self._entries.pop(peer).sec][peer]
