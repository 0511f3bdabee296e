"""tshark (an independent dissector) agrees with the codec, field by field.

The whole corpus (rfc5269.scapy_layers.examples: every message and option
the codec covers) goes into one pcap that tshark dissects once. Every field
tshark shows is compared with the codec's decoding of the same octets. Where
tshark is wrong the comparison pins tshark's wrong output and names the
finding (rfc5269.findings); the detailed pins are in test_tshark_findings.py.
"""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest
from rfc5269.wire import cert_path, fmip, ipv6, mobility, ndopt
from tshark_compare import check_mobility_header, check_option
from tshark_run import Node, corpus, frame, opt_nodes

NAMES = [e.name for e in corpus()[0]]


def _icmp_layer(layer: Node) -> Node:
    found = list(layer.walk("icmpv6"))
    assert len(found) == 1, "tshark shows no ICMPv6 layer"
    return found[0]


def _mip_layer(layer: Node) -> Node:
    found = list(layer.walk("mipv6"))
    assert len(found) == 1, "tshark shows no Mobility Header"
    return found[0]


def _decoded(name: str) -> Any:
    e, _, _ = frame(name)
    return ipv6.IPv6Packet.decode(e.wire, badf_length=e.badf_length)


def test_corpus_holds_every_option_and_message() -> None:
    kinds: set[type] = set()
    for name in NAMES:
        p = _decoded(name).payload
        kinds.add(type(p))
        kinds.update(type(o) for o in p.options)
    expected = {*ndopt.OPTION_CLASSES.values(), ndopt.UnknownOption, fmip.RtSolPr,
                fmip.PrRtAdv, cert_path.CertificationPathSolicitation,
                cert_path.CertificationPathAdvertisement, mobility.FastBindingUpdate,
                mobility.FastBindingAck, mobility.AlternateCareOfAddress,
                mobility.MobilityHeaderLla, mobility.BindingAuthorizationDataFmip,
                mobility.UnknownMobilityOption}
    assert expected <= kinds


@pytest.mark.parametrize("name", NAMES)
def test_ipv6_header_and_home_address(name: str) -> None:
    _, layer, _ = frame(name)
    packet = _decoded(name)
    v6 = layer.get_all("ipv6")[0]
    h = packet.header
    assert ipaddress.IPv6Address(v6.get_all("ipv6.src")[0]) == h.src
    assert ipaddress.IPv6Address(v6.get_all("ipv6.dst")[0]) == h.dst
    assert int(v6.get_all("ipv6.hlim")[0]) == h.hop_limit
    assert int(v6.get_all("ipv6.plen")[0]) == len(frame(name)[0].wire) - 40
    hoa = [ipaddress.IPv6Address(a) for a in v6.walk("ipv6.opt.mipv6.home_address")]
    assert hoa == ([packet.home_address] if packet.home_address else [])


# ----------------------------------------------------------------- ICMPv6 messages

ICMP_NAMES = [n for n in NAMES if not isinstance(_decoded(n).payload, mobility.FastBindingUpdate
                                                 | mobility.FastBindingAck)]


@pytest.mark.parametrize("name", ICMP_NAMES)
def test_icmpv6_header_and_checksum(name: str) -> None:
    e, layer, _ = frame(name)
    msg = _decoded(name).payload
    icmp = _icmp_layer(layer)
    wire = e.wire[-len(msg.raw):]
    assert int(icmp.get_all("icmpv6.type")[0]) == wire[0]
    assert int(icmp.get_all("icmpv6.code")[0]) == wire[1]
    assert int(icmp.get_all("icmpv6.checksum")[0], 16) == msg.checksum
    # 1 = good: tshark's checksum (with the home address when present) matches the codec's.
    assert icmp.get_all("icmpv6.checksum.status") == ["1"]
    if isinstance(msg, fmip.RtSolPr | fmip.PrRtAdv):
        assert int(icmp.get_all("icmpv6.fmip6.subtype")[0]) == type(msg).SUBTYPE
        assert int(icmp.get_all("icmpv6.fmip6.identifier")[0]) == msg.identifier
    if isinstance(msg, cert_path.CertificationPathSolicitation):
        assert int(icmp.get_all("icmpv6.send.identifier")[0]) == msg.identifier
        assert int(icmp.get_all("icmpv6.send.component")[0]) == msg.component
    if isinstance(msg, cert_path.CertificationPathAdvertisement):
        assert int(icmp.get_all("icmpv6.send.identifier")[0]) == msg.identifier
        assert int(icmp.get_all("icmpv6.send.all_components")[0]) == msg.all_components
        assert int(icmp.get_all("icmpv6.send.component")[0]) == msg.component


@pytest.mark.parametrize("name", ICMP_NAMES)
def test_icmpv6_options_field_by_field(name: str) -> None:
    _, layer, _ = frame(name)
    msg = _decoded(name).payload
    nodes = opt_nodes(_icmp_layer(layer))
    assert len(nodes) == len(msg.options)
    for opt, node in zip(msg.options, nodes, strict=True):
        check_option(opt, node)


# ----------------------------------------------------------------- Mobility Header

MH_NAMES = [n for n in NAMES if n not in ICMP_NAMES]


@pytest.mark.parametrize("name", MH_NAMES)
def test_mobility_header_field_by_field(name: str) -> None:
    e, layer, _ = frame(name)
    msg = _decoded(name).payload
    check_mobility_header(msg, e.badf_length, _mip_layer(layer))
