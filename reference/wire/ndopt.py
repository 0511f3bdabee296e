"""Neighbor Discovery options (RFC 4861 §4.6) used by SEND and FMIPv6.

Every option is ``Type (8) | Length (8, units of 8 octets, 0 invalid) |
body``. The options here: Source/Target Link-Layer Address (1, 2; RFC 4861
§4.6.1), CGA (11), RSA Signature (12), Timestamp (13), Nonce (14) (RFC 3971
§5), Trust Anchor (15), Certificate (16) (RFC 3971 §6.4.3-§6.4.4), IP
Address/Prefix (17) and FMIPv6 Link-Layer Address (19) (RFC 5568 §6.4.1,
§6.4.3), Handover Key Request (27) and Reply (28) (RFC 5269 §4). Any other
type decodes to :class:`UnknownOption` and is kept byte for byte (RFC 4861
§4.6, RFC 5568 §6.1.1).

Rules common to all options: a Length of 0 is rejected, a Length that
overruns the message is rejected, and where an option has a Pad Length the
padding must fit in the option and be the fewest octets that reach a
multiple of 8 (0-7); padding content is ignored on receipt and zero when
sent.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from fractions import Fraction
from typing import ClassVar, NamedTuple, Self

from rfc5269.errors import DecodeError, EncodeError
from rfc5269.wire.cga_params import CgaParameters
from rfc5269.wire.der import der_element_length, require_subject_public_key_info
from rfc5269.wire.describe import (
    Field,
    Kind,
    fast_init,
    fixed_layout,
    nd_length_field,
    reserved,
    type_field,
    uint,
)

RFC4861 = "RFC 4861 §4.6"
RFC3971_CGA = "RFC 3971 §5.1"
RFC3971_SIG = "RFC 3971 §5.2"
RFC3971_TS = "RFC 3971 §5.3.1"
RFC3971_NONCE = "RFC 3971 §5.3.2"
RFC3971_TA = "RFC 3971 §6.4.3"
RFC3971_CERT = "RFC 3971 §6.4.4"
RFC5568_IP = "RFC 5568 §6.4.1"
RFC5568_LLA = "RFC 5568 §6.4.3"
RFC5269_HKREQ = "RFC 5269 §4.1"
RFC5269_HKREP = "RFC 5269 §4.2"


def pad8(n: int) -> int:
    """Octets of padding that bring ``n`` octets to a multiple of 8."""
    return -n % 8


class NdOption:
    """Base of every ND option class: ``TYPE``, ``FIELDS``, ``encode()``, ``decode()``.

    ``decode`` checks the Type and Length framing of one option (RFC 4861
    §4.6) and hands the option to ``decode_framed``, which checks the rest;
    :func:`decode_options` checks the framing of a whole options area once and
    calls ``decode_with_proof`` directly. Each class states its rules once, in
    ``decode_with_proof``, which also says whether the octets are canonical.
    """

    TYPE: ClassVar[int]
    FIELDS: ClassVar[tuple[Field, ...]]

    def encode(self) -> bytes:
        raise NotImplementedError

    @classmethod
    def decode(cls, data: bytes) -> Self:
        """The option that is exactly ``data``."""
        data = bytes(data)
        _frame(cls, data, cls.FIELDS[0].ref)
        return cls.decode_framed(data)

    @classmethod
    def decode_framed(cls, data: bytes) -> Self:
        """The option that is exactly ``data`` (bytes), whose Type is this class's and whose
        Length is non-zero and matches ``len(data)`` (so it has at least 8 octets)."""
        return cls.decode_with_proof(data)[0]

    @classmethod
    def decode_with_proof(cls, data: bytes) -> tuple[Self, bool]:
        """:meth:`decode_framed`'s option, and whether ``data`` is exactly what
        :meth:`encode` builds from it: its reserved fields and padding zero.

        Only these can differ, as every other field is kept and every length
        is forced by the content; the decoder reads them anyway.
        """
        raise NotImplementedError

    def is_canonical(self, data: bytes) -> bool:
        """Whether ``data``, the octets this option was decoded from, are exactly what
        :meth:`encode` builds (see :meth:`decode_with_proof`)."""
        return type(self).decode_with_proof(data)[1]


def _zero_tail(data: bytes, n: int) -> bool:
    """Whether the last ``n`` octets of ``data`` are zero."""
    return data.endswith(_ZEROS[n] if n < 8 else bytes(n))


_ZEROS = tuple(bytes(n) for n in range(8))


def _frame(cls: type[NdOption], data: bytes, ref: str) -> None:
    """Check Type and Length of one option that is exactly ``data``."""
    name = cls.__name__
    if len(data) < 2:
        raise DecodeError(f"{name}.length", "option shorter than its Type and Length", RFC4861)
    if data[0] != cls.TYPE:
        raise DecodeError(f"{name}.type", f"must be {cls.TYPE}", ref)
    if data[1] == 0:
        raise DecodeError(f"{name}.length", "Length 0 is invalid", RFC4861)
    if data[1] * 8 != len(data):
        raise DecodeError(f"{name}.length",
                          f"Length {data[1]} (x8) does not match the {len(data)} octets", RFC4861)


def _header(type_: int, body_len: int, owner: str, ref: str) -> bytes:
    """Type and Length for an option of ``2 + body_len`` octets (a multiple of 8)."""
    total = 2 + body_len
    if total % 8:
        raise EncodeError(f"{owner}.length", f"option of {total} octets is not a multiple of 8",
                          ref)
    if total // 8 > 255:
        raise EncodeError(f"{owner}.length", "option longer than 255 x 8 octets", RFC4861)
    return bytes((type_, total // 8))


def _padded(owner: str, data: bytes, header: int, ref: str) -> bytes:
    """Content between a Pad-Length header of ``header`` octets and the padding.

    The Pad Length is octet 2 of the option.
    """
    pad = data[2]
    if pad > len(data) - header:
        raise DecodeError(f"{owner}.pad_length", "padding does not fit in the option", ref)
    if pad >= 8:
        raise DecodeError(f"{owner}.pad_length",
                          "padding must be the 0-7 octets that reach a multiple of 8", ref)
    return data[header:len(data) - pad]


def _with_pad(type_: int, fixed_after_pad: bytes, content: bytes, owner: str, ref: str) -> bytes:
    """Encode ``Type | Length | Pad Length | fixed_after_pad | content | zero padding``."""
    n = 3 + len(fixed_after_pad) + len(content)
    pad = pad8(n)
    return (_header(type_, n + pad - 2, owner, ref) + bytes((pad,)) + fixed_after_pad + content
            + bytes(pad))


# --------------------------------------------------------------------------- LLA (1, 2)

_LLA_FIELDS_DOC = ("link-layer address as the option carries it, padding included; its "
                   "length is set by the link layer (RFC 4861 §4.6.1; 6 octets on Ethernet)")


@fast_init
@dataclass(frozen=True)
class _LinkLayerAddressOption(NdOption):
    link_layer_address: bytes

    def encode(self) -> bytes:
        return _header(self.TYPE, len(self.link_layer_address), type(self).__name__,
                       RFC4861) + self.link_layer_address

    @classmethod
    def decode_with_proof(cls, data: bytes) -> tuple[Self, bool]:
        return cls(data[2:]), True

    @classmethod
    def for_address(cls, address: bytes) -> Self:
        """The option for ``address``, zero-padded to a multiple of 8 octets."""
        return cls(address + bytes(pad8(2 + len(address))))


@fast_init
@dataclass(frozen=True)
class SourceLinkLayerAddress(_LinkLayerAddressOption):
    """Source Link-Layer Address option (RFC 4861 §4.6.1), type 1."""

    TYPE: ClassVar[int] = 1
    FIELDS: ClassVar[tuple[Field, ...]] = (
        type_field(1, RFC4861), nd_length_field(RFC4861),
        Field("link_layer_address", Kind.VARIABLE, None, bytes(6), _LLA_FIELDS_DOC, RFC4861,
              length_from="the rest of the option", label="Link-Layer Address ..."),
    )


@fast_init
@dataclass(frozen=True)
class TargetLinkLayerAddress(_LinkLayerAddressOption):
    """Target Link-Layer Address option (RFC 4861 §4.6.1), type 2."""

    TYPE: ClassVar[int] = 2
    FIELDS: ClassVar[tuple[Field, ...]] = (
        type_field(2, RFC4861), nd_length_field(RFC4861),
        Field("link_layer_address", Kind.VARIABLE, None, bytes(6), _LLA_FIELDS_DOC, RFC4861,
              length_from="the rest of the option", label="Link-Layer Address ..."),
    )


# --------------------------------------------------------------------------- CGA (11)


@fast_init
@dataclass(frozen=True)
class CgaOption(NdOption):
    """CGA option (RFC 3971 §5.1), type 11: Pad Length, Reserved, CGA Parameters, padding."""

    TYPE: ClassVar[int] = 11
    FIELDS: ClassVar[tuple[Field, ...]] = (
        type_field(11, RFC3971_CGA), nd_length_field(RFC3971_CGA),
        Field("pad_length", Kind.PAD_LENGTH, 8, 0, "octets of padding after the CGA Parameters",
              RFC3971_CGA, rule="padding must fit and be 0-7 octets"),
        reserved(8, RFC3971_CGA),
        Field("parameters", Kind.STRUCT, None, None, "CGA Parameters (RFC 3972 §3)",
              RFC3971_CGA, length_from="Length x 8 - 4 - Pad Length", label="CGA Parameters"),
        Field("padding", Kind.PADDING, None, b"", "zero padding", RFC3971_CGA,
              length_from="the Pad Length field"),
    )

    parameters: CgaParameters

    def encode(self) -> bytes:
        return _with_pad(11, b"\x00", self.parameters.encode(), "CgaOption", RFC3971_CGA)

    @classmethod
    def decode_with_proof(cls, data: bytes) -> tuple[Self, bool]:
        _, _, pad, reserved_clear = _CGA_LAYOUT.read(data)
        content = _padded("CgaOption", data, 4, RFC3971_CGA)
        return cls(CgaParameters.decode(content)), reserved_clear and _zero_tail(data, pad)


_CGA_LAYOUT = fixed_layout(CgaOption)


# --------------------------------------------------------------------------- RSA Signature (12)


@fast_init
@dataclass(frozen=True)
class RsaSignatureOption(NdOption):
    """RSA Signature option (RFC 3971 §5.2), type 12.

    The option carries no length for the Digital Signature: the signature is
    as long as the signer's RSA modulus and the rest is padding (see
    interop-facts.md). Without the key the codec cannot split the two, so
    :meth:`decode` puts everything after the Key Hash into ``signature`` with
    empty ``padding``; :meth:`with_signature_length` splits them once the key
    is known. :meth:`create` builds the canonical option (zero padding).
    """

    TYPE: ClassVar[int] = 12
    FIELDS: ClassVar[tuple[Field, ...]] = (
        type_field(12, RFC3971_SIG), nd_length_field(RFC3971_SIG),
        reserved(16, RFC3971_SIG),
        Field("key_hash", Kind.BYTES, 128, bytes(16),
              "leftmost 128 bits of SHA-1 over the signer's public key", RFC3971_SIG),
        Field("signature", Kind.VARIABLE, None, b"", "RSASSA-PKCS1-v1_5 / SHA-1 signature",
              RFC3971_SIG, length_from="the signer's RSA modulus (the option has no length "
              "for it)", label="Digital Signature"),
        Field("padding", Kind.PADDING, None, b"", "padding to the end of the option",
              RFC3971_SIG, length_from="the rest of the option"),
    )

    key_hash: bytes
    signature: bytes
    padding: bytes = b""

    @classmethod
    def create(cls, key_hash: bytes, signature: bytes) -> Self:
        """The option with the fewest zero octets of padding."""
        return cls(key_hash, signature, bytes(pad8(20 + len(signature))))

    def with_signature_length(self, length: int) -> Self:
        """The same option with the first ``length`` octets as the signature, the rest padding.

        Raises DecodeError if the field is shorter than ``length`` (RFC 3971
        §5.2.2: the signature must not exceed the option minus the padding).
        """
        whole = self.signature + self.padding
        if length > len(whole):
            raise DecodeError("RsaSignatureOption.signature",
                              f"a {length}-octet signature does not fit in the option",
                              "RFC 3971 §5.2.2")
        return type(self)(self.key_hash, whole[:length], whole[length:])

    def encode(self) -> bytes:
        head = _RSA_SIGNATURE_LAYOUT.pack({"key_hash": self.key_hash, "length": 0})
        body = head[2:] + self.signature + self.padding
        return _header(12, len(body), "RsaSignatureOption", RFC3971_SIG) + body

    @classmethod
    def decode_with_proof(cls, data: bytes) -> tuple[Self, bool]:
        _, _, key_hash, reserved_clear = _RSA_SIGNATURE_LAYOUT.read(data)
        return cls(key_hash, data[20:]), reserved_clear


_RSA_SIGNATURE_LAYOUT = fixed_layout(RsaSignatureOption)


# --------------------------------------------------------------------------- Timestamp (13)

_TS_ONE_SECOND = 1 << 16


@fast_init
@dataclass(frozen=True)
class TimestampOption(NdOption):
    """Timestamp option (RFC 3971 §5.3.1), type 13: 48.16 fixed-point seconds since 1970."""

    TYPE: ClassVar[int] = 13
    FIELDS: ClassVar[tuple[Field, ...]] = (
        type_field(13, RFC3971_TS),
        Field("length", Kind.LENGTH, 8, 2, "always 2", RFC3971_TS, rule="must be 2"),
        reserved(48, RFC3971_TS),
        uint("timestamp", 64, "seconds since 1970-01-01 UTC, 48.16 fixed point", RFC3971_TS),
    )

    timestamp: int  # the raw 64-bit field

    @property
    def seconds(self) -> Fraction:
        """The timestamp in seconds, exactly."""
        return Fraction(self.timestamp, _TS_ONE_SECOND)

    @property
    def seconds_float(self) -> float:
        """The timestamp in seconds as a float."""
        return self.timestamp / _TS_ONE_SECOND

    @classmethod
    def from_seconds(cls, seconds: float | Fraction) -> Self:
        """The option for ``seconds`` (rounded down to 1/65536 s)."""
        return cls(int(Fraction(seconds) * _TS_ONE_SECOND))

    def encode(self) -> bytes:
        return _TIMESTAMP_LAYOUT.pack({"length": 2, "timestamp": self.timestamp})

    @classmethod
    def decode(cls, data: bytes) -> Self:
        if len(data) >= 2 and data[0] == 13 and data[1] not in (0, 2):
            raise DecodeError("TimestampOption.length", "must be 2", RFC3971_TS)
        return super().decode(data)

    @classmethod
    def decode_with_proof(cls, data: bytes) -> tuple[Self, bool]:
        if data[1] != 2:
            raise DecodeError("TimestampOption.length", "must be 2", RFC3971_TS)
        _, _, timestamp, reserved_clear = _TIMESTAMP_LAYOUT.read(data)
        return cls(timestamp), reserved_clear


_TIMESTAMP_LAYOUT = fixed_layout(TimestampOption)


# --------------------------------------------------------------------------- Nonce (14)


@fast_init
@dataclass(frozen=True)
class NonceOption(NdOption):
    """Nonce option (RFC 3971 §5.3.2), type 14: at least 6 random octets."""

    TYPE: ClassVar[int] = 14
    FIELDS: ClassVar[tuple[Field, ...]] = (
        type_field(14, RFC3971_NONCE), nd_length_field(RFC3971_NONCE),
        Field("nonce", Kind.VARIABLE, None, bytes(6), "random number, at least 6 octets",
              RFC3971_NONCE, rule="at least 6 octets; the option a multiple of 8",
              length_from="the rest of the option", label="Nonce ..."),
    )

    nonce: bytes

    def encode(self) -> bytes:
        if len(self.nonce) < 6:
            raise EncodeError("NonceOption.nonce", "must be at least 6 octets", RFC3971_NONCE)
        return _header(14, len(self.nonce), "NonceOption", RFC3971_NONCE) + self.nonce

    @classmethod
    def decode_with_proof(cls, data: bytes) -> tuple[Self, bool]:
        return cls(data[2:]), True


# --------------------------------------------------------------------------- Trust Anchor (15)

NAME_TYPE_DER_X501 = 1
NAME_TYPE_FQDN = 2


@fast_init
@dataclass(frozen=True)
class TrustAnchorOption(NdOption):
    """Trust Anchor option (RFC 3971 §6.4.3), type 15: Name Type, Pad Length, Name, padding.

    Name Type 1 (DER X.501 Name) must hold exactly one DER SEQUENCE; other
    name types (2 FQDN, RFC 6495's) are kept as octets.
    """

    TYPE: ClassVar[int] = 15
    FIELDS: ClassVar[tuple[Field, ...]] = (
        type_field(15, RFC3971_TA), nd_length_field(RFC3971_TA),
        uint("name_type", 8, "1 DER X.501 Name, 2 FQDN", RFC3971_TA, default=1),
        Field("pad_length", Kind.PAD_LENGTH, 8, 0, "octets of padding after the Name",
              RFC3971_TA, rule="padding must fit and be 0-7 octets", label="Pad Length"),
        Field("name", Kind.VARIABLE, None, b"", "the trust anchor's name", RFC3971_TA,
              length_from="Length x 8 - 4 - Pad Length", label="Name ..."),
        Field("padding", Kind.PADDING, None, b"", "zero padding", RFC3971_TA,
              length_from="the Pad Length field"),
    )

    name_type: int
    name: bytes

    def encode(self) -> bytes:
        n = 4 + len(self.name)
        pad = pad8(n)
        if not 0 <= self.name_type <= 255:
            raise EncodeError("TrustAnchorOption.name_type", "must fit in 8 bits", RFC3971_TA)
        return (_header(15, n + pad - 2, "TrustAnchorOption", RFC3971_TA)
                + bytes((self.name_type, pad)) + self.name + bytes(pad))

    @classmethod
    def decode_with_proof(cls, data: bytes) -> tuple[Self, bool]:
        pad = data[3]
        if pad > len(data) - 4:
            raise DecodeError("TrustAnchorOption.pad_length", "padding does not fit in the "
                              "option", RFC3971_TA)
        if pad >= 8:
            raise DecodeError("TrustAnchorOption.pad_length",
                              "padding must be the 0-7 octets that reach a multiple of 8",
                              RFC3971_TA)
        name = data[4:len(data) - pad]
        if not name:
            raise DecodeError("TrustAnchorOption.name", "must not be empty", RFC3971_TA)
        if data[2] == NAME_TYPE_DER_X501 and der_element_length(
                name, 0, "TrustAnchorOption.name", RFC3971_TA) != len(name):
            raise DecodeError("TrustAnchorOption.name",
                              "DER X.501 Name must fill the Name field exactly", RFC3971_TA)
        return cls(data[2], name), _zero_tail(data, pad)


# --------------------------------------------------------------------------- Certificate (16)

CERT_TYPE_X509 = 1


@fast_init
@dataclass(frozen=True)
class CertificateOption(NdOption):
    """Certificate option (RFC 3971 §6.4.4), type 16: Cert Type, Reserved, certificate, padding.

    For Cert Type 1 (X.509v3) the certificate's extent is its DER header and
    the padding after it must be 0-7 octets (content ignored). Other cert
    types keep the whole rest of the option as ``certificate``.
    """

    TYPE: ClassVar[int] = 16
    FIELDS: ClassVar[tuple[Field, ...]] = (
        type_field(16, RFC3971_CERT), nd_length_field(RFC3971_CERT),
        uint("cert_type", 8, "1 X.509v3 certificate", RFC3971_CERT, default=1),
        reserved(8, RFC3971_CERT),
        Field("certificate", Kind.VARIABLE, None, b"", "DER X.509v3 certificate",
              RFC3971_CERT, length_from="its own DER header", label="Certificate ..."),
        Field("padding", Kind.PADDING, None, b"", "padding after the certificate",
              RFC3971_CERT, length_from="the rest of the option"),
    )

    cert_type: int
    certificate: bytes

    def encode(self) -> bytes:
        n = 4 + len(self.certificate)
        pad = pad8(n) if self.cert_type == CERT_TYPE_X509 else 0
        if not 0 <= self.cert_type <= 255:
            raise EncodeError("CertificateOption.cert_type", "must fit in 8 bits", RFC3971_CERT)
        return (_header(16, n + pad - 2, "CertificateOption", RFC3971_CERT)
                + bytes((self.cert_type, 0)) + self.certificate + bytes(pad))

    @classmethod
    def decode_with_proof(cls, data: bytes) -> tuple[Self, bool]:
        _, _, cert_type, reserved_clear = _CERTIFICATE_LAYOUT.read(data)
        if cert_type != CERT_TYPE_X509:
            return cls(cert_type, data[4:]), reserved_clear
        n = der_element_length(data, 4, "CertificateOption.certificate", RFC3971_CERT)
        if len(data) - 4 - n >= 8:
            raise DecodeError("CertificateOption.padding",
                              "padding must be the 0-7 octets that reach a multiple of 8",
                              RFC3971_CERT)
        return (cls(CERT_TYPE_X509, data[4:4 + n]),
                reserved_clear and _zero_tail(data, len(data) - 4 - n))


_CERTIFICATE_LAYOUT = fixed_layout(CertificateOption)


# --------------------------------------------------------------------------- IP Address/Prefix (17)

IP_OLD_COA = 1
IP_NEW_COA = 2
IP_NAR_ADDRESS = 3
IP_NAR_PREFIX = 4


@fast_init
@dataclass(frozen=True)
class IpAddressPrefixOption(NdOption):
    """IP Address/Prefix option (RFC 5568 §6.4.1), type 17, Length 3.

    Option-Code: 1 old CoA, 2 new CoA, 3 NAR's IP address, 4 NAR's prefix.
    For code 4 the bits after Prefix Length are reserved: cleared on decode
    and on encode.
    """

    TYPE: ClassVar[int] = 17
    FIELDS: ClassVar[tuple[Field, ...]] = (
        type_field(17, RFC5568_IP),
        Field("length", Kind.LENGTH, 8, 3, "always 3", RFC5568_IP, rule="must be 3"),
        uint("option_code", 8, "1 old CoA, 2 new CoA, 3 NAR address, 4 NAR prefix",
             RFC5568_IP, default=IP_NAR_ADDRESS, valid=range(1, 5),
             rule="must be 1, 2, 3 or 4", label="Option-Code"),
        uint("prefix_length", 8, "number of valid leading bits, 0-128", RFC5568_IP,
             default=128, valid=range(129), rule="must be 0-128"),
        reserved(32, RFC5568_IP),
        Field("address", Kind.IPV6, 128, ipaddress.IPv6Address(0), "the address or prefix",
              RFC5568_IP, label="IPv6 Address"),
    )

    option_code: int
    prefix_length: int
    address: ipaddress.IPv6Address

    def _canonical_address(self) -> ipaddress.IPv6Address:
        return _prefix_of(self.option_code, self.prefix_length, self.address)

    def encode(self) -> bytes:
        return _IP_PREFIX_LAYOUT.pack({
            "length": 3, "option_code": self.option_code, "prefix_length": self.prefix_length,
            "address": _prefix_of(self.option_code, self.prefix_length, self.address)})

    @classmethod
    def decode(cls, data: bytes) -> Self:
        if len(data) >= 2 and data[0] == 17 and data[1] not in (0, 3):
            raise DecodeError("IpAddressPrefixOption.length", "must be 3", RFC5568_IP)
        return super().decode(data)

    @classmethod
    def decode_with_proof(cls, data: bytes) -> tuple[Self, bool]:
        if data[1] != 3:
            raise DecodeError("IpAddressPrefixOption.length", "must be 3", RFC5568_IP)
        _, _, code, prefix_length, address, reserved_clear = _IP_PREFIX_LAYOUT.read(data)
        kept = _prefix_of(code, prefix_length, address)
        # canonical only if no prefix bit after Prefix Length was set (Option-Code 4)
        return cls(code, prefix_length, kept), reserved_clear and kept is address


_IP_PREFIX_LAYOUT = fixed_layout(IpAddressPrefixOption)


def _prefix_of(option_code: int, prefix_length: int,
               address: ipaddress.IPv6Address) -> ipaddress.IPv6Address:
    """``address`` with the bits after ``prefix_length`` cleared when Option-Code is 4
    (``address`` itself when none was set)."""
    if option_code != IP_NAR_PREFIX or not 0 <= prefix_length <= 128:
        return address
    value = int(address)
    kept = value & ~((1 << (128 - prefix_length)) - 1)
    return address if kept == value else ipaddress.IPv6Address(kept)


# --------------------------------------------------------------------------- FMIPv6 LLA (19)

LLA_WILDCARD = 0
LLA_NEW_ACCESS_POINT = 1
LLA_MN = 2
LLA_NAR = 3
LLA_SOURCE = 4
LLA_AP_SAME_INTERFACE = 5
LLA_AP_NO_PREFIX = 6
LLA_AP_NO_FAST_HANDOVER = 7
LLA_OPTION_CODES = {
    LLA_WILDCARD: "wildcard: all nearby access points",
    LLA_NEW_ACCESS_POINT: "new access point",
    LLA_MN: "mobile node",
    LLA_NAR: "NAR (proxied originator)",
    LLA_SOURCE: "source of the RtSolPr or PrRtAdv",
    LLA_AP_SAME_INTERFACE: "access point on the router's current interface",
    LLA_AP_NO_PREFIX: "no prefix information for the access point",
    LLA_AP_NO_FAST_HANDOVER: "no fast handover support for the access point",
}


@fast_init
@dataclass(frozen=True)
class FmipLinkLayerAddressOption(NdOption):
    """FMIPv6 Link-Layer Address option (RFC 5568 §6.4.3), type 19.

    ``link_layer_address`` is the LLA field as carried, padding included: the
    option has no length for the address itself (the link layer sets it).
    """

    TYPE: ClassVar[int] = 19
    FIELDS: ClassVar[tuple[Field, ...]] = (
        type_field(19, RFC5568_LLA), nd_length_field(RFC5568_LLA),
        uint("option_code", 8, "; ".join(f"{k} {v}" for k, v in LLA_OPTION_CODES.items()),
             RFC5568_LLA, default=LLA_NEW_ACCESS_POINT, valid=range(8),
             rule="must be 0-7", label="Option-Code"),
        Field("link_layer_address", Kind.VARIABLE, None, bytes(13),
              "link-layer address as carried, padding included", RFC5568_LLA,
              length_from="the rest of the option", label="LLA ..."),
    )

    option_code: int
    link_layer_address: bytes

    @classmethod
    def for_address(cls, option_code: int, address: bytes) -> Self:
        """The option for ``address``, zero-padded to a multiple of 8 octets."""
        return cls(option_code, address + bytes(pad8(3 + len(address))))

    def encode(self) -> bytes:
        if not 0 <= self.option_code <= 7:
            raise EncodeError("FmipLinkLayerAddressOption.option_code", "must be 0-7",
                              RFC5568_LLA)
        body = bytes((self.option_code,)) + self.link_layer_address
        return _header(19, len(body), "FmipLinkLayerAddressOption", RFC5568_LLA) + body

    @classmethod
    def decode_with_proof(cls, data: bytes) -> tuple[Self, bool]:
        _, _, option_code, reserved_clear = _FMIP_LLA_LAYOUT.read(data)
        return cls(option_code, data[3:]), reserved_clear


_FMIP_LLA_LAYOUT = fixed_layout(FmipLinkLayerAddressOption)


# --------------------------------------------------------------------------- Handover Key (27, 28)


@fast_init
@dataclass(frozen=True)
class HandoverKeyRequest(NdOption):
    """Handover Key Request option (RFC 5269 §4.1), type 27.

    ``Pad Length | AT (4 bits) | Reserved (4 bits) | Handover Key Encryption
    Public Key | padding``. The key must be a DER SubjectPublicKeyInfo that
    fills the field left by Length and Pad Length exactly.
    """

    TYPE: ClassVar[int] = 27
    FIELDS: ClassVar[tuple[Field, ...]] = (
        type_field(27, RFC5269_HKREQ), nd_length_field(RFC5269_HKREQ),
        Field("pad_length", Kind.PAD_LENGTH, 8, 0, "octets of padding after the key",
              RFC5269_HKREQ, rule="padding must fit and be 0-7 octets", label="Pad Length"),
        uint("algorithm_type", 4, "authenticator algorithm (see rfc5269.interpretations."
             "AlgorithmTypeCodepoints)", RFC5269_HKREQ, label="AT"),
        reserved(4, RFC5269_HKREQ, name="reserved2"),
        Field("public_key", Kind.VARIABLE, None, b"",
              "handover key encryption public key, DER SubjectPublicKeyInfo", RFC5269_HKREQ,
              length_from="Length x 8 - 4 - Pad Length (and its own DER header)",
              label="Handover Key Encryption Public Key"),
        Field("padding", Kind.PADDING, None, b"", "zero padding", RFC5269_HKREQ,
              length_from="the Pad Length field"),
    )

    algorithm_type: int
    public_key: bytes

    def encode(self) -> bytes:
        if not 0 <= self.algorithm_type <= 15:
            raise EncodeError("HandoverKeyRequest.algorithm_type", "must fit in 4 bits",
                              RFC5269_HKREQ)
        return _with_pad(27, bytes((self.algorithm_type << 4,)), self.public_key,
                         "HandoverKeyRequest", RFC5269_HKREQ)

    @classmethod
    def decode_with_proof(cls, data: bytes) -> tuple[Self, bool]:
        _, _, pad, algorithm_type, reserved_clear = _HKREQ_LAYOUT.read(data)
        key = _padded("HandoverKeyRequest", data, 4, RFC5269_HKREQ)
        field_name = "HandoverKeyRequest.public_key"
        if der_element_length(key, 0, field_name, RFC5269_HKREQ) != len(key):
            raise DecodeError(field_name, "DER key does not fill the field Length and Pad Length "
                              "leave", RFC5269_HKREQ)
        require_subject_public_key_info(key, field_name, RFC5269_HKREQ)
        return cls(algorithm_type, key), reserved_clear and _zero_tail(data, pad)


_HKREQ_LAYOUT = fixed_layout(HandoverKeyRequest)


@fast_init
@dataclass(frozen=True)
class HandoverKeyReply(NdOption):
    """Handover Key Reply option (RFC 5269 §4.2), type 28.

    ``Pad Length | AT | Reserved | Key Lifetime (16) | Encrypted Handover Key
    | padding``; the encrypted key (RSAES-PKCS1-v1_5) must not be empty.
    """

    TYPE: ClassVar[int] = 28
    FIELDS: ClassVar[tuple[Field, ...]] = (
        type_field(28, RFC5269_HKREP), nd_length_field(RFC5269_HKREP),
        Field("pad_length", Kind.PAD_LENGTH, 8, 0, "octets of padding after the encrypted key",
              RFC5269_HKREP, rule="padding must fit and be 0-7 octets", label="Pad Length"),
        uint("algorithm_type", 4, "authenticator algorithm", RFC5269_HKREP, label="AT"),
        reserved(4, RFC5269_HKREP, name="reserved2"),
        uint("key_lifetime", 16, "handover key lifetime in seconds", RFC5269_HKREP),
        Field("encrypted_key", Kind.VARIABLE, None, b"",
              "handover key encrypted with RSAES-PKCS1-v1_5", RFC5269_HKREP,
              length_from="Length x 8 - 6 - Pad Length", label="Encrypted Handover Key"),
        Field("padding", Kind.PADDING, None, b"", "zero padding", RFC5269_HKREP,
              length_from="the Pad Length field"),
    )

    algorithm_type: int
    key_lifetime: int
    encrypted_key: bytes

    def encode(self) -> bytes:
        if not 0 <= self.algorithm_type <= 15:
            raise EncodeError("HandoverKeyReply.algorithm_type", "must fit in 4 bits",
                              RFC5269_HKREP)
        if not 0 <= self.key_lifetime <= 0xFFFF:
            raise EncodeError("HandoverKeyReply.key_lifetime", "must fit in 16 bits",
                              RFC5269_HKREP)
        if not self.encrypted_key:
            raise EncodeError("HandoverKeyReply.encrypted_key", "must not be empty",
                              RFC5269_HKREP)
        fixed = bytes((self.algorithm_type << 4,)) + self.key_lifetime.to_bytes(2, "big")
        return _with_pad(28, fixed, self.encrypted_key, "HandoverKeyReply", RFC5269_HKREP)

    @classmethod
    def decode_with_proof(cls, data: bytes) -> tuple[Self, bool]:
        _, _, pad, algorithm_type, key_lifetime, reserved_clear = _HKREP_LAYOUT.read(data)
        key = _padded("HandoverKeyReply", data, 6, RFC5269_HKREP)
        if not key:
            raise DecodeError("HandoverKeyReply.encrypted_key", "must not be empty",
                              RFC5269_HKREP)
        return cls(algorithm_type, key_lifetime, key), reserved_clear and _zero_tail(data, pad)


_HKREP_LAYOUT = fixed_layout(HandoverKeyReply)


# --------------------------------------------------------------------------- unknown


@fast_init
@dataclass(frozen=True)
class UnknownOption(NdOption):
    """An option of a type this codec does not interpret, kept byte for byte (RFC 4861 §4.6)."""

    TYPE: ClassVar[int] = -1
    FIELDS: ClassVar[tuple[Field, ...]] = (
        uint("type", 8, "option type", RFC4861), nd_length_field(RFC4861),
        Field("body", Kind.VARIABLE, None, bytes(6), "option data", RFC4861,
              length_from="the rest of the option", label="Option Data ..."),
    )

    type: int
    body: bytes

    def encode(self) -> bytes:
        if not 0 <= self.type <= 255:
            raise EncodeError("UnknownOption.type", "must fit in 8 bits", RFC4861)
        return _header(self.type, len(self.body), "UnknownOption", RFC4861) + self.body

    @classmethod
    def decode(cls, data: bytes) -> Self:
        if len(data) < 2:
            raise DecodeError("UnknownOption.length", "option shorter than its Type and Length",
                              RFC4861)
        if data[1] == 0:
            raise DecodeError("UnknownOption.length", "Length 0 is invalid", RFC4861)
        if data[1] * 8 != len(data):
            raise DecodeError("UnknownOption.length", "Length does not match the option",
                              RFC4861)
        return cls(data[0], bytes(data[2:]))

    @classmethod
    def decode_with_proof(cls, data: bytes) -> tuple[Self, bool]:
        return cls(data[0], data[2:]), True  # kept as received


# --------------------------------------------------------------------------- option lists

OPTION_CLASSES: dict[int, type[NdOption]] = {
    c.TYPE: c for c in (
        SourceLinkLayerAddress, TargetLinkLayerAddress, CgaOption, RsaSignatureOption,
        TimestampOption, NonceOption, TrustAnchorOption, CertificateOption,
        IpAddressPrefixOption, FmipLinkLayerAddressOption, HandoverKeyRequest,
        HandoverKeyReply,
    )
}
_DECODE_WITH_PROOF = {t: c.decode_with_proof for t, c in OPTION_CLASSES.items()}


class OptionSpan(NamedTuple):
    """Where one option sits in an options area: its type, octet offset and length."""

    type: int
    offset: int
    length: int


def _option_bounds(data: bytes) -> list[tuple[int, int]]:
    """(start, end) of each option in ``data``, checked for Length 0 and overrun (RFC 4861 §4.6)."""
    bounds: list[tuple[int, int]] = []
    pos = 0
    end = len(data)
    while pos < end:
        if end - pos < 2:
            raise DecodeError("options", f"{end - pos} octet(s) left, too few for an option",
                              RFC4861)
        length = data[pos + 1] * 8
        if length == 0:
            raise DecodeError(f"options[{len(bounds)}].length",
                              f"Length 0 is invalid (option type {data[pos]})", RFC4861)
        if pos + length > end:
            raise DecodeError(f"options[{len(bounds)}].length",
                              f"option of {length} octets overruns the message", RFC4861)
        bounds.append((pos, pos + length))
        pos += length
    return bounds


def option_spans(data: bytes, base: int = 0) -> tuple[OptionSpan, ...]:
    """The options in ``data``, checked for Length 0 and overrun (RFC 4861 §4.6).

    Offsets are relative to ``data`` plus ``base``.
    """
    return tuple(OptionSpan(data[start], base + start, end - start)
                 for start, end in _option_bounds(data))


def decode_option(data: bytes) -> NdOption:
    """One option that is exactly ``data``, by its type."""
    cls = OPTION_CLASSES.get(data[0]) if data else None
    if cls is None:
        return UnknownOption.decode(data)
    return cls.decode(data)


def decode_options(data: bytes, after_signature_ignored: bool = False) -> tuple[NdOption, ...]:
    """Every option in an options area, strictly (RFC 4861 §4.6).

    With ``after_signature_ignored`` (SEND-protected messages, RFC 3971
    §5.2.2), an option after the first RSA Signature option whose content
    does not decode is kept as an :class:`UnknownOption` instead of failing
    the message: such options are ignored by receivers. The TLV framing
    (Length 0, overrun) is checked everywhere.
    """
    return decode_options_with_proof(data, after_signature_ignored)[0]


def decode_options_with_proof(data: bytes, after_signature_ignored: bool = False,
                              ) -> tuple[tuple[NdOption, ...], bool]:
    """:func:`decode_options`, and whether ``data`` is exactly what :func:`encode_options`
    builds from those options (each option's :meth:`NdOption.decode_with_proof`; options
    kept as :class:`UnknownOption` are encoded as received).

    The framing of the whole area is checked before any option's content is
    judged: an option whose content is wrong fails the decode only if every
    option is framed right (a framing error is reported first).
    """
    data = bytes(data)
    try:
        return _decode_options(data, after_signature_ignored)
    except DecodeError:
        _option_bounds(data)  # a framing error anywhere is the one to report
        raise


def _decode_options(data: bytes, after_signature_ignored: bool,
                    ) -> tuple[tuple[NdOption, ...], bool]:
    """:func:`decode_options_with_proof`'s work, option by option, framing as it goes."""
    out: list[NdOption] = []
    canonical = True
    signed = False
    decoder_of = _DECODE_WITH_PROOF.get
    unknown = UnknownOption.decode_with_proof
    signature = RsaSignatureOption.TYPE
    pos = 0
    end = len(data)
    while pos < end:
        size = data[pos + 1] * 8 if end - pos >= 2 else 0
        if not size or pos + size > end:
            _option_bounds(data)  # raises the framing error
        raw = data[pos:pos + size]
        pos += size
        decode = decoder_of(raw[0], unknown)
        if signed:
            try:
                option, proof = decode(raw)
            except DecodeError:
                option, proof = unknown(raw)
        else:
            option, proof = decode(raw)
            signed = after_signature_ignored and raw[0] == signature
        out.append(option)
        if not proof:
            canonical = False
    return tuple(out), canonical


def options_canonical(data: bytes, options: tuple[NdOption, ...]) -> bool:
    """Whether ``data``, an options area that :func:`decode_options` decoded to ``options``,
    is exactly what :func:`encode_options` builds from them (no reserved bit set, zero
    padding; see :meth:`NdOption.decode_with_proof`). Options kept as
    :class:`UnknownOption` are encoded as received.

    The framing was checked by that decode, so each option is just Length x 8 octets.
    """
    pos = 0
    for option in options:
        end = pos + data[pos + 1] * 8
        if not isinstance(option, UnknownOption) and not option.is_canonical(data[pos:end]):
            return False
        pos = end
    return pos == len(data)


def options_before_signature(options: tuple[NdOption, ...]) -> tuple[NdOption, ...]:
    """The options preceding the first RSA Signature option (all if there is none).

    Receivers ignore the options after it (RFC 3971 §5.2.2).
    """
    for i, o in enumerate(options):
        if isinstance(o, RsaSignatureOption):
            return options[:i]
    return options


def encode_options(options: tuple[NdOption, ...] | list[NdOption]) -> bytes:
    """The options area for ``options``, in order."""
    return b"".join([o.encode() for o in options])

