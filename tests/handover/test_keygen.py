"""Handover key generation on the AR (RFC 5269 §3.6)."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest
from rfc5269.errors import ConfigurationError
from rfc5269.handover import ALGORITHMS, HMAC_SHA1_96, AuthAlgorithm, generate_handover_key


def counting_rng(start: int = 1) -> tuple[list[int], Callable[[int], bytes]]:
    calls: list[int] = []
    counter = itertools.count(start)

    def rng(n: int) -> bytes:
        calls.append(n)
        return bytes(next(counter) % 256 for _ in range(n))

    return calls, rng


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_key_has_the_algorithm_key_length_and_comes_from_rng(algorithm: AuthAlgorithm) -> None:
    # RFC5269-3.6-M1: random, and as strong as the algorithm needs
    calls, rng = counting_rng()
    key = generate_handover_key(algorithm, rng)
    assert calls == [algorithm.key_length]
    assert key == bytes(range(1, algorithm.key_length + 1))


def test_default_source_gives_distinct_keys() -> None:
    # RFC5269-3.6-M2 / RFC5269-3.6-S1
    keys = {generate_handover_key(HMAC_SHA1_96) for _ in range(20)}
    assert len(keys) == 20


def test_avoid_draws_again() -> None:
    # RFC5269-3.6-M2: a key already held for another CGA key is not handed out again
    first = bytes(range(1, 21))
    calls, rng = counting_rng()
    key = generate_handover_key(HMAC_SHA1_96, rng, avoid={first})
    assert key != first and len(calls) == 2


def test_repeating_rng_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError):
        generate_handover_key(HMAC_SHA1_96, lambda n: b"\x07" * n, avoid={b"\x07" * 20})


@pytest.mark.parametrize("bad", [lambda n: b"\x01" * (n - 1), lambda n: b"\x01" * (n + 1)])
def test_rng_returning_wrong_length_is_a_configuration_error(
        bad: Callable[[int], bytes]) -> None:
    with pytest.raises(ConfigurationError):
        generate_handover_key(HMAC_SHA1_96, bad)
