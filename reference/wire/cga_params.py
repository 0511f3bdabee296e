"""CGA Parameters (RFC 3972 §3) with extension fields (RFC 4581 §3).

``modifier (16) | subnet prefix (8) | collision count (1) | public key (DER
SubjectPublicKeyInfo, its length from its own DER header) | extension
fields`` where each extension field is ``type (16 bits) | length (16 bits) |
value``.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import ClassVar, Self

from rfc5269.errors import DecodeError, EncodeError
from rfc5269.wire.der import der_element_length
from rfc5269.wire.describe import Field, Kind, fast_init, fixed_layout, uint

REF = "RFC 3972 §3"
EXT_REF = "RFC 4581 §3"


@fast_init
@dataclass(frozen=True)
class ExtensionField:
    """One CGA extension field (RFC 4581 §3): 16-bit type, 16-bit length, value."""

    FIELDS: ClassVar[tuple[Field, ...]] = (
        uint("type", 16, "extension type", EXT_REF, label="Extension Type"),
        Field("length", Kind.LENGTH, 16, 0, "length of the value in octets", EXT_REF, units=1,
              label="Extension Data Length"),
        Field("value", Kind.VARIABLE, None, b"", "extension data", EXT_REF,
              length_from="the Extension Data Length field", label="Extension Data"),
    )

    type: int
    value: bytes

    def encode(self) -> bytes:
        if not 0 <= self.type <= 0xFFFF:
            raise EncodeError("ExtensionField.type", "must fit in 16 bits", EXT_REF)
        if len(self.value) > 0xFFFF:
            raise EncodeError("ExtensionField.value", "longer than 65535 octets", EXT_REF)
        return struct.pack("!HH", self.type, len(self.value)) + self.value


def decode_extension_fields(data: bytes) -> tuple[ExtensionField, ...]:
    """All extension fields filling ``data`` exactly (RFC 4581 §3)."""
    out: list[ExtensionField] = []
    pos = 0
    while pos < len(data):
        if len(data) - pos < 4:
            raise DecodeError("CgaParameters.extension_fields", "truncated extension header",
                              EXT_REF)
        ext_type, length = struct.unpack_from("!HH", data, pos)
        end = pos + 4 + length
        if end > len(data):
            raise DecodeError("CgaParameters.extension_fields",
                              "extension length overruns the CGA Parameters", EXT_REF)
        out.append(ExtensionField(ext_type, bytes(data[pos + 4:end])))
        pos = end
    return tuple(out)


@fast_init
@dataclass(frozen=True)
class CgaParameters:
    """The CGA Parameters data structure (RFC 3972 §3).

    The collision count is kept as received; whether it is 0, 1 or 2 is a
    verification step (RFC 3972 §5 step 1), judged by
    :func:`rfc5269.send.cga.cga_verify`.
    """

    FIELDS: ClassVar[tuple[Field, ...]] = (
        Field("modifier", Kind.BYTES, 128, bytes(16), "random modifier", REF),
        Field("subnet_prefix", Kind.BYTES, 64, bytes(8), "leftmost 64 bits of the address", REF),
        uint("collision_count", 8, "DAD collision count", REF),
        Field("public_key", Kind.VARIABLE, None, b"", "DER SubjectPublicKeyInfo", REF,
              length_from="its own DER header"),
        Field("extension_fields", Kind.OPTIONS, None, (), "extension fields, TLV", EXT_REF,
              length_from="the rest of the CGA Parameters"),
    )

    modifier: bytes
    subnet_prefix: bytes
    collision_count: int
    public_key: bytes
    extension_fields: tuple[ExtensionField, ...] = ()
    raw: bytes = field(default=b"", compare=False, repr=False)

    def encode(self) -> bytes:
        head = _LAYOUT.pack({
            "modifier": self.modifier, "subnet_prefix": self.subnet_prefix,
            "collision_count": self.collision_count})
        if not self.public_key or der_length_or_none(self.public_key) != len(self.public_key):
            raise EncodeError("CgaParameters.public_key",
                              "must be exactly one DER SEQUENCE", REF)
        if not self.extension_fields:
            return head + self.public_key
        return head + self.public_key + b"".join([e.encode() for e in self.extension_fields])

    @classmethod
    def decode(cls, data: bytes) -> Self:
        data = bytes(data)
        modifier, subnet_prefix, collision_count, _ = _LAYOUT.read(data)
        end = 25 + der_element_length(data, 25, "CgaParameters.public_key", REF)
        ext = decode_extension_fields(data[end:]) if end < len(data) else ()
        return cls(modifier, subnet_prefix, collision_count, data[25:end], ext, data)


_LAYOUT = fixed_layout(CgaParameters)


def der_length_or_none(data: bytes) -> int | None:
    """Length of the DER element at the start of ``data``, or None if it has none."""
    try:
        return der_element_length(data, 0, "", "")
    except DecodeError:
        return None
