"""Timestamp-cache boundaries that surviving mutants of ``rfc5269.send.timestamps`` showed untested.

RFC 3971 §5.3.1 (48.16 fixed-point field), §5.3.4 (bounded cache) and
§5.3.4.2 (the new-peer window and the known-peer inequality). Each test names
the mutants it kills (reference/data/mutation_results.json).
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from rfc5269.send.timestamps import (
    TICKS_PER_SECOND,
    TimestampCache,
    TimestampPolicy,
    known_peer_ok,
    timestamp_now,
)
from rfc5269.send.verdict import Reason, Verdict

T = TICKS_PER_SECOND


def _commit(cache: TimestampCache, peer: str, ts: int, now: Fraction | int,
            sec: int | None = None) -> None:
    v = cache.check(peer, ts, now) if sec is None else cache.check(peer, ts, now, sec)
    assert v.accepted and v.info is not None, v
    cache.commit(v.info)


def test_timestamp_field_is_64_bits_and_exact_to_one_tick() -> None:
    """The Timestamp field holds 48 bits of seconds and 16 of fractions (RFC 3971 §5.3.1).

    RFC3971-5.3.3-S1. Kills the mutants of the 64-bit mask
    ``(1 << 64) - 1`` (``>>``, ``2 << 64``, ``1 << 65``, ``- 2``).
    """
    assert timestamp_now(Fraction(1, T)) == 1
    assert timestamp_now(Fraction(3, T)) == 3
    assert timestamp_now(2**48 - Fraction(1, T)) == 2**64 - 1
    assert timestamp_now(2**48) == 0  # the 48-bit seconds part wraps
    assert timestamp_now(2**48 + 1) == T


def test_known_peer_inequality_is_strict() -> None:
    """TSnew + fuzz > TSlast + (RDnew - RDlast)(1 - drift) - fuzz: equality fails.

    RFC3971-5.3.4.2-S6. In ticks, with fuzz 99 and drift 1/100, a message
    repeating TSlast 200 ticks later balances exactly: 2 x 99 = 200 x 99/100.
    Kills ``lhs > rhs`` -> ``lhs >= rhs``.
    """
    drift = Fraction(1, 100)
    assert not known_peer_ok(1000, 1000 + 200, 1000, 1000, 99, drift)
    assert known_peer_ok(1001, 1000 + 200, 1000, 1000, 99, drift)  # one tick newer
    assert known_peer_ok(1000, 1000 + 199, 1000, 1000, 99, drift)  # one tick sooner


def test_entry_lives_exactly_its_lifetime() -> None:
    """An entry is the peer's RDlast/TSlast until ``entry_lifetime`` has passed, not after.

    RFC3971-5.3.4.2-S2 and -S6 (known peers are judged by the inequality),
    RFC3971-5.3.4-M4 (the cache policy). With a 10 s lifetime, a replay of
    the same timestamp exactly 10 s later is judged as from a known peer
    (refused); one tick later the entry has expired and the replay passes the
    new-peer window. Kills ``rd_new - entry.rd_last > self._lifetime`` ->
    ``>=`` in ``check``.
    """
    cache = TimestampCache(TimestampPolicy(entry_lifetime=Fraction(10)))
    ts = timestamp_now(1000)
    _commit(cache, "p", ts, 1000)
    v = cache.check("p", ts, 1010)
    assert not v.accepted and v.reason is Reason.TIMESTAMP_NOT_FRESH
    w = cache.check("p", ts, Fraction(1010) + Fraction(1, T))
    assert w.accepted and w.info is not None and not w.info.known


def test_full_cache_evicts_an_entry_only_once_it_expired() -> None:
    """A full cache makes room from an entry older than its lifetime, not one exactly as old.

    RFC3971-5.3.4-M4. Kills ``rd_now - entry.rd_last > self._lifetime`` ->
    ``>=`` in ``_victim``.
    """
    cache = TimestampCache(TimestampPolicy(capacity=1, entry_lifetime=Fraction(10)))
    _commit(cache, "old", timestamp_now(1000), 1000, sec=0)
    v = cache.check("new", timestamp_now(1010), 1010, 0)
    assert not v.accepted and v.reason is Reason.TIMESTAMP_CACHE_FULL
    later = Fraction(1010) + Fraction(1, T)
    _commit(cache, "new", timestamp_now(later), later, sec=0)
    assert "new" in cache and "old" not in cache and len(cache) == 1


def test_peer_without_sec_ranks_as_sec_zero() -> None:
    """``check`` without a Sec treats the peer as Sec 0, the lowest cache priority.

    RFC 3971 §5.3.4 lets higher-Sec peers displace lower ones; RFC3971-5.3.4-M4.
    Kills the default ``sec: int = 0`` -> ``1``.
    """
    cache = TimestampCache(TimestampPolicy(capacity=1))
    _commit(cache, "anon", timestamp_now(1000), 1000)  # no Sec given
    _commit(cache, "sec1", timestamp_now(1001), 1001, sec=1)
    assert "sec1" in cache and "anon" not in cache


def test_decision_says_whether_the_peer_was_known() -> None:
    """``TimestampDecision.known``: judged by the new-peer window (False) or the inequality (True).

    RFC3971-5.3.4.2-S3 / -S6. Kills ``known`` True <-> False in ``check``.
    """
    cache = TimestampCache()
    v = cache.check("p", timestamp_now(1000), 1000)
    assert v.info is not None and v.info.known is False and v.info.update is True
    cache.commit(v.info)
    w = cache.check("p", timestamp_now(1005), 1005)
    assert w.info is not None and w.info.known is True and w.info.update is True


def test_default_cache_holds_1024_peers() -> None:
    """The default policy keeps 1024 peers and refuses the next one of equal Sec.

    RFC3971-5.3.4-M4 (bounded cache; the size is this implementation's
    documented default). Kills ``capacity: int = 1024`` -> ``1025``.
    """
    cache = TimestampCache()
    for i in range(1024):
        _commit(cache, f"p{i}", timestamp_now(1000), 1000, sec=0)
    assert len(cache) == 1024
    v = cache.check("one-more", timestamp_now(1000), 1000, 0)
    assert not v.accepted and v.reason is Reason.TIMESTAMP_CACHE_FULL


def test_capacity_below_one_is_refused() -> None:
    """A cache with room for no peer would refuse every new peer: a configuration error.

    RFC3971-5.3.4-M4. Kills the removed ``raise ValueError`` in
    ``TimestampPolicy.__post_init__``.
    """
    with pytest.raises(ValueError, match="at least one peer"):
        TimestampPolicy(capacity=0)
    assert TimestampPolicy(capacity=1).capacity == 1


def test_judge_without_sec_ranks_the_peer_as_sec_zero() -> None:
    """``judge`` (the receiver's entry point) also defaults a missing Sec to 0.

    RFC 3971 §5.3.4: the cache favours higher-Sec peers; a peer without a CGA
    has the lowest priority. Kills the default ``sec: int = 0`` -> ``1`` of ``judge``.
    """
    cache = TimestampCache(TimestampPolicy(capacity=1))
    decision = cache.judge("anon", timestamp_now(1000), 1000)
    assert not isinstance(decision, Verdict)
    assert decision.sec == 0
    cache.commit(decision)
    _commit(cache, "sec1", timestamp_now(1001), 1001, sec=1)
    assert "sec1" in cache and "anon" not in cache


def test_peer_whose_sec_rises_leaves_its_old_priority_class() -> None:
    """A known peer that comes back with a higher Sec is ranked by the new Sec only.

    RFC 3971 §5.3.4 (priority by Sec): once the only cached peer is Sec 1, a new
    Sec-1 peer finds no lower-Sec entry to displace and the full cache refuses it.
    Kills the removal of the peer's old entry when its Sec changes (``commit``).
    """
    cache = TimestampCache(TimestampPolicy(capacity=1))
    _commit(cache, "a", timestamp_now(1000), 1000, sec=0)
    _commit(cache, "a", timestamp_now(1001), 1001, sec=1)
    assert len(cache) == 1
    verdict = cache.check("b", timestamp_now(1002), 1002, sec=1)
    assert not verdict.accepted and verdict.reason is Reason.TIMESTAMP_CACHE_FULL
    assert "a" in cache
