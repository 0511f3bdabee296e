"""Timestamp rules and the timestamp cache (RFC 3971 §5.3.4, §5.3.4.2)."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st
from rfc5269.send.timestamps import (
    TICKS_PER_SECOND,
    TimestampCache,
    TimestampPolicy,
    known_peer_ok,
    new_peer_ok,
    timestamp_now,
    to_ticks,
)
from rfc5269.send.verdict import Reason

from .registry import covers, expect_accept, expect_reject

DELTA, FUZZ, DRIFT = Fraction(300), Fraction(1), Fraction(1, 100)
T = TICKS_PER_SECOND
# Times in seconds, exact to the timestamp resolution (multiples of 2**-16 s).
seconds = st.integers(min_value=0, max_value=2000 * T).map(lambda t: Fraction(t, T))


def rfc_new_peer(ts_new: Fraction, rd_new: Fraction) -> bool:
    """RFC 3971 §5.3.4.2, written directly: -Delta < (RDnew - TSnew) < +Delta."""
    return -DELTA < (rd_new - ts_new) < DELTA


def rfc_known_peer(ts_new: Fraction, rd_new: Fraction, ts_last: Fraction,
                   rd_last: Fraction) -> bool:
    """RFC 3971 §5.3.4.2: TSnew + fuzz > TSlast + (RDnew - RDlast) x (1 - drift) - fuzz."""
    return ts_new + FUZZ > ts_last + (rd_new - rd_last) * (1 - DRIFT) - FUZZ


def _t(x: Fraction) -> int:
    return int(x * T)


@settings(derandomize=True, max_examples=300)
@given(seconds, seconds)
def test_new_peer_inequality(ts_new: Fraction, rd_new: Fraction) -> None:
    assert new_peer_ok(_t(ts_new), _t(rd_new), _t(DELTA)) == rfc_new_peer(ts_new, rd_new)


@settings(derandomize=True, max_examples=300)
@given(seconds, seconds, seconds, seconds)
def test_known_peer_inequality(ts_new: Fraction, rd_new: Fraction, ts_last: Fraction,
                               rd_last: Fraction) -> None:
    assert known_peer_ok(_t(ts_new), _t(rd_new), _t(ts_last), _t(rd_last), _t(FUZZ), DRIFT) \
        == rfc_known_peer(ts_new, rd_new, ts_last, rd_last)


@settings(derandomize=True, max_examples=200)
@given(seconds, seconds, seconds, seconds)
def test_cache_follows_the_rfc(ts_last: Fraction, rd_last: Fraction, ts_new: Fraction,
                               rd_new: Fraction) -> None:
    """A full first/second message sequence against the RFC's rules and update condition."""
    cache = TimestampCache()
    first = cache.check("peer", _t(ts_last), rd_last)
    assert first.accepted == rfc_new_peer(ts_last, rd_last)
    if not first.accepted:
        assert "peer" not in cache
        return
    assert first.info is not None
    cache.commit(first.info)
    assert cache.last("peer") == (_t(ts_last), _t(rd_last))
    if rd_new < rd_last:
        return  # receive times only move forward
    second = cache.check("peer", _t(ts_new), rd_new)
    expired = _t(rd_new) - _t(rd_last) > to_ticks(2 * DELTA)
    expected = rfc_new_peer(ts_new, rd_new) if expired else rfc_known_peer(
        ts_new, rd_new, ts_last, rd_last)
    assert second.accepted == expected
    if second.accepted:
        assert second.info is not None
        cache.commit(second.info)
        updated = expired or ts_new > ts_last
        assert cache.last("peer") == ((_t(ts_new), _t(rd_new)) if updated
                                      else (_t(ts_last), _t(rd_last)))
    else:
        assert cache.last("peer") == (_t(ts_last), _t(rd_last))


def test_check_does_not_change_state() -> None:
    cache = TimestampCache()
    v = cache.check("p", timestamp_now(1000), 1000)
    expect_accept(v)
    assert len(cache) == 0  # not committed: a message failing later checks leaves no trace


@covers(Reason.TIMESTAMP_OUTSIDE_WINDOW)
def test_new_peer_outside_window() -> None:
    cache = TimestampCache()
    expect_reject(cache.check("p", timestamp_now(1000), 1300), Reason.TIMESTAMP_OUTSIDE_WINDOW)
    expect_reject(cache.check("p", timestamp_now(1300), 1000), Reason.TIMESTAMP_OUTSIDE_WINDOW)
    expect_accept(cache.check("p", timestamp_now(1000), Fraction(1300) - Fraction(1, T)))


@covers(Reason.TIMESTAMP_NOT_FRESH)
def test_known_peer_replay() -> None:
    cache = TimestampCache()
    v = cache.check("p", timestamp_now(1000), 1000)
    assert v.info is not None
    cache.commit(v.info)
    # A replay of the same message 10 s later: 1000 + 1 > 1000 + 10 * 0.99 - 1 is false.
    expect_reject(cache.check("p", timestamp_now(1000), 1010), Reason.TIMESTAMP_NOT_FRESH)
    # Within the fuzz it passes, but does not update (TSnew == TSlast).
    w = cache.check("p", timestamp_now(1000), 1001)
    assert w.info is not None and w.accepted and not w.info.update


@covers(Reason.TIMESTAMP_CACHE_FULL)
def test_cache_full_prefers_existing_then_higher_sec() -> None:
    cache = TimestampCache(TimestampPolicy(capacity=2))
    for peer, sec in (("a", 1), ("b", 2)):
        v = cache.check(peer, timestamp_now(1000), 1000, sec)
        assert v.info is not None
        cache.commit(v.info)
    # A new Sec 1 peer: every entry has Sec >= 1, existing entries win.
    expect_reject(cache.check("c", timestamp_now(1001), 1001, sec=1), Reason.TIMESTAMP_CACHE_FULL)
    # A new Sec 2 peer displaces the Sec 1 entry.
    v = cache.check("d", timestamp_now(1001), 1001, sec=2)
    assert v.info is not None
    cache.commit(v.info)
    assert "a" not in cache and "b" in cache and "d" in cache
    # After the entry lifetime (2 * Delta) expired entries make room for anyone.
    later = 1001 + 601
    v = cache.check("e", timestamp_now(later), later, sec=0)
    assert v.info is not None
    cache.commit(v.info)
    assert "e" in cache and len(cache) == 2


def test_eviction_is_least_recently_updated_within_a_sec() -> None:
    cache = TimestampCache(TimestampPolicy(capacity=2))
    for t, peer in ((1000, "a"), (1001, "b")):
        v = cache.check(peer, timestamp_now(t), t, 0)
        assert v.info is not None
        cache.commit(v.info)
    v = cache.check("a", timestamp_now(1002), 1002, 0)  # refresh a
    assert v.info is not None
    cache.commit(v.info)
    v = cache.check("c", timestamp_now(1003), 1003, 1)
    assert v.info is not None
    cache.commit(v.info)
    assert "b" not in cache and "a" in cache


def test_float_and_fraction_times() -> None:
    assert to_ticks(1.5) == 3 * T // 2
    assert to_ticks(Fraction(1, 3)) == T // 3
    assert timestamp_now(2) == 2 * T


def test_a_peer_whose_sec_changes_moves_to_its_new_bucket() -> None:
    """Commit updates a known peer in place, or moves it when its Sec changed (eviction order)."""
    cache = TimestampCache(TimestampPolicy(capacity=2))
    for t, peer, sec in ((1000, "a", 2), (1001, "b", 1), (1002, "a", 0)):
        v = cache.check(peer, timestamp_now(t), t, sec)
        assert v.info is not None
        cache.commit(v.info)
    assert cache.last("a") == (timestamp_now(1002), to_ticks(1002)) and len(cache) == 2
    # "a" now sits in the Sec 0 bucket: a new Sec 1 peer displaces it, not the Sec 1 "b".
    v = cache.check("c", timestamp_now(1003), 1003, 1)
    assert v.info is not None
    cache.commit(v.info)
    assert "a" not in cache and "b" in cache and "c" in cache


def test_judge_answers_what_check_wraps() -> None:
    cache = TimestampCache()
    decision = cache.judge("p", timestamp_now(1000), 1000, 1)
    assert decision == expect_accept(cache.check("p", timestamp_now(1000), 1000, 1))
    expect_reject(cache.check("p", timestamp_now(0), 1000, 1), Reason.TIMESTAMP_OUTSIDE_WINDOW)
    assert cache.judge("p", timestamp_now(0), 1000, 1) == \
        cache.check("p", timestamp_now(0), 1000, 1)
