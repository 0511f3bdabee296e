"""SEND signing, verification and router-certificate requirements (RFC 3971 §5.1-§5.2, §6.3).

Exercised through the public API of :mod:`rfc5269.send` with the fixed test keys.
"""

from __future__ import annotations

import hashlib
from ipaddress import IPv6Address, IPv6Network

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding
from pyasn1.codec.der import encoder as der_encoder
from pyasn1_modules import rfc3779
from rfc5269.nodes.config import make_identity
from rfc5269.send import testpki
from rfc5269.send.addrblocks import DelegationPolicy, encode_ipv6_blocks
from rfc5269.send.cga import cga_verify
from rfc5269.send.keys import KeyPolicy, key_hash, public_key_der
from rfc5269.send.pkix import validate_router_path
from rfc5269.send.sender import send_options
from rfc5269.send.signature import CGA_MESSAGE_TYPE_TAG, sign_message, verify_signature
from rfc5269.send.verdict import Reason
from rfc5269.wire.fmip import RtSolPr
from rfc5269.wire.icmpv6 import icmpv6_checksum
from rfc5269.wire.ndopt import (
    LLA_NEW_ACCESS_POINT,
    FmipLinkLayerAddressOption,
    RsaSignatureOption,
)

DST = IPv6Address("fe80::1")
PKI = testpki.make_pki(0)
NOW = testpki.VALID_AT
IDENTITY = make_identity(testpki.pool_key(8), IPv6Network("2001:db8:a::/64"),
                         lambda n: b"\x33" * n)


def _signed(identity=IDENTITY, nonce=b"\x01" * 6) -> bytes:
    msg = RtSolPr(1, (FmipLinkLayerAddressOption.for_address(LLA_NEW_ACCESS_POINT, bytes(6)),
                      *send_options(NOW.timestamp(), identity.cga.parameters, nonce)))
    return sign_message(msg.encode(identity.address, DST), identity.address, DST,
                        identity.private_key)


def _sig_offset(icmp: bytes) -> int:
    pos = 8
    while icmp[pos] != 12:
        pos += icmp[pos + 1] * 8
    return pos


def test_signing_appends_the_option_last_over_the_section_5_2_data():
    """The RSA Signature option comes last and signs tag | addresses | header | prior options.

    RFC3971-5.2.1-M3 RFC3971-5.1-M4 RFC3971-5.2.3-M2
    """
    icmp = _signed()
    off = _sig_offset(icmp)
    option = RsaSignatureOption.decode(icmp[off:])
    assert off + icmp[off + 1] * 8 == len(icmp)  # last option
    der = public_key_der(IDENTITY.private_key)
    assert option.key_hash == hashlib.sha1(der).digest()[:16] == key_hash(der)
    prefix = icmp[:2] + b"\x00\x00" + icmp[4:off]
    checksum = icmpv6_checksum(IDENTITY.address, DST, prefix)  # CL-08 default reading
    data = (CGA_MESSAGE_TYPE_TAG + IDENTITY.address.packed + DST.packed + prefix[:2]
            + checksum.to_bytes(2, "big") + prefix[4:])
    signature = option.with_signature_length(128).signature
    IDENTITY.private_key.public_key().verify(signature, data, padding.PKCS1v15(), hashes.SHA1())
    assert verify_signature(icmp, IDENTITY.address, DST).accepted


def test_key_hash_must_name_the_cga_key():
    """RFC3971-5.1-M4 RFC3971-5.1-M5"""
    icmp = _signed()
    msg_without = icmp[:_sig_offset(icmp)]
    forged = sign_message(msg_without, IDENTITY.address, DST, testpki.pool_key(3))
    verdict = verify_signature(forged, IDENTITY.address, DST)
    assert not verdict.accepted and verdict.reason is Reason.KEY_MISMATCH


def test_digital_signature_must_verify_and_fit():
    """RFC3971-5.2.2-M6 RFC3971-5.2.2-M7"""
    icmp = bytearray(_signed())
    off = _sig_offset(bytes(icmp))
    garbage = bytearray(icmp)
    garbage[off + 20:off + 20 + 128] = b"\x55" * 128
    garbage[2:4] = b"\x00\x00"
    garbage[2:4] = icmpv6_checksum(IDENTITY.address, DST, bytes(garbage)).to_bytes(2, "big")
    v = verify_signature(bytes(garbage), IDENTITY.address, DST)
    assert not v.accepted and v.reason is Reason.SIGNATURE_INVALID
    # an option too short to hold the 128-octet signature of the 1024-bit key
    short = bytearray(icmp[:off]) + RsaSignatureOption(
        key_hash(public_key_der(IDENTITY.private_key)), b"\x01" * 100, bytes(8)).encode()
    short[2:4] = b"\x00\x00"
    short[2:4] = icmpv6_checksum(IDENTITY.address, DST, bytes(short)).to_bytes(2, "big")
    v = verify_signature(bytes(short), IDENTITY.address, DST)
    assert not v.accepted and v.reason is Reason.SIGNATURE_MALFORMED


def test_minbits_is_configurable():
    """RFC3971-5.1.3-M1"""
    icmp = _signed()
    assert verify_signature(icmp, IDENTITY.address, DST).accepted
    v = verify_signature(icmp, IDENTITY.address, DST, key_policy=KeyPolicy(min_bits=2048))
    assert not v.accepted and v.reason is Reason.KEY_TOO_SHORT


def test_node_keeps_what_builds_its_cga():
    """The identity keeps key and CGA Parameters; they regenerate and prove the address.

    RFC3971-5.1.3-M2 RFC3971-5.2.3-M2 RFC3971-5.1.1-M4
    """
    params = IDENTITY.parameters
    assert params.public_key == public_key_der(IDENTITY.private_key)
    assert params.subnet_prefix == IPv6Address("2001:db8:a::").packed[:8]
    assert cga_verify(IDENTITY.address, params).accepted
    other = IPv6Address(int(IDENTITY.address) ^ 1)
    assert not cga_verify(other, params).accepted


# ====================================================================== RFC 3971 §6.3.1


def _validate(path, prefixes=(), delegation=DelegationPolicy.SUBSET):
    return validate_router_path(path, [PKI.trust_anchor()], NOW, prefixes=prefixes,
                                delegation=delegation)


def _router(**kw):
    return PKI.issue_router("Router under test", **kw).certificate


def test_valid_path_authorizes_its_prefixes_only():
    """RFC3971-6.3.1-M2"""
    assert _validate(PKI.path, prefixes=("2001:db8:a:1::/64",)).accepted
    v = _validate(PKI.path, prefixes=("2001:db8:c::/64",))
    assert not v.accepted and v.reason is Reason.CERT_PREFIX_NOT_AUTHORIZED


def test_address_extension_needs_an_ipv6_entry_with_prefixes():
    """RFC3971-6.3.1-M1 RFC3971-6.3.1-M3"""
    empty = _router(blocks=())
    v = _validate([PKI.path[0], empty])
    assert not v.accepted and v.reason is Reason.CERT_ADDRESS_BLOCKS_MALFORMED
    family = rfc3779.IPAddressFamily()
    family["addressFamily"] = b"\x00\x01"  # IPv4
    choice = rfc3779.IPAddressChoice()
    item = rfc3779.IPAddressOrRange()
    item["addressPrefix"] = rfc3779.IPAddress(binValue="00001010")
    choice["addressesOrRanges"][0] = item
    family["ipAddressChoice"] = choice
    blocks = rfc3779.IPAddrBlocks()
    blocks[0] = family
    v4_only = _router(raw_blocks=der_encoder.encode(blocks))
    v = _validate([PKI.path[0], v4_only])
    assert not v.accepted and v.reason is Reason.CERT_ADDRESS_BLOCKS_MALFORMED
    assert encode_ipv6_blocks(["2001:db8::/32"])  # the IPv6 form is what the PKI issues


def test_each_certificate_signature_checked():
    """RFC3971-6.3.1-M4 RFC3971-6.3.1-M6"""
    broken = testpki.with_broken_signature(PKI.router.certificate)
    v = _validate([PKI.path[0], broken])
    assert not v.accepted and v.reason is Reason.CERT_SIGNATURE_INVALID
    import datetime
    expired = _router(not_after=datetime.datetime(2026, 6, 1, tzinfo=datetime.UTC))
    v = _validate([PKI.path[0], expired])
    assert not v.accepted and v.reason is Reason.CERT_EXPIRED


def test_delegated_addresses_subset_or_nonempty_intersection():
    """RFC3971-6.3.1-M5 RFC3971-6.3.1-M11"""
    wider = _router(blocks=("2001:db8::/32",))  # more than the intermediate's /40
    v = _validate([PKI.path[0], wider])
    assert not v.accepted and v.reason is Reason.CERT_ADDRESS_BLOCKS_NOT_DELEGATED
    assert _validate([PKI.path[0], wider], delegation=DelegationPolicy.INTERSECT).accepted
    outside = _router(blocks=("2001:db9::/48",))
    v = _validate([PKI.path[0], outside], delegation=DelegationPolicy.INTERSECT)
    assert not v.accepted and v.reason is Reason.CERT_ADDRESS_BLOCKS_NOT_DELEGATED


def test_router_key_must_be_rsa():
    """RFC3971-6.3.1-M7 RFC3971-6.3.1-M8"""
    ec_router = _router(key=ec.generate_private_key(ec.SECP256R1()))
    v = _validate([PKI.path[0], ec_router])
    assert not v.accepted and v.reason is Reason.CERT_KEY_NOT_RSA


def test_only_x509_certificates_from_a_shared_anchor():
    """RFC3971-6.3-M1 RFC3971-6.3-M2"""
    from rfc5269.send.certpath import PathCollector
    from rfc5269.send.receiver import utc
    from rfc5269.wire.cert_path import CertificationPathAdvertisement
    from rfc5269.wire.ndopt import CertificateOption
    collector = PathCollector([PKI.trust_anchor()])
    ders = [PKI.path[0].public_bytes(_der()), PKI.path[1].public_bytes(_der())]
    other_type = [CertificationPathAdvertisement(4, 2, 1 - i, (CertificateOption(2, d),))
                  for i, d in enumerate(ders)]
    assert [collector.add(c, DST, utc(NOW.timestamp())) for c in other_type] == [None, None]
    x509 = [CertificationPathAdvertisement(5, 2, 1 - i, (CertificateOption(1, d),))
            for i, d in enumerate(ders)]
    results = [collector.add(c, DST, utc(NOW.timestamp())) for c in x509]
    assert results[0] is None and results[1] is not None and results[1].accepted
    stranger = testpki.make_pki(1)
    v = validate_router_path(stranger.path, [PKI.trust_anchor()], NOW)
    assert not v.accepted and v.reason in (Reason.CERT_UNKNOWN_ANCHOR,
                                           Reason.CERT_SIGNATURE_INVALID)


def _der():
    from cryptography.hazmat.primitives.serialization import Encoding
    return Encoding.DER


@pytest.mark.parametrize("bits", [1024])
def test_test_keys_are_small_for_speed(bits):
    """The pool keys are RSA-1024 (the suite stays fast); SEND's minbits default accepts them."""
    assert testpki.pool_key(8).key_size == bits == KeyPolicy().min_bits
