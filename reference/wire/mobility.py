"""Mobility Header (RFC 3775 §6.1) with the FMIPv6 messages FBU and FBack (RFC 5568 §6.2).

Checksum: the pseudo-header uses Next Header 135 (RFC 6275's correction of
RFC 3775 §6.1.1, see interop-facts.md), and when the packet carries a Home
Address option the home address stands in for the source address (RFC 3775
§6.1.1, §11.3.1). Callers pass that address as ``src``.

Mobility options (RFC 3775 §6.2): Pad1 and PadN are read and dropped on
decode; the encoder writes the padding itself, the fewest octets that meet
each option's alignment (Alternate Care-of Address 8n+6) and make the header
a multiple of 8 octets. The BADF option (RFC 5568 §6.4.5) must be the last
option with no padding after it, so it is aligned to end on an 8-octet
boundary. Its Option Length is read per :class:`rfc5269.interpretations.BadfLength`.
"""

from __future__ import annotations

import ipaddress
import struct
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Self

from rfc5269.constants import IPPROTO_MH, IPPROTO_NONE
from rfc5269.errors import DecodeError, EncodeError, WireError
from rfc5269.interpretations import BadfLength
from rfc5269.wire.describe import (
    Field,
    Kind,
    fast_init,
    fixed_layout,
    flag,
    recorded_canonical,
    remember_canonical,
    reserved,
    type_field,
    uint,
)
from rfc5269.wire.icmpv6 import Address, upper_layer_checksum

REF_MH = "RFC 3775 §6.1.1"
REF_OPT = "RFC 3775 §6.2.1"
REF_PAD = "RFC 3775 §6.2.2-§6.2.3"
REF_ALTCOA = "RFC 3775 §6.2.5"
REF_MHLLA = "RFC 5568 §6.4.4"
REF_BADF = "RFC 5568 §6.4.5"
REF_FBU = "RFC 5568 §6.2.2"
REF_FBACK = "RFC 5568 §6.2.3"
DEFAULT_BADF_LENGTH = BadfLength.OPTION_DATA


def mh_checksum(src: Address, dst: Address, mh: bytes) -> int:
    """The Mobility Header checksum of ``mh`` (RFC 3775 §6.1.1 with Next Header 135).

    ``src`` is the home address when the packet has a Home Address option.
    """
    return upper_layer_checksum(src, dst, IPPROTO_MH, mh, 4)


# --------------------------------------------------------------------------- mobility options


class MobilityOption:
    """Base of mobility option classes: ``TYPE``, ``FIELDS``, ``ALIGN`` (x, y) for xn+y."""

    TYPE: ClassVar[int]
    FIELDS: ClassVar[tuple[Field, ...]]
    ALIGN: ClassVar[tuple[int, int] | None] = None

    def encode(self, badf_length: BadfLength = DEFAULT_BADF_LENGTH) -> bytes:
        raise NotImplementedError


def _mh_length_field(doc: str = "option data length in octets") -> Field:
    return Field("length", Kind.LENGTH, 8, 0, doc, REF_OPT, units=1, label="Option Length")


@fast_init
@dataclass(frozen=True)
class MhPad1(MobilityOption):
    """Pad1 (RFC 3775 §6.2.2): one octet of padding. Written by the encoder, dropped on decode."""

    TYPE: ClassVar[int] = 0
    FIELDS: ClassVar[tuple[Field, ...]] = (type_field(0, REF_PAD),)

    def encode(self, badf_length: BadfLength = DEFAULT_BADF_LENGTH) -> bytes:
        return b"\x00"


@fast_init
@dataclass(frozen=True)
class MhPadN(MobilityOption):
    """PadN (RFC 3775 §6.2.3): N octets of padding; data zero when sent, ignored when received."""

    TYPE: ClassVar[int] = 1
    FIELDS: ClassVar[tuple[Field, ...]] = (
        type_field(1, REF_PAD), _mh_length_field("N - 2"),
        Field("padding", Kind.PADDING, None, b"", "N - 2 zero octets", REF_PAD,
              length_from="the Option Length field", label="Option Data"),
    )

    size: int  # N, the whole option

    def encode(self, badf_length: BadfLength = DEFAULT_BADF_LENGTH) -> bytes:
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


@fast_init
@dataclass(frozen=True)
class AlternateCareOfAddress(MobilityOption):
    """Alternate Care-of Address (RFC 3775 §6.2.5), type 3, Length 16, alignment 8n+6."""

    TYPE: ClassVar[int] = 3
    ALIGN: ClassVar[tuple[int, int] | None] = (8, 6)
    FIELDS: ClassVar[tuple[Field, ...]] = (
        type_field(3, REF_ALTCOA),
        Field("length", Kind.LENGTH, 8, 16, "always 16", REF_ALTCOA, rule="must be 16",
              units=1, label="Length = 16"),
        Field("address", Kind.IPV6, 128, ipaddress.IPv6Address(0), "the care-of address",
              REF_ALTCOA, label="Alternate Care-of Address"),
    )

    address: ipaddress.IPv6Address

    def encode(self, badf_length: BadfLength = DEFAULT_BADF_LENGTH) -> bytes:
        return b"\x03\x10" + self.address.packed

    @classmethod
    def decode(cls, data: bytes) -> Self:
        if len(data) != 18 or data[1] != 16:
            raise DecodeError("AlternateCareOfAddress.length", "must be 16", REF_ALTCOA)
        return cls(ipaddress.IPv6Address(int.from_bytes(data[2:18], "big")))


@fast_init
@dataclass(frozen=True)
class MobilityHeaderLla(MobilityOption):
    """Mobility Header Link-Layer Address option (RFC 5568 §6.4.4), type 7, Option-Code 2."""

    TYPE: ClassVar[int] = 7
    FIELDS: ClassVar[tuple[Field, ...]] = (
        type_field(7, REF_MHLLA), _mh_length_field("1 + length of the LLA"),
        uint("option_code", 8, "2: link-layer address of the MN", REF_MHLLA, default=2,
             valid=range(2, 3), rule="must be 2", label="Option-Code"),
        Field("link_layer_address", Kind.VARIABLE, None, bytes(6), "the MN's link-layer address",
              REF_MHLLA, length_from="Option Length - 1", label="LLA ..."),
    )

    link_layer_address: bytes
    option_code: int = 2

    def encode(self, badf_length: BadfLength = DEFAULT_BADF_LENGTH) -> bytes:
        if self.option_code != 2:
            raise EncodeError("MobilityHeaderLla.option_code", "must be 2", REF_MHLLA)
        if len(self.link_layer_address) > 254:
            raise EncodeError("MobilityHeaderLla.link_layer_address", "longer than 254 octets",
                              REF_MHLLA)
        return bytes((7, 1 + len(self.link_layer_address), 2)) + self.link_layer_address

    @classmethod
    def decode(cls, data: bytes) -> Self:
        if len(data) < 3:
            raise DecodeError("MobilityHeaderLla.length", "must be at least 1 (the Option-Code)",
                              REF_MHLLA)
        if data[2] != 2:
            raise DecodeError("MobilityHeaderLla.option_code", "must be 2", REF_MHLLA)
        return cls(bytes(data[3:]), 2)


@fast_init
@dataclass(frozen=True)
class BindingAuthorizationDataFmip(MobilityOption):
    """Binding Authorization Data for FMIPv6, BADF (RFC 5568 §6.4.5), type 21.

    ``SPI (32 bits) | Authenticator``. The Option Length counts SPI and
    Authenticator under ``BadfLength.OPTION_DATA`` (the RFC 3775 §6.2.1 TLV
    rule) and the Authenticator alone under ``BadfLength.AUTHENTICATOR_ONLY``
    (the literal text of §6.4.5). Must be the last mobility option.
    """

    TYPE: ClassVar[int] = 21
    FIELDS: ClassVar[tuple[Field, ...]] = (
        type_field(21, REF_BADF),
        _mh_length_field("SPI + Authenticator octets (option-data reading) or Authenticator "
                         "octets (authenticator-only reading); see BadfLength"),
        uint("spi", 32, "Security Parameter Index; 0 for SEND-based handover keys", REF_BADF,
             label="SPI"),
        Field("authenticator", Kind.VARIABLE, None, bytes(12), "MAC over the FBU / FBack",
              REF_BADF, length_from="the Option Length field (per BadfLength)"),
    )

    spi: int
    authenticator: bytes

    def option_length(self, badf_length: BadfLength = DEFAULT_BADF_LENGTH) -> int:
        """The Option Length value under ``badf_length``."""
        n = len(self.authenticator)
        return n + 4 if badf_length is BadfLength.OPTION_DATA else n

    def encode(self, badf_length: BadfLength = DEFAULT_BADF_LENGTH) -> bytes:
        if not self.authenticator:
            raise EncodeError("BindingAuthorizationDataFmip.authenticator", "must not be empty",
                              REF_BADF)
        length = self.option_length(badf_length)
        if length > 255:
            raise EncodeError("BindingAuthorizationDataFmip.authenticator", "too long",
                              REF_BADF)
        if not 0 <= self.spi <= 0xFFFFFFFF:
            raise EncodeError("BindingAuthorizationDataFmip.spi", "must fit in 32 bits",
                              REF_BADF)
        return struct.pack("!BBI", 21, length, self.spi) + self.authenticator

    @classmethod
    def decode(cls, data: bytes) -> Self:
        """Decode one BADF option that is exactly ``data`` (its Length already resolved)."""
        if len(data) < 7:
            raise DecodeError("BindingAuthorizationDataFmip.authenticator",
                              "SPI and a non-empty Authenticator do not fit", REF_BADF)
        return cls(int.from_bytes(data[2:6], "big"), bytes(data[6:]))


@fast_init
@dataclass(frozen=True)
class UnknownMobilityOption(MobilityOption):
    """A mobility option this codec does not interpret, kept as octets (RFC 3775 §6.2.1)."""

    TYPE: ClassVar[int] = -1
    FIELDS: ClassVar[tuple[Field, ...]] = (
        uint("type", 8, "option type", REF_OPT, label="Option Type"), _mh_length_field(),
        Field("data", Kind.VARIABLE, None, b"", "option data", REF_OPT,
              length_from="the Option Length field", label="Option Data ..."),
    )

    type: int
    data: bytes

    def encode(self, badf_length: BadfLength = DEFAULT_BADF_LENGTH) -> bytes:
        if self.type in (0, 1) or self.type in _MOBILITY_OPTIONS or not 0 <= self.type <= 255:
            raise EncodeError("UnknownMobilityOption.type", "must be an uninterpreted type",
                              REF_OPT)
        if len(self.data) > 255:
            raise EncodeError("UnknownMobilityOption.data", "longer than 255 octets", REF_OPT)
        return bytes((self.type, len(self.data))) + self.data


_MOBILITY_OPTIONS: dict[int, Any] = {
    3: AlternateCareOfAddress, 7: MobilityHeaderLla, 21: BindingAuthorizationDataFmip,
}


def _option_field(owner: str, index: int, part: str = "") -> str:
    """The field named in an error about option ``index`` (built only when one is raised)."""
    return f"{owner}.options[{index}]{part}"


def padding_before(cls: type[MobilityOption], at: int, size: int) -> int:
    """Octets of padding the encoder writes before an option of class ``cls`` and ``size``
    octets when the padding would start ``at`` octets into the Mobility Header.

    The BADF option ends on an 8-octet boundary (it is last, with no padding
    after it, RFC 5568 §6.4.5); an option with an alignment ``xn+y`` starts
    there (RFC 3775 §6.2); any other option gets none.
    """
    if cls is BindingAuthorizationDataFmip:
        return -(at + size) % 8
    if cls.ALIGN is not None:
        x, y = cls.ALIGN
        return (y - at) % x
    return 0


def decode_mobility_options(data: bytes, start: int, owner: str,
                            badf_length: BadfLength = DEFAULT_BADF_LENGTH,
                            ) -> tuple[MobilityOption, ...]:
    """The options in ``data`` (which begins ``start`` octets into the Mobility Header).

    Checks each TLV against the area's end, padding fits, alignments, and that
    a BADF option is the last option (RFC 3775 §6.2, RFC 5568 §6.4.5).
    """
    return decode_mobility_options_with_proof(data, start, owner, badf_length)[0]


def decode_mobility_options_with_proof(data: bytes, start: int, owner: str,
                                       badf_length: BadfLength = DEFAULT_BADF_LENGTH,
                                       ) -> tuple[tuple[MobilityOption, ...], bool]:
    """:func:`decode_mobility_options`, and whether ``data`` is exactly what
    :func:`encode_mobility_options` builds from those options: every run of padding
    the encoder's own (:func:`padding_before`, then to an 8-octet boundary), PadN
    data zero. The options themselves are encoded as received."""
    out: list[MobilityOption] = []
    pos = 0
    end = len(data)
    badf_seen = False
    pad_from = 0  # where the run of padding before the next option began
    canonical = True
    # under the authenticator-only reading the BADF Option Length leaves out the SPI
    badf_extra = 4 if badf_length is BadfLength.AUTHENTICATOR_ONLY else 0
    while pos < end:
        t = data[pos]
        if badf_seen:
            raise DecodeError(_option_field(owner, len(out)), "the BADF option must be the last "
                              "mobility option, with no padding after it", REF_BADF)
        if t == 0:
            pos += 1
            continue
        if end - pos < 2:
            raise DecodeError(_option_field(owner, len(out)),
                              "option header overruns the Mobility Header", REF_OPT)
        length = data[pos + 1]
        size = 2 + length
        if t == 21:
            size += badf_extra
        if pos + size > end:
            what = "padding does not fit" if t == 1 else "option overruns the Mobility Header"
            raise DecodeError(_option_field(owner, len(out), ".length"), what,
                              REF_PAD if t == 1 else REF_OPT)
        if t == 1:
            pos += size
            continue
        body = data[pos:pos + size]
        cls = _MOBILITY_OPTIONS.get(t)
        if cls is None:
            out.append(UnknownMobilityOption(t, bytes(body[2:])))
            cls = UnknownMobilityOption
        else:
            if cls.ALIGN is not None:
                x, y = cls.ALIGN
                if (start + pos) % x != y:
                    raise DecodeError(_option_field(owner, len(out), ".alignment"),
                                      f"{cls.__name__} must start at {x}n+{y}", REF_ALTCOA)
            if t == 21:
                badf_seen = True
                if badf_length is BadfLength.OPTION_DATA and length < 5:
                    raise DecodeError(_option_field(owner, len(out), ".length"), "BADF Option "
                                      "Length must cover the SPI and a non-empty Authenticator",
                                      REF_BADF)
            out.append(cls.decode(body))
        if canonical and data[pad_from:pos] != _PADDINGS[
                padding_before(cls, start + pad_from, size)]:
            canonical = False
        pos += size
        pad_from = pos
    if canonical and not badf_seen and data[pad_from:] != _PADDINGS[-(start + pad_from) % 8]:
        canonical = False
    return tuple(out), canonical


def encode_mobility_options(options: Sequence[MobilityOption], start: int, owner: str,
                            badf_length: BadfLength = DEFAULT_BADF_LENGTH) -> bytes:
    """The options area with canonical padding, ending on an 8-octet boundary.

    ``start`` is the area's offset in the Mobility Header.
    """
    out = bytearray()
    for i, opt in enumerate(options):
        if isinstance(opt, MhPad1 | MhPadN):
            raise EncodeError(f"{owner}.options[{i}]", "padding is written by the encoder",
                              REF_PAD)
        if isinstance(opt, BindingAuthorizationDataFmip) and i != len(options) - 1:
            raise EncodeError(f"{owner}.options[{i}]", "the BADF option must be the last "
                              "mobility option", REF_BADF)
        encoded = opt.encode(badf_length)
        out += _padding(padding_before(type(opt), start + len(out), len(encoded)))
        out += encoded
    if not (options and isinstance(options[-1], BindingAuthorizationDataFmip)):
        out += _padding((-(start + len(out))) % 8)
    return bytes(out)


def badf_of(options: Sequence[MobilityOption]) -> BindingAuthorizationDataFmip | None:
    """The BADF option, if any."""
    for o in options:
        if isinstance(o, BindingAuthorizationDataFmip):
            return o
    return None


# --------------------------------------------------------------------------- Mobility Header


def _mh_fields(mh_type: int, ref: str) -> tuple[Field, ...]:
    return (
        uint("payload_proto", 8, "header after the MH; 59 (none)", REF_MH,
             default=IPPROTO_NONE, label="Payload Proto"),
        Field("header_len", Kind.LENGTH, 8, 0, "MH length in 8-octet units, minus the first 8",
              REF_MH, rule="the MH must be exactly (Header Len + 1) x 8 octets", units=8,
              label="Header Len"),
        type_field(mh_type, ref, name="mh_type") if mh_type >= 0 else
        uint("mh_type", 8, "MH type", REF_MH, label="MH Type"),
        reserved(8, REF_MH),
        Field("checksum", Kind.CHECKSUM, 16, 0, "MH checksum, pseudo-header Next Header 135",
              REF_MH),
    )


def _mh_frame(owner: str, data: bytes, src: Address | None, dst: Address | None) -> None:
    """Check Header Len against the length, and the checksum when addresses are given."""
    if len(data) < 8:
        raise DecodeError(f"{owner}.header_len", "Mobility Header shorter than 8 octets", REF_MH)
    if (data[1] + 1) * 8 != len(data):
        raise DecodeError(f"{owner}.header_len",
                          f"Header Len {data[1]} does not match {len(data)} octets", REF_MH)
    if src is not None and dst is not None:
        received = int.from_bytes(data[4:6], "big")
        expected = mh_checksum(src, dst, data)
        if received != expected:
            raise DecodeError(f"{owner}.checksum", f"checksum 0x{received:04x} is wrong, "
                              f"expected 0x{expected:04x}", REF_MH)


def _mh_finish(body: bytes, src: Address | None, dst: Address | None) -> bytes:
    """Fill Header Len and (when addresses are given) the checksum of a whole MH."""
    if len(body) % 8:
        raise EncodeError("MobilityHeader.header_len", "length is not a multiple of 8", REF_MH)
    if len(body) // 8 - 1 > 255:
        raise EncodeError("MobilityHeader.header_len", "Mobility Header too long", REF_MH)
    mh = bytearray(body)
    mh[1] = len(body) // 8 - 1
    mh[4:6] = b"\x00\x00"
    if src is not None and dst is not None:
        mh[4:6] = mh_checksum(src, dst, bytes(mh)).to_bytes(2, "big")
    return bytes(mh)


@fast_init
@dataclass(frozen=True)
class MobilityHeader:
    """A Mobility Header of a type this codec does not interpret (RFC 3775 §6.1.1)."""

    FIELDS: ClassVar[tuple[Field, ...]] = (*_mh_fields(-1, REF_MH),
        Field("message_data", Kind.VARIABLE, None, bytes(2), "message data and options",
              REF_MH, length_from="Header Len", label="Message Data"))

    mh_type: int
    message_data: bytes
    payload_proto: int = IPPROTO_NONE
    checksum: int = field(default=0, compare=False, repr=False)
    raw: bytes = field(default=b"", compare=False, repr=False)

    def is_canonical(self, data: bytes, badf_length: BadfLength = DEFAULT_BADF_LENGTH) -> bool:
        """Whether ``data``, the octets this header was decoded from, are what
        :meth:`encode` builds from it (the checksum aside): Reserved zero."""
        return fixed_layout(MobilityHeader).reserved_clear(data)

    def encode(self, src: Address | None = None, dst: Address | None = None,
               badf_length: BadfLength = DEFAULT_BADF_LENGTH) -> bytes:
        if not (0 <= self.mh_type <= 255 and 0 <= self.payload_proto <= 255):
            raise EncodeError("MobilityHeader.mh_type", "must fit in 8 bits", REF_MH)
        return _mh_finish(bytes((self.payload_proto, 0, self.mh_type, 0, 0, 0))
                          + self.message_data, src, dst)

    @classmethod
    def decode(cls, data: bytes, src: Address | None = None, dst: Address | None = None,
               badf_length: BadfLength = DEFAULT_BADF_LENGTH) -> Self:
        data = bytes(data)
        _mh_frame(cls.__name__, data, src, dst)
        return cls(data[2], data[6:], data[0], checksum=int.from_bytes(data[4:6], "big"),
                   raw=data)


class _FmipMobilityMessage:
    """Shared encode/decode for FBU and FBack: MH header, 6 fixed octets, options."""

    MH_TYPE: ClassVar[int]
    REF: ClassVar[str]
    FIELDS: ClassVar[tuple[Field, ...]]
    options: tuple[MobilityOption, ...]

    def _values(self) -> dict[str, Any]:
        raise NotImplementedError

    def check(self, error: type[WireError]) -> None:
        """Raise ``error`` unless the BADF option is present (RFC 5568 §6.2.2-§6.2.3)."""
        name = type(self).__name__
        if badf_of(self.options) is None:
            raise error(f"{name}.options", "must carry the BADF option", self.REF)

    def is_canonical(self, data: bytes, badf_length: BadfLength = DEFAULT_BADF_LENGTH) -> bool:
        """Whether ``data``, the octets this message was decoded under ``badf_length``
        from, are what :meth:`encode` builds from it (the checksum aside): reserved
        fields zero, and the options area with exactly the padding the encoder writes.

        ``decode`` works this out as it goes and records it; the answer is
        worked out again only for octets or a reading it did not record."""
        recorded = recorded_canonical(self, data, badf_length)
        if recorded is not None:
            return recorded
        if not fixed_layout(type(self)).reserved_clear(data):
            return False
        try:
            options = encode_mobility_options(self.options, 12, type(self).__name__,
                                              badf_length)
        except EncodeError:
            return False
        return options == data[12:]

    def encode(self, src: Address | None = None, dst: Address | None = None,
               badf_length: BadfLength = DEFAULT_BADF_LENGTH) -> bytes:
        """The Mobility Header; checksummed when ``src`` (home address if any) and ``dst``."""
        self.check(EncodeError)
        head = fixed_layout(type(self)).pack(self._values())
        opts = encode_mobility_options(self.options, 12, type(self).__name__, badf_length)
        return _mh_finish(head + opts, src, dst)


@fast_init
@dataclass(frozen=True)
class FastBindingUpdate(_FmipMobilityMessage):
    """Fast Binding Update (RFC 5568 §6.2.2), MH type 8; A and H must be set."""

    MH_TYPE: ClassVar[int] = 8
    REF: ClassVar[str] = REF_FBU
    FIELDS: ClassVar[tuple[Field, ...]] = (
        *_mh_fields(8, REF_FBU),
        uint("sequence", 16, "sequence number (RFC 3775 §6.1.7)", REF_FBU, label="Sequence #"),
        flag("a", "acknowledge: must be 1", REF_FBU, label="A"),
        flag("h", "home registration: must be 1", REF_FBU, label="H"),
        flag("l", "link-local address compatibility (RFC 3775)", REF_FBU, label="L"),
        flag("k", "key management mobility capability (RFC 3775)", REF_FBU, label="K"),
        reserved(12, REF_FBU),
        uint("lifetime", 16, "requested lifetime as sent: seconds per RFC 5568 §6.2.2, "
             "4-second units per RFC 3775 §6.1.7", REF_FBU),
        Field("options", Kind.OPTIONS, None, (), "mobility options", REF_FBU,
              length_from="Header Len", label="Mobility options"),
    )

    sequence: int
    lifetime: int
    options: tuple[MobilityOption, ...] = ()
    a: bool = True
    h: bool = True
    l: bool = False  # noqa: E741  (the RFC's name)
    k: bool = False
    payload_proto: int = IPPROTO_NONE
    checksum: int = field(default=0, compare=False, repr=False)
    raw: bytes = field(default=b"", compare=False, repr=False)

    def _values(self) -> dict[str, Any]:
        return {"payload_proto": self.payload_proto, "sequence": self.sequence, "a": self.a,
                "h": self.h, "l": self.l, "k": self.k, "lifetime": self.lifetime}

    def check(self, error: type[WireError]) -> None:
        if not self.a:
            raise error("FastBindingUpdate.a", "the A flag must be set", REF_FBU)
        if not self.h:
            raise error("FastBindingUpdate.h", "the H flag must be set", REF_FBU)
        _FmipMobilityMessage.check(self, error)

    @classmethod
    def decode(cls, data: bytes, src: Address | None = None, dst: Address | None = None,
               badf_length: BadfLength = DEFAULT_BADF_LENGTH) -> Self:
        """Strict decode; the checksum is verified when ``src`` and ``dst`` are given."""
        data = bytes(data)
        _mh_frame(cls.__name__, data, src, dst)
        (payload_proto, _, _, checksum, sequence, a, h, l, k, lifetime,  # noqa: E741
         reserved_clear) = _FBU_LAYOUT.read(data)
        opts, canonical = decode_mobility_options_with_proof(data[12:], 12, cls.__name__,
                                                             badf_length)
        msg = cls(sequence, lifetime, opts, a, h, l, k, payload_proto, checksum, data)
        msg.check(DecodeError)
        remember_canonical(msg, data, reserved_clear and canonical, badf_length)
        return msg


FBACK_STATUS = {
    0: "accepted", 1: "accepted but NCoA invalid: use the alternate CoA",
    128: "reason unspecified", 129: "administratively prohibited",
    130: "insufficient resources", 131: "incorrect interface identifier length",
}


@fast_init
@dataclass(frozen=True)
class FastBindingAck(_FmipMobilityMessage):
    """Fast Binding Acknowledgment (RFC 5568 §6.2.3), MH type 9.

    Status 1 requires an Alternate Care-of Address option. The figure in
    §6.2.3 draws Status across 9 bits; the text and RFC 3775 §6.1.8 give 8.
    """

    MH_TYPE: ClassVar[int] = 9
    REF: ClassVar[str] = REF_FBACK
    FIELDS: ClassVar[tuple[Field, ...]] = (
        *_mh_fields(9, REF_FBACK),
        uint("status", 8, "; ".join(f"{k} {v}" for k, v in FBACK_STATUS.items()), REF_FBACK),
        flag("k", "key management mobility capability (RFC 3775)", REF_FBACK, label="K"),
        reserved(7, REF_FBACK),
        uint("sequence", 16, "copied from the FBU", REF_FBACK, label="Sequence #"),
        uint("lifetime", 16, "granted lifetime as sent: seconds per RFC 5568 §6.2.3, "
             "4-second units per RFC 3775 §6.1.8", REF_FBACK),
        Field("options", Kind.OPTIONS, None, (), "mobility options", REF_FBACK,
              length_from="Header Len", label="Mobility options"),
    )

    status: int
    sequence: int
    lifetime: int
    options: tuple[MobilityOption, ...] = ()
    k: bool = False
    payload_proto: int = IPPROTO_NONE
    checksum: int = field(default=0, compare=False, repr=False)
    raw: bytes = field(default=b"", compare=False, repr=False)

    def _values(self) -> dict[str, Any]:
        return {"payload_proto": self.payload_proto, "status": self.status, "k": self.k,
                "sequence": self.sequence, "lifetime": self.lifetime}

    def check(self, error: type[WireError]) -> None:
        if self.status == 1 and not any(isinstance(o, AlternateCareOfAddress)
                                        for o in self.options):
            raise error("FastBindingAck.options", "Status 1 requires an Alternate Care-of "
                        "Address option", REF_FBACK)
        _FmipMobilityMessage.check(self, error)

    @classmethod
    def decode(cls, data: bytes, src: Address | None = None, dst: Address | None = None,
               badf_length: BadfLength = DEFAULT_BADF_LENGTH) -> Self:
        """Strict decode; the checksum is verified when ``src`` and ``dst`` are given."""
        data = bytes(data)
        _mh_frame(cls.__name__, data, src, dst)
        (payload_proto, _, _, checksum, status, k, sequence, lifetime,
         reserved_clear) = _FBACK_LAYOUT.read(data)
        opts, canonical = decode_mobility_options_with_proof(data[12:], 12, cls.__name__,
                                                             badf_length)
        msg = cls(status, sequence, lifetime, opts, k, payload_proto, checksum, data)
        msg.check(DecodeError)
        remember_canonical(msg, data, reserved_clear and canonical, badf_length)
        return msg


_FBU_LAYOUT = fixed_layout(FastBindingUpdate)
_FBACK_LAYOUT = fixed_layout(FastBindingAck)
MH_MESSAGES: dict[int, Any] = {8: FastBindingUpdate, 9: FastBindingAck}


def decode_mobility_header(data: bytes, src: Address | None = None, dst: Address | None = None,
                           badf_length: BadfLength = DEFAULT_BADF_LENGTH) -> Any:
    """Decode a Mobility Header: FBU, FBack, or a generic MobilityHeader."""
    data = bytes(data)
    if len(data) < 8:
        raise DecodeError("MobilityHeader.header_len", "Mobility Header shorter than 8 octets",
                          REF_MH)
    cls = MH_MESSAGES.get(data[2], MobilityHeader)
    return cls.decode(data, src, dst, badf_length)


def mh_data_for_authenticator(mh: bytes | FastBindingUpdate | FastBindingAck,
                              badf_length: BadfLength = DEFAULT_BADF_LENGTH) -> bytes:
    """"MH Data" of RFC 3775 §6.2.7 for the BADF authenticator (RFC 5568 §6.4.5).

    The Mobility Header with its checksum taken as zero and the Authenticator
    field (the last octets, as the BADF is the last option) left out. Given
    received bytes, they are cut as they are; given a message object, it is
    encoded first (its BADF must hold an authenticator of the final length,
    e.g. zeros).
    """
    if isinstance(mh, bytes | bytearray):
        data = bytes(mh)
        msg = decode_mobility_header(data, badf_length=badf_length)
    else:
        msg = mh
        data = mh.encode(badf_length=badf_length)
    badf = badf_of(getattr(msg, "options", ()))
    if badf is None:
        raise DecodeError("mh_data_for_authenticator", "the message has no BADF option",
                          REF_BADF)
    cut = len(data) - len(badf.authenticator)
    return data[:4] + b"\x00\x00" + data[6:cut]
