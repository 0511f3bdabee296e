"""Certification path messages (RFC 3971 §6.4.1-§6.4.2): CPS (ICMPv6 148), CPA (149).

Decoding checks, besides the option TLV rules: Code 0; a CPS Identifier is
not zero; the first Trust Anchor option of a CPS holds a DER X.501 Name
(Name Type 1); in a CPA the Component is below All Components (or both are
0, a path-less answer), and Trust Anchor options appear only in the first
component (Component = All Components - 1).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, Self

from rfc5269.errors import DecodeError, EncodeError, WireError
from rfc5269.wire.describe import Field, Kind, fast_init, fixed_layout, reserved, type_field, uint
from rfc5269.wire.icmpv6 import Address, verify_icmpv6_checksum, with_icmpv6_checksum
from rfc5269.wire.ndopt import (
    NAME_TYPE_DER_X501,
    NdOption,
    TrustAnchorOption,
    decode_options,
    encode_options,
    options_before_signature,
    options_canonical,
)

REF_CPS = "RFC 3971 §6.4.1"
REF_CPA = "RFC 3971 §6.4.2"
ALL_COMPONENTS = 65535  # a CPS Component asking for the whole path


def _code(ref: str) -> Field:
    return uint("code", 8, "always 0", ref, valid=range(1), rule="must be 0")


def _checksum() -> Field:
    return Field("checksum", Kind.CHECKSUM, 16, 0, "ICMPv6 checksum", "RFC 4443 §2.3")


def _options(ref: str) -> Field:
    return Field("options", Kind.OPTIONS, None, (), "ND options", ref,
                 length_from="the rest of the message", label="Options ...")


@fast_init
@dataclass(frozen=True)
class CertificationPathSolicitation:
    """Certification Path Solicitation (RFC 3971 §6.4.1), ICMPv6 type 148."""

    TYPE: ClassVar[int] = 148
    FIELDS: ClassVar[tuple[Field, ...]] = (
        type_field(148, REF_CPS), _code(REF_CPS), _checksum(),
        uint("identifier", 16, "matches advertisements to this solicitation; never 0", REF_CPS,
             default=1, valid=range(1, 0x10000), rule="must not be 0"),
        uint("component", 16, "certificate wanted, 65535 for the whole path", REF_CPS,
             default=ALL_COMPONENTS),
        _options(REF_CPS),
    )

    identifier: int
    component: int = ALL_COMPONENTS
    options: tuple[NdOption, ...] = ()
    checksum: int = field(default=0, compare=False, repr=False)
    raw: bytes = field(default=b"", compare=False, repr=False)

    def check(self, error: type[WireError]) -> None:
        """Raise ``error`` unless the first Trust Anchor option names a DER X.501 Name."""
        for o in options_before_signature(self.options):
            if isinstance(o, TrustAnchorOption):
                if o.name_type != NAME_TYPE_DER_X501:
                    raise error("CertificationPathSolicitation.options",
                                "the first Trust Anchor option must hold a DER X.501 Name",
                                REF_CPS)
                return

    def is_canonical(self, data: bytes) -> bool:
        """Whether ``data``, the octets this message was decoded from, are what
        :meth:`encode` builds from it (the checksum aside)."""
        return options_canonical(data[8:], self.options)

    def encode(self, src: Address | None = None, dst: Address | None = None) -> bytes:
        self.check(EncodeError)
        head = fixed_layout(CertificationPathSolicitation).pack(
            {"identifier": self.identifier, "component": self.component})
        return with_icmpv6_checksum(head + encode_options(self.options), src, dst)

    @classmethod
    def decode(cls, data: bytes, src: Address | None = None,
               dst: Address | None = None) -> Self:
        data = bytes(data)
        v = fixed_layout(cls).unpack(data)
        if src is not None and dst is not None:
            verify_icmpv6_checksum(data, src, dst, cls.__name__)
        msg = cls(v["identifier"], v["component"], decode_options(data[8:], True),
                  checksum=v["checksum"], raw=data)
        msg.check(DecodeError)
        return msg


@fast_init
@dataclass(frozen=True)
class CertificationPathAdvertisement:
    """Certification Path Advertisement (RFC 3971 §6.4.2), ICMPv6 type 149."""

    TYPE: ClassVar[int] = 149
    FIELDS: ClassVar[tuple[Field, ...]] = (
        type_field(149, REF_CPA), _code(REF_CPA), _checksum(),
        uint("identifier", 16, "copied from the CPS; 0 when sent to all nodes", REF_CPA),
        uint("all_components", 16, "number of certificates in the whole path", REF_CPA,
             default=1),
        uint("component", 16, "which certificate this is; counts down to 0", REF_CPA),
        reserved(16, REF_CPA),
        _options(REF_CPA),
    )

    identifier: int
    all_components: int
    component: int
    options: tuple[NdOption, ...] = ()
    checksum: int = field(default=0, compare=False, repr=False)
    raw: bytes = field(default=b"", compare=False, repr=False)

    def check(self, error: type[WireError]) -> None:
        """Raise ``error`` if Component or the Trust Anchor placement breaks RFC 3971 §6.4.2."""
        if not (self.component < self.all_components
                or self.component == self.all_components == 0):
            raise error("CertificationPathAdvertisement.component",
                        "must be below All Components", REF_CPA)
        first = self.all_components <= 1 or self.component == self.all_components - 1
        if not first and any(isinstance(o, TrustAnchorOption)
                             for o in options_before_signature(self.options)):
            raise error("CertificationPathAdvertisement.options",
                        "Trust Anchor options may appear only in the first component", REF_CPA)

    def is_canonical(self, data: bytes) -> bool:
        """Whether ``data``, the octets this message was decoded from, are what
        :meth:`encode` builds from it (the checksum aside): Reserved zero, options
        canonical."""
        return (fixed_layout(CertificationPathAdvertisement).reserved_clear(data)
                and options_canonical(data[12:], self.options))

    def encode(self, src: Address | None = None, dst: Address | None = None) -> bytes:
        self.check(EncodeError)
        head = fixed_layout(CertificationPathAdvertisement).pack(
            {"identifier": self.identifier, "all_components": self.all_components,
             "component": self.component})
        return with_icmpv6_checksum(head + encode_options(self.options), src, dst)

    @classmethod
    def decode(cls, data: bytes, src: Address | None = None,
               dst: Address | None = None) -> Self:
        data = bytes(data)
        v = fixed_layout(cls).unpack(data)
        if src is not None and dst is not None:
            verify_icmpv6_checksum(data, src, dst, cls.__name__)
        msg = cls(v["identifier"], v["all_components"], v["component"],
                  decode_options(data[12:], True), checksum=v["checksum"], raw=data)
        msg.check(DecodeError)
        return msg
