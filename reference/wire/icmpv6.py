"""ICMPv6 header and checksum (RFC 4443 §2.1, §2.3), and dispatch to the known messages.

The checksum is the 16-bit one's complement of the one's complement sum of
the IPv6 pseudo-header (RFC 2460 §8.1: source, destination, upper-layer
length, three zero octets, next header 58) followed by the ICMPv6 message
with its checksum field zero.
"""

from __future__ import annotations

import ipaddress
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, Self

from rfc5269.constants import IPPROTO_ICMPV6
from rfc5269.errors import DecodeError, EncodeError
from rfc5269.wire.describe import Field, Kind, fast_init, uint

RFC4443 = "RFC 4443 §2.3"
Address = ipaddress.IPv6Address | bytes


def _addr(a: Address) -> bytes:
    return a.packed if isinstance(a, ipaddress.IPv6Address) else bytes(a)


def ones_complement_checksum(data: bytes) -> int:
    """The Internet checksum (RFC 1071) of ``data``: complement of the one's complement sum.

    Uses the identity that the sum of 16-bit words modulo 0xFFFF equals the
    big-endian integer of the data modulo 0xFFFF (2**16 is 1 modulo 0xFFFF).
    """
    if len(data) % 2:
        data = data + b"\x00"
    value = int.from_bytes(data, "big")
    r = value % 0xFFFF
    if r:
        return 0xFFFF - r
    return 0 if value else 0xFFFF


def checksum_with_field_zero(data: bytes, at: int) -> int:
    """``ones_complement_checksum`` of ``data`` with the 16-bit field at even offset ``at``
    taken as zero, computed without copying ``data``.

    A 16-bit word at an even offset adds its own value to the residue modulo
    0xFFFF (2**16 is 1 modulo 0xFFFF), so the field's value is subtracted from
    the residue of the whole. Only a residue of 0 needs the exact value, to
    tell all-zero data (checksum 0xFFFF) from a non-zero multiple (0).
    """
    if at % 2 or at + 2 > len(data):
        raise ValueError("the checksum field must be a whole 16-bit word of the data")
    if len(data) % 2:
        data = data + b"\x00"
    value = int.from_bytes(data, "big")
    field = int.from_bytes(data[at:at + 2], "big")
    r = (value % 0xFFFF - field) % 0xFFFF
    if r:
        return 0xFFFF - r
    return 0xFFFF if value == field << (8 * (len(data) - at - 2)) else 0


_PSEUDO_HEADER_TAIL = struct.Struct("!IxxxB")


def pseudo_header(src: Address, dst: Address, length: int, next_header: int) -> bytes:
    """The IPv6 pseudo-header of RFC 2460 §8.1."""
    s = src if type(src) is bytes else _addr(src)  # octets already, the decoders' case
    d = dst if type(dst) is bytes else _addr(dst)
    if len(s) != 16 or len(d) != 16:
        raise EncodeError("pseudo_header", "addresses must be 16 octets", "RFC 2460 §8.1")
    return s + d + _PSEUDO_HEADER_TAIL.pack(length, next_header)


def upper_layer_checksum(src: Address, dst: Address, next_header: int, payload: bytes,
                         checksum_offset: int) -> int:
    """Checksum of ``payload`` under the pseudo-header, its checksum field taken as zero.

    Worked out as residues modulo 0xFFFF (see :func:`ones_complement_checksum`)
    without building the pseudo-header: the addresses add their value, the
    32-bit Upper-Layer Packet Length and the Next Header add theirs, and the
    checksum field (at an even offset) is taken back out. The Upper-Layer
    Packet Length is not zero, so the data is never all zero and its one's
    complement sum is never 0: a residue of 0 is a sum of 0xFFFF, checksum 0.
    """
    s = src if type(src) is bytes else _addr(src)  # octets already, the decoders' case
    d = dst if type(dst) is bytes else _addr(dst)
    n = len(payload)
    if len(s) != 16 or len(d) != 16 or checksum_offset % 2 or checksum_offset + 2 > n:
        return _upper_layer_checksum_built(s, d, next_header, payload, checksum_offset)
    field = payload[checksum_offset] << 8 | payload[checksum_offset + 1]
    body = (int.from_bytes(payload, "big") % 0xFFFF) << (8 * (n & 1))  # odd: a zero octet
    r = (int.from_bytes(s + d, "big") % 0xFFFF + n + next_header + body - field) % 0xFFFF
    return 0xFFFF - r if r else 0


def _upper_layer_checksum_built(src: Address, dst: Address, next_header: int, payload: bytes,
                                checksum_offset: int) -> int:
    """:func:`upper_layer_checksum` over the pseudo-header as built octets."""
    if checksum_offset + 2 > len(payload):  # too short to hold the field: zeros stand in
        zeroed = payload[:checksum_offset] + b"\x00\x00" + payload[checksum_offset + 2:]
        return ones_complement_checksum(pseudo_header(src, dst, len(payload), next_header)
                                        + zeroed)
    return checksum_with_field_zero(pseudo_header(src, dst, len(payload), next_header) + payload,
                                    40 + checksum_offset)


def icmpv6_checksum(src: Address, dst: Address, icmp: bytes) -> int:
    """The ICMPv6 checksum of ``icmp`` sent from ``src`` to ``dst`` (RFC 4443 §2.3)."""
    return upper_layer_checksum(src, dst, IPPROTO_ICMPV6, icmp, 2)


def checksum_extended(prefix_checksum: int, rest: bytes) -> int:
    """The ICMPv6 checksum of ``prefix + rest`` from the checksum of ``prefix`` alone.

    ``prefix`` (of even length, from the same addresses) holds the checksum
    field. One's complement sums add (RFC 1071 §2, the basis of RFC 1624's
    incremental update): appending ``rest`` at an even offset adds its sum,
    and the pseudo-header's Upper-Layer Packet Length grows by ``len(rest)``.
    A checksum is minus its sum modulo 0xFFFF, so the three combine as below;
    ``tests/send/test_signature.py`` checks this against
    :func:`icmpv6_checksum`, edge cases included; SEND uses it to get the
    transmitted checksum from the signed one (RFC 3971 §5.2).
    """
    return (prefix_checksum + ones_complement_checksum(rest) - len(rest)) % 0xFFFF


def with_icmpv6_checksum(icmp: bytes, src: Address | None, dst: Address | None) -> bytes:
    """``icmp`` with its checksum field filled in (left zero when no addresses are given)."""
    out = bytearray(icmp)
    if src is None or dst is None:
        out[2:4] = b"\x00\x00"
    else:
        out[2:4] = icmpv6_checksum(src, dst, icmp).to_bytes(2, "big")
    return bytes(out)


def verify_icmpv6_checksum(icmp: bytes, src: Address, dst: Address, owner: str) -> None:
    """Raise DecodeError unless the received checksum is right (RFC 4443 §2.3)."""
    received = int.from_bytes(icmp[2:4], "big")
    expected = icmpv6_checksum(src, dst, icmp)
    if received != expected:
        raise DecodeError(f"{owner}.checksum",
                          f"checksum 0x{received:04x} is wrong, expected 0x{expected:04x}",
                          RFC4443)


class Icmpv6Message(Protocol):
    """What every decoded ICMPv6 message offers."""

    TYPE: ClassVar[int]
    raw: bytes

    def encode(self, src: Address | None = None, dst: Address | None = None) -> bytes: ...


@fast_init
@dataclass(frozen=True)
class Icmpv6Header:
    """The generic ICMPv6 header (RFC 4443 §2.1): type, code, checksum."""

    FIELDS: ClassVar[tuple[Field, ...]] = (
        uint("type", 8, "message type", "RFC 4443 §2.1"),
        uint("code", 8, "message code", "RFC 4443 §2.1"),
        Field("checksum", Kind.CHECKSUM, 16, 0, "ICMPv6 checksum", RFC4443),
    )

    type: int
    code: int
    checksum: int

    @classmethod
    def decode(cls, data: bytes) -> Self:
        if len(data) < 4:
            raise DecodeError("Icmpv6Header", "shorter than 4 octets", "RFC 4443 §2.1")
        t, c, k = struct.unpack_from("!BBH", data)
        return cls(t, c, k)

    def encode(self) -> bytes:
        return struct.pack("!BBH", self.type, self.code, self.checksum)


@fast_init
@dataclass(frozen=True)
class Icmpv6Unknown:
    """An ICMPv6 message of a type/subtype this codec does not interpret, kept as octets."""

    TYPE: ClassVar[int] = -1
    FIELDS: ClassVar[tuple[Field, ...]] = (
        uint("type", 8, "message type", "RFC 4443 §2.1"),
        uint("code", 8, "message code", "RFC 4443 §2.1"),
        Field("checksum", Kind.CHECKSUM, 16, 0, "ICMPv6 checksum", RFC4443),
        Field("body", Kind.VARIABLE, None, b"", "message body", "RFC 4443 §2.1",
              length_from="the rest of the message", label="Message Body ..."),
    )

    type: int
    code: int
    body: bytes
    raw: bytes = field(default=b"", compare=False, repr=False)

    def is_canonical(self, data: bytes) -> bool:
        """Always true: type, code and body are kept as received."""
        return True

    def encode(self, src: Address | None = None, dst: Address | None = None) -> bytes:
        if not (0 <= self.type <= 255 and 0 <= self.code <= 255):
            raise EncodeError("Icmpv6Unknown.type", "type and code must fit in 8 bits",
                              "RFC 4443 §2.1")
        return with_icmpv6_checksum(bytes((self.type, self.code, 0, 0)) + self.body, src, dst)

    @classmethod
    def decode(cls, data: bytes, src: Address | None = None,
               dst: Address | None = None) -> Self:
        data = bytes(data)
        if len(data) < 4:
            raise DecodeError("Icmpv6Unknown", "shorter than 4 octets", "RFC 4443 §2.1")
        if src is not None and dst is not None:
            verify_icmpv6_checksum(data, src, dst, "Icmpv6Unknown")
        return cls(data[0], data[1], data[4:], raw=data)


Decoder = Callable[[bytes, Any, Any], Any]
_DISPATCH: dict[tuple[int, int | None], Decoder] = {}


def _dispatch() -> dict[tuple[int, int | None], Decoder]:
    """(type, subtype or None) to decoder; filled on first use to avoid import cycles."""
    if not _DISPATCH:
        from rfc5269.wire.cert_path import (
            CertificationPathAdvertisement,
            CertificationPathSolicitation,
        )
        from rfc5269.wire.fmip import PrRtAdv, RtSolPr

        _DISPATCH.update({
            (154, 2): RtSolPr.decode,
            (154, 3): PrRtAdv.decode,
            (148, None): CertificationPathSolicitation.decode,
            (149, None): CertificationPathAdvertisement.decode,
        })
    return _DISPATCH


def decode_icmpv6(data: bytes, src: Address | None = None, dst: Address | None = None,
                  verify_checksum: bool = True) -> Any:
    """Decode an ICMPv6 message: RtSolPr, PrRtAdv, CPS, CPA, or Icmpv6Unknown.

    The checksum is verified when ``verify_checksum`` is true, in which case
    ``src`` and ``dst`` are required.
    """
    data = bytes(data)
    if verify_checksum and (src is None or dst is None):
        raise DecodeError("decode_icmpv6", "checksum verification needs src and dst", RFC4443)
    if len(data) < 4:
        raise DecodeError("Icmpv6Header", "shorter than 4 octets", "RFC 4443 §2.1")
    table = _dispatch()
    t = data[0]
    decoder = table.get((t, None))
    if decoder is None and len(data) > 4:
        decoder = table.get((t, data[4]))
    if decoder is None:
        decoder = Icmpv6Unknown.decode
    if not verify_checksum:
        src = dst = None
    return decoder(data, src, dst)
