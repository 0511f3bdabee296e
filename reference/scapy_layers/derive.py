"""Scapy fields derived from the codec's declarative field descriptions.

Every codec class in :mod:`rfc5269.wire` lists its fields once (``FIELDS``,
see :mod:`rfc5269.wire.describe`). This module turns such a tuple into a
scapy ``fields_desc`` mechanically:

* fixed-width fields (Type, Length, integers, flags, reserved bits, checksum,
  Pad Length, fixed octets, IPv6 addresses) map one to one by their
  :class:`~rfc5269.wire.describe.Kind` and width;
* variable-length fields carry only a prose ``length_from`` in the codec's
  description, so each layer module supplies the matching scapy field (a
  *tail*) by name. A description field with no tail is an error at import
  time, so a field added to the codec cannot be silently missing here.

Derived fields (Length, Pad Length, Checksum, Padding) default to ``None``
and are filled in by the layer's ``post_build``, as scapy does elsewhere.

Adapters (what the description does not say, kept in this package, not in
the codec): field names that clash inside scapy (``name`` is an attribute of
every scapy packet; two fields named ``reserved`` in one Mobility Header)
are renamed, and the extent of every variable-length field is written as a
scapy ``length_from``.
"""

from __future__ import annotations

import dataclasses
import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rfc5269.wire.describe import Field, Kind
from scapy.fields import (
    BitField,
    ByteField,
    IntField,
    IP6Field,
    LongField,
    ShortField,
    StrFixedLenField,
    XBitField,
    XByteField,
    XIntField,
    XShortField,
)
from scapy.packet import Packet

# Kinds whose value the layer computes in post_build when left as None.
DERIVED_KINDS = frozenset({Kind.LENGTH, Kind.PAD_LENGTH, Kind.CHECKSUM})

_PACKET_ATTRIBUTES = frozenset(dir(Packet))


@dataclass(frozen=True)
class FieldMap:
    """Where each description field sits in the derived scapy layer.

    ``scapy_name`` maps the codec's field name to the scapy field name
    (different only where scapy needs it); ``offset`` gives the octet offset
    of fixed, octet-aligned fields from the start of the layer.
    """

    scapy_name: Mapping[str, str]
    offset: Mapping[str, int]
    kinds: Mapping[str, Kind]
    bits: Mapping[str, int | None]

    def codec_name(self, scapy_name: str) -> str:
        for k, v in self.scapy_name.items():
            if v == scapy_name:
                return k
        raise KeyError(scapy_name)


def scapy_names(fields: tuple[Field, ...]) -> dict[str, str]:
    """Codec field name to a scapy-safe, unique field name.

    ``name`` would shadow scapy's ``Packet.name`` and becomes ``name_``; a
    repeated name (two ``reserved`` fields) gets ``_2``, ``_3``... appended.
    Only the first occurrence of a repeated name appears in the mapping's
    keys; later ones are keyed ``name#2`` and so on.
    """
    out: dict[str, str] = {}
    seen: dict[str, int] = {}
    for f in fields:
        n = seen.get(f.name, 0) + 1
        seen[f.name] = n
        base = f.name + "_" if f.name in _PACKET_ATTRIBUTES else f.name
        key = f.name if n == 1 else f"{f.name}#{n}"
        out[key] = base if n == 1 else f"{base}_{n}"
    return out


def _int_field(name: str, default: Any, bits: int, aligned: bool, hexa: bool) -> Any:
    if aligned and bits == 8:
        return (XByteField if hexa else ByteField)(name, default)
    if aligned and bits == 16:
        return (XShortField if hexa else ShortField)(name, default)
    if aligned and bits == 32:
        return (XIntField if hexa else IntField)(name, default)
    if aligned and bits == 64 and not hexa:
        return LongField(name, default)
    return (XBitField if hexa else BitField)(name, default, bits)


def fixed_field(f: Field, name: str, bitpos: int) -> Any:
    """The scapy field for one fixed-width description field starting at ``bitpos``."""
    assert f.bits is not None
    k = f.kind
    aligned = bitpos % 8 == 0
    if k is Kind.IPV6:
        return IP6Field(name, str(f.default))
    if k is Kind.BYTES:
        return StrFixedLenField(name, bytes(f.default), length=f.bits // 8)
    if k in DERIVED_KINDS:
        return _int_field(name, None, f.bits, aligned, hexa=k is Kind.CHECKSUM)
    if k is Kind.RESERVED:
        return _int_field(name, 0, f.bits, aligned, hexa=True)
    if k is Kind.FLAG:
        return BitField(name, 0, 1)
    if k in (Kind.TYPE, Kind.UINT):
        return _int_field(name, int(f.default), f.bits, aligned, hexa=False)
    raise ValueError(f"{f.name}: kind {k} is not a fixed-width kind")


def derive_fields(owner: str, fields: tuple[Field, ...], tails: Mapping[str, Any],
                  ) -> tuple[list[Any], FieldMap]:
    """The scapy ``fields_desc`` for a description, and where each field went.

    ``tails`` maps codec names of variable-length fields to ready scapy
    fields (their scapy name must be the mapped name). Every variable field
    of the description must have a tail and every tail must be used.
    """
    names = scapy_names(fields)
    keys = list(names)
    out: list[Any] = []
    offsets: dict[str, int] = {}
    kinds: dict[str, Kind] = {}
    widths: dict[str, int | None] = {}
    bitpos: int | None = 0
    used: set[str] = set()
    for key, f in zip(keys, fields, strict=True):
        name = names[key]
        kinds[key] = f.kind
        widths[key] = f.bits
        if f.bits is not None and bitpos is not None:
            if bitpos % 8 == 0:
                offsets[key] = bitpos // 8
            out.append(fixed_field(f, name, bitpos))
            bitpos += f.bits
            continue
        if f.bits is not None:
            raise ValueError(f"{owner}.{f.name}: fixed field after a variable one")
        bitpos = None
        if key not in tails:
            raise LookupError(f"{owner}.{f.name}: the description has a variable-length field "
                              "(length_from: " + repr(f.length_from) + ") with no scapy tail")
        tail = tails[key]
        if tail.name != name:
            raise ValueError(f"{owner}.{f.name}: tail is named {tail.name!r}, expected {name!r}")
        if isinstance(tail, list):  # several scapy fields for one (e.g. a phantom switch)
            out.extend(tail)
        else:
            out.append(tail)
        used.add(key)
    unused = set(tails) - used
    if unused:
        raise LookupError(f"{owner}: tails for fields the description lacks: {sorted(unused)}")
    return out, FieldMap(names, offsets, kinds, widths)


def dataclass_names(obj_or_cls: Any) -> set[str]:
    """The dataclass field names of a codec object or class."""
    return {f.name for f in dataclasses.fields(obj_or_cls)}


def normalise(value: Any) -> Any:
    """A comparable form of a field value, the same for codec and scapy values.

    IPv6 addresses become ``ipaddress.IPv6Address``, flags become ints,
    strings of raw octets become bytes.
    """
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, ipaddress.IPv6Address):
        return value
    if isinstance(value, str):
        try:
            return ipaddress.IPv6Address(value)
        except ValueError:
            return value
    if isinstance(value, bytearray):
        return bytes(value)
    return value
