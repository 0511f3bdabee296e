"""Findings: where independent software disagrees with the RFCs on the wire.

Each entry records one disagreement between an external dissector or packet
library (tshark, scapy) and the RFC text as the strict codec
(:mod:`rfc5269.wire`) reads it: the octets given to the software, what the
software made of them, and our reading. The octets come from the fixed
corpus :mod:`rfc5269.scapy_layers.examples` (``example`` names the packet);
every entry is re-checked by the test named in ``test``, which fails when
the software's behaviour changes, so the list cannot drift from the facts.

``severity``: ``wire`` — the software builds or reads different octets or
values; ``display`` — values are right but shown or labelled wrongly (a
reader of the dissection is misled); ``limitation`` — part of the format
is not modelled.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    """One disagreement between external software and the RFC wire format."""

    id: str
    software: str  # "tshark", "scapy", "libtins" or "thc-ipv6"
    version: str  # the version the behaviour was observed (and is tested) with
    component: str  # dissector / class
    field: str  # message or option, and field
    rfc: str  # the section the software disagrees with
    summary: str
    wire_hex: str  # the octets given to the software (an option or a whole message)
    example: str  # corpus packet holding those octets ("" if none)
    their_reading: str
    our_reading: str
    severity: str  # "wire", "display" or "limitation"
    test: str  # the test that pins the behaviour

    @property
    def wire(self) -> bytes:
        return bytes.fromhex(self.wire_hex)


TSHARK = "4.0.17"
SCAPY = "2.8.0"
_T = "tests/tshark/test_tshark_findings.py::"
_S = "tests/scapy/test_scapy_findings.py::"

FINDINGS: tuple[Finding, ...] = (
    Finding(
        "TSHARK-01", "tshark", TSHARK, "packet-mip6.c, BADF option (21)",
        "BADF.authenticator", "RFC 5568 §6.4.5; RFC 3775 §6.2.1",
        "The Authenticator is shown two octets short: the dissector takes the option data "
        "length (Option Length) and subtracts the offset of the Authenticator counted from "
        "the option's Type octet, so the 2-octet option header is subtracted twice.",
        "151000000000b0b1b2b3b4b5b6b7b8b9babb", "fbu",
        "mip6.badff.spi = 0, mip6.badff.auth = b0:b1:b2:b3:b4:b5:b6:b7:b8:b9 (10 octets)",
        "Option Length 16 = SPI (4) + Authenticator (12): Authenticator b0..bb, 12 octets "
        "(BadfLength.OPTION_DATA, the RFC 3775 §6.2.1 TLV rule)",
        "wire", _T + "test_badf_authenticator_two_octets_short"),
    Finding(
        "TSHARK-02", "tshark", TSHARK, "packet-mip6.c, BADF option (21)",
        "BADF.option_length", "RFC 5568 §6.4.5",
        "Under the literal reading of RFC 5568 §6.4.5 (Option Length = Authenticator "
        "only) tshark ends the option 4 octets early (2 + Option Length), shows a 6-octet "
        "Authenticator, and reads the last 4 Authenticator octets as a new option (type "
        "0xb8) that overruns the header. tshark handles neither reading of the Option "
        "Length correctly (see TSHARK-01 for the other).",
        "150c00000000b0b1b2b3b4b5b6b7b8b9babb", "fbu-badf-authenticator-only",
        "mip6.badff.auth = b0:b1:b2:b3:b4:b5 (6 octets), then 'Unknown (0xb8) option goes "
        "past end of options' (expert: mip6.opt.len.invalid)",
        "Option Length 12 = Authenticator alone (BadfLength.AUTHENTICATOR_ONLY): SPI 0, "
        "Authenticator b0..bb, 12 octets, and the BADF is the last option",
        "wire", _T + "test_badf_authenticator_only_reading_overruns"),
    Finding(
        "TSHARK-03", "tshark", TSHARK, "packet-icmpv6.c, Handover Key Request/Reply (27, 28)",
        "HandoverKeyRequest/Reply.padding", "RFC 5269 §4.1, §4.2",
        "After the Padding the dissector advances by one octet instead of Pad Length octets, "
        "so for Pad Length >= 2 it reports the last Pad Length - 1 padding octets again as "
        "'Unknown Data (not interpreted)' with a Malformed-Packet error. The field values "
        "themselves (Pad Length, AT, key, padding) are right.",
        "1c110210a8c0" + "e5" * 128 + "0000", "prrtadv",
        "icmpv6.opt.hkr.padding = 00:00 then icmpv6.unknown_data = 00 with expert "
        "'Unknown Data (not interpreted)' and _ws.malformed",
        "Pad Length 2: two zero padding octets end the option; nothing is left over",
        "display", _T + "test_handover_key_options_flag_padding_as_malformed"),
    Finding(
        "TSHARK-04", "tshark", TSHARK, "packet-icmpv6.c, Handover Key Reply (28)",
        "HandoverKeyReply.key_lifetime", "RFC 5269 §4.2",
        "The Key Lifetime field (icmpv6.opt.hkr.lifetime) is labelled 'Padding' in the "
        "dissection tree.",
        "1c110210a8c0" + "e5" * 128 + "0000", "prrtadv",
        "'Padding: 43200'", "Key Lifetime: 43200 seconds",
        "display", _T + "test_key_lifetime_labelled_padding"),
    Finding(
        "TSHARK-05", "tshark", TSHARK, "packet-mip6.c, FBU (8) and FBack (9)",
        "FastBindingUpdate/FastBindingAck.lifetime", "RFC 5568 §6.2.2, §6.2.3",
        "The Lifetime is shown in units of 4 seconds, as for a Binding Update (RFC 3775 "
        "§6.1.7); RFC 5568 §6.2.2-§6.2.3 define the FBU and FBack Lifetime in seconds "
        "(while also calling the formats identical to BU/BA). The raw value agrees.",
        "", "fbu",
        "'Lifetime: 300 (1200 seconds)'",
        "Lifetime 300 = 300 seconds (RFC 5568's text; the codec keeps the raw value and "
        "documents both units)",
        "display", _T + "test_fbu_lifetime_shown_in_four_second_units"),
    Finding(
        "TSHARK-06", "tshark", TSHARK, "packet-icmpv6.c, Trust Anchor option (15)",
        "TrustAnchorOption.name (Name Type 2, FQDN)", "RFC 3971 §6.4.3",
        "An FQDN name is shown as the raw octets, label-length octets included, instead of "
        "being read as a name in DNS wire format.",
        "0f03020706616e63686f7204746573740000000000000000", "cps",
        "icmpv6.opt.name_type.fqdn = '\\x06anchor\\x04test'",
        "the name 'anchor.test' (labels 'anchor', 'test', root)",
        "display", _T + "test_trust_anchor_fqdn_not_decoded"),
    Finding(
        "TSHARK-07", "tshark", TSHARK, "packet-icmpv6.c, Trust Anchor (15), Certificate (16)",
        "TrustAnchorOption.pad_length, CertificateOption.cert_type", "RFC 3971 §6.4.3, §6.4.4",
        "Fields are registered under other options' filter names: the Trust Anchor Pad "
        "Length is icmpv6.opt.cga.pad_length and the Certificate option's Cert Type is "
        "icmpv6.opt.name_type, so display filters on those names match the wrong options.",
        "", "cpa",
        "icmpv6.opt.cga.pad_length = 4 inside a Trust Anchor option; icmpv6.opt.name_type = 1 "
        "inside a Certificate option",
        "Trust Anchor Pad Length 4; Certificate option Cert Type 1 (X.509v3)",
        "display", _T + "test_field_names_borrowed_from_other_options"),
    Finding(
        "TSHARK-08", "tshark", TSHARK, "packet-mip6.c, mobility options not interpreted",
        "UnknownMobilityOption.length", "RFC 3775 §6.2.1",
        "For a mobility option type it does not interpret, tshark shows as the option's "
        "length the Mobility Header's Header Len octet (here 6) instead of the option's own "
        "Option Length (3); it still skips the option correctly.",
        "fa03010203", "fback",
        "mip6.mobility_opt = 250, mip6.mobility_opt.len = 6 (= mip6.hlen)",
        "Option Type 250, Option Length 3, data 010203",
        "display", _T + "test_unknown_mobility_option_length_shown_wrong"),
    Finding(
        "TSHARK-09", "tshark", TSHARK, "packet-icmpv6.c, RSA Signature option (12)",
        "RsaSignatureOption.signature", "RFC 3971 §5.2",
        "The Digital Signature and the Padding are one item without a value "
        "(icmpv6.opt.digital_signature_padding, FT_NONE): the signature octets cannot be "
        "read from a dissection (JSON, fields, filters). The Key Hash is shown correctly.",
        "0c1300005b3c7998c5b9a17068d01e089a309060" + "5a" * 128 + "00000000", "rtsolpr",
        "icmpv6.opt.rsa.key_hash = 5b:3c:...:60; icmpv6.opt.digital_signature_padding = ''",
        "Key Hash 5b3c...60, then 132 octets of signature and padding (the signature's "
        "length comes from the signer's key: 128 octets and 4 of padding)",
        "limitation", _T + "test_rsa_signature_octets_not_shown"),
    Finding(
        "SCAPY-01", "scapy", SCAPY, "scapy.contrib.send.ICMPv6NDOptTmstp",
        "TimestampOption.timestamp", "RFC 3971 §5.3.1",
        "The Timestamp is a 32-bit UTC seconds field instead of 64-bit 48.16 fixed point: "
        "scapy builds a 12-octet option that says Length 2 (16 octets), and on dissection "
        "reads the first 4 of the 8 timestamp octets as seconds and parses the last 4 as a "
        "new option, losing the option after it.",
        "0d020000000000000000692794808000", "rtsolpr",
        "timestamp = 26919 (1970-01-01 07:28:39); next layer ICMPv6NDOptUnknown type 0x94; "
        "built for 1764201600 s: 0d0200000000000069279480 (12 octets)",
        "Timestamp 0x0000692794808000 = 1764201600.5 s (2025-11-27 00:00:00.5 UTC); option "
        "of 16 octets",
        "wire", _S + "test_contrib_send_timestamp_is_32_bit"),
    Finding(
        "SCAPY-02", "scapy", SCAPY, "scapy.contrib.send.ICMPv6NDOptRsaSig",
        "RsaSignatureOption.length / padding", "RFC 3971 §5.2",
        "The Length is (20 + signature octets) // 8 and no padding is added: with a 1024-bit "
        "key (128-octet signature) scapy emits 148 octets that say Length 18 (144), so a "
        "receiver finds the next option 4 octets early.",
        "0c1300005b3c7998c5b9a17068d01e089a309060" + "5a" * 128 + "00000000", "rtsolpr",
        "built: 0c120000... 148 octets, Length 18",
        "152 octets, Length 19, four zero padding octets",
        "wire", _S + "test_contrib_send_rsa_signature_not_padded"),
    Finding(
        "SCAPY-03", "scapy", SCAPY, "scapy.contrib.send.ICMPv6NDOptNonce",
        "NonceOption.length", "RFC 3971 §5.3.2; RFC 4861 §4.6",
        "The default option has Length 0 (an empty nonce, '0e00'), which RFC 4861 §4.6 "
        "makes invalid; nonces that do not fill a multiple of 8 octets get a Length by "
        "Python rounding and no padding (a 7-octet nonce: 9 octets, Length 1).",
        "0e01a1a2a3a4a5a6", "rtsolpr",
        "ICMPv6NDOptNonce() -> 0e00; nonce of 7 octets -> 0e01 + 7 octets",
        "a nonce of at least 6 octets filling the option to a multiple of 8; Length 0 is "
        "rejected",
        "wire", _S + "test_contrib_send_nonce_length"),
    Finding(
        "SCAPY-04", "scapy", SCAPY, "scapy.contrib.send.CGA_Params",
        "CgaParameters.extension_fields", "RFC 3972 §3; RFC 4581 §3",
        "CGA extension fields are not modelled: their octets end up as a Raw payload under "
        "the SubjectPublicKeyInfo layer.",
        "", "rtsolpr",
        "pubkey / Raw(load=b'\\x124\\x00\\x03ext')",
        "one extension field: type 0x1234, value 'ext'",
        "limitation", _S + "test_contrib_send_cga_extension_fields_raw"),
    Finding(
        "SCAPY-05", "scapy", SCAPY, "scapy.layers.inet6.ICMPv6NDOptLLA",
        "FmipLinkLayerAddressOption.length", "RFC 5568 §6.4.3",
        "The layer (RFC 4068) holds a 6-octet MAC with Length 1 and no padding: it builds a "
        "9-octet option that says 8, and when dissecting an RFC 5568 option of Length 2 it "
        "parses the 7 padding octets as further options, losing the options after it.",
        "130201020000000a0100000000000000", "prrtadv",
        "built: 130101020000000a01 (9 octets, Length 1); dissected: lla = 02:00:00:00:0a:01 "
        "then ICMPv6NDOptUnknown(type=0, len=0) and Raw",
        "Option-Code 1, LLA 020000000a01 plus 7 zero octets: one 16-octet option",
        "wire", _S + "test_inet6_fmip_lla_option_not_padded"),
    Finding(
        "SCAPY-06", "scapy", SCAPY, "scapy.layers.inet6.MIP6OptLLAddr",
        "MobilityHeaderLla.link_layer_address", "RFC 5568 §6.4.4",
        "The layer puts a 'pad' octet between Option-Code and LLA, which RFC 5568 §6.4.4 "
        "does not have: scapy builds a 10-octet option, and dissecting the RFC's 9-octet "
        "option raises struct.error.",
        "070702020000000001", "fbu",
        "built: 07070200020000000001; dissecting 070702020000000001 raises struct.error",
        "Option Length 7: Option-Code 2, LLA 020000000001",
        "wire", _S + "test_inet6_mh_lla_has_extra_pad_octet"),
    Finding(
        "SCAPY-07", "scapy", SCAPY, "scapy.layers.inet6.in6_pseudoheader",
        "MobilityHeader.checksum (with a Home Address option)", "RFC 3775 §6.1.1, §11.3.1",
        "The home address replaces the source in the pseudo-header only when the Home "
        "Address option is the only option of its Destination Options header. Dissected "
        "packets keep the PadN that aligns it, so a checksum recomputed by scapy "
        "(e.g. after `del pkt[MIP6MH_BU].cksum`) uses the care-of address and is wrong.",
        "", "fbu-from-nar",
        "recomputed checksum uses the source 2001:db8:b::10 (NCoA) instead of the home "
        "address 2001:db8:a::10, so it differs from the transmitted one",
        "the home address from the Home Address option enters the pseudo-header wherever "
        "the option sits in the header",
        "wire", _S + "test_inet6_checksum_ignores_home_address_after_padn"),
    Finding(
        "SCAPY-08", "scapy", SCAPY, "scapy.layers.inet6.ICMPv6NDOptSrcLLAddr / DstLLAddr",
        "SourceLinkLayerAddress/TargetLinkLayerAddress.link_layer_address", "RFC 4861 §4.6.1",
        "The layers read a 6-octet (Ethernet) address whatever the Length says, so an option "
        "for another link layer (here an 8-octet EUI-64, Length 2) leaves its last octets to "
        "be parsed as further options. rfc5269.scapy_layers keeps scapy's layers registered "
        "(they are right for Ethernet and widely used) and offers "
        "ICMPv6NDOptSourceLinkLayerAddress for other link layers.",
        "01020211223344556677000000000000", "",
        "lladdr = 02:11:22:33:44:55, then ICMPv6NDOptUnknown(type=0x66, len=0x77, six zero "
        "octets)",
        "Length 2: link-layer address 0211223344556677 and six zero octets of padding",
        "limitation", _S + "test_inet6_link_layer_address_options_are_ethernet_only"),
    Finding(
        "THC-IPV6-01", "thc-ipv6", "3.8-1", "atk6-sendpees6 SEND NS flood",
        "RSA Signature option, Digital Signature", "RFC 3971 §5.2; RFC 4861 §4.3",
        "atk6-sendpees6's CGA verifies (RFC 3972 §5) and its Key Hash names the CGA key, but "
        "its RSASSA-PKCS1-v1_5 signature covers none of the RFC 3971 §5.2 data layouts under "
        "any checksum reading (CL-08); its NS also carries Code 190 and a non-zero Reserved "
        "field in the RSA Signature option.",
        "", "live capture in a network namespace (tests/send/test_thc_ipv6.py)",
        "a signature the reference verifier rejects (signature-invalid)",
        "signed data = CGA tag | addresses | ICMPv6 header | options before the signature",
        "wire", "tests/send/test_thc_ipv6.py::test_thc_ipv6_cga_verifies_but_signature_does_not"),
    Finding(
        "LIBTINS-01", "libtins", "4.0-1", "ICMPv6 option parser (handover key options)",
        "HandoverKeyReply.AT", "RFC 5269 §4.1, §4.2",
        "The 4-bit AT field is read modulo 4: AT values 4-15 come out as 0-3, so an AT the "
        "receiver does not know turns into one it does (AT 9 is read as 1).",
        "1c110290a8c01099bff22e70b8fb38c590272a47b2f060f09f7694e0b498ea46b6b5e49377d259d82aefa7c9d309f96e71eaa737b56f4c07f633d8eb8debe066c9dac4d37698ec436689825b8dcc70fa692a9d542e2a5fc4134066bfffe28e9d8f28611526fbcc92f6273b219369fa0c75b796d00cf3feddf35a4b38c83c13c1accfdf85e5790000",
        "vectors mn tcId 16 step 3",
        "AT = value mod 4 (AT 9 -> 1)",
        "AT = the four leftmost bits of the octet after Pad Length (0-15)",
        "wire", "tests/vectors/test_vectors_libtins.py::test_libtins_reads_at_modulo_4"),
)


def by_id(finding_id: str) -> Finding:
    """The finding called ``finding_id``."""
    for f in FINDINGS:
        if f.id == finding_id:
            return f
    raise KeyError(finding_id)


def for_software(software: str) -> tuple[Finding, ...]:
    """The findings about ``software`` ("tshark" or "scapy")."""
    return tuple(f for f in FINDINGS if f.software == software)
