"""Declarative field descriptions: one table per message or option.

Every wire structure in :mod:`rfc5269.wire` lists its fields once, in wire
order, as a tuple of :class:`Field` (its ``FIELDS`` class attribute). From
that single description come

* the fixed-size part of the encoder and of the strict decoder
  (:class:`FixedLayout`, compiled once into a :class:`struct.Struct` and a
  generated function whose text can be read as ``fixed_layout(cls).source``),
* the RFC-style bit diagram (:func:`rfc5269.wire.diagram.bit_diagram`),
* the scapy layer (generated elsewhere from the same tuple).

The description is data; the variable-length tail of a structure (options,
keys, signatures) is named in the table with its :class:`Kind` and a
``length_from`` sentence, and is handled by the structure's own small
``decode``/``encode`` code.

:func:`fast_init` gives the codec's frozen dataclasses a cheaper constructor
with the same signature (decoding builds many small objects).
"""

from __future__ import annotations

import dataclasses
import enum
import inspect
import ipaddress
import struct
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from rfc5269.errors import DecodeError, EncodeError

_T = TypeVar("_T")


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
    ``valid`` (for integers: the range of values the RFC allows) and ``rule``
    state the decode-time check; ``ref`` cites the section that imposes it.
    """

    name: str
    kind: Kind
    bits: int | None
    default: Any = 0
    doc: str = ""
    ref: str = ""
    rule: str = ""
    valid: range | None = None
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
         valid: range | None = None, rule: str = "", label: str = "") -> Field:
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


class Unpack(Protocol):
    """Signature of :attr:`FixedLayout.unpack`."""

    def __call__(self, data: bytes, offset: int = 0, /) -> dict[str, Any]: ...


class Pack(Protocol):
    """Signature of :attr:`FixedLayout.pack`."""

    def __call__(self, values: dict[str, Any], /) -> bytes: ...


class Read(Protocol):
    """Signature of :attr:`FixedLayout.read`."""

    def __call__(self, data: bytes, offset: int = 0, /) -> tuple[Any, ...]: ...


class FixedLayout:
    """Encoder and strict decoder for the fixed-size leading fields of a description.

    The fixed part is the longest prefix of fields whose ``bits`` is known;
    it must be a whole number of octets, and BYTES / IPV6 fields must start
    on an octet boundary.

    Two readings of the same table are offered:

    * :meth:`unpack_interpreted` / :meth:`pack_interpreted` walk the fields one
      by one; they are the plain statement of what the table means;
    * :attr:`unpack` / :attr:`pack` are the same rules compiled once, when the
      layout is built, into one precomputed :class:`struct.Struct` and a small
      generated function (its text is :attr:`source`, for anyone who wants to
      read it). The tests check that both readings agree; a table the
      compiler does not handle uses the interpreted reading.
    """

    unpack: Unpack
    """Values of the fixed fields at ``data[offset:]``, checking TYPE and ``valid`` rules.

    Reserved fields are read and dropped (ignored on receipt). Raises
    DecodeError when the data is too short or a rule is broken.
    """
    pack: Pack
    """The fixed part from ``values``; TYPE fields take their constant, RESERVED zero.

    Raises EncodeError when a value does not fit its width or breaks its rule.
    """
    read: Read
    """What :attr:`unpack` reads, as a tuple: the values of the non-reserved fields in
    table order, then whether every RESERVED field is zero (:meth:`reserved_clear`).

    The same checks and errors as :attr:`unpack`; the decoders use it because a
    tuple is cheaper than a dict and the reserved fields come for free.
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
        self.reserved_mask = 0
        """The bits of the fixed part that RESERVED fields occupy, as a big-endian integer."""
        for s in slots:
            if s.field.kind is Kind.RESERVED:
                self.reserved_mask |= s.mask << s.shift
        compiled = _compile(self, tuple(prefix))
        if compiled is None:
            self.source = ""
            self.unpack = self.unpack_interpreted
            self.pack = self.pack_interpreted
            self.read = self.read_interpreted
        else:
            self.source, self.unpack, self.pack, self.read = compiled

    def reserved_clear(self, data: bytes, offset: int = 0) -> bool:
        """Whether every RESERVED field of the fixed part at ``data[offset:]`` is zero.

        Decoders ignore reserved fields and encoders write zero, so received
        octets with a reserved bit set are not what :attr:`pack` would build.
        """
        if not self.reserved_mask:
            return True
        return not int.from_bytes(data[offset:offset + self.size], "big") & self.reserved_mask

    def too_short(self, data: bytes, offset: int) -> DecodeError:
        """The error for ``data[offset:]`` shorter than the fixed part."""
        return DecodeError(self.owner, f"needs at least {self.size} octets, has "
                           f"{max(len(data) - offset, 0)}", self.slots[0].field.ref)

    def unpack_interpreted(self, data: bytes, offset: int = 0) -> dict[str, Any]:
        """:attr:`unpack`, reading the table field by field."""
        end = offset + self.size
        if len(data) < end:
            raise self.too_short(data, offset)
        word = int.from_bytes(data[offset:end], "big")
        out: dict[str, Any] = {}
        for s in self.slots:
            f = s.field
            k = f.kind
            if k is Kind.BYTES or k is Kind.IPV6:
                assert f.bits is not None
                raw = data[offset + s.offset: offset + s.offset + f.bits // 8]
                out[f.name] = ipaddress.IPv6Address(raw) if k is Kind.IPV6 else bytes(raw)
                continue
            v = (word >> s.shift) & s.mask
            if k is Kind.RESERVED:
                continue
            if k is Kind.FLAG:
                out[f.name] = bool(v)
                continue
            if k is Kind.TYPE and v != f.default:
                raise DecodeError(f"{self.owner}.{f.name}", f.rule or f"must be {f.default}",
                                  f.ref)
            if f.valid is not None and v not in f.valid:
                raise DecodeError(f"{self.owner}.{f.name}", f.rule, f.ref)
            out[f.name] = v
        return out

    def read_interpreted(self, data: bytes, offset: int = 0) -> tuple[Any, ...]:
        """:attr:`read`, from :meth:`unpack_interpreted` and :meth:`reserved_clear`."""
        values = self.unpack_interpreted(data, offset)
        return (*values.values(), self.reserved_clear(data, offset))

    def pack_interpreted(self, values: dict[str, Any]) -> bytes:
        """:attr:`pack`, reading the table field by field."""
        word = 0
        octets: list[tuple[int, bytes]] = []
        for s in self.slots:
            f = s.field
            k = f.kind
            assert f.bits is not None
            if k is Kind.RESERVED:
                continue
            if k is Kind.BYTES or k is Kind.IPV6:
                v = values.get(f.name, f.default)
                raw = v.packed if isinstance(v, ipaddress.IPv6Address) else bytes(v)
                if len(raw) != f.bits // 8:
                    raise EncodeError(f"{self.owner}.{f.name}",
                                      f"must be {f.bits // 8} octets, has {len(raw)}", f.ref)
                octets.append((s.offset, raw))
                continue
            if k is Kind.TYPE:
                v = f.default
            else:
                v = int(values.get(f.name, f.default))
                if v < 0 or v > s.mask:
                    raise EncodeError(f"{self.owner}.{f.name}",
                                      f"{v} does not fit in {f.bits} bits", f.ref)
                if f.valid is not None and v not in f.valid:
                    raise EncodeError(f"{self.owner}.{f.name}", f.rule, f.ref)
            word |= v << s.shift
        out = bytearray(word.to_bytes(self.size, "big"))
        for offset, raw in octets:
            out[offset: offset + len(raw)] = raw
        return bytes(out)


_INT_CODES = {8: "B", 16: "H", 32: "I", 64: "Q"}


def _units(prefix: tuple[Field, ...], keep_reserved: bool = False,
           ) -> tuple[str, list[list[tuple[Field, int]]]] | None:
    """Split a fixed part into :mod:`struct` items.

    Returns the struct format and, for each item it yields, the fields it
    holds with their bit shift inside it (several for a group of bit fields
    such as ``A|H|L|K|Reserved``). Whole reserved octets become pad bytes,
    unless ``keep_reserved`` asks for them to be read too. None when the
    fields do not fall into 8/16/32/64-bit integers and octet strings.
    """
    fmt = "!"
    units: list[list[tuple[Field, int]]] = []
    group: list[Field] = []
    for f in prefix:
        assert f.bits is not None
        octet_sized = not group and f.bits % 8 == 0
        if octet_sized and f.kind is Kind.RESERVED and not keep_reserved:
            fmt += f"{f.bits // 8}x"
        elif octet_sized and (f.kind in (Kind.BYTES, Kind.IPV6) or (
                f.kind is Kind.RESERVED and f.bits not in _INT_CODES)):
            fmt += f"{f.bits // 8}s"
            units.append([(f, 0)])
        elif octet_sized and f.bits in _INT_CODES:
            fmt += _INT_CODES[f.bits]
            units.append([(f, 0)])
        elif f.kind in (Kind.BYTES, Kind.IPV6):
            return None
        else:
            group.append(f)
            width = sum(g.bits or 0 for g in group)
            if width % 8 == 0:
                if width not in _INT_CODES:
                    return None
                fmt += _INT_CODES[width]
                unit: list[tuple[Field, int]] = []
                for g in group:
                    width -= g.bits or 0
                    unit.append((g, width))
                units.append(unit)
                group = []
    if group:
        return None
    return fmt, units


def _decoding(layout: FixedLayout, units: list[list[tuple[Field, int]]], ns: dict[str, Any],
              ) -> tuple[list[str], list[str], list[str]]:
    """Source lines that take the struct items ``u0, u1, ...`` apart and check them.

    Returns the lines, the names of the values of the non-reserved fields in
    table order, and the expressions that are true when a reserved part is zero.
    """
    lines: list[str] = []
    names: list[str] = []
    clear: list[str] = []
    for i, unit in enumerate(units):
        u = f"u{i}"
        whole = len(unit) == 1
        reserved_bits = 0
        for f, shift in unit:
            assert f.bits is not None
            k, var, where = f.kind, f"v_{f.name}", repr(f"{layout.owner}.{f.name}")
            mask = (1 << f.bits) - 1
            if k is Kind.RESERVED:
                if whole and f.bits not in _INT_CODES:
                    clear.append(f"{u} == {bytes(f.bits // 8)!r}")
                else:
                    reserved_bits |= mask << shift
                continue
            if k in (Kind.BYTES, Kind.IPV6):
                lines.append(f"    {var} = " + (u if k is Kind.BYTES else
                                                 f"_IPv6Address(_from_bytes({u}, 'big'))"))
            else:
                value = u if whole else f"(({u} >> {shift}) & {mask:#x})"
                lines.append(f"    {var} = {value}" + (" != 0" if k is Kind.FLAG else ""))
            if k is Kind.TYPE:
                lines += [f"    if {var} != {f.default!r}:",
                          f"        raise _DecodeError({where}, "
                          f"{f.rule or f'must be {f.default}'!r}, {f.ref!r})"]
            elif f.valid is not None:
                lines += [f"    if not {_within(var, f.valid)}:",
                          f"        raise _DecodeError({where}, {f.rule!r}, {f.ref!r})"]
            names.append(var)
        if reserved_bits:
            clear.append(f"not {u}" if whole else f"not {u} & {reserved_bits:#x}")
    return lines, names, clear


def _within(var: str, valid: range) -> str:
    """A Python expression that is true when ``var`` lies in ``valid`` (a step-1 range)."""
    if valid.step != 1 or not valid:
        raise ValueError(f"a field's valid values must be a non-empty step-1 range: {valid}")
    if len(valid) == 1:
        return f"{var} == {valid.start}"
    return f"{valid.start} <= {var} <= {valid.stop - 1}"


def _compile(layout: FixedLayout, prefix: tuple[Field, ...],
             ) -> tuple[str, Unpack, Pack, Read] | None:
    """Generate the ``unpack``, ``pack`` and ``read`` functions of ``layout`` from its fields.

    The generated text only inlines what the table says (widths, shifts,
    TYPE values, the ``valid`` ranges, the error texts); it is kept as
    ``layout.source``.
    """
    split = _units(prefix)
    split_all = _units(prefix, keep_reserved=True)
    if split is None or split_all is None:
        return None
    fmt, units = split
    owner = layout.owner
    ns: dict[str, Any] = {"_S": struct.Struct(fmt), "_R": struct.Struct(split_all[0]),
                          "_short": layout.too_short,
                          "_DecodeError": DecodeError, "_EncodeError": EncodeError,
                          "_IPv6Address": ipaddress.IPv6Address, "_from_bytes": int.from_bytes}
    head = [f"    if len(data) < offset + {layout.size}:", "        raise _short(data, offset)"]

    def items(n: int, struct_name: str) -> list[str]:
        if not n:
            return []
        return [f"    {', '.join(f'u{i}' for i in range(n))}, = {struct_name}.unpack_from("
                "data, offset)"]

    lines, names, _ = _decoding(layout, units, ns)
    dec = ["def unpack(data, offset=0):", *head, *items(len(units), "_S"), *lines,
           "    return {" + ", ".join(f"{v[2:]!r}: {v}" for v in names) + "}"]
    lines, names, clear = _decoding(layout, split_all[1], ns)
    read = ["def read(data, offset=0):", *head, *items(len(split_all[1]), "_R"), *lines,
            "    return (" + "".join(f"{v}, " for v in names)
            + (" and ".join(clear) if clear else "True") + ",)"]
    enc = ["def pack(values):", "    get = values.get"]
    args: list[str] = []
    for unit in units:
        parts: list[str] = []
        for f, shift in unit:
            assert f.bits is not None
            k, var, where = f.kind, f"v_{f.name}", repr(f"{owner}.{f.name}")
            if k is Kind.RESERVED:
                continue
            mask = (1 << f.bits) - 1
            whole = len(unit) == 1
            if k is Kind.TYPE:
                parts.append(f"{f.default!r}" if whole else f"({f.default!r} << {shift})")
                continue
            ns[f"_d_{f.name}"] = f.default
            if k in (Kind.BYTES, Kind.IPV6):
                enc += [f"    {var} = get({f.name!r}, _d_{f.name})",
                        f"    {var} = {var}.packed if isinstance({var}, _IPv6Address) "
                        f"else bytes({var})",
                        f"    if len({var}) != {f.bits // 8}:",
                        f"        raise _EncodeError({where}, 'must be {f.bits // 8} octets, "
                        f"has ' + str(len({var})), {f.ref!r})"]
            else:
                enc += [f"    {var} = int(get({f.name!r}, _d_{f.name}))",
                        f"    if {var} < 0 or {var} > {mask:#x}:",
                        f"        raise _EncodeError({where}, str({var}) + ' does not fit in "
                        f"{f.bits} bits', {f.ref!r})"]
                if f.valid is not None:
                    enc += [f"    if not {_within(var, f.valid)}:",
                            f"        raise _EncodeError({where}, {f.rule!r}, {f.ref!r})"]
            parts.append(var if whole or shift == 0 else f"({var} << {shift})")
        args.append(" | ".join(parts) if parts else "0")
    enc.append(f"    return _S.pack({', '.join(args)})")
    source = "\n\n\n".join("\n".join(f) for f in (dec, read, enc)) + "\n"
    exec(compile(source, f"<FixedLayout {owner}>", "exec"), ns)  # noqa: S102
    return source, ns["unpack"], ns["pack"], ns["read"]


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


def fast_init(cls: type[_T]) -> type[_T]:
    """Give a frozen dataclass an ``__init__`` that stores its fields directly.

    ``@dataclass(frozen=True)`` generates an ``__init__`` that stores every
    field through ``object.__setattr__`` to get past the frozen guard; for
    the many small objects a decode builds that is most of their cost. This
    replaces it with an ``__init__`` of the same signature and defaults that
    writes the instance ``__dict__``. Nothing else changes: assigning to a
    field afterwards still raises ``FrozenInstanceError``, and equality,
    hashing and ``dataclasses.replace`` are the dataclass's own.

    Only plain field lists are accepted (no ``__post_init__``, ``InitVar``,
    ``init=False``, keyword-only fields, default factories or slots).
    """
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    generated = inspect.signature(cls.__init__)
    names = [f.name for f in fields]
    plain = (
        "__slots__" not in cls.__dict__ and not hasattr(cls, "__post_init__")
        and list(generated.parameters)[1:] == names
        and all(p.kind is p.POSITIONAL_OR_KEYWORD for p in list(generated.parameters.values())[1:])
        and all(f.init and f.default_factory is dataclasses.MISSING for f in fields))
    if not plain:
        raise TypeError(f"{cls.__name__}: fast_init needs a plain frozen dataclass")
    ns: dict[str, Any] = {}
    params = ["self"]
    body = ["    d = self.__dict__"]
    for f in fields:
        if f.default is dataclasses.MISSING:
            params.append(f.name)
        else:
            ns[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
        body.append(f"    d[{f.name!r}] = {f.name}")
    source = f"def __init__({', '.join(params)}) -> None:\n" + "\n".join(body) + "\n"
    exec(compile(source, f"<fast_init {cls.__name__}>", "exec"), ns)  # noqa: S102
    init = ns["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__doc__ = cls.__init__.__doc__
    cls.__init__ = init  # type: ignore[method-assign]
    return cls


# --------------------------------------------------------------------------- canonical proof

_CANONICAL = "_received_canonical"
"""Key in a decoded object's ``__dict__``: (the octets it was decoded from, whether they are
exactly what its encoder builds). Set by ``decode`` only and not a dataclass field, so
``dataclasses.replace`` and direct construction never carry it."""


def remember_canonical(obj: object, data: bytes, canonical: bool, reading: object = None,
                       ) -> None:
    """Record, on an object ``decode`` just built from ``data``, whether ``data`` is exactly
    what the object's encoder would build (worked out by the decoder from the octets it
    reads anyway: reserved fields, padding). ``reading`` names the interpretation the
    decoder used when the encoding depends on one (a :class:`BadfLength`)."""
    obj.__dict__[_CANONICAL] = (data, canonical, reading)


def decoded_canonical(obj: object, reading: object = None) -> bool | None:
    """What :func:`remember_canonical` recorded on ``obj`` under ``reading``, for the octets
    ``obj`` was decoded from; None if nothing was recorded under that reading."""
    recorded: tuple[bytes, bool, object] | None = obj.__dict__.get(_CANONICAL)
    if recorded is None or recorded[2] is not reading:
        return None
    return recorded[1]


def recorded_canonical(obj: object, data: bytes, reading: object = None) -> bool | None:
    """What :func:`remember_canonical` recorded on ``obj`` for ``data`` under ``reading``;
    None if nothing was recorded for those octets and that reading."""
    recorded: tuple[bytes, bool, object] | None = obj.__dict__.get(_CANONICAL)
    if recorded is None or recorded[2] is not reading or (
            recorded[0] is not data and recorded[0] != data):
        return None
    return recorded[1]
