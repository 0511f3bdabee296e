"""The AT field registry and the AR's algorithm choice (RFC 5269 §3.2, §4.1; CL-03, CL-04)."""

from __future__ import annotations

import pytest
from rfc5269.errors import ConfigurationError
from rfc5269.handover import (
    HMAC_SHA1_96,
    HMAC_SHA256_128,
    AuthAlgorithm,
    algorithm_for_at,
    at_for_algorithm,
    is_weaker,
    resolve_at,
    strength_of,
)
from rfc5269.interpretations import AlgorithmTypeChoice, AlgorithmTypeCodepoints

ZERO = AlgorithmTypeCodepoints.ZERO_IS_DEFAULT
ONE = AlgorithmTypeCodepoints.ONE_BASED
PREFER = AlgorithmTypeChoice.PREFER_REQUESTED
STRONGEST = AlgorithmTypeChoice.STRONGEST_SUPPORTED
SHA1, SHA256 = HMAC_SHA1_96, HMAC_SHA256_128
UNKNOWN = None  # a requested AT value that names no algorithm


def test_algorithm_parameters() -> None:
    assert (SHA1.key_length, SHA1.mac_length, SHA1.strength_bits) == (20, 12, 96)
    assert (SHA256.key_length, SHA256.mac_length, SHA256.strength_bits) == (32, 16, 128)
    assert SHA1.hash_name == "sha1" and SHA256.hash_name == "sha256"


@pytest.mark.parametrize(("codepoints", "table"), [
    (ZERO, {0: SHA1, 1: SHA256}),
    (ONE, {1: SHA1, 2: SHA256}),
])
def test_codepoint_readings(codepoints: AlgorithmTypeCodepoints,
                            table: dict[int, AuthAlgorithm]) -> None:
    for at in range(16):
        assert algorithm_for_at(at, codepoints) == table.get(at)
        assert strength_of(at, codepoints) == (table[at].strength_bits if at in table else None)
    for at, alg in table.items():
        assert at_for_algorithm(alg, codepoints) == at


def test_unassigned_algorithm_has_no_codepoint() -> None:
    other = AuthAlgorithm("HMAC-MD5-96", "md5", 16, 12)
    with pytest.raises(ConfigurationError):
        at_for_algorithm(other, ZERO)


# (choice, requested, supported, expected); algorithms, mapped to AT values per reading.
# RFC5269-3.2-S2: the requested algorithm when supported.
# RFC5269-3.2-M12: otherwise one at least as strong, or none at all.
RESOLVE_TABLE: list[tuple[AlgorithmTypeChoice, AuthAlgorithm | None,
                          tuple[AuthAlgorithm, ...], AuthAlgorithm | None]] = [
    (PREFER, SHA1, (SHA1, SHA256), SHA1),
    (PREFER, SHA1, (SHA256,), SHA256),
    (PREFER, SHA1, (SHA1,), SHA1),
    (PREFER, SHA256, (SHA1, SHA256), SHA256),
    (PREFER, SHA256, (SHA256,), SHA256),
    (PREFER, SHA256, (SHA1,), None),
    (PREFER, UNKNOWN, (SHA1, SHA256), SHA256),
    (PREFER, UNKNOWN, (SHA1,), SHA1),
    (PREFER, SHA1, (), None),
    (STRONGEST, SHA1, (SHA1, SHA256), SHA256),
    (STRONGEST, SHA1, (SHA1,), SHA1),
    (STRONGEST, SHA1, (SHA256,), SHA256),
    (STRONGEST, SHA256, (SHA1, SHA256), SHA256),
    (STRONGEST, SHA256, (SHA1,), None),
    (STRONGEST, UNKNOWN, (SHA1, SHA256), SHA256),
    (STRONGEST, SHA256, (), None),
]


@pytest.mark.parametrize("codepoints", [ZERO, ONE])
@pytest.mark.parametrize(("choice", "requested", "supported", "expected"), RESOLVE_TABLE)
def test_resolve_at(codepoints: AlgorithmTypeCodepoints, choice: AlgorithmTypeChoice,
                    requested: AuthAlgorithm | None, supported: tuple[AuthAlgorithm, ...],
                    expected: AuthAlgorithm | None) -> None:
    unknown_at = 15  # unassigned in both readings
    req_at = unknown_at if requested is None else at_for_algorithm(requested, codepoints)
    sup = [at_for_algorithm(a, codepoints) for a in supported]
    got = resolve_at(req_at, sup, choice, codepoints)
    if expected is None:
        assert got is None
    else:
        assert got == at_for_algorithm(expected, codepoints)
        # RFC5269-3.2-M12: never weaker than a known request
        if requested is not None:
            assert not is_weaker(got, req_at, codepoints)


def test_resolve_at_raw_values_differ_between_readings() -> None:
    # AT 0 asks for HMAC-SHA1-96 under the default reading and is reserved in the other
    assert resolve_at(0, [0, 1], PREFER, ZERO) == 0
    assert resolve_at(0, [1, 2], PREFER, ONE) == 2  # unknown request: strongest
    assert resolve_at(1, [1, 2], PREFER, ONE) == 1
    assert resolve_at(1, [0, 1], PREFER, ZERO) == 1


def test_resolve_at_order_of_supported_does_not_matter() -> None:
    assert resolve_at(0, [1, 0], PREFER, ZERO) == resolve_at(0, [0, 1], PREFER, ZERO) == 0


@pytest.mark.parametrize("codepoints", [ZERO, ONE])
def test_resolve_at_rejects_unassigned_supported_values(
        codepoints: AlgorithmTypeCodepoints) -> None:
    with pytest.raises(ConfigurationError):
        resolve_at(at_for_algorithm(SHA1, codepoints), [9], PREFER, codepoints)


def test_is_weaker() -> None:
    # RFC5269-3.3-S2: a retry must not ask for a weaker algorithm
    assert is_weaker(0, 1, ZERO)
    assert not is_weaker(1, 0, ZERO)
    assert not is_weaker(0, 0, ZERO)
    assert is_weaker(9, 0, ZERO)  # unassigned counts as weaker
    assert not is_weaker(0, 9, ZERO)
    assert is_weaker(1, 2, ONE) and is_weaker(0, 1, ONE)
