"""Pins for every place where tshark disagrees with the RFCs (rfc5269.findings, TSHARK-xx).

Each test feeds tshark the octets the finding quotes (they are checked to
be in the corpus packet it names) and asserts tshark's wrong output exactly,
next to the codec's reading of the same octets. If tshark is fixed, the pin
fails and the finding must be updated: it is never silently dropped.
"""

from __future__ import annotations

import re

from rfc5269.findings import FINDINGS, by_id, for_software
from rfc5269.interpretations import BadfLength
from rfc5269.wire import ipv6, mobility, ndopt
from tshark_run import Node, frame, hexbytes, opt_nodes, tshark_version


def _finding(fid: str) -> tuple[object, Node, str, ipv6.IPv6Packet]:
    f = by_id(fid)
    e, layer, text = frame(f.example)
    assert f.wire in e.wire, f"{fid}: quoted octets are not in example {f.example}"
    return f, layer, text, ipv6.IPv6Packet.decode(e.wire, badf_length=e.badf_length)


def test_every_tshark_finding_is_pinned_here() -> None:
    names = {n for n in globals() if n.startswith("test_")}
    for f in for_software("tshark"):
        assert f.test.startswith("tests/tshark/test_tshark_findings.py::")
        assert f.test.split("::")[1] in names, f.id
    assert len({f.id for f in FINDINGS}) == len(FINDINGS)


def test_findings_record_the_tshark_version_under_test() -> None:
    # The pins below describe this version; another version must be re-checked.
    assert {f.version for f in for_software("tshark")} == {tshark_version()}


def _badf(layer: Node) -> Node:
    return next(layer.walk("mip6.options.badff_tree"))


def test_badf_authenticator_two_octets_short() -> None:
    _, layer, text, packet = _finding("TSHARK-01")
    badf = mobility.badf_of(packet.payload.options)
    assert badf is not None and badf.authenticator == bytes(range(0xB0, 0xBC))
    tree = _badf(layer)
    assert tree.get_all("mip6.badff.spi") == ["0"]
    assert hexbytes(tree.get_all("mip6.badff.auth")[0]) == bytes(range(0xB0, 0xBA))
    assert "Authenticator: b0b1b2b3b4b5b6b7b8b9\n" in text


def test_badf_authenticator_only_reading_overruns() -> None:
    _, layer, text, packet = _finding("TSHARK-02")
    badf = mobility.badf_of(packet.payload.options)
    assert badf is not None and badf.authenticator == bytes(range(0xB0, 0xBC))
    assert badf.option_length(BadfLength.AUTHENTICATOR_ONLY) == 12
    assert hexbytes(_badf(layer).get_all("mip6.badff.auth")[0]) == bytes(range(0xB0, 0xB6))
    assert "Unknown (0xb8)" in text
    assert any("goes past end of options" in m for m in layer.walk("_ws.expert.message"))


def test_handover_key_options_flag_padding_as_malformed() -> None:
    f, layer, _text, packet = _finding("TSHARK-03")
    reply = next(o for o in packet.payload.options if isinstance(o, ndopt.HandoverKeyReply))
    assert reply.encode() == f.wire and reply.encode()[2] == 2  # Pad Length 2, nothing left
    icmp = next(layer.walk("icmpv6"))
    node = next(n for n in opt_nodes(icmp) if n.get_all("icmpv6.opt.type") == ["28"])
    assert node.get_all("icmpv6.opt.hkr.padding") == ["00:00"]
    assert node.get_all("icmpv6.unknown_data") == ["00"]
    assert "Unknown Data (not interpreted)" in list(node.walk("_ws.expert.message"))
    assert node.has("_ws.malformed")
    # With Pad Length 0 nothing is left over and tshark is silent.
    _, pad0, _ = frame("prrtadv-pad0")
    node0 = next(n for n in opt_nodes(next(pad0.walk("icmpv6")))
                 if n.get_all("icmpv6.opt.type") == ["28"])
    assert node0.get_all("icmpv6.opt.hkr.pad_length") == ["0"]
    assert not node0.has("icmpv6.unknown_data")


def test_key_lifetime_labelled_padding() -> None:
    _, layer, text, packet = _finding("TSHARK-04")
    reply = next(o for o in packet.payload.options if isinstance(o, ndopt.HandoverKeyReply))
    assert reply.key_lifetime == 43200
    assert list(layer.walk("icmpv6.opt.hkr.lifetime")) == ["43200"]
    assert re.search(r"^\s+Padding: 43200$", text, re.M)


def test_fbu_lifetime_shown_in_four_second_units() -> None:
    _, layer, text, packet = _finding("TSHARK-05")
    assert packet.payload.lifetime == 300
    assert list(layer.walk("mip6.fbu.lifetime")) == ["300"]
    assert "Lifetime: 300 (1200 seconds)" in text
    _, _, fback_text = frame("fback")
    assert "Lifetime: 300 (1200 seconds)" in fback_text


def test_trust_anchor_fqdn_not_decoded() -> None:
    f, layer, _, packet = _finding("TSHARK-06")
    ta = [o for o in packet.payload.options if isinstance(o, ndopt.TrustAnchorOption)]
    fqdn = next(o for o in ta if o.name_type == ndopt.NAME_TYPE_FQDN)
    assert fqdn.encode() == f.wire and fqdn.name == b"\x06anchor\x04test\x00"
    assert list(layer.walk("icmpv6.opt.name_type.fqdn")) == ["\x06anchor\x04test"]


def test_field_names_borrowed_from_other_options() -> None:
    _, layer, _, packet = _finding("TSHARK-07")
    icmp = next(layer.walk("icmpv6"))
    nodes = opt_nodes(icmp)
    ta_node, cert_node = nodes
    ta, cert = packet.payload.options
    assert isinstance(ta, ndopt.TrustAnchorOption) and isinstance(cert, ndopt.CertificateOption)
    assert ta_node.get_all("icmpv6.opt.cga.pad_length") == [str(ta.encode()[3])]
    assert cert_node.get_all("icmpv6.opt.name_type") == [str(cert.cert_type)]


def test_unknown_mobility_option_length_shown_wrong() -> None:
    f, layer, _text, packet = _finding("TSHARK-08")
    unknown = next(o for o in packet.payload.options
                   if isinstance(o, mobility.UnknownMobilityOption))
    assert unknown.encode() == f.wire and len(unknown.data) == 3
    node = next(layer.walk("Unknown (0xfa)"))
    assert node.get_all("mip6.mobility_opt") == ["250"]
    assert node.get_all("mip6.mobility_opt.len") == ["6"]
    assert list(layer.walk("mip6.hlen")) == ["6"]  # the Header Len octet, not Option Length
    # ...but it skips the option correctly: the BADF after it is found.
    assert next(layer.walk("mip6.badff.spi")) == "0"


def test_rsa_signature_octets_not_shown() -> None:
    f, layer, _, packet = _finding("TSHARK-09")
    sig = next(o for o in packet.payload.options if isinstance(o, ndopt.RsaSignatureOption))
    assert sig.encode() == f.wire and len(sig.signature) == 132
    assert list(layer.walk("icmpv6.opt.rsa.key_hash")) == [":".join(f"{b:02x}" for b in
                                                                    sig.key_hash)]
    assert list(layer.walk("icmpv6.opt.digital_signature_padding")) == [""]
