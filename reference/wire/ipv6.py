"""IPv6 header (RFC 2460 §3), Destination Options header (RFC 2460 §4.6) with the Home
Address option (RFC 3775 §6.3), and whole packets.

:class:`IPv6Packet` decodes a packet down to its upper-layer message:
ICMPv6 (58) via :func:`rfc5269.wire.icmpv6.decode_icmpv6`, the Mobility
Header (135) via :func:`rfc5269.wire.mobility.decode_mobility_header`, and
Destination Options (60) on the way. Checksums use the home address as the
pseudo-header source when a Home Address option is present (RFC 3775
§11.3.1). Other next headers are kept as :class:`RawPayload`.

Destination option padding (Pad1, PadN) is dropped on decode and written by
the encoder: the fewest octets that put the Home Address option at 8n+6 and
make the header a multiple of 8 octets. PadN content is ignored on receipt.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Any, ClassVar, Self

from rfc5269.constants import IPPROTO_DSTOPTS, IPPROTO_ICMPV6, IPPROTO_MH, IPPROTO_NONE
from rfc5269.errors import DecodeError, EncodeError
from rfc5269.interpretations import BadfLength
from rfc5269.wire.describe import (
    Field,
    Kind,
    decoded_canonical,
    fast_init,
    fixed_layout,
    recorded_canonical,
    remember_canonical,
    type_field,
    uint,
)
from rfc5269.wire.icmpv6 import decode_icmpv6
from rfc5269.wire.mobility import (
    DEFAULT_BADF_LENGTH,
    FastBindingAck,
    FastBindingUpdate,
    MobilityHeader,
    decode_mobility_header,
)

REF_IPV6 = "RFC 2460 §3"
REF_DSTOPTS = "RFC 2460 §4.6"
REF_OPTS = "RFC 2460 §4.2"
REF_HOA = "RFC 3775 §6.3"
HOME_ADDRESS_OPTION_TYPE = 201


@fast_init
@dataclass(frozen=True)
class IPv6Header:
    """The fixed IPv6 header (RFC 2460 §3).

    ``next_header`` and ``payload_length`` are derived when a packet is
    encoded; they do not take part in equality.
    """

    FIELDS: ClassVar[tuple[Field, ...]] = (
        type_field(6, REF_IPV6, bits=4, name="version"),
        uint("traffic_class", 8, "traffic class", REF_IPV6, label="Traffic Class"),
        uint("flow_label", 20, "flow label", REF_IPV6, label="Flow Label"),
        Field("payload_length", Kind.LENGTH, 16, 0, "octets after this header", REF_IPV6,
              rule="must equal the octets that follow", units=1, label="Payload Length"),
        uint("next_header", 8, "type of the next header", REF_IPV6, default=IPPROTO_NONE,
             label="Next Header"),
        uint("hop_limit", 8, "hop limit", REF_IPV6, default=255, label="Hop Limit"),
        Field("src", Kind.IPV6, 128, ipaddress.IPv6Address(0), "source address", REF_IPV6,
              label="Source Address"),
        Field("dst", Kind.IPV6, 128, ipaddress.IPv6Address(0), "destination address",
              REF_IPV6, label="Destination Address"),
    )

    src: ipaddress.IPv6Address
    dst: ipaddress.IPv6Address
    hop_limit: int = 255
    traffic_class: int = 0
    flow_label: int = 0
    next_header: int = field(default=IPPROTO_NONE, compare=False)
    payload_length: int = field(default=0, compare=False)

    def encode(self) -> bytes:
        return _HEADER_LAYOUT.pack({
            "traffic_class": self.traffic_class, "flow_label": self.flow_label,
            "payload_length": self.payload_length, "next_header": self.next_header,
            "hop_limit": self.hop_limit, "src": self.src, "dst": self.dst})

    @classmethod
    def decode(cls, data: bytes) -> Self:
        (_, traffic_class, flow_label, payload_length, next_header, hop_limit, src, dst,
         _) = _HEADER_LAYOUT.read(data)
        return cls(src, dst, hop_limit, traffic_class, flow_label, next_header, payload_length)


_HEADER_LAYOUT = fixed_layout(IPv6Header)


# --------------------------------------------------------------------------- destination options


class DestinationOption:
    """Base of destination option classes (RFC 2460 §4.2 TLV)."""

    TYPE: ClassVar[int]
    FIELDS: ClassVar[tuple[Field, ...]]
    ALIGN: ClassVar[tuple[int, int] | None] = None

    def encode(self) -> bytes:
        raise NotImplementedError


@fast_init
@dataclass(frozen=True)
class Pad1(DestinationOption):
    """Pad1 (RFC 2460 §4.2): one octet of padding; written by the encoder, dropped on decode."""

    TYPE: ClassVar[int] = 0
    FIELDS: ClassVar[tuple[Field, ...]] = (type_field(0, REF_OPTS, name="option_type"),)

    def encode(self) -> bytes:
        return b"\x00"


@fast_init
@dataclass(frozen=True)
class PadN(DestinationOption):
    """PadN (RFC 2460 §4.2): N octets of padding, data zero when sent and ignored on receipt."""

    TYPE: ClassVar[int] = 1
    FIELDS: ClassVar[tuple[Field, ...]] = (
        type_field(1, REF_OPTS, name="option_type"),
        Field("length", Kind.LENGTH, 8, 0, "N - 2", REF_OPTS, units=1, label="Opt Data Len"),
        Field("padding", Kind.PADDING, None, b"", "N - 2 zero octets", REF_OPTS,
              length_from="the Opt Data Len field", label="Option Data"),
    )

    size: int

    def encode(self) -> bytes:
        return bytes((1, self.size - 2)) + bytes(self.size - 2)


def _padding(n: int) -> bytes:
    """The canonical padding of ``n`` octets: nothing, Pad1, or one PadN with zero data."""
    if n == 0:
        return b""
    if n == 1:
        return b"\x00"
    return bytes((1, n - 2)) + bytes(n - 2)


_PADDINGS = tuple(_padding(n) for n in range(8))
"""``_padding(n)`` for the 0-7 octets an alignment or an 8-octet boundary can need."""


def is_routable_unicast(address: ipaddress.IPv6Address) -> bool:
    """Whether ``address`` is none of multicast (ff00::/8), unspecified (::), loopback (::1)
    and link-local unicast (fe80::/10), RFC 4291 §2.4; the same answer as the
    ``ipaddress`` properties of those names, read from the integer directly."""
    return _is_routable_unicast(int(address))


def _is_routable_unicast(value: int) -> bool:
    """:func:`is_routable_unicast` of the address whose integer is ``value``."""
    return value > 1 and value >> 120 != 0xFF and value >> 118 != 0x3FA


@fast_init
@dataclass(frozen=True)
class HomeAddressOption(DestinationOption):
    """Home Address option (RFC 3775 §6.3), type 201, length 16, alignment 8n+6.

    The address must be a unicast routable address (RFC 3775 §6.3, §9.3.1):
    not multicast, unspecified, loopback or link-local.
    """

    TYPE: ClassVar[int] = HOME_ADDRESS_OPTION_TYPE
    ALIGN: ClassVar[tuple[int, int] | None] = (8, 6)
    FIELDS: ClassVar[tuple[Field, ...]] = (
        type_field(201, REF_HOA, name="option_type"),
        Field("length", Kind.LENGTH, 8, 16, "always 16", REF_HOA, rule="must be 16", units=1,
              label="Option Length"),
        Field("home_address", Kind.IPV6, 128, ipaddress.IPv6Address(0),
              "the mobile node's home address, unicast routable", REF_HOA),
    )

    home_address: ipaddress.IPv6Address

    def encode(self) -> bytes:
        return b"\xc9\x10" + self.home_address.packed

    @classmethod
    def decode(cls, data: bytes) -> Self:
        if len(data) != 18 or data[1] != 16:
            raise DecodeError("HomeAddressOption.length", "must be 16", REF_HOA)
        value = int.from_bytes(data[2:], "big")
        if not _is_routable_unicast(value):
            raise DecodeError("HomeAddressOption.home_address",
                              "must be a unicast routable address", "RFC 3775 §9.3.1")
        return cls(ipaddress.IPv6Address(value))


@fast_init
@dataclass(frozen=True)
class UnknownDestinationOption(DestinationOption):
    """A destination option this codec does not interpret, whose type says "skip" (RFC 2460 §4.2).

    Types whose two high-order bits are not 00 require discarding the packet
    when not recognised, so they are rejected on decode.
    """

    TYPE: ClassVar[int] = -1
    FIELDS: ClassVar[tuple[Field, ...]] = (
        uint("option_type", 8, "option type", REF_OPTS, label="Option Type"),
        Field("length", Kind.LENGTH, 8, 0, "option data length", REF_OPTS, units=1,
              label="Opt Data Len"),
        Field("data", Kind.VARIABLE, None, b"", "option data", REF_OPTS,
              length_from="the Opt Data Len field", label="Option Data"),
    )

    option_type: int
    data: bytes

    def encode(self) -> bytes:
        if self.option_type in (0, 1, HOME_ADDRESS_OPTION_TYPE) or not (
                0 <= self.option_type <= 255) or len(self.data) > 255:
            raise EncodeError("UnknownDestinationOption.option_type",
                              "must be an uninterpreted type with at most 255 octets", REF_OPTS)
        return bytes((self.option_type, len(self.data))) + self.data


def _option_field(owner: str, index: int, part: str = "") -> str:
    """The field named in an error about option ``index`` (built only when one is raised)."""
    return f"{owner}.options[{index}]{part}"


@fast_init
@dataclass(frozen=True)
class DestinationOptionsHeader:
    """Destination Options header (RFC 2460 §4.6): Next Header, Hdr Ext Len, options.

    ``options`` never holds padding. ``next_header`` is derived when the
    packet is encoded and does not take part in equality.
    """

    FIELDS: ClassVar[tuple[Field, ...]] = (
        uint("next_header", 8, "type of the next header", REF_DSTOPTS, label="Next Header"),
        Field("hdr_ext_len", Kind.LENGTH, 8, 0, "length in 8-octet units, minus the first 8",
              REF_DSTOPTS, units=8, label="Hdr Ext Len"),
        Field("options", Kind.OPTIONS, None, (), "TLV options", REF_DSTOPTS,
              length_from="Hdr Ext Len", label="Options"),
    )

    options: tuple[DestinationOption, ...] = ()
    next_header: int = field(default=IPPROTO_NONE, compare=False)

    @property
    def home_address(self) -> ipaddress.IPv6Address | None:
        """The Home Address option's address, if present."""
        for o in self.options:
            if isinstance(o, HomeAddressOption):
                return o.home_address
        return None

    def encode(self) -> bytes:
        out = bytearray((self.next_header, 0))
        if sum(isinstance(o, HomeAddressOption) for o in self.options) > 1:
            raise EncodeError("DestinationOptionsHeader.options",
                              "the Home Address option may appear once", REF_HOA)
        for i, o in enumerate(self.options):
            if isinstance(o, Pad1 | PadN):
                raise EncodeError(f"DestinationOptionsHeader.options[{i}]",
                                  "padding is written by the encoder", REF_OPTS)
            out += _padding(_padding_before(type(o), len(out)))
            out += o.encode()
        out += _padding(-len(out) % 8)
        if len(out) // 8 - 1 > 255:
            raise EncodeError("DestinationOptionsHeader.hdr_ext_len", "header too long",
                              REF_DSTOPTS)
        out[1] = len(out) // 8 - 1
        return bytes(out)

    def is_canonical(self, data: bytes) -> bool:
        """Whether ``data``, the octets this header was decoded from, are what
        :meth:`encode` builds: the encoder's own padding, PadN data zero.

        ``decode`` works this out as it goes and records it; the answer is
        worked out again only for octets it did not record."""
        recorded = recorded_canonical(self, data)
        if recorded is not None:
            return recorded
        try:
            return self.encode() == data
        except EncodeError:
            return False

    @classmethod
    def decode(cls, data: bytes) -> Self:
        """Decode a header that is exactly ``data``."""
        owner = "DestinationOptionsHeader"
        if len(data) < 8 or (data[1] + 1) * 8 != len(data):
            raise DecodeError(f"{owner}.hdr_ext_len", "does not match the header's length",
                              REF_DSTOPTS)
        opts: list[DestinationOption] = []
        pos = 2
        pad_from = 2  # where the run of padding before the next option began
        canonical = True  # every run of padding so far is the one the encoder writes
        home_seen = False
        end = len(data)
        while pos < end:
            t = data[pos]
            if t == 0:
                pos += 1
                continue
            if end - pos < 2:
                raise DecodeError(_option_field(owner, len(opts)),
                                  "option header overruns the header", REF_OPTS)
            size = 2 + data[pos + 1]
            if pos + size > end:
                what = "padding does not fit" if t == 1 else "option overruns the header"
                raise DecodeError(_option_field(owner, len(opts), ".length"), what, REF_OPTS)
            if t == 1:
                pos += size
                continue
            body = data[pos:pos + size]
            option: DestinationOption
            if t == HOME_ADDRESS_OPTION_TYPE:
                if pos % 8 != 6:
                    raise DecodeError(_option_field(owner, len(opts), ".alignment"),
                                      "the Home Address option must start at 8n+6", REF_HOA)
                if home_seen:
                    raise DecodeError(_option_field(owner, len(opts)),
                                      "the Home Address option may appear once", REF_HOA)
                option = HomeAddressOption.decode(body)
                home_seen = True
            else:
                if t >> 6:
                    raise DecodeError(_option_field(owner, len(opts), ".option_type"),
                                      f"unrecognised option {t} requires discarding the packet",
                                      REF_OPTS)
                option = UnknownDestinationOption(t, bytes(body[2:]))
            opts.append(option)
            if canonical and data[pad_from:pos] != _PADDINGS[
                    _padding_before(type(option), pad_from)]:
                canonical = False
            pos += size
            pad_from = pos
        if canonical and data[pad_from:] != _PADDINGS[-pad_from % 8]:
            canonical = False
        header = cls(tuple(opts), data[0])
        remember_canonical(header, data, canonical)
        return header


def _padding_before(cls: type[DestinationOption], at: int) -> int:
    """Octets of padding the encoder writes before an option of class ``cls`` when the
    padding would start ``at`` octets into the header: the fewest that put an option
    with an alignment ``xn+y`` there (RFC 2460 §4.2), none for the others."""
    if cls.ALIGN is None:
        return 0
    x, y = cls.ALIGN
    return (y - at) % x


# --------------------------------------------------------------------------- packets


@fast_init
@dataclass(frozen=True)
class RawPayload:
    """An upper-layer payload (or header) this codec does not interpret."""

    next_header: int
    data: bytes

    def encode(self) -> bytes:
        return self.data


_MH_CLASSES = (FastBindingUpdate, FastBindingAck, MobilityHeader)


def _next_header_of(payload: Any) -> int:
    if isinstance(payload, RawPayload):
        return payload.next_header
    if isinstance(payload, _MH_CLASSES):
        return IPPROTO_MH
    return IPPROTO_ICMPV6


@fast_init
@dataclass(frozen=True)
class IPv6Packet:
    """An IPv6 packet: header, Destination Options headers, and the decoded upper layer.

    An FBU must travel with a Home Address option (RFC 5568 §6.2.2).
    """

    header: IPv6Header
    extension_headers: tuple[DestinationOptionsHeader, ...] = ()
    payload: Any = None
    raw: bytes = field(default=b"", compare=False, repr=False)

    @property
    def home_address(self) -> ipaddress.IPv6Address | None:
        """The Home Address option's address, if any header carries one."""
        for h in self.extension_headers:
            if h.home_address is not None:
                return h.home_address
        return None

    @property
    def checksum_source(self) -> ipaddress.IPv6Address:
        """The pseudo-header source: the home address if present (RFC 3775 §11.3.1)."""
        return self.home_address or self.header.src

    def check(self, error: type[DecodeError] | type[EncodeError]) -> None:
        """Raise ``error`` if an FBU lacks the Home Address option (RFC 5568 §6.2.2)."""
        present = 0
        for h in self.extension_headers:
            if h.home_address is not None:
                present += 1
        if present > 1:
            raise error("IPv6Packet.extension_headers", "the Home Address option may "
                        "appear once", REF_HOA)
        if not present and isinstance(self.payload, FastBindingUpdate):
            raise error("IPv6Packet.extension_headers", "an FBU must carry a Home Address "
                        "option set to the PCoA", "RFC 5568 §6.2.2")

    def encode(self, badf_length: BadfLength = DEFAULT_BADF_LENGTH, *,
               fresh: bool = False) -> bytes:
        """The packet's octets, checksums computed (the home address as the source).

        A packet made by :meth:`decode` (with checksums verified) returns the
        octets it was decoded from when ``badf_length`` is the reading it was
        decoded with and those octets are proved canonical, i.e. exactly what
        this method would build (:attr:`received_is_canonical`); packets are
        immutable, so the proof stays true. Other packets, and every call with
        ``fresh=True``, are built from their fields.
        """
        if not fresh:
            received: tuple[bytes, int, BadfLength] | None = self.__dict__.get(_RECEIVED)
            if (received is not None and received[2] is badf_length
                    and self.received_is_canonical):
                return received[0]
        self.check(EncodeError)
        hdr = self.header
        source, dst = hdr.src.packed, hdr.dst.packed
        home = self.home_address
        src = source if home is None else home.packed  # RFC 3775 §11.3.1
        p = self.payload
        if p is None:
            body, nh = b"", IPPROTO_NONE
        elif isinstance(p, RawPayload):
            body, nh = p.encode(), p.next_header
        elif isinstance(p, _MH_CLASSES):
            body, nh = p.encode(src, dst, badf_length), IPPROTO_MH
        else:
            body, nh = p.encode(src, dst), IPPROTO_ICMPV6
        for h in reversed(self.extension_headers):
            body = DestinationOptionsHeader(h.options, nh).encode() + body
            nh = IPPROTO_DSTOPTS
        if len(body) > 0xFFFF:
            raise EncodeError("IPv6Header.payload_length", "payload over 65535 octets",
                              REF_IPV6)
        return _HEADER_LAYOUT.pack({
            "traffic_class": hdr.traffic_class, "flow_label": hdr.flow_label,
            "payload_length": len(body), "next_header": nh, "hop_limit": hdr.hop_limit,
            "src": source, "dst": dst}) + body

    @classmethod
    def decode(cls, data: bytes, verify_checksum: bool = True,
               badf_length: BadfLength = DEFAULT_BADF_LENGTH) -> Self:
        """Strict decode of a whole packet (no trailing octets beyond Payload Length)."""
        data = bytes(data)
        header = IPv6Header.decode(data)
        if header.payload_length != len(data) - 40:
            raise DecodeError("IPv6Header.payload_length", f"says {header.payload_length}, "
                              f"{len(data) - 40} octets follow", REF_IPV6)
        pos, nh = 40, header.next_header
        ext: list[DestinationOptionsHeader] = []
        while nh == IPPROTO_DSTOPTS:
            if len(data) - pos < 2:
                raise DecodeError("DestinationOptionsHeader.hdr_ext_len",
                                  "header overruns the packet", REF_DSTOPTS)
            size = (data[pos + 1] + 1) * 8
            if pos + size > len(data):
                raise DecodeError("DestinationOptionsHeader.hdr_ext_len",
                                  "header overruns the packet", REF_DSTOPTS)
            h = DestinationOptionsHeader.decode(data[pos:pos + size])
            ext.append(h)
            nh, pos = h.next_header, pos + size
        rest = data[pos:]
        home = None
        for h in ext:
            home = h.home_address
            if home is not None:
                break
        # the pseudo-header addresses, as octets (RFC 3775 §11.3.1: the home address if any)
        src = data[8:24] if home is None else home.packed
        dst = data[24:40]
        payload: Any
        if nh == IPPROTO_ICMPV6:
            payload = decode_icmpv6(rest, src, dst, verify_checksum)
        elif nh == IPPROTO_MH:
            payload = decode_mobility_header(rest, src if verify_checksum else None,
                                             dst if verify_checksum else None, badf_length)
        elif nh == IPPROTO_NONE and not rest:
            payload = None
        else:
            payload = RawPayload(nh, rest)
        packet = cls(header, tuple(ext), payload, data)
        packet.check(DecodeError)
        if verify_checksum:
            packet.__dict__[_RECEIVED] = (data, pos, badf_length)
        return packet

    @property
    def received_is_canonical(self) -> bool:
        """Whether this packet came from :meth:`decode` with checksums verified and its
        received octets are exactly what :meth:`encode` builds from its fields.

        That is: every reserved field and every padding octet zero, padding
        exactly where the encoder puts it, and the NAR prefix bits after the
        Prefix Length clear. Each decoder works out its part while it reads
        the octets (reserved fields and padding are read anyway) and records
        it on the object it builds; this puts those verdicts together on first
        use and remembers the outcome.
        """
        known = self.__dict__.get(_PROVED)
        if known is None:
            known = self.__dict__[_PROVED] = self._prove_canonical()
        return bool(known)

    def _prove_canonical(self) -> bool:
        received = self.__dict__.get(_RECEIVED)
        if received is None:
            return False
        data, upper, badf_length = received
        # the headers and the message are the ones decode built from ``data``: what their
        # decoders recorded is about those octets
        for h in self.extension_headers:
            if not decoded_canonical(h):
                return False
        payload = self.payload
        if payload is None or isinstance(payload, RawPayload):
            return True
        recorded = decoded_canonical(payload, badf_length if isinstance(payload, _MH_CLASSES)
                                     else None)
        if recorded is not None:
            return recorded
        return _payload_is_canonical(payload, data[upper:], badf_length)


# set by IPv6Packet.decode only (not dataclass fields: never copied by dataclasses.replace)
_RECEIVED = "_received"  # (octets, upper-layer offset, BADF reading) when checksums verified
_PROVED = "_received_is_canonical"  # the proof's outcome, once worked out


def _payload_is_canonical(payload: Any, data: bytes, badf_length: BadfLength) -> bool:
    """Whether the upper layer ``data`` decoded to ``payload`` is what its encoder builds."""
    if payload is None or isinstance(payload, RawPayload):
        return True
    if isinstance(payload, _MH_CLASSES):
        return payload.is_canonical(data, badf_length)
    proof = getattr(payload, "is_canonical", None)
    return proof is not None and bool(proof(data))
