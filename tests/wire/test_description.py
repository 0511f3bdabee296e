"""The declarative descriptions: consistent with the codec, and drawn as RFC bit diagrams."""

from __future__ import annotations

import dataclasses
import inspect
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rfc5269.errors import WireError
from rfc5269.wire import bit_diagram, cert_path, cga_params, fmip, icmpv6, ipv6, mobility, ndopt
from rfc5269.wire.describe import FIXED_KINDS, Field, Kind, fast_init, fixed_layout

from . import strategies as st_wire

DESCRIBED: list[type] = [
    *ndopt.OPTION_CLASSES.values(), ndopt.UnknownOption, cga_params.CgaParameters,
    cga_params.ExtensionField, fmip.RtSolPr, fmip.PrRtAdv,
    cert_path.CertificationPathSolicitation, cert_path.CertificationPathAdvertisement,
    icmpv6.Icmpv6Header, icmpv6.Icmpv6Unknown, mobility.MobilityHeader,
    mobility.FastBindingUpdate, mobility.FastBindingAck, mobility.MhPad1, mobility.MhPadN,
    mobility.AlternateCareOfAddress, mobility.MobilityHeaderLla,
    mobility.BindingAuthorizationDataFmip, mobility.UnknownMobilityOption, ipv6.IPv6Header,
    ipv6.DestinationOptionsHeader, ipv6.HomeAddressOption, ipv6.Pad1, ipv6.PadN,
    ipv6.UnknownDestinationOption,
]


@pytest.mark.parametrize("cls", DESCRIBED, ids=lambda c: c.__name__)
def test_every_field_is_fully_described(cls: type) -> None:
    fields: tuple[Field, ...] = cls.FIELDS  # type: ignore[attr-defined]
    names = [f.name for f in fields if f.kind is not Kind.RESERVED]  # reserved may repeat
    assert len(names) == len(set(names))
    for f in fields:
        assert f.doc and f.ref, f
        if f.kind in FIXED_KINDS:
            assert f.bits is not None and f.bits > 0
        else:
            assert f.bits is None and f.length_from, f
    assert fixed_layout(cls).size * 8 == sum(f.bits or 0 for f in fields if f.bits)


@pytest.mark.parametrize("cls", DESCRIBED, ids=lambda c: c.__name__)
def test_bit_diagram_rows_are_32_bits(cls: type) -> None:
    text = bit_diagram(cls)
    lines = text.splitlines()
    assert lines[1].strip().startswith("0 1 2 3")
    full = len(lines[2])
    assert all(len(x) <= full for x in lines)
    for f in cls.FIELDS:  # type: ignore[attr-defined]
        if f.kind is not Kind.RESERVED and (f.bits is None or f.bits >= 8):
            label = f.diagram_label.replace(" ...", "")
            assert label[:6] in text, (f.name, text)


def test_fixed_layout_matches_the_encoder() -> None:
    """The description's fixed part is where the encoder puts the fields."""
    option = ndopt.HandoverKeyReply(0xA, 0x1234, b"\x99" * 10)
    values = fixed_layout(ndopt.HandoverKeyReply).unpack(option.encode())
    assert values["algorithm_type"] == 0xA
    assert values["key_lifetime"] == 0x1234
    assert values["type"] == 28


def test_handover_key_request_diagram() -> None:
    """The layout of RFC 5269 §4.1: Type, Length, Pad Length, AT (4 bits), Reserved (4 bits)."""
    lines = bit_diagram(ndopt.HandoverKeyRequest).splitlines()
    assert lines[3] == "   |      Type     |     Length    |   Pad Length  |   AT  | Resrvd|"
    assert "Handover Key Encryption Public Key" in lines[7]


def test_fbu_diagram_flags() -> None:
    text = bit_diagram(mobility.FastBindingUpdate)
    assert "|A|H|L|K|        Reserved       |            Lifetime           |" in text


# --------------------------------------------------------------------------- compiled layouts

def _outcome(call: Any) -> tuple[str, Any]:
    try:
        return "ok", call()
    except WireError as exc:
        return type(exc).__name__, (exc.field, exc.rule, exc.ref)


@pytest.mark.parametrize("cls", DESCRIBED, ids=lambda c: c.__name__)
def test_every_fixed_part_is_compiled(cls: type) -> None:
    """Each table compiles to a struct-based unpack/pack (none falls back to the interpreter)."""
    layout = fixed_layout(cls)
    assert layout.source.startswith("def unpack(")
    assert "def read(" in layout.source
    assert layout.unpack != layout.unpack_interpreted
    assert layout.read != layout.read_interpreted


@pytest.mark.parametrize("compiled", ["unpack", "read"])
@pytest.mark.parametrize("cls", DESCRIBED, ids=lambda c: c.__name__)
def test_compiled_reading_agrees_with_the_table(cls: type, compiled: str) -> None:
    """``unpack`` (the values by name) and ``read`` (the values in table order and the
    reserved-field verdict): the same answer, or the same DecodeError, as the field-by-field
    reading on any octets."""
    layout = fixed_layout(cls)
    fast = getattr(layout, compiled)
    interpreted = getattr(layout, f"{compiled}_interpreted")
    type_values = [f.default for f in cls.FIELDS if f.kind is Kind.TYPE]  # type: ignore[attr-defined]
    first = st.sampled_from(type_values) if type_values else st.integers(0, 255)

    @st_wire.WIRE
    @given(st.integers(0, 3), first, st.binary(min_size=0, max_size=layout.size + 4))
    def check(offset: int, lead: int, rest: bytes) -> None:
        # start with the right Type (where it leads) so that the later fields are reached
        data = bytes(offset) + bytes((lead & 0xFF,)) + rest
        assert _outcome(lambda: fast(data, offset)) == _outcome(
            lambda: interpreted(data, offset))

    check()


def test_read_reports_a_set_reserved_bit() -> None:
    """The reserved verdict of ``read`` looks at every reserved bit and only at those."""
    layout = fixed_layout(mobility.FastBindingUpdate)
    base = layout.pack({"sequence": 1, "a": True, "h": True, "lifetime": 2})
    assert layout.read(base)[-1] is True
    for octet, bit in [(3, 0x01), (3, 0x80), (8, 0x08), (9, 0x01), (9, 0x80)]:
        changed = bytearray(base)
        changed[octet] |= bit
        assert layout.read(bytes(changed))[-1] is False, (octet, bit)
    flags = bytearray(base)
    flags[8] |= 0x30  # L and K: fields, not reserved
    assert layout.read(bytes(flags))[-1] is True


def _field_value(f: Field) -> st.SearchStrategy[Any]:
    assert f.bits is not None
    if f.kind is Kind.IPV6:
        return st.one_of(st_wire.addresses, st.binary(min_size=15, max_size=17))
    if f.kind is Kind.BYTES:
        n = f.bits // 8
        return st.binary(min_size=n - 1, max_size=n + 1)
    if f.kind is Kind.FLAG:
        return st.one_of(st.booleans(), st.integers(-1, 2))
    return st.integers(-1, (1 << f.bits))  # one past either end of the width


@pytest.mark.parametrize("cls", DESCRIBED, ids=lambda c: c.__name__)
def test_compiled_pack_agrees_with_the_table(cls: type) -> None:
    """Same octets, or the same EncodeError, as the field-by-field reading, on any values."""
    layout = fixed_layout(cls)
    fields = [s.field for s in layout.slots if s.field.kind not in (Kind.RESERVED, Kind.TYPE)]
    values = st.fixed_dictionaries({}, optional={f.name: _field_value(f) for f in fields})

    @st_wire.WIRE
    @given(values)
    def check(v: dict[str, Any]) -> None:
        compiled = _outcome(lambda: layout.pack(v))
        assert compiled == _outcome(lambda: layout.pack_interpreted(v))
        if compiled[0] == "ok":
            assert len(compiled[1]) == layout.size

    check()


# --------------------------------------------------------------------------- fast_init


def test_fast_init_keeps_the_dataclass_behaviour() -> None:
    fbu = mobility.FastBindingUpdate(7, 60)
    assert (fbu.a, fbu.h, fbu.l, fbu.k, fbu.options, fbu.raw) == (True, True, False, False, (),
                                                                  b"")
    assert fbu == mobility.FastBindingUpdate(sequence=7, lifetime=60, raw=b"other")
    assert hash(fbu) == hash(mobility.FastBindingUpdate(7, 60))
    assert dataclasses.replace(fbu, sequence=8).sequence == 8
    with pytest.raises(dataclasses.FrozenInstanceError):
        fbu.sequence = 9  # type: ignore[misc]
    with pytest.raises(TypeError):
        mobility.FastBindingUpdate(7)  # type: ignore[call-arg]
    assert list(inspect.signature(mobility.FastBindingUpdate).parameters) == [
        f.name for f in dataclasses.fields(mobility.FastBindingUpdate)]


def test_fast_init_refuses_what_it_cannot_reproduce() -> None:
    @dataclasses.dataclass(frozen=True)
    class WithPostInit:
        x: int

        def __post_init__(self) -> None:
            pass

    @dataclasses.dataclass(frozen=True)
    class WithFactory:
        x: list[int] = dataclasses.field(default_factory=list)

    for cls in (WithPostInit, WithFactory):
        with pytest.raises(TypeError):
            fast_init(cls)
