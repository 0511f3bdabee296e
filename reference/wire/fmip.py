"""FMIPv6 ICMPv6 messages (RFC 5568 §6.1): RtSolPr (subtype 2) and PrRtAdv (subtype 3).

Both are ICMPv6 type 154: ``Type | Code | Checksum | Subtype | Reserved |
Identifier | options``. Beyond the option TLV rules (RFC 4861 §4.6) the
decoder enforces the option combinations RFC 5568 §6.1 requires, among the
options before the first RSA Signature option (those after it are ignored,
RFC 3971 §5.2.2, and kept as octets when they do not decode):

* RtSolPr: at least one New Access Point LLA option (Option-Code 1, or 0 the
  wildcard); a wildcard excludes any other New Access Point LLA.
* PrRtAdv: at least one New Access Point LLA option (Option-Code 1, 5, 6 or
  7); with Code 0 or 1 also the NAR's LLA (Option-Code 3) and the NAR's IP
  address (IP Address/Prefix Option-Code 3).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, Self

from rfc5269.errors import DecodeError, EncodeError, WireError
from rfc5269.wire.describe import (
    Field,
    Kind,
    fast_init,
    fixed_layout,
    recorded_canonical,
    remember_canonical,
    reserved,
    type_field,
    uint,
)
from rfc5269.wire.icmpv6 import Address, verify_icmpv6_checksum, with_icmpv6_checksum
from rfc5269.wire.ndopt import (
    IP_NAR_ADDRESS,
    LLA_AP_NO_FAST_HANDOVER,
    LLA_AP_NO_PREFIX,
    LLA_AP_SAME_INTERFACE,
    LLA_NAR,
    LLA_NEW_ACCESS_POINT,
    LLA_WILDCARD,
    FmipLinkLayerAddressOption,
    IpAddressPrefixOption,
    NdOption,
    RsaSignatureOption,
    decode_options_with_proof,
    encode_options,
    options_canonical,
)

REF_RTSOLPR = "RFC 5568 §6.1.1"
REF_PRRTADV = "RFC 5568 §6.1.2"
PRRTADV_CODES = {
    0: "use the [AP-ID, AR-Info] tuples for movement detection and NCoA formulation",
    1: "unsolicited: network-initiated handover trigger",
    2: "no new router information present",
    3: "new router information for a subset of the access points only",
    4: "unsolicited neighbourhood information, not a handover trigger",
    5: "use the router information but perform DHCP at the NAR",
}


def _fields(subtype: int, ref: str, code: Field) -> tuple[Field, ...]:
    return (
        type_field(154, ref),
        code,
        Field("checksum", Kind.CHECKSUM, 16, 0, "ICMPv6 checksum", "RFC 4443 §2.3"),
        type_field(subtype, ref, name="subtype"),
        reserved(8, ref),
        uint("identifier", 16, "matches a PrRtAdv to its RtSolPr", ref),
        Field("options", Kind.OPTIONS, None, (), "ND options", ref,
              length_from="the rest of the message", label="Options ..."),
    )


def _signed_option_codes(options: tuple[NdOption, ...]) -> tuple[list[int], list[int]]:
    """Option-Codes of the FMIPv6 LLA options and of the IP Address/Prefix options that
    precede the first RSA Signature option (the others are ignored, RFC 3971 §5.2.2)."""
    lla: list[int] = []
    ip: list[int] = []
    for o in options:
        if isinstance(o, FmipLinkLayerAddressOption):
            lla.append(o.option_code)
        elif isinstance(o, IpAddressPrefixOption):
            ip.append(o.option_code)
        elif isinstance(o, RsaSignatureOption):
            break
    return lla, ip


@dataclass(frozen=True)
class _FmipMessage:
    TYPE: ClassVar[int] = 154
    SUBTYPE: ClassVar[int]
    REF: ClassVar[str]
    FIELDS: ClassVar[tuple[Field, ...]]

    def _code(self) -> int:
        return 0

    def _identifier(self) -> int:
        return 0

    def _options(self) -> tuple[NdOption, ...]:
        return ()

    def check(self, error: type[WireError]) -> None:
        """Raise ``error`` if the option combination breaks RFC 5568 §6.1."""

    def is_canonical(self, data: bytes) -> bool:
        """Whether ``data``, the octets this message was decoded from, are what
        :meth:`encode` builds from it (the checksum aside): Reserved zero, options
        canonical (:func:`rfc5269.wire.ndopt.options_canonical`).

        ``decode`` works this out as it goes and records it; the answer is
        worked out again only for octets it did not record."""
        recorded = recorded_canonical(self, data)
        if recorded is not None:
            return recorded
        return (fixed_layout(type(self)).reserved_clear(data)
                and options_canonical(data[8:], self._options()))

    def encode(self, src: Address | None = None, dst: Address | None = None) -> bytes:
        """The message; the checksum is computed when ``src`` and ``dst`` are given."""
        self.check(EncodeError)
        head = fixed_layout(type(self)).pack({"code": self._code(),
                                              "identifier": self._identifier()})
        return with_icmpv6_checksum(head + encode_options(self._options()), src, dst)


@fast_init
@dataclass(frozen=True)
class RtSolPr(_FmipMessage):
    """Router Solicitation for Proxy Advertisement (RFC 5568 §6.1.1): type 154, subtype 2."""

    SUBTYPE: ClassVar[int] = 2
    REF: ClassVar[str] = REF_RTSOLPR
    FIELDS: ClassVar[tuple[Field, ...]] = _fields(
        2, REF_RTSOLPR, uint("code", 8, "always 0", REF_RTSOLPR, valid=range(1),
                             rule="must be 0"))

    identifier: int
    options: tuple[NdOption, ...] = ()
    checksum: int = field(default=0, compare=False, repr=False)
    raw: bytes = field(default=b"", compare=False, repr=False)

    def _identifier(self) -> int:
        return self.identifier

    def _options(self) -> tuple[NdOption, ...]:
        return self.options

    def check(self, error: type[WireError]) -> None:
        codes, _ = _signed_option_codes(self.options)
        new_ap = [c for c in codes if c in (LLA_WILDCARD, LLA_NEW_ACCESS_POINT)]
        if not new_ap:
            raise error("RtSolPr.options", "must carry a New Access Point LLA option "
                        "(Option-Code 0 or 1)", REF_RTSOLPR)
        if LLA_WILDCARD in new_ap and len(new_ap) > 1:
            raise error("RtSolPr.options", "a wildcard New Access Point LLA excludes any other "
                        "New Access Point LLA option", REF_RTSOLPR)

    @classmethod
    def decode(cls, data: bytes, src: Address | None = None,
               dst: Address | None = None) -> Self:
        """Strict decode; the checksum is verified when ``src`` and ``dst`` are given."""
        data = bytes(data)
        _, _, checksum, _, identifier, reserved_clear = _RTSOLPR_LAYOUT.read(data)
        if src is not None and dst is not None:
            verify_icmpv6_checksum(data, src, dst, cls.__name__)
        options, canonical = decode_options_with_proof(data[8:], True)
        msg = cls(identifier, options, checksum=checksum, raw=data)
        msg.check(DecodeError)
        remember_canonical(msg, data, reserved_clear and canonical)
        return msg


_RTSOLPR_LAYOUT = fixed_layout(RtSolPr)
_NEW_AP_IN_PRRTADV = frozenset((LLA_NEW_ACCESS_POINT, LLA_AP_SAME_INTERFACE, LLA_AP_NO_PREFIX,
                                LLA_AP_NO_FAST_HANDOVER))


@fast_init
@dataclass(frozen=True)
class PrRtAdv(_FmipMessage):
    """Proxy Router Advertisement (RFC 5568 §6.1.2): type 154, subtype 3, Code 0-5."""

    SUBTYPE: ClassVar[int] = 3
    REF: ClassVar[str] = REF_PRRTADV
    FIELDS: ClassVar[tuple[Field, ...]] = _fields(
        3, REF_PRRTADV, uint("code", 8, "; ".join(f"{k} {v}" for k, v in PRRTADV_CODES.items()),
                             REF_PRRTADV, valid=range(6), rule="must be 0-5"))

    code: int
    identifier: int
    options: tuple[NdOption, ...] = ()
    checksum: int = field(default=0, compare=False, repr=False)
    raw: bytes = field(default=b"", compare=False, repr=False)

    def _code(self) -> int:
        return self.code

    def _identifier(self) -> int:
        return self.identifier

    def _options(self) -> tuple[NdOption, ...]:
        return self.options

    def check(self, error: type[WireError]) -> None:
        codes, ip_codes = _signed_option_codes(self.options)
        if _NEW_AP_IN_PRRTADV.isdisjoint(codes):
            raise error("PrRtAdv.options", "must carry a New Access Point LLA option "
                        "(Option-Code 1, 5, 6 or 7)", REF_PRRTADV)
        if self.code in (0, 1):
            if LLA_NAR not in codes:
                raise error("PrRtAdv.options", f"Code {self.code} requires the NAR's LLA "
                            "option (Option-Code 3)", REF_PRRTADV)
            if IP_NAR_ADDRESS not in ip_codes:
                raise error("PrRtAdv.options", f"Code {self.code} requires the NAR's IP "
                            "Address option (Option-Code 3)", REF_PRRTADV)

    @classmethod
    def decode(cls, data: bytes, src: Address | None = None,
               dst: Address | None = None) -> Self:
        """Strict decode; the checksum is verified when ``src`` and ``dst`` are given."""
        data = bytes(data)
        _, code, checksum, _, identifier, reserved_clear = _PRRTADV_LAYOUT.read(data)
        if src is not None and dst is not None:
            verify_icmpv6_checksum(data, src, dst, cls.__name__)
        options, canonical = decode_options_with_proof(data[8:], True)
        msg = cls(code, identifier, options, checksum=checksum, raw=data)
        msg.check(DecodeError)
        remember_canonical(msg, data, reserved_clear and canonical)
        return msg



_PRRTADV_LAYOUT = fixed_layout(PrRtAdv)
