"""Solicited-advertisement nonce rules (RFC 3971 §5.3.4.1, RFC 5269 §3.3, CL-09)."""

from __future__ import annotations

import random

import pytest
from rfc5269.interpretations import NonceRetention
from rfc5269.send.nonces import NonceStore, make_nonce
from rfc5269.send.verdict import Reason

from .registry import covers, expect_accept, expect_reject


def store(retention: NonceRetention = NonceRetention.ONE_PER_ROUTER) -> NonceStore:
    s = NonceStore(retention, lifetime=10)
    s.remember(b"n" * 6, 100, context="hk-key-1")
    return s


def answer(s: NonceStore, router: str, now: float = 101) -> Reason | None:
    v = s.check(b"n" * 6, router, now)
    if v.accepted:
        assert v.info is not None
        s.commit(v.info)
        return None
    return v.reason


def test_make_nonce_lengths() -> None:
    rng = random.Random(1).randbytes
    assert len(make_nonce(rng)) == 6 and len(make_nonce(rng, 14)) == 14
    for bad in (5, 7, 8):
        with pytest.raises(ValueError):
            make_nonce(rng, bad)


def test_context_is_returned() -> None:
    info = expect_accept(store().check(b"n" * 6, "r1", 101))
    assert info.context == "hk-key-1"


@covers(Reason.NONCE_UNKNOWN)
def test_unknown_and_expired_nonces() -> None:
    s = store()
    expect_reject(s.check(b"x" * 6, "r1", 101), Reason.NONCE_UNKNOWN)
    expect_reject(s.check(b"n" * 6, "r1", 110), Reason.NONCE_UNKNOWN)  # lifetime over
    s.expire(200)
    assert len(s) == 0


@covers(Reason.NONCE_ALREADY_ANSWERED)
def test_one_per_router_default() -> None:
    s = store()
    assert answer(s, "r1") is None
    assert answer(s, "r2") is None  # several routers may answer one RtSolPr
    assert answer(s, "r1") is Reason.NONCE_ALREADY_ANSWERED  # the same answer never twice


def test_single_answer() -> None:
    s = store(NonceRetention.SINGLE_ANSWER)
    assert answer(s, "r1") is None
    assert answer(s, "r2") is Reason.NONCE_ALREADY_ANSWERED


def test_unlimited_accepts_replays() -> None:
    s = store(NonceRetention.UNLIMITED)
    assert answer(s, "r1") is None and answer(s, "r1") is None


def test_check_without_commit_does_not_consume() -> None:
    s = store(NonceRetention.SINGLE_ANSWER)
    expect_accept(s.check(b"n" * 6, "forger", 101))  # e.g. a message failing its signature
    assert answer(s, "r1") is None


def test_bounded() -> None:
    s = NonceStore(max_outstanding=3)
    for i in range(5):
        s.remember(bytes([i]) * 6, 100)
    assert len(s) == 3
    expect_reject(s.check(bytes([0]) * 6, "r", 100), Reason.NONCE_UNKNOWN)
