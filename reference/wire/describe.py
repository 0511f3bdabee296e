"""Declarative field descriptions: one table per message or option.

Every wire structure in :mod:`rfc5269.wire` lists its fields once, in wire
order, as a tuple of :class:`Field` (its ``FIELDS`` class attribute). From
that single description come

* the fixed-size part of the encoder and of the strict decoder
  (:class:`FixedLayout`),
* the RFC-style bit diagram (:func:`rfc5269.wire.diagram.bit_diagram`),
* the scapy layer (generated elsewhere from the same tuple).

The description is data; the variable-length tail of a structure (options,
keys, signatures) is named in the table with its :class:`Kind` and a
``length_from`` sentence, and is handled by the structure's own small
``decode``/``encode`` code.
"""

from __future__ import annotations

import enum
import ipaddress
import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rfc5269.errors import DecodeError, EncodeError


class Kind(enum.Enum):
    """What a field means to the codec (and to a scapy field generator)."""

    TYPE = "type"  # fixed selector (Type, MH Type, Subtype); ``default`` is its value
    LENGTH = "length"  # derived from the structure's size; ``units`` octets per unit
    UINT = "uint"  # unsigned integer, big-endian
    FLAG = "flag"  # one bit, a bool
    RESERVED = "reserved"  # zero on encode, ignored on decode
    CHECKSUM = "checksum"  # Internet checksum, computed on encode, verified on decode
    PAD_LENGTH = "pad-length"  # number of padding octets, derived
    BYTES = "bytes"  # fixed number of octets
    IPV6 = "ipv6"  # 128-bit IPv6 address (ipaddress.IPv6Address)
    VARIABLE = "variable"  # variable-length octets; ``length_from`` says how
    PADDING = "padding"  # variable-length zero padding, ignored on decode
    OPTIONS = "options"  # a sequence of TLV options
    STRUCT = "struct"  # a nested structure with its own description


FIXED_KINDS = frozenset(
    {Kind.TYPE, Kind.LENGTH, Kind.UINT, Kind.FLAG, Kind.RESERVED, Kind.CHECKSUM,
     Kind.PAD_LENGTH, Kind.BYTES, Kind.IPV6}
)


@dataclass(frozen=True)
class Field:
    """One field of a wire structure.

    ``bits`` is the width for fixed fields and ``None`` for variable ones.
    ``valid`` (for integers) and ``rule`` state the decode-time check; ``ref``
    cites the section that imposes it.
    """

    name: str
    kind: Kind
    bits: int | None
    default: Any = 0
    doc: str = ""
    ref: str = ""
    rule: str = ""
    valid: Callable[[int], bool] | None = None
    units: int = 8  # LENGTH: octets per unit (8 for ND options, 1 for mobility options)
    length_from: str = ""  # VARIABLE / PADDING / OPTIONS / STRUCT: how the extent is found
    label: str = ""  # label in the bit diagram; defaults to a title-cased name

    @property
    def diagram_label(self) -> str:
        """Text shown in the bit diagram."""
        if self.label:
            return self.label
        return " ".join(w.capitalize() for w in self.name.split("_"))


def type_field(value: int, ref: str, bits: int = 8, name: str = "type") -> Field:
    """The fixed selector field of a structure."""
    return Field(name, Kind.TYPE, bits, value, f"{value}", ref,
                 rule=f"must be {value}")


def nd_length_field(ref: str) -> Field:
    """The Length field of a Neighbor Discovery option (RFC 4861 §4.6)."""
    return Field("length", Kind.LENGTH, 8, 0,
                 "option length in units of 8 octets, Type and Length included",
                 "RFC 4861 §4.6", rule="must not be 0 and must not overrun the message",
                 units=8)


def reserved(bits: int, ref: str, name: str = "reserved") -> Field:
    """A reserved field: zero when sent, ignored when received."""
    return Field(name, Kind.RESERVED, bits, 0, "reserved: zero when sent, ignored when received",
                 ref, label="Reserved")


def uint(name: str, bits: int, doc: str, ref: str = "", default: int = 0,
         valid: Callable[[int], bool] | None = None, rule: str = "", label: str = "") -> Field:
    """An unsigned integer field."""
    return Field(name, Kind.UINT, bits, default, doc, ref, rule, valid, label=label)


def flag(name: str, doc: str, ref: str = "", label: str = "") -> Field:
    """A one-bit flag."""
    return Field(name, Kind.FLAG, 1, False, doc, ref, label=label)


@dataclass(frozen=True)
class _Slot:
    field: Field
    offset: int  # octet offset for BYTES / IPV6
    shift: int  # bit shift inside the fixed part for integer-like kinds
    mask: int


class FixedLayout:
    """Encoder and strict decoder for the fixed-size leading fields of a description.

    The fixed part is the longest prefix of fields whose ``bits`` is known;
    it must be a whole number of octets, and BYTES / IPV6 fields must start
    on an octet boundary.
    """

    def __init__(self, owner: str, fields: tuple[Field, ...]) -> None:
        self.owner = owner
        slots: list[_Slot] = []
        total = 0
        prefix: list[Field] = []
        for f in fields:
            if f.bits is None:
                break
            prefix.append(f)
            total += f.bits
        if total % 8:
            raise ValueError(f"{owner}: fixed part is not a whole number of octets")
        self.size = total // 8
        pos = 0
        for f in prefix:
            assert f.bits is not None
            if f.kind in (Kind.BYTES, Kind.IPV6):
                if pos % 8:
                    raise ValueError(f"{owner}.{f.name}: octet field not octet-aligned")
                slots.append(_Slot(f, pos // 8, 0, 0))
            else:
                slots.append(_Slot(f, 0, total - pos - f.bits, (1 << f.bits) - 1))
            pos += f.bits
        self.slots = tuple(slots)
        self._int_slots = tuple(s for s in slots if s.field.kind not in (Kind.BYTES, Kind.IPV6))
        self._oct_slots = tuple(s for s in slots if s.field.kind in (Kind.BYTES, Kind.IPV6))
        self._struct = _octet_struct(prefix)
        carried = [f for f in prefix if f.kind is not Kind.RESERVED]
        self._names = tuple(f.name for f in carried)
        self._carried = tuple(carried)
        self._checked = tuple((i, f) for i, f in enumerate(carried)
                              if f.kind is Kind.TYPE or f.valid is not None)
        # (index, required value or None, validator or None, field) for the fast path
        self._checks = tuple((i, f.default if f.kind is Kind.TYPE else None, f.valid, f)
                             for i, f in self._checked)
        self._addresses = tuple(f.name for f in carried if f.kind is Kind.IPV6)

    def unpack(self, data: bytes, offset: int = 0) -> dict[str, Any]:
        """Values of the fixed fields at ``data[offset:]``, checking TYPE and ``valid`` rules.

        Reserved fields are read and dropped (ignored on receipt).
        """
        end = offset + self.size
        if len(data) < end:
            raise DecodeError(self.owner, f"needs at least {self.size} octets, has "
                              f"{max(len(data) - offset, 0)}", self.slots[0].field.ref)
        if self._struct is not None:
            return self._unpack_octets(data, offset)
        word = int.from_bytes(data[offset:end], "big")
        out: dict[str, Any] = {}
        for s in self._int_slots:
            f = s.field
            v = (word >> s.shift) & s.mask
            k = f.kind
            if k is Kind.RESERVED:
                continue
            if k is Kind.FLAG:
                out[f.name] = bool(v)
                continue
            if k is Kind.TYPE and v != f.default:
                raise DecodeError(f"{self.owner}.{f.name}", f.rule or f"must be {f.default}",
                                  f.ref)
            if f.valid is not None and not f.valid(v):
                raise DecodeError(f"{self.owner}.{f.name}", f.rule, f.ref)
            out[f.name] = v
        for s in self._oct_slots:
            f = s.field
            assert f.bits is not None
            raw = data[offset + s.offset: offset + s.offset + f.bits // 8]
            out[f.name] = ipaddress.IPv6Address(raw) if f.kind is Kind.IPV6 else bytes(raw)
        return out

    def pack(self, values: dict[str, Any]) -> bytes:
        """The fixed part from ``values``; TYPE fields take their constant, RESERVED zero.

        Raises EncodeError when a value does not fit its width or breaks its rule.
        """
        if self._struct is not None:
            return self._pack_octets(values)
        word = 0
        for s in self._int_slots:
            f = s.field
            k = f.kind
            if k is Kind.RESERVED:
                continue
            if k is Kind.TYPE:
                v = f.default
            else:
                v = int(values.get(f.name, f.default))
                if v < 0 or v > s.mask:
                    raise EncodeError(f"{self.owner}.{f.name}",
                                      f"{v} does not fit in {f.bits} bits", f.ref)
                if f.valid is not None and not f.valid(v):
                    raise EncodeError(f"{self.owner}.{f.name}", f.rule, f.ref)
            word |= v << s.shift
        out = bytearray(word.to_bytes(self.size, "big"))
        for s in self._oct_slots:
            f = s.field
            assert f.bits is not None
            v = values.get(f.name, f.default)
            raw = v.packed if isinstance(v, ipaddress.IPv6Address) else bytes(v)
            if len(raw) != f.bits // 8:
                raise EncodeError(f"{self.owner}.{f.name}",
                                  f"must be {f.bits // 8} octets, has {len(raw)}", f.ref)
            out[s.offset: s.offset + len(raw)] = raw
        return bytes(out)


    def _unpack_octets(self, data: bytes, offset: int) -> dict[str, Any]:
        """Fast path when every field is whole octets: one ``struct`` call."""
        assert self._struct is not None
        values = self._struct.unpack_from(data, offset)
        for i, required, valid, f in self._checks:
            v = values[i]
            if required is not None:
                if v != required:
                    raise DecodeError(f"{self.owner}.{f.name}", f.rule or f"must be {required}",
                                      f.ref)
            elif valid is not None and not valid(v):
                raise DecodeError(f"{self.owner}.{f.name}", f.rule, f.ref)
        out = dict(zip(self._names, values, strict=True))
        for name in self._addresses:
            out[name] = ipaddress.IPv6Address(out[name])
        return out

    def _pack_octets(self, values: dict[str, Any]) -> bytes:
        """Fast path when every field is whole octets: one ``struct`` call."""
        assert self._struct is not None
        args: list[Any] = []
        for f in self._carried:
            k = f.kind
            if k is Kind.TYPE:
                args.append(f.default)
                continue
            v = values.get(f.name, f.default)
            if k is Kind.IPV6 or k is Kind.BYTES:
                raw = v.packed if isinstance(v, ipaddress.IPv6Address) else bytes(v)
                assert f.bits is not None
                if len(raw) != f.bits // 8:
                    raise EncodeError(f"{self.owner}.{f.name}",
                                      f"must be {f.bits // 8} octets, has {len(raw)}", f.ref)
                args.append(raw)
                continue
            v = int(v)
            assert f.bits is not None
            if v < 0 or v >> f.bits:
                raise EncodeError(f"{self.owner}.{f.name}", f"{v} does not fit in {f.bits} bits",
                                  f.ref)
            if f.valid is not None and not f.valid(v):
                raise EncodeError(f"{self.owner}.{f.name}", f.rule, f.ref)
            args.append(v)
        return self._struct.pack(*args)


_INT_CODES = {8: "B", 16: "H", 32: "I", 64: "Q"}


def _octet_struct(fields: list[Field]) -> struct.Struct | None:
    """A ``struct`` for a fixed part made only of whole, aligned octet fields, else None."""
    fmt = "!"
    pos = 0
    for f in fields:
        assert f.bits is not None
        if pos % 8 or f.bits % 8:
            return None
        if f.kind is Kind.RESERVED:
            fmt += f"{f.bits // 8}x"
        elif f.kind in (Kind.BYTES, Kind.IPV6):
            fmt += f"{f.bits // 8}s"
        elif f.bits in _INT_CODES:
            fmt += _INT_CODES[f.bits]
        else:
            return None
        pos += f.bits
    return struct.Struct(fmt)


def fixed_layout(cls: type) -> FixedLayout:
    """The (cached) fixed layout of a described class."""
    layout = _LAYOUTS.get(cls)
    if layout is None:
        layout = _LAYOUTS[cls] = FixedLayout(cls.__name__, cls.FIELDS)  # type: ignore[attr-defined]
    return layout


_LAYOUTS: dict[type, FixedLayout] = {}


def need(owner: str, data: bytes, size: int, ref: str) -> None:
    """Raise DecodeError unless ``data`` holds at least ``size`` octets."""
    if len(data) < size:
        raise DecodeError(owner, f"needs at least {size} octets, has {len(data)}", ref)
