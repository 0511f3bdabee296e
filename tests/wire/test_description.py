"""The declarative descriptions: consistent with the codec, and drawn as RFC bit diagrams."""

from __future__ import annotations

import pytest
from rfc5269.wire import bit_diagram, cert_path, cga_params, fmip, icmpv6, ipv6, mobility, ndopt
from rfc5269.wire.describe import FIXED_KINDS, Field, Kind, fixed_layout

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
