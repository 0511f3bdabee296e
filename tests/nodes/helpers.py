"""Shared material for the state-machine tests: set-ups, packet builders, output readers.

Everything is deterministic: the exchange comes from :func:`rfc5269.scenario.make_exchange`
(seeded), the RSA keys from the fixed test-key pool. The builders below make
well-formed messages by default and take one knob per way of breaking them, so
a negative test changes exactly one thing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from ipaddress import IPv6Address, IPv6Network
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa
from rfc5269.constants import IPPROTO_ICMPV6
from rfc5269.handover.algorithms import algorithm_for_at
from rfc5269.handover.authenticator import compute_authenticator
from rfc5269.handover.encryption import encrypt_handover_key
from rfc5269.interpretations import BadfLength, SignedChecksum
from rfc5269.nodes.events import (
    ForwardingChanged,
    KeyDiscarded,
    KeyInstalled,
    Output,
    PacketReceived,
    Rejected,
    RequestHandoverKey,
    SendPacket,
)
from rfc5269.nodes.packets import Received, mobility_packet, open_packet, signed_icmpv6_packet
from rfc5269.nodes.trace import TraceEvent
from rfc5269.scenario import NEW_AP, START_TIME, Exchange, make_exchange
from rfc5269.send.keys import public_key_der
from rfc5269.send.sender import SendIdentity, send_options
from rfc5269.send.signature import sign_message
from rfc5269.send.testpki import pool_key
from rfc5269.wire.fmip import PrRtAdv, RtSolPr
from rfc5269.wire.icmpv6 import icmpv6_checksum
from rfc5269.wire.ipv6 import IPv6Header, IPv6Packet, RawPayload
from rfc5269.wire.mobility import (
    AlternateCareOfAddress,
    BindingAuthorizationDataFmip,
    FastBindingAck,
    FastBindingUpdate,
    badf_of,
    mh_data_for_authenticator,
)
from rfc5269.wire.ndopt import (
    IP_NAR_ADDRESS,
    LLA_NAR,
    LLA_NEW_ACCESS_POINT,
    LLA_SOURCE,
    FmipLinkLayerAddressOption,
    HandoverKeyReply,
    HandoverKeyRequest,
    IpAddressPrefixOption,
    NdOption,
    NonceOption,
)

T0 = START_TIME
OPT = BadfLength.OPTION_DATA
CHK = SignedChecksum.BEFORE_SIGNATURE_OPTION
NCOA = IPv6Address("2001:db8:b::1234")

# Pool keys (rfc5269.send.testpki holds 12; indexes are taken mod 12). make_pki(0) uses
# 0-2, make_pki(1) 5-7, the scenario's MN CGA 8 (20) and HKEPKs 9-11 (21-23).
OTHER_KEY = 3  # an RSA key nobody else uses: the attacker's CGA / signing key
OTHER_KEY_2 = 4  # a second spare key (a second MN's HKEPK)


@cache
def big_key() -> rsa.RSAPrivateKey:
    """An RSA-1536 key: an HKEPK whose modulus differs from the 1024-bit CGA key's."""
    return rsa.generate_private_key(public_exponent=65537, key_size=1536)


def exchange(**kw: Any) -> Exchange:
    """A fresh AR + MN on an in-memory link (seed 0 unless given)."""
    kw.setdefault("seed", 0)
    return make_exchange(**kw)


def keyed(**kw: Any) -> Exchange:
    """An exchange after one complete key exchange (the MN has the AR's path cached)."""
    ex = exchange(**kw)
    ex.link.give("MN", RequestHandoverKey(ex.ar.address, NEW_AP))
    assert ex.mn.key_for(ex.ar.address, ex.link.now) is not None
    assert ex.mn.address in ex.ar.keys
    return ex


# ------------------------------------------------------------------ reading outputs


def sent(outputs: Iterable[Output]) -> list[Received]:
    """The packets among ``outputs``, decoded strictly."""
    return [open_packet(o.packet, OPT) for o in outputs if isinstance(o, SendPacket)]


def sent_of(outputs: Iterable[Output], kind: type) -> list[Any]:
    """The decoded messages of class ``kind`` among the packets sent."""
    return [r.message for r in sent(outputs) if isinstance(r.message, kind)]


def key_replies(outputs: Iterable[Output]) -> list[HandoverKeyReply]:
    """Every Handover Key Reply option in the PrRtAdvs sent."""
    return [o for m in sent_of(outputs, PrRtAdv) for o in m.options
            if isinstance(o, HandoverKeyReply)]


def of_type(outputs: Iterable[Output], kind: type) -> list[Any]:
    return [o for o in outputs if isinstance(o, kind)]


def rejected(outputs: Iterable[Output]) -> list[Rejected]:
    return of_type(outputs, Rejected)


def installed(outputs: Iterable[Output]) -> list[KeyInstalled]:
    return of_type(outputs, KeyInstalled)


def discarded(outputs: Iterable[Output]) -> list[KeyDiscarded]:
    return of_type(outputs, KeyDiscarded)


def forwarding(outputs: Iterable[Output]) -> list[ForwardingChanged]:
    return of_type(outputs, ForwardingChanged)


def last_event(log: Iterable[TraceEvent], node: str | None = None,
               transition: str | None = None) -> TraceEvent:
    """The newest trace event (of ``node`` / ``transition`` when given)."""
    events = [e for e in log if (node is None or e.node == node)
              and (transition is None or e.transition == transition)]
    assert events, f"no trace event for node={node} transition={transition}"
    return events[-1]


def assert_rejected_by(event: TraceEvent, check: str, reason: str | None = None) -> None:
    """The event is a rejection whose failing (last) check is ``check``; earlier checks passed."""
    assert event.verdict == "rejected", event
    failed = event.failed_check()
    assert failed is not None and failed.name == check, (failed, event.checks)
    assert event.checks[-1] is failed, "checks after the failed one must not run"
    assert all(c.passed for c in event.checks[:-1])
    if reason is not None:
        assert event.reason == reason == failed.reason, (event.reason, failed.reason)


# ------------------------------------------------------------------ packets


def ipv6(src: IPv6Address, dst: IPv6Address, icmp: bytes, hop_limit: int = 255) -> bytes:
    """An IPv6 packet carrying raw ICMPv6 octets."""
    return IPv6Packet(IPv6Header(src, dst, hop_limit=hop_limit),
                      payload=RawPayload(IPPROTO_ICMPV6, icmp)).encode()


def rechecksum(icmp: bytes, src: IPv6Address, dst: IPv6Address) -> bytes:
    """The ICMPv6 octets with a correct checksum (after a deliberate change)."""
    zeroed = icmp[:2] + b"\x00\x00" + icmp[4:]
    return zeroed[:2] + icmpv6_checksum(src, dst, zeroed).to_bytes(2, "big") + zeroed[4:]


def icmp_of(packet: bytes) -> bytes:
    return packet[40:]


@dataclass
class RtSolPrSpec:
    """Knobs for :func:`rtsolpr_packet`."""

    nonce: bytes | None = b"\x11" * 6
    at: int = 0
    hkepk_der: bytes | None = None  # default: pool key 9's public key (the MN's first HKEPK)
    timestamp_at: float | None = None  # default: now
    sign_with: rsa.RSAPrivateKey | None = None  # default: the identity's key
    request_after_signature: bool = False
    with_request: bool = True
    with_cga: bool = True
    sign: bool = True
    identifier: int = 0x1234
    extra: tuple[NdOption, ...] = ()


def hkepk_der_default() -> bytes:
    return public_key_der(pool_key(21))


def rtsolpr_packet(identity: SendIdentity, dst: IPv6Address, now: float,
                   spec: RtSolPrSpec | None = None, hop_limit: int = 255) -> bytes:
    """A SEND-signed RtSolPr with a Handover Key Request, from ``identity``'s CGA."""
    s = spec or RtSolPrSpec()
    request = HandoverKeyRequest(s.at, s.hkepk_der or hkepk_der_default())
    base: list[NdOption] = [
        FmipLinkLayerAddressOption.for_address(LLA_SOURCE, b"\x02\x00\x00\x00\x00\x02"),
        FmipLinkLayerAddressOption.for_address(LLA_NEW_ACCESS_POINT, NEW_AP),
        *s.extra,
    ]
    if s.with_request and not s.request_after_signature:
        base.append(request)
    send = send_options(s.timestamp_at if s.timestamp_at is not None else now,
                        identity.cga.parameters if s.with_cga else None, s.nonce)
    unsigned = RtSolPr(s.identifier, (*base, *send)).encode(identity.address, dst)
    icmp = unsigned
    if s.sign:
        icmp = sign_message(unsigned, identity.address, dst, s.sign_with or identity.private_key,
                            signed_checksum=CHK)
    if s.with_request and s.request_after_signature:
        icmp = rechecksum(icmp + request.encode(), identity.address, dst)
    return ipv6(identity.address, dst, icmp, hop_limit)


def option_offset(icmp: bytes, option_type: int, start: int = 8) -> int:
    """Octet offset of the first ND option of ``option_type`` in an RtSolPr/PrRtAdv."""
    pos = start
    while pos < len(icmp):
        if icmp[pos] == option_type:
            return pos
        pos += icmp[pos + 1] * 8
    raise LookupError(option_type)


def flip_bit(packet: bytes, offset_from_end: int) -> bytes:
    """The packet with one bit of its ICMPv6 part flipped and the checksum made right again."""
    src, dst = IPv6Address(packet[8:24]), IPv6Address(packet[24:40])
    icmp = bytearray(icmp_of(packet))
    icmp[len(icmp) - offset_from_end] ^= 0x01
    return ipv6(src, dst, rechecksum(bytes(icmp), src, dst), packet[7])


def prrtadv_packet(identity: SendIdentity, dst: IPv6Address, now: float, *,
                   nonce: bytes | None, identifier: int,
                   reply: HandoverKeyReply | None,
                   reply_after_signature: bool = False,
                   timestamp_at: float | None = None,
                   extra: Sequence[NdOption] = ()) -> bytes:
    """A SEND-signed PrRtAdv (Code 0, with the scenario's NAR) carrying ``reply``."""
    options: list[NdOption] = [
        FmipLinkLayerAddressOption.for_address(LLA_SOURCE, b"\x02\x00\x00\x00\x00\x01"),
        FmipLinkLayerAddressOption.for_address(LLA_NEW_ACCESS_POINT, NEW_AP),
        FmipLinkLayerAddressOption.for_address(LLA_NAR, bytes.fromhex("020000000009")),
        IpAddressPrefixOption(IP_NAR_ADDRESS, 128, IPv6Address("2001:db8:b::1")),
        *extra,
    ]
    if reply is not None and not reply_after_signature:
        options.append(reply)
    if timestamp_at is None:
        packet = signed_icmpv6_packet(PrRtAdv(0, identifier, tuple(options)), identity, dst,
                                      now, nonce, CHK)
    else:
        send = send_options(timestamp_at, identity.cga.parameters, nonce)
        unsigned = PrRtAdv(0, identifier, (*options, *send)).encode(identity.address, dst)
        packet = ipv6(identity.address, dst,
                      sign_message(unsigned, identity.address, dst, identity.private_key))
    if reply is not None and reply_after_signature:
        icmp = rechecksum(icmp_of(packet) + reply.encode(), identity.address, dst)
        packet = ipv6(identity.address, dst, icmp)
    return packet


def encrypted_reply(key: bytes, hkepk: rsa.RSAPublicKey, at: int = 0,
                    lifetime: int = 3600) -> HandoverKeyReply:
    """A Handover Key Reply carrying ``key`` encrypted to ``hkepk``."""
    return HandoverKeyReply(at, lifetime, encrypt_handover_key(key, hkepk, lambda n: b"\x5a" * n))


@dataclass(frozen=True)
class Outstanding:
    """An RtSolPr the MN sent, as the tests need it: nonce, identifier, HKEPK, packet."""

    packet: bytes
    nonce: bytes
    identifier: int
    hkepk: rsa.RSAPublicKey
    at: int


def mn_request(ex: Exchange, now: float | None = None,
               router: IPv6Address | None = None) -> Outstanding:
    """Make the MN send an RtSolPr (handed to it directly, not through the link)."""
    t = ex.link.now if now is None else now
    outputs = ex.mn.handle(RequestHandoverKey(router or ex.ar.address, NEW_AP), t)
    packets = [o.packet for o in outputs if isinstance(o, SendPacket)]
    assert len(packets) == 1
    received = open_packet(packets[0], OPT)
    message = received.message
    assert isinstance(message, RtSolPr)
    nonce = next(o.nonce for o in message.options if isinstance(o, NonceOption))
    request = next(o for o in message.options if isinstance(o, HandoverKeyRequest))
    from cryptography.hazmat.primitives.serialization import load_der_public_key
    hkepk = load_der_public_key(request.public_key)
    assert isinstance(hkepk, rsa.RSAPublicKey)
    return Outstanding(packets[0], nonce, message.identifier, hkepk, request.algorithm_type)


def deliver(node: Any, packet: bytes, now: float) -> list[Output]:
    """Hand one packet to a node directly."""
    out: list[Output] = node.handle(PacketReceived(packet), now)
    return out


# ------------------------------------------------------------------ FBUs


def fbu_packet(key: bytes, at: int, *, pcoa: IPv6Address, par: IPv6Address,
               ncoa: IPv6Address = NCOA, sequence: int = 100, spi: int = 0,
               from_par_link: bool = True, corrupt: bool = False,
               tag: bytes | None = None, a: bool = True, lifetime: int = 10) -> bytes:
    """An FBU authenticated as RFC 5269 §3.4 says (default readings), with knobs to break it."""
    algorithm = algorithm_for_at(at)
    assert algorithm is not None
    options: tuple[Any, ...] = (AlternateCareOfAddress(ncoa),) if from_par_link else ()
    src = pcoa if from_par_link else ncoa
    placeholder = FastBindingUpdate(sequence, lifetime, (
        *options, BindingAuthorizationDataFmip(spi, bytes(algorithm.mac_length))), a=a)
    mh_data = mh_data_for_authenticator(placeholder, OPT)
    mac = tag if tag is not None else compute_authenticator(key, algorithm, ncoa, par, mh_data)
    if corrupt:
        mac = bytes((mac[0] ^ 0x80,)) + mac[1:]
    fbu = FastBindingUpdate(sequence, lifetime, (*options, BindingAuthorizationDataFmip(spi, mac)),
                            a=a)
    return mobility_packet(fbu, src, par, pcoa, OPT)


def fbacks(outputs: Iterable[Output]) -> list[FastBindingAck]:
    return sent_of(outputs, FastBindingAck)


def badf(message: FastBindingUpdate | FastBindingAck) -> BindingAuthorizationDataFmip:
    b = badf_of(message.options)
    assert b is not None
    return b


LINK_LOCAL = IPv6Network("fe80::/64")
