"""Field-by-field comparison of codec objects with tshark's JSON dissection.

Shared by the corpus checks (test_tshark_agreement.py) and the generated
ones (test_tshark_generated.py). Where tshark is known to be wrong the
comparison expects tshark's wrong output and names the finding
(rfc5269.findings); the detailed pins are in test_tshark_findings.py.
"""

from __future__ import annotations

import datetime
import ipaddress
from fractions import Fraction
from typing import Any

from rfc5269.interpretations import BadfLength
from rfc5269.wire import mobility, ndopt
from tshark_run import Node, hexbytes


def one(node: Node, key: str) -> Any:
    values = node.get_all(key)
    assert len(values) == 1, f"{key}: {values!r}"
    return values[0]


def _timestamp_ns(text: str) -> int:
    """tshark's absolute time ('Nov 27, 2025 00:00:00.500015258 UTC') in nanoseconds."""
    stamp, frac = text.removesuffix(" UTC").rsplit(".", 1)
    t = datetime.datetime.strptime(stamp, "%b %d, %Y %H:%M:%S").replace(tzinfo=datetime.UTC)
    return int(t.timestamp()) * 10**9 + int(frac)


def check_option(opt: Any, node: Node) -> None:
    """Compare one codec option with tshark's subtree for it."""
    encoded = opt.encode()
    assert int(one(node, "icmpv6.opt.type")) == encoded[0]
    assert int(one(node, "icmpv6.opt.length")) == len(encoded) // 8
    if isinstance(opt, ndopt.SourceLinkLayerAddress):
        assert hexbytes(one(node, "icmpv6.opt.src_linkaddr")) == opt.link_layer_address
    elif isinstance(opt, ndopt.TargetLinkLayerAddress):
        assert hexbytes(one(node, "icmpv6.opt.target_linkaddr")) == opt.link_layer_address
    elif isinstance(opt, ndopt.CgaOption):
        p = opt.parameters
        assert int(one(node, "icmpv6.opt.cga.pad_length")) == encoded[2]
        assert hexbytes(one(node, "icmpv6.opt.cga")) == p.encode()
        tree = one(node, "icmpv6.opt.cga_tree")
        assert hexbytes(one(tree, "icmpv6.opt.cga.modifier")) == p.modifier
        assert hexbytes(one(tree, "icmpv6.opt.cga.subnet_prefix")) == p.subnet_prefix
        assert int(one(tree, "icmpv6.opt.cga.count"), 16) == p.collision_count
        assert tree.has("icmpv6.opt.cga.subject_public_key_info")
        assert [int(t) for t in tree.get_all("icmpv6.opt.cga.ext_type")] == \
            [x.type for x in p.extension_fields]
        assert [int(t) for t in tree.get_all("icmpv6.opt.cga.ext_length")] == \
            [len(x.value) for x in p.extension_fields]
        assert [hexbytes(t) for t in tree.get_all("icmpv6.opt.cga.ext_data")] == \
            [x.value for x in p.extension_fields]
    elif isinstance(opt, ndopt.RsaSignatureOption):
        assert hexbytes(one(node, "icmpv6.opt.rsa.key_hash")) == opt.key_hash
        # tshark marks the signature and padding as one FT_NONE item: no value to compare.
        assert node.get_all("icmpv6.opt.digital_signature_padding") == [""]
    elif isinstance(opt, ndopt.TimestampOption):
        ns = _timestamp_ns(one(node, "icmpv6.opt.timestamp"))
        # 48.16 fixed point, shown to the nanosecond, rounded down.
        assert ns == int(opt.seconds * 10**9)
        assert Fraction(ns, 10**9) <= opt.seconds < Fraction(ns + 1, 10**9)
    elif isinstance(opt, ndopt.NonceOption):
        assert hexbytes(one(node, "icmpv6.opt.nonce")) == opt.nonce
    elif isinstance(opt, ndopt.TrustAnchorOption):
        assert int(one(node, "icmpv6.opt.name_type")) == opt.name_type
        # TSHARK-07: the Pad Length is shown under the CGA option's field name.
        assert int(one(node, "icmpv6.opt.cga.pad_length")) == encoded[3]
        if opt.name_type == ndopt.NAME_TYPE_DER_X501:
            assert hexbytes(one(node, "icmpv6.opt.name_x501")) == opt.name
        else:
            # TSHARK-06: the FQDN is shown as raw octets, not decoded from DNS wire format.
            assert one(node, "icmpv6.opt.name_type.fqdn").encode() == opt.name.rstrip(b"\0")
    elif isinstance(opt, ndopt.CertificateOption):
        # TSHARK-07: the Cert Type is shown under the Trust Anchor's Name Type field name.
        assert int(one(node, "icmpv6.opt.name_type")) == opt.cert_type
        assert node.has("icmpv6.x509_Certificate")
    elif isinstance(opt, ndopt.IpAddressPrefixOption):
        assert int(one(node, "icmpv6.opt.ipa.option_code")) == opt.option_code
        assert int(one(node, "icmpv6.opt.ipa.prefix_len")) == opt.prefix_length
        assert ipaddress.IPv6Address(one(node, "icmpv6.opt.ipa.ipv6_address")) == opt.address
    elif isinstance(opt, ndopt.FmipLinkLayerAddressOption):
        assert int(one(node, "icmpv6.opt.lla.option_code")) == opt.option_code
        # Both read the LLA as everything after the Option-Code, padding included.
        assert hexbytes(one(node, "icmpv6.opt.lla.bytes")) == opt.link_layer_address
    elif isinstance(opt, ndopt.HandoverKeyRequest | ndopt.HandoverKeyReply):
        pad = encoded[2]
        assert int(one(node, "icmpv6.opt.hkr.pad_length")) == pad
        assert int(one(node, "icmpv6.opt.hkr.at")) == opt.algorithm_type
        assert int(one(node, "icmpv6.opt.hkr.reserved")) == 0
        padding = node.get_all("icmpv6.opt.hkr.padding")
        assert [hexbytes(p) for p in padding] == [bytes(pad)]
        if isinstance(opt, ndopt.HandoverKeyRequest):
            key = one(node, "icmpv6.opt.hkr.encryption_public_key")
            assert hexbytes(key) == opt.public_key
        else:
            assert int(one(node, "icmpv6.opt.hkr.lifetime")) == opt.key_lifetime
            key = one(node, "icmpv6.opt.hkr.encrypted_handover_key")
            assert hexbytes(key) == opt.encrypted_key
        # TSHARK-03: Pad Length - 1 octets shown again as malformed "Unknown Data".
        leftover = node.get_all("icmpv6.unknown_data")
        assert [hexbytes(x) for x in leftover] == ([bytes(pad - 1)] if pad >= 2 else [])
    elif isinstance(opt, ndopt.UnknownOption):
        assert hexbytes(one(node, "icmpv6.data")) == opt.body
    else:  # pragma: no cover - a new option class needs a comparison here
        raise AssertionError(f"no tshark comparison for {type(opt).__name__}")
    if not isinstance(opt, ndopt.HandoverKeyRequest | ndopt.HandoverKeyReply):
        assert not node.has("_ws.malformed"), f"tshark flags {type(opt).__name__} malformed"


def check_mobility_header(msg: Any, badf_length: BadfLength, mh: Node) -> None:
    """Compare an FBU or FBack with tshark's Mobility Header subtree."""
    assert int(one(mh, "mip6.proto")) == msg.payload_proto
    assert int(one(mh, "mip6.hlen")) == len(msg.raw) // 8 - 1
    assert int(one(mh, "mip6.mhtype")) == type(msg).MH_TYPE
    # tshark shows the MH checksum but does not verify it: compare the value.
    assert int(one(mh, "mip6.csum"), 16) == msg.checksum
    if isinstance(msg, mobility.FastBindingUpdate):
        body = one(mh, "Fast Binding Update")
        assert int(one(body, "mip6.fbu.seqnr")) == msg.sequence
        for flag in "ahlk":
            assert int(one(body, f"mip6.fbu.{flag}_flag")) == int(getattr(msg, flag))
        assert int(one(body, "mip6.fbu.lifetime")) == msg.lifetime  # TSHARK-05: units
    else:
        body = one(mh, "Fast Binding Acknowledgement")
        assert int(one(body, "mip6.fback.status")) == msg.status
        assert int(one(body, "mip6.fback.k_flag")) == int(msg.k)
        assert int(one(body, "mip6.fback.seqnr")) == msg.sequence
        assert int(one(body, "mip6.fback.lifetime")) == msg.lifetime
    # Each option is a (key, value) pair followed by its (key_tree, subtree) pair.
    shown: list[tuple[str, Any, Any]] = []
    for k, v in one(mh, "Mobility Options"):
        if k.endswith("_tree"):
            assert shown and shown[-1][0] == k.removesuffix("_tree")
            shown[-1] = (shown[-1][0], shown[-1][1], v)
        else:
            shown.append((k, v, None))
    shown = [s for s in shown if s[0] not in ("mip6.options.pad1", "mip6.options.padn")]
    badf = mobility.badf_of(msg.options)
    expected = list(msg.options)
    for (key, value, tree), opt in zip(shown, expected, strict=False):
        if isinstance(opt, mobility.AlternateCareOfAddress):
            assert key == "mip6.options.acoa"
            assert hexbytes(value) == opt.encode()
            assert ipaddress.IPv6Address(one(tree, "mip6.acoa.acoa")) == opt.address
        elif isinstance(opt, mobility.MobilityHeaderLla):
            assert key == "mip6.options.mhlla"
            assert hexbytes(value) == opt.encode()
            assert int(one(tree, "mip6.lla.optcode")) == opt.option_code
            assert [hexbytes(x) for x in tree.get_all("mip6.lla")] == (
                [opt.link_layer_address] if opt.link_layer_address else [])
        elif isinstance(opt, mobility.UnknownMobilityOption):
            assert key == f"Unknown (0x{opt.type:02x})"
            assert int(one(value, "mip6.mobility_opt")) == opt.type
            # TSHARK-08: an uninterpreted option's length is shown as the MH Header Len.
            assert int(one(value, "mip6.mobility_opt.len")) == len(msg.raw) // 8 - 1
        elif isinstance(opt, mobility.BindingAuthorizationDataFmip):
            assert key == "mip6.options.badff"
            assert int(one(tree, "mip6.badff.spi")) == opt.spi
            auth = hexbytes(one(tree, "mip6.badff.auth"))
            if badf_length.value == "option-data":
                assert hexbytes(value) == opt.encode(badf_length)
                assert auth == opt.authenticator[:-2]  # TSHARK-01
            else:
                assert auth == opt.authenticator[:-6]  # TSHARK-02
    assert badf is not None
    assert len(shown) == len(expected) + (1 if badf_length.value != "option-data" else 0)
