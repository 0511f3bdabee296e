"""Ready-made, deterministic set-ups: a test PKI, an AR, an MN, a link.

Used by the demo, the tests, the vectors and the benchmarks, so that all of
them run the same configuration. Everything is derived from a seed: CGA
modifiers, nonces and handover keys come from a seeded generator, RSA keys
from the fixed pool of :mod:`rfc5269.send.testpki`. These keys are public test
material.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from ipaddress import IPv6Address, IPv6Network

from cryptography.hazmat.primitives.asymmetric import rsa
from rfc5269.interpretations import DEFAULT, Interpretations
from rfc5269.io.memlink import InMemoryLink
from rfc5269.nodes.ar import AccessRouter
from rfc5269.nodes.config import (
    ArConfig,
    ArLimits,
    MnConfig,
    NeighbourRouter,
    make_identity,
)
from rfc5269.nodes.mn import MobileNode
from rfc5269.nodes.trace import TraceLog
from rfc5269.send import testpki

LINK_LOCAL = IPv6Network("fe80::/64")
MN_PREFIX = IPv6Network("2001:db8:a::/64")
NAR_PREFIX = IPv6Network("2001:db8:b::/64")
NEW_AP = bytes.fromhex("02aabbccddee")
NAR = NeighbourRouter(NEW_AP, bytes.fromhex("020000000009"), IPv6Address("2001:db8:b::1"),
                      NAR_PREFIX)
START_TIME = testpki.VALID_AT.timestamp()
"""Seconds since 1970: a time at which the test certificates are valid."""

# Fixed pool indexes of the test keys (rfc5269.send.testpki.pool_key). The test
# PKI of seed s uses pool keys 5s..5s+4, so seeds 0..MAX_SEED (and the rogue PKI
# of seed + 1 in the demo) never share a key with the MN's keys below.
MN_CGA_KEY = 30
MN_HKEPK_KEYS = (31, 32, 33)
ATTACKER_KEY = 34
MAX_SEED = 4


def seeded_rng(seed: int, stream: str) -> Callable[[int], bytes]:
    """A deterministic byte source for one role (not for real keys)."""
    generator = random.Random(f"{seed}/{stream}")
    return generator.randbytes


def pool_factory(indexes: tuple[int, ...]) -> Callable[[int, int], rsa.RSAPrivateKey]:
    """An HKEPK key factory that hands out fixed pool keys in turn (RFC 5269 §3.1)."""
    queue = list(indexes)

    def factory(bits: int, exponent: int) -> rsa.RSAPrivateKey:
        index = queue.pop(0) if len(queue) > 1 else queue[0]
        return testpki.pool_key(index)

    return factory


@dataclass
class Exchange:
    """An AR and an MN on one in-memory link, with their PKI and shared trace."""

    pki: testpki.TestPki
    ar: AccessRouter
    mn: MobileNode
    link: InMemoryLink
    log: TraceLog
    seed: int
    extra: dict[str, object] = field(default_factory=dict)


def make_exchange(
    seed: int = 0,
    interpretations: Interpretations = DEFAULT,
    *,
    ar_limits: ArLimits | None = None,
    ar_supported_at: tuple[int, ...] = (0, 1),
    mn_supported_at: tuple[int, ...] = (0, 1),
    mn_preferred_at: int = 0,
    hk_lifetime: int = 43200,
    start_time: float = START_TIME,
) -> Exchange:
    """Build a PKI, an AR with a certified key, an MN trusting its anchor, and a link.

    ``seed`` is 0..MAX_SEED: beyond it the fixed key pool would hand the PKI
    the MN's own keys.
    """
    if not 0 <= seed <= MAX_SEED:
        raise ValueError(f"seed must be 0..{MAX_SEED} (the test key pool is finite)")
    pki = testpki.make_pki(seed)
    ar_rng = seeded_rng(seed, "ar")
    mn_rng = seeded_rng(seed, "mn")
    ar_identity = make_identity(pki.router.rsa_key, LINK_LOCAL, ar_rng)
    mn_identity = make_identity(testpki.pool_key(MN_CGA_KEY), MN_PREFIX, mn_rng)
    log = TraceLog()
    ar = AccessRouter(ArConfig(
        ar_identity, pki.anchor.certificate, tuple(pki.path), neighbours=(NAR,),
        supported_at=ar_supported_at, hk_lifetime=hk_lifetime,
        limits=ar_limits or ArLimits(), interpretations=interpretations), ar_rng, log)
    mn = MobileNode(MnConfig(
        mn_identity, (pki.trust_anchor(),), supported_at=mn_supported_at,
        preferred_at=mn_preferred_at, interpretations=interpretations), mn_rng, log,
        hkepk_factory=pool_factory(MN_HKEPK_KEYS))
    link = InMemoryLink(start_time)
    link.attach(ar)
    link.attach(mn)
    return Exchange(pki, ar, mn, link, log, seed)
