"""FBU authentication algorithms and the 4-bit AT field (RFC 5269 §3.2, §4.1).

RFC 5269 §4.1 says the AT field names "the algorithm used by FMIPv6 to
calculate the authenticator" and sends the reader to RFC 5568, which defines
no code points: it only names HMAC-SHA1 truncated to 96 bits as the default
and HMAC-SHA256 as a possible alternative (RFC 5568 §6.4.5). The numbering is
therefore an interpretation (switch ``at_codepoints``, clarification CL-03):

============================  ===============  =========
algorithm                     ZERO_IS_DEFAULT  ONE_BASED
============================  ===============  =========
HMAC-SHA1-96                  0                1
HMAC-SHA256-128               1                2
============================  ===============  =========

Each algorithm states its key length (the hash's output length, the key size
RFC 2104 §3 recommends for HMAC), its MAC length (the truncation) and a
*strength* in bits, which is what RFC 5269 §3.2's "equivalent strength or
stronger" compares: the smaller of the key length and the MAC length, in bits,
since a forger can attack either the key or the tag.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

from rfc5269.errors import ConfigurationError
from rfc5269.interpretations import AlgorithmTypeChoice, AlgorithmTypeCodepoints

AT_MAX: Final = 15  # the AT field has 4 bits


@dataclass(frozen=True)
class AuthAlgorithm:
    """An FBU authenticator algorithm: HMAC with a hash, truncated (RFC 5568 §6.4.5)."""

    name: str
    hash_name: str  # a hashlib / hmac digest name
    key_length: int  # octets of handover key (RFC 5269 §3.6: strength matching the algorithm)
    mac_length: int  # octets of the Authenticator field after truncation

    @property
    def strength_bits(self) -> int:
        """Bits of security against forgery: min(key bits, MAC bits)."""
        return 8 * min(self.key_length, self.mac_length)


HMAC_SHA1_96: Final = AuthAlgorithm("HMAC-SHA1-96", "sha1", key_length=20, mac_length=12)
HMAC_SHA256_128: Final = AuthAlgorithm("HMAC-SHA256-128", "sha256", key_length=32, mac_length=16)

ALGORITHMS: Final[tuple[AuthAlgorithm, ...]] = (HMAC_SHA1_96, HMAC_SHA256_128)

CODEPOINTS: Final[Mapping[AlgorithmTypeCodepoints, Mapping[int, AuthAlgorithm]]] = {
    AlgorithmTypeCodepoints.ZERO_IS_DEFAULT: {0: HMAC_SHA1_96, 1: HMAC_SHA256_128},
    AlgorithmTypeCodepoints.ONE_BASED: {1: HMAC_SHA1_96, 2: HMAC_SHA256_128},
}
"""AT value -> algorithm, per reading of the code points (CL-03)."""

DEFAULT_CODEPOINTS: Final = AlgorithmTypeCodepoints.ZERO_IS_DEFAULT


def algorithm_for_at(
    at: int, codepoints: AlgorithmTypeCodepoints = DEFAULT_CODEPOINTS
) -> AuthAlgorithm | None:
    """The algorithm an AT value names, or ``None`` for an unassigned value."""
    return CODEPOINTS[codepoints].get(at)


def at_for_algorithm(
    algorithm: AuthAlgorithm, codepoints: AlgorithmTypeCodepoints = DEFAULT_CODEPOINTS
) -> int:
    """The AT value that names ``algorithm`` under the given reading."""
    for at, alg in CODEPOINTS[codepoints].items():
        if alg == algorithm:
            return at
    raise ConfigurationError(f"{algorithm.name} has no AT value under {codepoints.value}")


def strength_of(
    at: int, codepoints: AlgorithmTypeCodepoints = DEFAULT_CODEPOINTS
) -> int | None:
    """Strength in bits of the algorithm an AT value names; ``None`` if unassigned."""
    alg = algorithm_for_at(at, codepoints)
    return None if alg is None else alg.strength_bits


def _supported_algorithms(
    supported: Iterable[int], codepoints: AlgorithmTypeCodepoints
) -> dict[int, AuthAlgorithm]:
    out: dict[int, AuthAlgorithm] = {}
    for at in supported:
        alg = algorithm_for_at(at, codepoints)
        if alg is None:
            raise ConfigurationError(
                f"supported AT value {at} names no algorithm under {codepoints.value}")
        out[at] = alg
    return out


def resolve_at(
    requested: int,
    supported: Iterable[int],
    choice: AlgorithmTypeChoice = AlgorithmTypeChoice.PREFER_REQUESTED,
    codepoints: AlgorithmTypeCodepoints = DEFAULT_CODEPOINTS,
) -> int | None:
    """The AT value the AR answers with (RFC 5269 §3.2), or ``None`` if it has none.

    RFC5269-3.2-S2: the requested algorithm when the AR supports it.
    RFC5269-3.2-M12: otherwise an algorithm at least as strong as the request.

    ``supported`` lists the AT values the AR supports (a configuration error
    if one names no algorithm). Under ``PREFER_REQUESTED`` (default) the
    requested value wins when supported; otherwise the weakest supported
    algorithm that is at least as strong is chosen (the one closest to the
    MN's preference; ties go to the lower AT value). Under
    ``STRONGEST_SUPPORTED`` the strongest supported algorithm is chosen,
    provided it is at least as strong as the request (CL-04).

    A requested value that names no algorithm has no known strength; the AR
    then answers with its strongest algorithm, the only choice that cannot be
    weaker than whatever the MN meant (a choice the RFC leaves open).
    ``None`` means no supported algorithm is strong enough: the AR cannot
    provision a key that satisfies §3.2.
    """
    algs = _supported_algorithms(supported, codepoints)
    if not algs:
        return None
    wanted = algorithm_for_at(requested, codepoints)
    by_strength = sorted(algs.items(), key=lambda item: (item[1].strength_bits, item[0]))
    strongest_at, strongest = max(algs.items(), key=lambda i: (i[1].strength_bits, -i[0]))
    if wanted is None:
        return strongest_at
    if choice is AlgorithmTypeChoice.STRONGEST_SUPPORTED:
        return strongest_at if strongest.strength_bits >= wanted.strength_bits else None
    if requested in algs:
        return requested
    for at, alg in by_strength:
        if alg.strength_bits >= wanted.strength_bits:
            return at
    return None


def is_weaker(
    at: int, than: int, codepoints: AlgorithmTypeCodepoints = DEFAULT_CODEPOINTS
) -> bool:
    """Whether AT ``at`` names a weaker algorithm than ``than`` (RFC5269-3.3-S2).

    An MN retrying with another algorithm must not ask for a weaker one.
    Unassigned values count as weaker than any assigned one.
    """
    a, b = strength_of(at, codepoints), strength_of(than, codepoints)
    if b is None:
        return False
    return a is None or a < b
