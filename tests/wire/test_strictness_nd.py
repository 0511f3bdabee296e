"""One negative test per strictness rule of the ND options and ICMPv6 messages.

Each test starts from a valid encoding (checked to decode) and breaks exactly
one rule; the DecodeError must name the field and the rule.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from typing import Any

import pytest
from rfc5269.errors import DecodeError
from rfc5269.wire.cert_path import CertificationPathAdvertisement, CertificationPathSolicitation
from rfc5269.wire.cga_params import CgaParameters, ExtensionField
from rfc5269.wire.fmip import PrRtAdv, RtSolPr
from rfc5269.wire.icmpv6 import icmpv6_checksum
from rfc5269.wire.ndopt import (
    IP_NAR_ADDRESS,
    IP_NAR_PREFIX,
    LLA_AP_NO_PREFIX,
    LLA_NAR,
    LLA_NEW_ACCESS_POINT,
    LLA_WILDCARD,
    CertificateOption,
    CgaOption,
    FmipLinkLayerAddressOption,
    HandoverKeyReply,
    HandoverKeyRequest,
    IpAddressPrefixOption,
    NonceOption,
    RsaSignatureOption,
    TimestampOption,
    TrustAnchorOption,
    UnknownOption,
    decode_options,
)

from .strategies import spki_pool

SRC = ipaddress.IPv6Address("fe80::1")
DST = ipaddress.IPv6Address("fe80::2")
KEY = spki_pool()[0]
DER_BLOB = b"\x30\x03\x02\x01\x05"  # a DER SEQUENCE holding INTEGER 5


def rejects(decode: Callable[[bytes], Any], data: bytes, field: str, rule: str) -> DecodeError:
    with pytest.raises(DecodeError) as info:
        decode(bytes(data))
    assert field in info.value.field, info.value
    assert rule in info.value.rule, info.value
    return info.value


def edit(data: bytes, offset: int, value: int) -> bytes:
    out = bytearray(data)
    out[offset] = value
    return bytes(out)


def cga_params(key: bytes = KEY, ext: tuple[ExtensionField, ...] = ()) -> CgaParameters:
    return CgaParameters(bytes(range(16)), bytes(8), 0, key, ext)


# --------------------------------------------------------------------------- TLV rules


def test_option_length_zero_is_rejected() -> None:
    good = NonceOption(bytes(6)).encode()
    assert decode_options(good)
    rejects(decode_options, edit(good, 1, 0), "options[0].length", "Length 0")


def test_option_overrunning_the_message_is_rejected() -> None:
    good = NonceOption(bytes(6)).encode()
    rejects(decode_options, edit(good, 1, 2), "options[0].length", "overruns")


def test_trailing_octet_too_short_for_an_option_is_rejected() -> None:
    good = NonceOption(bytes(6)).encode()
    rejects(decode_options, good + b"\x0e", "options", "too few")


def test_option_decoded_alone_must_match_its_length() -> None:
    good = NonceOption(bytes(14)).encode()
    assert NonceOption.decode(good)
    rejects(NonceOption.decode, good[:8], "NonceOption.length", "does not match")


def test_option_class_checks_its_type() -> None:
    rejects(NonceOption.decode, TimestampOption(0).encode(), "NonceOption.type", "must be 14")


def test_unknown_options_are_kept_byte_for_byte() -> None:
    raw = bytes((200, 1, 1, 2, 3, 4, 5, 6))
    (option,) = decode_options(raw)
    assert option == UnknownOption(200, bytes((1, 2, 3, 4, 5, 6)))
    assert option.encode() == raw


# --------------------------------------------------------------------------- padded options


@pytest.mark.parametrize("make", [
    lambda: CgaOption(cga_params()),
    lambda: HandoverKeyRequest(0, KEY),
    lambda: HandoverKeyReply(0, 100, bytes(128)),
    lambda: TrustAnchorOption(1, DER_BLOB),
], ids=["cga", "hkreq", "hkrep", "trust-anchor"])
def test_pad_length_that_does_not_fit_is_rejected(make: Callable[[], Any]) -> None:
    option = make()
    good = option.encode()
    assert type(option).decode(good) == option
    pad_at = 3 if isinstance(option, TrustAnchorOption) else 2
    rejects(type(option).decode, edit(good, pad_at, 255), "pad_length", "does not fit")


@pytest.mark.parametrize("make", [
    lambda: CgaOption(cga_params(ext=(ExtensionField(1, bytes(5)),))),
    lambda: HandoverKeyReply(0, 100, bytes(120)),
    lambda: TrustAnchorOption(2, b"x" * 12),
], ids=["cga", "hkrep", "trust-anchor"])
def test_padding_of_8_octets_or_more_is_rejected(make: Callable[[], Any]) -> None:
    """Padding must be the 0-7 octets that reach a multiple of 8 (project's reading)."""
    option = make()
    good = bytearray(option.encode())
    pad_at = 3 if isinstance(option, TrustAnchorOption) else 2
    good[1] += 1  # one more unit of 8 octets ...
    good[pad_at] += 8  # ... all of it padding
    good += bytes(8)
    rejects(type(option).decode, bytes(good), "pad_length", "0-7 octets")


def test_padding_content_is_ignored_on_receipt_and_zero_when_sent() -> None:
    option = HandoverKeyReply(3, 100, bytes(121))
    good = option.encode()
    assert good[2] > 0
    dirty = good[:-1] + b"\xff"
    assert HandoverKeyReply.decode(dirty) == option
    assert HandoverKeyReply.decode(dirty).encode() == good


# --------------------------------------------------------------------------- CGA Parameters


def test_cga_parameters_key_must_be_a_der_sequence() -> None:
    good = cga_params().encode()
    assert CgaParameters.decode(good)
    rejects(CgaParameters.decode, edit(good, 25, 0x31), "public_key", "SEQUENCE")


def test_cga_parameters_key_overrunning_the_parameters_is_rejected() -> None:
    good = cga_params().encode()
    rejects(CgaParameters.decode, good[:-1], "public_key", "overruns")


def test_cga_parameters_non_minimal_der_length_is_rejected() -> None:
    content = bytes(5)
    bad = cga_params(b"\x30\x81\x05" + content).encode
    with pytest.raises(Exception):  # the encoder refuses it too  # noqa: B017
        bad()
    raw = bytes(range(16)) + bytes(8) + b"\x00" + b"\x30\x81\x05" + content
    rejects(CgaParameters.decode, raw, "public_key", "minimally")


def test_cga_parameters_indefinite_der_length_is_rejected() -> None:
    raw = bytes(range(16)) + bytes(8) + b"\x00" + b"\x30\x80" + bytes(4)
    rejects(CgaParameters.decode, raw, "public_key", "indefinite")


def test_cga_extension_field_truncated_header_is_rejected() -> None:
    good = cga_params(ext=(ExtensionField(7, b"abc"),)).encode()
    assert CgaParameters.decode(good).extension_fields == (ExtensionField(7, b"abc"),)
    rejects(CgaParameters.decode, good + b"\x00\x01", "extension_fields", "truncated")


def test_cga_extension_field_overrun_is_rejected() -> None:
    good = cga_params(ext=(ExtensionField(7, b"abc"),)).encode()
    rejects(CgaParameters.decode, good[:-1], "extension_fields", "overruns")


def test_cga_option_parameters_are_decoded_strictly() -> None:
    good = CgaOption(cga_params()).encode()
    broken = edit(good, 4 + 25, 0x04)  # the key's tag
    rejects(CgaOption.decode, broken, "CgaParameters.public_key", "SEQUENCE")


# --------------------------------------------------------------------------- SEND options


def test_rsa_signature_longer_than_the_option_is_rejected() -> None:
    option = RsaSignatureOption.decode(RsaSignatureOption.create(bytes(16), bytes(128)).encode())
    assert option.with_signature_length(128).signature == bytes(128)
    with pytest.raises(DecodeError) as info:
        option.with_signature_length(133)
    assert info.value.field == "RsaSignatureOption.signature"


def test_rsa_signature_reserved_field_is_ignored() -> None:
    good = RsaSignatureOption.create(bytes(16), bytes(60)).encode()
    dirty = edit(good, 2, 0xAB)
    assert RsaSignatureOption.decode(dirty) == RsaSignatureOption.decode(good)
    assert RsaSignatureOption.decode(dirty).encode() == good


def test_timestamp_length_must_be_2() -> None:
    good = TimestampOption(1).encode()
    longer = edit(good, 1, 3) + bytes(8)
    rejects(TimestampOption.decode, longer, "TimestampOption.length", "must be 2")
    rejects(decode_options, longer, "TimestampOption.length", "must be 2")


def test_timestamp_is_48_16_fixed_point_and_reserved_ignored() -> None:
    option = TimestampOption.from_seconds(1_795_766_400.5)
    assert option.timestamp == (1_795_766_400 << 16) | 0x8000
    assert option.seconds_float == 1_795_766_400.5
    dirty = edit(option.encode(), 2, 0xFF)
    assert TimestampOption.decode(dirty) == option


def test_trust_anchor_name_must_not_be_empty() -> None:
    raw = bytes((15, 1, 2, 4, 0, 0, 0, 0))
    rejects(TrustAnchorOption.decode, raw, "TrustAnchorOption.name", "not be empty")


def test_trust_anchor_der_name_must_fill_the_field() -> None:
    good = TrustAnchorOption(1, DER_BLOB).encode()
    assert good[3] == 7
    broken = edit(good, 3, 6)  # one padding octet less: the Name grows by one octet
    rejects(TrustAnchorOption.decode, broken, "TrustAnchorOption.name", "fill")


def test_certificate_der_overrun_is_rejected() -> None:
    good = CertificateOption(1, DER_BLOB).encode()
    assert CertificateOption.decode(good).certificate == DER_BLOB
    rejects(CertificateOption.decode, edit(good, 5, 0x7F), "certificate", "overruns")


def test_certificate_padding_of_8_or_more_is_rejected() -> None:
    good = bytearray(CertificateOption(1, DER_BLOB).encode())
    good[1] += 1
    good += bytes(8)
    rejects(CertificateOption.decode, bytes(good), "CertificateOption.padding", "0-7")


# --------------------------------------------------------------------------- FMIPv6 options


def test_ip_address_option_length_must_be_3() -> None:
    good = IpAddressPrefixOption(IP_NAR_ADDRESS, 128, SRC).encode()
    rejects(IpAddressPrefixOption.decode, edit(good, 1, 2)[:16], "length", "must be 3")


@pytest.mark.parametrize("code", [0, 5, 255])
def test_ip_address_option_code_must_be_1_to_4(code: int) -> None:
    good = IpAddressPrefixOption(IP_NAR_ADDRESS, 128, SRC).encode()
    rejects(IpAddressPrefixOption.decode, edit(good, 2, code), "option_code", "1, 2, 3 or 4")


def test_ip_address_prefix_length_must_be_at_most_128() -> None:
    good = IpAddressPrefixOption(IP_NAR_ADDRESS, 128, SRC).encode()
    rejects(IpAddressPrefixOption.decode, edit(good, 3, 129), "prefix_length", "0-128")


def test_ip_prefix_bits_after_prefix_length_are_ignored_and_cleared() -> None:
    prefix = IpAddressPrefixOption(IP_NAR_PREFIX, 64, ipaddress.IPv6Address("2001:db8:b::"))
    dirty = bytearray(prefix.encode())
    dirty[8 + 15] = 0x55  # a host bit
    dirty[4] = 0x77  # reserved
    decoded = IpAddressPrefixOption.decode(bytes(dirty))
    assert decoded == prefix
    assert decoded.encode() == prefix.encode()
    noisy = IpAddressPrefixOption(IP_NAR_PREFIX, 64, ipaddress.IPv6Address("2001:db8:b::9"))
    assert noisy.encode() == prefix.encode()


def test_lla_option_code_must_be_0_to_7() -> None:
    good = FmipLinkLayerAddressOption.for_address(1, bytes(6)).encode()
    rejects(FmipLinkLayerAddressOption.decode, edit(good, 2, 8), "option_code", "0-7")


# --------------------------------------------------------------------------- RFC 5269 options


def test_handover_key_request_key_must_fill_its_field() -> None:
    good = HandoverKeyRequest(0, KEY).encode()
    assert HandoverKeyRequest.decode(good).public_key == KEY
    pad = good[2]
    assert pad > 0
    broken = edit(good, 2, pad - 1)  # one padding octet counted as key
    rejects(HandoverKeyRequest.decode, broken, "public_key", "does not fill")


def test_handover_key_request_key_must_parse_as_spki() -> None:
    garbage = b"\x30\x0b" + b"\x02\x01\x05" + b"\x04\x06abcdef"  # DER, but no SPKI
    option = HandoverKeyRequest(0, garbage)
    rejects(HandoverKeyRequest.decode, option.encode(), "public_key", "SubjectPublicKeyInfo")


def test_handover_key_request_key_must_be_der() -> None:
    option = HandoverKeyRequest(0, b"\x04\x02ab")
    rejects(HandoverKeyRequest.decode, option.encode(), "public_key", "SEQUENCE")


def test_handover_key_request_reserved_nibble_is_ignored() -> None:
    option = HandoverKeyRequest(9, KEY)
    dirty = edit(option.encode(), 3, 0x9F)
    assert HandoverKeyRequest.decode(dirty) == option
    assert HandoverKeyRequest.decode(dirty).encode() == option.encode()


def test_handover_key_reply_encrypted_key_must_not_be_empty() -> None:
    raw = bytes((28, 1, 2, 0x10, 0, 100, 0, 0))
    rejects(HandoverKeyReply.decode, raw, "encrypted_key", "not be empty")


def test_handover_key_reply_fields() -> None:
    option = HandoverKeyReply.decode(HandoverKeyReply(1, 43200, b"k" * 128).encode())
    assert (option.algorithm_type, option.key_lifetime, option.encrypted_key) == (
        1, 43200, b"k" * 128)


# --------------------------------------------------------------------------- FMIPv6 messages


def _lla(code: int) -> FmipLinkLayerAddressOption:
    return FmipLinkLayerAddressOption.for_address(code, bytes.fromhex("020000000001"))


NAR_IP = IpAddressPrefixOption(IP_NAR_ADDRESS, 128, ipaddress.IPv6Address("2001:db8:b::1"))


def rtsolpr_bytes(*options: Any, code: int = 0) -> bytes:
    raw = bytearray(RtSolPr(7, (_lla(LLA_NEW_ACCESS_POINT),)).encode()[:8])
    raw[1] = code
    raw += b"".join(o.encode() for o in options)
    raw[2:4] = icmpv6_checksum(SRC, DST, bytes(raw)).to_bytes(2, "big")
    return bytes(raw)


def test_rtsolpr_valid_baseline() -> None:
    msg = RtSolPr.decode(rtsolpr_bytes(_lla(LLA_NEW_ACCESS_POINT)), SRC, DST)
    assert msg.identifier == 7


def test_rtsolpr_code_must_be_0() -> None:
    rejects(lambda b: RtSolPr.decode(b, SRC, DST),
            rtsolpr_bytes(_lla(LLA_NEW_ACCESS_POINT), code=1), "RtSolPr.code", "must be 0")


def test_rtsolpr_subtype_must_be_2() -> None:
    bad = bytearray(rtsolpr_bytes(_lla(LLA_NEW_ACCESS_POINT)))
    bad[4] = 3
    bad[2:4] = icmpv6_checksum(SRC, DST, bytes(bad)).to_bytes(2, "big")
    rejects(lambda b: RtSolPr.decode(b, SRC, DST), bytes(bad), "RtSolPr.subtype", "must be 2")


def test_rtsolpr_needs_a_new_access_point_lla() -> None:
    rejects(lambda b: RtSolPr.decode(b, SRC, DST), rtsolpr_bytes(_lla(LLA_NAR)),
            "RtSolPr.options", "New Access Point")


def test_rtsolpr_wildcard_excludes_other_new_access_points() -> None:
    assert RtSolPr.decode(rtsolpr_bytes(_lla(LLA_WILDCARD)), SRC, DST)
    rejects(lambda b: RtSolPr.decode(b, SRC, DST),
            rtsolpr_bytes(_lla(LLA_WILDCARD), _lla(LLA_NEW_ACCESS_POINT)),
            "RtSolPr.options", "wildcard")


def test_rtsolpr_wrong_checksum_is_rejected() -> None:
    good = rtsolpr_bytes(_lla(LLA_NEW_ACCESS_POINT))
    bad = edit(good, 3, good[3] ^ 1)
    rejects(lambda b: RtSolPr.decode(b, SRC, DST), bad, "RtSolPr.checksum", "wrong")
    assert RtSolPr.decode(bad)  # without addresses the checksum is not checked


def test_rtsolpr_reserved_octet_is_ignored() -> None:
    good = rtsolpr_bytes(_lla(LLA_NEW_ACCESS_POINT))
    dirty = bytearray(edit(good, 5, 0xEE))
    dirty[2:4] = icmpv6_checksum(SRC, DST, bytes(dirty)).to_bytes(2, "big")
    msg = RtSolPr.decode(bytes(dirty), SRC, DST)
    assert msg.encode(SRC, DST) == good


def test_message_shorter_than_its_header_is_rejected() -> None:
    rejects(RtSolPr.decode, rtsolpr_bytes()[:7], "RtSolPr", "at least 8")


def prrtadv_bytes(code: int, *options: Any) -> bytes:
    raw = bytearray(PrRtAdv(2, 9, (_lla(LLA_AP_NO_PREFIX),)).encode()[:8])
    raw[1] = code
    raw += b"".join(o.encode() for o in options)
    raw[2:4] = icmpv6_checksum(SRC, DST, bytes(raw)).to_bytes(2, "big")
    return bytes(raw)


def test_prrtadv_code_must_be_0_to_5() -> None:
    assert PrRtAdv.decode(prrtadv_bytes(5, _lla(LLA_NEW_ACCESS_POINT)), SRC, DST).code == 5
    rejects(lambda b: PrRtAdv.decode(b, SRC, DST), prrtadv_bytes(6, _lla(LLA_NEW_ACCESS_POINT)),
            "PrRtAdv.code", "0-5")


def test_prrtadv_needs_a_new_access_point_lla() -> None:
    rejects(lambda b: PrRtAdv.decode(b, SRC, DST), prrtadv_bytes(2, _lla(LLA_NAR)),
            "PrRtAdv.options", "New Access Point")


@pytest.mark.parametrize("code", [0, 1])
def test_prrtadv_code_0_1_need_the_nar_lla(code: int) -> None:
    assert PrRtAdv.decode(prrtadv_bytes(code, _lla(1), _lla(LLA_NAR), NAR_IP), SRC, DST)
    rejects(lambda b: PrRtAdv.decode(b, SRC, DST), prrtadv_bytes(code, _lla(1), NAR_IP),
            "PrRtAdv.options", "NAR's LLA")


@pytest.mark.parametrize("code", [0, 1])
def test_prrtadv_code_0_1_need_the_nar_ip_address(code: int) -> None:
    rejects(lambda b: PrRtAdv.decode(b, SRC, DST), prrtadv_bytes(code, _lla(1), _lla(LLA_NAR)),
            "PrRtAdv.options", "NAR's IP")


def test_prrtadv_encoder_refuses_what_the_decoder_rejects() -> None:
    with pytest.raises(Exception) as info:
        PrRtAdv(0, 1, (_lla(1),)).encode()
    assert "NAR" in str(info.value)


# --------------------------------------------------------------------------- CPS / CPA


def cps_bytes(identifier: int = 1, code: int = 0, *options: Any) -> bytes:
    raw = bytearray(CertificationPathSolicitation(1).encode())
    raw[1] = code
    raw[4:6] = identifier.to_bytes(2, "big")
    raw += b"".join(o.encode() for o in options)
    return bytes(raw)


def test_cps_identifier_must_not_be_zero() -> None:
    assert CertificationPathSolicitation.decode(cps_bytes(1))
    rejects(CertificationPathSolicitation.decode, cps_bytes(0), "identifier", "not be 0")


def test_cps_code_must_be_0() -> None:
    rejects(CertificationPathSolicitation.decode, cps_bytes(1, 1), "code", "must be 0")


def test_cps_first_trust_anchor_must_be_a_der_name() -> None:
    der, fqdn = TrustAnchorOption(1, DER_BLOB), TrustAnchorOption(2, b"\x01a\x00")
    assert CertificationPathSolicitation.decode(cps_bytes(1, 0, der, fqdn))
    rejects(CertificationPathSolicitation.decode, cps_bytes(1, 0, fqdn, der), "options",
            "DER X.501 Name")


def cpa_bytes(all_components: int, component: int, *options: Any) -> bytes:
    raw = bytearray(CertificationPathAdvertisement(5, 1, 0).encode())
    raw[6:8] = all_components.to_bytes(2, "big")
    raw[8:10] = component.to_bytes(2, "big")
    raw += b"".join(o.encode() for o in options)
    return bytes(raw)


def test_cpa_component_must_be_below_all_components() -> None:
    assert CertificationPathAdvertisement.decode(cpa_bytes(2, 1))
    assert CertificationPathAdvertisement.decode(cpa_bytes(0, 0))
    rejects(CertificationPathAdvertisement.decode, cpa_bytes(2, 2), "component", "below")


def test_cpa_trust_anchors_only_in_the_first_component() -> None:
    ta = TrustAnchorOption(1, DER_BLOB)
    assert CertificationPathAdvertisement.decode(cpa_bytes(3, 2, ta))
    rejects(CertificationPathAdvertisement.decode, cpa_bytes(3, 1, ta), "options",
            "first component")


def test_cpa_reserved_is_ignored() -> None:
    good = cpa_bytes(2, 1)
    dirty = edit(good, 10, 0x12)
    assert CertificationPathAdvertisement.decode(dirty).encode() == good


# --------------------------------------------------------------------------- after the signature


SIGNATURE = RsaSignatureOption.create(bytes(16), bytes(128))
BAD_KEY = HandoverKeyRequest(0, b"\x30\x03\x02\x01\x05")  # DER, but not a SubjectPublicKeyInfo


def test_malformed_option_before_the_signature_rejects_the_message() -> None:
    rejects(lambda b: RtSolPr.decode(b, SRC, DST),
            rtsolpr_bytes(_lla(LLA_NEW_ACCESS_POINT), BAD_KEY, SIGNATURE),
            "HandoverKeyRequest.public_key", "SubjectPublicKeyInfo")


def test_malformed_option_after_the_signature_is_ignored() -> None:
    """RFC 3971 §5.2.2: options after the first RSA Signature option are ignored."""
    raw = rtsolpr_bytes(_lla(LLA_NEW_ACCESS_POINT), SIGNATURE, BAD_KEY)
    msg = RtSolPr.decode(raw, SRC, DST)
    assert msg.options[-1] == UnknownOption(27, BAD_KEY.encode()[2:])
    assert msg.encode(SRC, DST) == raw


def test_tlv_framing_is_checked_after_the_signature_too() -> None:
    """RFC 4861 §4.6: a Length 0 option invalidates the message wherever it is."""
    raw = rtsolpr_bytes(_lla(LLA_NEW_ACCESS_POINT), SIGNATURE) + b"\x0e\x00"
    rejects(lambda b: RtSolPr.decode(b), raw, "length", "Length 0")


def test_option_combinations_count_only_options_before_the_signature() -> None:
    after = rtsolpr_bytes(SIGNATURE, _lla(LLA_NEW_ACCESS_POINT))
    rejects(lambda b: RtSolPr.decode(b, SRC, DST), after, "RtSolPr.options", "New Access Point")
    wildcard_after = rtsolpr_bytes(_lla(LLA_NEW_ACCESS_POINT), SIGNATURE, _lla(LLA_WILDCARD))
    assert RtSolPr.decode(wildcard_after, SRC, DST)
