"""The set-ups the benchmarks drive: an AR and an MN with keys of a chosen size.

RSA-1024 set-ups are :func:`rfc5269.scenario.make_exchange` itself (the fixed
test-key pool). RSA-2048 keys are generated once per run with `cryptography`
(the pool holds only 1024-bit keys): trust anchor, router, MN CGA key and
HKEPK, with the same certificates, blocks and CGAs the scenario uses.

Both nodes run with their default random source, :func:`os.urandom`, as a
deployed node would; the CGAs come from a seeded generator.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache
from ipaddress import IPv6Address

from cryptography.hazmat.primitives.asymmetric import rsa
from rfc5269.interpretations import DEFAULT, SignedChecksum
from rfc5269.io.memlink import InMemoryLink
from rfc5269.nodes.ar import AccessRouter
from rfc5269.nodes.config import ArConfig, ArLimits, MnConfig, make_identity
from rfc5269.nodes.events import PacketReceived, RequestHandoverKey, SendPacket
from rfc5269.nodes.mn import MobileNode
from rfc5269.nodes.packets import signed_icmpv6_packet
from rfc5269.nodes.trace import TraceLog
from rfc5269.scenario import (
    ATTACKER_KEY,
    LINK_LOCAL,
    MN_CGA_KEY,
    MN_HKEPK_KEYS,
    MN_PREFIX,
    NAR,
    NEW_AP,
    START_TIME,
    make_exchange,
)
from rfc5269.send import testpki
from rfc5269.send.keys import public_key_der
from rfc5269.send.pkix import ID_KP_SEND_ROUTER
from rfc5269.send.sender import SendIdentity
from rfc5269.wire.fmip import RtSolPr
from rfc5269.wire.ndopt import (
    LLA_NEW_ACCESS_POINT,
    LLA_SOURCE,
    FmipLinkLayerAddressOption,
    HandoverKeyRequest,
)

KEY_SIZES = (1024, 2048)
CHECKSUM = SignedChecksum.BEFORE_SIGNATURE_OPTION


@dataclass(frozen=True)
class Keys:
    """The RSA keys of one set-up."""

    anchor: rsa.RSAPrivateKey
    router: rsa.RSAPrivateKey
    mn_cga: rsa.RSAPrivateKey
    hkepk: rsa.RSAPrivateKey
    attacker: rsa.RSAPrivateKey
    attacker_hkepk: rsa.RSAPrivateKey


@cache
def keys_for(bits: int) -> Keys:
    """The keys of a ``bits`` set-up (generated once per process for sizes other than 1024)."""
    if bits == 1024:
        pki = testpki.make_pki(0)
        return Keys(pki.anchor.rsa_key, pki.router.rsa_key, testpki.pool_key(MN_CGA_KEY),
                    testpki.pool_key(MN_HKEPK_KEYS[0]), testpki.pool_key(ATTACKER_KEY),
                    testpki.pool_key(ATTACKER_KEY + 1))
    made = [rsa.generate_private_key(public_exponent=65537, key_size=bits) for _ in range(6)]
    return Keys(*made)


@dataclass
class Rig:
    """An AR and an MN on one link, the MN holding the AR's certification path."""

    bits: int
    keys: Keys
    ar: AccessRouter
    mn: MobileNode
    link: InMemoryLink

    @property
    def now(self) -> float:
        return self.link.now


def make_rig(bits: int, limits: ArLimits | None = None, seed: int = 0,
             invalid_request_policy: str | None = None) -> Rig:
    """Build the AR and MN for ``bits``-bit keys and run one exchange to warm them up.

    The warm-up exchange includes the CPS/CPA round, so afterwards the MN
    accepts PrRtAdvs without fetching the path again.
    """
    keys = keys_for(bits)
    if bits == 1024:
        ex = make_exchange(seed, ar_limits=limits)
        ar, mn, link = ex.ar, ex.mn, ex.link
        if invalid_request_policy is not None:
            ar = AccessRouter(replace(ar.config, invalid_request_policy=invalid_request_policy),
                              os.urandom, TraceLog())
            link.attach(ar)
    else:
        anchor = testpki.issue("Bench Anchor", keys.anchor, None, serial=1, ca=True,
                               blocks=("2001:db8::/32",))
        router = testpki.issue("Bench Router", keys.router, anchor, serial=2, ca=False,
                               blocks=("2001:db8:a::/48",), eku=(ID_KP_SEND_ROUTER,))
        pki = testpki.TestPki(anchor, (), router, seed)
        rng = random.Random(f"bench/{bits}/{seed}").randbytes
        log = TraceLog()
        config = ArConfig(
            make_identity(keys.router, LINK_LOCAL, rng), anchor.certificate, tuple(pki.path),
            neighbours=(NAR,), limits=limits or ArLimits(), interpretations=DEFAULT)
        if invalid_request_policy is not None:
            config = replace(config, invalid_request_policy=invalid_request_policy)
        ar = AccessRouter(config, os.urandom, log)
        mn = MobileNode(MnConfig(make_identity(keys.mn_cga, MN_PREFIX, rng),
                                 (pki.trust_anchor(),)), os.urandom, log,
                        hkepk_factory=lambda _bits, _e: keys.hkepk)
        link = InMemoryLink(START_TIME)
        link.attach(ar)
        link.attach(mn)
    ar.rng = os.urandom
    mn.rng = os.urandom
    link.give(mn.name, RequestHandoverKey(ar.address, NEW_AP))
    if mn.key_for(ar.address, link.now) is None:
        raise RuntimeError(f"the RSA-{bits} warm-up exchange did not give the MN a key")
    return Rig(bits, keys, ar, mn, link)


def key_request(identity: SendIdentity, hkepk_der: bytes, ar: IPv6Address, now: float,
                nonce: bytes, identifier: int = 1) -> bytes:
    """A valid signed RtSolPr with a Handover Key Request from ``identity`` (RFC 5269 §3.1)."""
    message = RtSolPr(identifier, (
        FmipLinkLayerAddressOption.for_address(LLA_SOURCE, b"\x02\x00\x00\x00\x00\x02"),
        FmipLinkLayerAddressOption.for_address(LLA_NEW_ACCESS_POINT, NEW_AP),
        HandoverKeyRequest(0, hkepk_der),
    ))
    return signed_icmpv6_packet(message, identity, ar, now, nonce, CHECKSUM)


def fresh_requests(key: rsa.RSAPrivateKey, hkepk: rsa.RSAPrivateKey, ar: IPv6Address,
                   times: list[float], seed: int) -> list[bytes]:
    """Valid RtSolPrs, one per time in ``times``, each from a fresh Sec 0 CGA of ``key``."""
    rng = random.Random(seed).randbytes
    hkepk_der = public_key_der(hkepk)
    out = []
    for i, t in enumerate(times):
        identity = make_identity(key, MN_PREFIX, rng)
        out.append(key_request(identity, hkepk_der, ar, t, rng(6), (i % 0xFFFF) + 1))
    return out


def sent_packets(outputs: list[object]) -> list[SendPacket]:
    """The packets among a node's outputs."""
    return [o for o in outputs if isinstance(o, SendPacket)]


def deliver(node: AccessRouter | MobileNode, packet: bytes, now: float) -> list[object]:
    """Hand one packet to a node."""
    return list(node.handle(PacketReceived(packet), now))


RngFactory = Callable[[int], Callable[[int], bytes]]
