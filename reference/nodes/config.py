"""Configuration of the nodes: identities, certificates, trust anchors, limits.

Everything a node needs is handed to it here; nothing is read from files or
the environment inside the protocol logic.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from ipaddress import IPv6Address, IPv6Network

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from rfc5269.constants import HK_LIFETIME, HKEPK_HANDOVERS, HKEPK_LIFETIME
from rfc5269.interpretations import DEFAULT, Interpretations
from rfc5269.send.cga import cga_generate
from rfc5269.send.keys import KeyPolicy, public_key_der
from rfc5269.send.pkix import TrustAnchor
from rfc5269.send.sender import SendIdentity

Rng = Callable[[int], bytes]

LINK_LOCAL_PREFIX = IPv6Network("fe80::/64")


def make_identity(
    private_key: rsa.RSAPrivateKey, prefix: IPv6Network, rng: Rng, sec: int = 0
) -> SendIdentity:
    """Generate a CGA for ``private_key`` on ``prefix`` (RFC 3972 §4) as a SEND identity."""
    return SendIdentity(private_key, cga_generate(public_key_der(private_key), prefix, sec, rng))


@dataclass(frozen=True)
class NeighbourRouter:
    """What the AR knows of a neighbouring AR behind one access point (RFC 5568 §6.1.2)."""

    access_point: bytes
    nar_lla: bytes
    nar_address: IPv6Address
    nar_prefix: IPv6Network


@dataclass(frozen=True)
class ArLimits:
    """Bounds on the AR's state and work (RFC 5269 §5, RFC 3971 §9.2.6).

    * ``max_key_records`` — key records held at once; a new CGA finding the
      table full is answered without a key (existing records are never
      evicted for a newcomer).
    * ``per_source_rate`` / ``per_source_burst`` — RtSolPrs per second one
      source address may have processed with signature work.
    * ``global_rate`` / ``global_burst`` — RtSolPrs per second the AR verifies
      and signs in all; beyond it, requests are dropped before any RSA work.
    * ``max_bindings`` — PAR forwarding entries.
    * ``max_timestamp_peers`` — entries of the SEND timestamp cache.
    """

    max_key_records: int = 100_000
    per_source_rate: float = 2.0
    per_source_burst: float = 4.0
    max_tracked_sources: int = 4096
    global_rate: float = 200.0
    global_burst: float = 400.0
    max_bindings: int = 100_000
    max_timestamp_peers: int = 4096


class InvalidRequestPolicy:
    """What the AR does with an RtSolPr that fails SEND validation (RFC 5269 §3.2).

    RFC 5269 §3.2 says the AR SHOULD still respond (without a Handover Key
    Reply). Answering costs a signature, so an attacker could make the AR
    sign for free; the default is to respond only within the rate limits
    and never to unauthenticated sources more than the per-source burst.
    """

    RESPOND = "respond"  # answer with a PrRtAdv without Handover Key Reply (rate limited)
    DROP = "drop"  # answer nothing


@dataclass(frozen=True)
class ArConfig:
    """Configuration of an Access Router (RFC 5269 §3.2, §3.5, §3.6).

    ``certificate_path`` runs from the certificate the trust anchor issued to
    the router's own certificate, whose key is ``identity``'s key
    (RFC 3971 §6.4.2 order); the AR answers CPSs naming
    ``trust_anchor_certificate`` with it.
    """

    identity: SendIdentity
    trust_anchor_certificate: x509.Certificate
    certificate_path: tuple[x509.Certificate, ...]
    neighbours: tuple[NeighbourRouter, ...] = ()
    global_address: IPv6Address | None = None
    supported_at: tuple[int, ...] = (0, 1)
    hk_lifetime: int = HK_LIFETIME
    forwarding_lifetime: float = 10.0
    invalid_request_policy: str = InvalidRequestPolicy.RESPOND
    limits: ArLimits = field(default_factory=ArLimits)
    interpretations: Interpretations = DEFAULT
    key_policy: KeyPolicy = field(default_factory=KeyPolicy)
    lla: bytes = b"\x02\x00\x00\x00\x00\x01"
    name: str = "AR"

    def addresses(self) -> frozenset[IPv6Address]:
        """Addresses the AR receives on."""
        extra = {self.global_address} if self.global_address is not None else set()
        return frozenset({self.identity.address, *extra})


@dataclass(frozen=True)
class MnConfig:
    """Configuration of a Mobile Node (RFC 5269 §3.1, §3.3, §3.4)."""

    identity: SendIdentity
    trust_anchors: tuple[TrustAnchor, ...]
    supported_at: tuple[int, ...] = (0, 1)
    preferred_at: int = 0
    hkepk_lifetime: float = HKEPK_LIFETIME
    hkepk_handovers: int = HKEPK_HANDOVERS
    refresh_margin: float = 60.0
    rtsolpr_initial_timeout: float = 0.1
    rtsolpr_retries: int = 3
    max_rtsolpr_rate: float = 3.0  # MAX_RTSOLPR_RATE, RFC 5568 §9
    interpretations: Interpretations = DEFAULT
    key_policy: KeyPolicy = field(default_factory=KeyPolicy)
    lla: bytes = b"\x02\x00\x00\x00\x00\x02"
    name: str = "MN"
