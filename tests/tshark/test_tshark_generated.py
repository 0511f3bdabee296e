"""Generated messages (the codec's hypothesis strategies) agree with tshark.

Hypothesis draws the messages (derandomized, so the batch is the same in
every run); all of them go into one pcap and one tshark run, and each is
compared field by field as in test_tshark_agreement.py. The batch keeps to
contents tshark can be compared on: options whose DER content would be
random (CGA Parameters, Trust Anchor names, certificates) are left to the
corpus, which carries real keys, names and certificates; option types the
codec does not interpret are drawn from ranges tshark does not interpret
either; Source/Target LLA options carry 6-octet (Ethernet) addresses.
"""

from __future__ import annotations

import ipaddress
import sys
from pathlib import Path
from typing import Any

from hypothesis import assume, given, settings
from rfc5269.interpretations import BadfLength
from rfc5269.wire import fmip, ipv6, mobility, ndopt
from tshark_compare import check_mobility_header, check_option, one
from tshark_run import dissect, opt_nodes

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from wire import strategies  # the codec helper's strategies (tests/wire)

BATCH = settings(derandomize=True, max_examples=40, deadline=None, database=None)
SRC = ipaddress.IPv6Address("fe80::1")
DST = ipaddress.IPv6Address("fe80::2")
HOME = ipaddress.IPv6Address("2001:db8::10")


def _comparable(opt: Any) -> bool:
    if isinstance(opt, ndopt.CgaOption | ndopt.TrustAnchorOption | ndopt.CertificateOption):
        return False
    if isinstance(opt, ndopt.SourceLinkLayerAddress | ndopt.TargetLinkLayerAddress):
        return len(opt.link_layer_address) == 6
    if isinstance(opt, ndopt.UnknownOption):
        return 100 <= opt.type <= 252
    if isinstance(opt, mobility.UnknownMobilityOption):
        return 100 <= opt.type <= 252
    if isinstance(opt, mobility.BindingAuthorizationDataFmip):
        return len(opt.authenticator) >= 3  # TSHARK-01 drops two octets
    return True


def _collect(strategy: Any) -> list[Any]:
    out: list[Any] = []

    @BATCH
    @given(strategy)
    def draw(msg: Any) -> None:
        assume(all(_comparable(o) for o in msg.options))
        out.append(msg)

    draw()
    return out


def test_generated_messages_agree_with_tshark() -> None:
    icmp = _collect(strategies.icmpv6_messages)
    mh = _collect(strategies.mobility_messages)
    assert len(icmp) >= 20 and len(mh) >= 20
    packets = [ipv6.IPv6Packet(ipv6.IPv6Header(SRC, DST), (), m) for m in icmp]
    hoa = (ipv6.DestinationOptionsHeader((ipv6.HomeAddressOption(HOME),)),)
    packets += [ipv6.IPv6Packet(ipv6.IPv6Header(SRC, DST),
                                hoa if isinstance(m, mobility.FastBindingUpdate) else (), m)
                for m in mh]
    wires = [p.encode() for p in packets]
    layers = dissect(wires)
    for wire, layer in zip(wires, layers, strict=True):
        decoded = ipv6.IPv6Packet.decode(wire).payload
        try:
            if isinstance(decoded, mobility.FastBindingUpdate | mobility.FastBindingAck):
                node = next(layer.walk("mipv6"))
                assert int(one(node, "mip6.csum"), 16) == decoded.checksum
                check_mobility_header(decoded, BadfLength.OPTION_DATA, node)
            else:
                node = next(layer.walk("icmpv6"))
                assert one(node, "icmpv6.checksum.status") == "1"
                if isinstance(decoded, fmip.RtSolPr | fmip.PrRtAdv):
                    assert int(one(node, "icmpv6.fmip6.identifier")) == decoded.identifier
                nodes = opt_nodes(node)
                assert len(nodes) == len(decoded.options)
                for opt, opt_node in zip(decoded.options, nodes, strict=True):
                    check_option(opt, opt_node)
        except AssertionError as exc:
            raise AssertionError(f"tshark disagrees on {wire.hex()}: {exc}") from exc
