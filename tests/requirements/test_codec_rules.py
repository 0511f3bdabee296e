"""Wire-format requirements checked directly through the codec's public API.

RFC 5269 §4 (Handover Key Request/Reply), RFC 3971 §5-§6 options, RFC 5568 §6.1, §6.4
options, RFC 3775 §6.1.1, §6.3 (Mobility Header, Home Address option). Each test
encodes what a sender must send and decodes what a receiver must accept or refuse.
"""

from __future__ import annotations

from ipaddress import IPv6Address

import pytest
from rfc5269.errors import DecodeError, EncodeError
from rfc5269.handover.algorithms import HMAC_SHA1_96
from rfc5269.interpretations import BadfLength
from rfc5269.send.keys import public_key_der
from rfc5269.send.testpki import make_pki, pool_key
from rfc5269.wire.cert_path import (
    CertificationPathAdvertisement,
    CertificationPathSolicitation,
)
from rfc5269.wire.fmip import PrRtAdv, RtSolPr
from rfc5269.wire.ipv6 import (
    DestinationOptionsHeader,
    HomeAddressOption,
    IPv6Header,
    IPv6Packet,
)
from rfc5269.wire.mobility import (
    AlternateCareOfAddress,
    BindingAuthorizationDataFmip,
    FastBindingAck,
    FastBindingUpdate,
    mh_checksum,
)
from rfc5269.wire.ndopt import (
    IP_NAR_ADDRESS,
    IP_NAR_PREFIX,
    LLA_NAR,
    LLA_NEW_ACCESS_POINT,
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
    decode_option,
    decode_options,
)

OPT = BadfLength.OPTION_DATA
SPKI = public_key_der(pool_key(21))
PKI = make_pki(0)
A = IPv6Address("2001:db8:a::1")
B = IPv6Address("fe80::2")


def _set(data: bytes, index: int, value: int) -> bytes:
    b = bytearray(data)
    b[index] = value
    return bytes(b)


# ====================================================================== RFC 5269 §4


def test_handover_key_request_padding_and_reserved():
    """Sent as zero, ignored on receipt.

    RFC5269-4.1-M2 RFC5269-4.1-M3 RFC5269-4.1-M4
    """
    opt = HandoverKeyRequest(1, SPKI)
    data = opt.encode()
    pad = data[2]
    assert 0 < pad < 8 and data[-pad:] == bytes(pad)  # zero padding
    assert data[3] & 0x0F == 0 and data[3] >> 4 == 1  # Reserved bits zero, AT above them
    noisy = bytearray(data)
    noisy[3] |= 0x0F
    noisy[-pad:] = b"\xff" * pad
    assert HandoverKeyRequest.decode(bytes(noisy)) == opt


def test_handover_key_request_length_zero_discarded():
    """RFC5269-4.1-M1"""
    data = _set(HandoverKeyRequest(0, SPKI).encode(), 1, 0)
    with pytest.raises(DecodeError, match="Length 0"):
        HandoverKeyRequest.decode(data)
    with pytest.raises(DecodeError, match="Length 0"):
        decode_options(data)


def test_handover_key_reply_padding_and_reserved():
    """RFC5269-4.2-M2 RFC5269-4.2-M3 RFC5269-4.2-M4"""
    opt = HandoverKeyReply(1, 3600, b"\x42" * 129)
    data = opt.encode()
    pad = data[2]
    assert 0 < pad < 8 and data[-pad:] == bytes(pad)
    assert data[3] & 0x0F == 0 and data[3] >> 4 == 1
    assert int.from_bytes(data[4:6], "big") == 3600
    noisy = bytearray(data)
    noisy[3] |= 0x0F
    noisy[-pad:] = b"\x01" * pad
    assert HandoverKeyReply.decode(bytes(noisy)) == opt


def test_handover_key_reply_length_zero_discarded():
    """RFC5269-4.2-M1"""
    data = _set(HandoverKeyReply(0, 1, b"\x01" * 128).encode(), 1, 0)
    with pytest.raises(DecodeError, match="Length 0"):
        decode_options(data)


# ====================================================================== RFC 3971 §5 options


def _cga_option() -> CgaOption:
    from rfc5269.send.cga import cga_generate
    from rfc5269.send.sender import wire_parameters
    g = cga_generate(SPKI, bytes(8), 0, lambda n: b"\x07" * n)
    return CgaOption(wire_parameters(g.parameters))


def test_send_options_supported_round_trip():
    """The four SEND options encode and decode (RFC 3971 §5).

    RFC3971-5-M1
    """
    options = (_cga_option(), TimestampOption.from_seconds(1_800_000_000),
               NonceOption(b"\x01" * 6), RsaSignatureOption.create(bytes(16), b"\x02" * 128))
    for opt in options:
        data = opt.encode()
        assert decode_option(data).encode() == data
        assert type(decode_option(data)) is type(opt)


def test_cga_option_padding_and_reserved():
    """RFC3971-5.1-M1 RFC3971-5.1-M2 RFC3971-5.1-M3"""
    opt = _cga_option()
    data = opt.encode()
    pad = data[2]
    assert data[3] == 0 and data[len(data) - pad:] == bytes(pad)
    noisy = bytearray(data)
    noisy[3] = 0xAA
    if pad:
        noisy[-pad:] = b"\xee" * pad
    assert CgaOption.decode(bytes(noisy)) == opt


def test_rsa_signature_option_reserved():
    """RFC3971-5.2-M1 RFC3971-5.2-M2"""
    opt = RsaSignatureOption.create(b"\x11" * 16, b"\x22" * 128)
    data = opt.encode()
    assert data[2:4] == b"\x00\x00"
    noisy = _set(_set(data, 2, 0xFF), 3, 0x01)
    decoded = RsaSignatureOption.decode(noisy)
    assert decoded.key_hash == opt.key_hash
    assert decoded.with_signature_length(128).signature == opt.signature


def test_timestamp_option_reserved():
    """RFC3971-5.3.1-M1 RFC3971-5.3.1-M2"""
    opt = TimestampOption.from_seconds(1_800_000_000.5)
    data = opt.encode()
    assert data[2:8] == bytes(6) and len(data) == 16
    noisy = bytes(data[:2]) + b"\xff" * 6 + bytes(data[8:])
    assert TimestampOption.decode(noisy) == opt


def test_nonce_length_rules():
    """Six octets or more, the option filling whole 8-octet units.

    RFC3971-5.3.2-M1 RFC3971-5.3.2-M2
    """
    from rfc5269.send.nonces import make_nonce
    nonce = make_nonce(lambda n: b"\x5a" * n)
    assert len(nonce) >= 6 and (2 + len(nonce)) % 8 == 0
    assert len(NonceOption(nonce).encode()) % 8 == 0
    with pytest.raises(EncodeError):
        NonceOption(b"\x01" * 5).encode()
    with pytest.raises(EncodeError):
        NonceOption(b"\x01" * 7).encode()  # 9 octets: not a multiple of 8


# ====================================================================== RFC 3971 §6.4


def test_trust_anchor_option_padding_and_x501_name():
    """RFC3971-6.4.3-M1 RFC3971-6.4.3-M2"""
    name = PKI.trust_anchor().name_der
    opt = TrustAnchorOption(1, name)
    data = opt.encode()
    pad = data[3]
    assert len(data) % 8 == 0 and data[len(data) - pad:] == bytes(pad)
    noisy = bytearray(data)
    if pad:
        noisy[-pad:] = b"\x99" * pad
    assert TrustAnchorOption.decode(bytes(noisy)) == opt
    # Name Type 1 must be one DER X.501 Name filling the field
    bad = bytearray(TrustAnchorOption(1, name + b"\x00" * 8).encode())
    with pytest.raises(DecodeError):
        TrustAnchorOption.decode(bytes(bad))


def test_certificate_option_reserved():
    """RFC3971-6.4.4-M1 RFC3971-6.4.4-M2"""
    from cryptography.hazmat.primitives.serialization import Encoding
    der = PKI.router.certificate.public_bytes(Encoding.DER)
    opt = CertificateOption(1, der)
    data = opt.encode()
    assert data[3] == 0
    assert CertificateOption.decode(_set(data, 3, 0x5A)) == opt


def test_cps_and_cpa_minimum_size_and_option_lengths():
    """RFC3971-6.4.1-M4 RFC3971-6.4.1-M5 RFC3971-6.4.2-M7 RFC3971-6.4.2-M8"""
    cps = CertificationPathSolicitation(5, options=(TrustAnchorOption(1, PKI.trust_anchor()
                                                                      .name_der),))
    cpa = CertificationPathAdvertisement(5, 1, 0, (UnknownOption(200, bytes(6)),))
    for msg, cls in ((cps, CertificationPathSolicitation),
                     (cpa, CertificationPathAdvertisement)):
        data = msg.encode(A, B)
        assert cls.decode(data, A, B) == msg
        with pytest.raises(DecodeError):
            cls.decode(data[:7])
        head = 8 if cls is CertificationPathSolicitation else 12
        zero_len = bytearray(data)
        zero_len[head + 1] = 0
        with pytest.raises(DecodeError):
            cls.decode(bytes(zero_len))


def test_cpa_reserved_zero_on_send_ignored_on_receipt():
    """RFC3971-6.4.2-M3 RFC3971-6.4.2-M4"""
    cpa = CertificationPathAdvertisement(9, 1, 0, ())
    data = cpa.encode()
    assert data[10:12] == b"\x00\x00"
    assert CertificationPathAdvertisement.decode(_set(data, 10, 0xFF)) == cpa


def test_cps_and_cpa_keep_unknown_and_foreign_options():
    """Unknown options and defined options that do not belong are kept and ignored.

    RFC3971-6.4.5-M2 RFC3971-6.4.5-M3 RFC3971-6.4.6-M2 RFC3971-6.4.6-M4 RFC3971-6.4.2-M6
    RFC3971-6.4.1-M3
    """
    extra = (UnknownOption(222, bytes(6)), NonceOption(b"\x01" * 6))
    ta = TrustAnchorOption(1, PKI.trust_anchor().name_der)
    cps = CertificationPathSolicitation(3, options=(ta, *extra))
    assert CertificationPathSolicitation.decode(cps.encode(A, B), A, B).options == (ta, *extra)
    cpa = CertificationPathAdvertisement(3, 1, 0, extra)
    assert CertificationPathAdvertisement.decode(cpa.encode(A, B), A, B).options == extra


# ====================================================================== RFC 5568 §6.1, §6.4


def test_rtsolpr_and_prrtadv_reserved():
    """RFC5568-6.1.1-M1 RFC5568-6.1.2-M2"""
    new_ap = FmipLinkLayerAddressOption.for_address(LLA_NEW_ACCESS_POINT, b"\x02" * 6)
    nar = (FmipLinkLayerAddressOption.for_address(LLA_NAR, b"\x03" * 6),
           IpAddressPrefixOption(IP_NAR_ADDRESS, 128, A))
    for msg in (RtSolPr(1, (new_ap,)), PrRtAdv(0, 1, (new_ap, *nar))):
        data = msg.encode(A, B)
        assert data[5] == 0
        assert type(msg).decode(_set(data, 5, 0x77)) == msg


def test_prrtadv_unknown_options_kept():
    """RFC5568-6.1.2-M7"""
    new_ap = FmipLinkLayerAddressOption.for_address(7, b"\x02" * 6)
    msg = PrRtAdv(2, 1, (new_ap, UnknownOption(250, bytes(6))))
    assert PrRtAdv.decode(msg.encode(A, B), A, B) == msg


def test_ip_address_prefix_option_rules():
    """Prefix bits past Prefix Length zeroed and ignored; Reserved zero and ignored.

    RFC5568-6.4.1-M1 RFC5568-6.4.1-M2 RFC5568-6.4.1-M3
    """
    opt = IpAddressPrefixOption(IP_NAR_PREFIX, 48, IPv6Address("2001:db8:b:ffff::1"))
    data = opt.encode()
    assert len(data) == 24 and data[4:8] == bytes(4)
    assert IPv6Address(data[8:24]) == IPv6Address("2001:db8:b::")
    noisy = bytearray(data)
    noisy[4:8] = b"\xff" * 4
    noisy[20] = 0xAB  # beyond the /48
    decoded = IpAddressPrefixOption.decode(bytes(noisy))
    assert decoded.address == IPv6Address("2001:db8:b::") and decoded.prefix_length == 48


def test_lla_option_padded_to_eight_octets():
    """RFC5568-6.4.3-M1"""
    for n in (6, 8, 13):
        data = FmipLinkLayerAddressOption.for_address(LLA_NEW_ACCESS_POINT, b"\x01" * n).encode()
        assert len(data) % 8 == 0 and data[3 + n:] == bytes(len(data) - 3 - n)


# ====================================================================== RFC 3775 §6.1.1, §6.3


def _fbu() -> FastBindingUpdate:
    return FastBindingUpdate(7, 10, (AlternateCareOfAddress(IPv6Address("2001:db8:b::9")),
                                     BindingAuthorizationDataFmip(0, b"\x01" * 12)))


def test_mobility_header_length_reserved_and_options_placement():
    """RFC3775-6.1.1-M1 RFC3775-6.1.1-M2 RFC3775-6.1.1-M5 RFC3775-6.1.1-M6"""
    for msg in (_fbu(), FastBindingAck(0, 7, 10, (BindingAuthorizationDataFmip(0, b"\x02" * 12),))):
        mh = msg.encode(A, B, OPT)
        assert len(mh) % 8 == 0 and (mh[1] + 1) * 8 == len(mh)
        assert mh[3] == 0  # MH Reserved
        first_option = 12
        assert mh[first_option] in (0, 1, 3, 21)  # padding or an option, after the fixed part
        packet = IPv6Packet(IPv6Header(A, B, hop_limit=64),
                            (DestinationOptionsHeader((HomeAddressOption(A),)),)
                            if isinstance(msg, FastBindingUpdate) else (), msg).encode(OPT)
        assert (len(packet) - len(mh)) % 8 == 0  # the MH starts on an 8-octet boundary


def test_mobility_header_reserved_ignored_and_checksum_pseudo_header():
    """RFC3775-6.1.1-M3 RFC3775-6.1.1-M4"""
    msg = _fbu()
    mh = bytearray(msg.encode(A, B, OPT))
    # the checksum: upper-layer length = whole MH, Next Header 135
    pseudo = A.packed + B.packed + len(mh).to_bytes(4, "big") + bytes(3) + bytes((135,))
    zeroed = bytes(mh[:4]) + b"\x00\x00" + bytes(mh[6:])
    total = sum(int.from_bytes((pseudo + zeroed)[i:i + 2], "big")
                for i in range(0, len(pseudo + zeroed), 2))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    assert int.from_bytes(mh[4:6], "big") == (~total & 0xFFFF)
    mh[3] = 0x42
    mh[4:6] = b"\x00\x00"
    mh[4:6] = mh_checksum(A, B, bytes(mh)).to_bytes(2, "big")
    assert FastBindingUpdate.decode(bytes(mh), A, B, OPT) == msg


def test_home_address_option_rules():
    """Length 16, a unicast routable address, one per header, in a Destination Options header.

    RFC3775-6.3-M1 RFC3775-6.3-M2 RFC3775-6.3-M4 RFC3775-6.3-M5 RFC3775-9.3.1-M1
    RFC3775-9.5.1-M2
    """
    hao = HomeAddressOption(A)
    assert hao.encode()[1] == 16
    packet = IPv6Packet(IPv6Header(A, B, hop_limit=64),
                        (DestinationOptionsHeader((hao,)),), _fbu()).encode(OPT)
    assert packet[6] == 60 and packet[40] == 135  # IPv6 -> Destination Options -> MH
    decoded = IPv6Packet.decode(packet, badf_length=OPT)
    assert decoded.home_address == A
    for bad in ("ff02::1", "fe80::1", "::", "::1"):
        data = b"\xc9\x10" + IPv6Address(bad).packed
        with pytest.raises(DecodeError):
            HomeAddressOption.decode(data)
    with pytest.raises(EncodeError):
        DestinationOptionsHeader((hao, HomeAddressOption(A))).encode()
    two = bytearray(DestinationOptionsHeader((hao,)).encode())
    # a header holding two Home Address options: [NH, len, PadN(4), HAO, pad to 8n+6, HAO]
    body = bytes((135, 6)) + b"\x01\x02\x00\x00" + hao.encode() + b"\x01\x04" + bytes(4) \
        + hao.encode() + b"\x01\x06" + bytes(6)
    assert len(body) % 8 == 0 and two
    with pytest.raises(DecodeError, match="may appear once"):
        DestinationOptionsHeader.decode(body)


def test_badf_last_and_no_padding_after_it():
    """RFC5568-6.4.5-M2 RFC3775-6.2-M1 RFC3775-6.2-M2 RFC3775-11.7.3-M3 RFC3775-11.7.3-M4"""
    fback = FastBindingAck(0, 7, 10, (BindingAuthorizationDataFmip(0, b"\x03" * 12),))
    fmh = bytearray(fback.encode(B, A, OPT)) + bytes(8)
    fmh[1] += 1
    fmh[4:6] = b"\x00\x00"
    fmh[4:6] = mh_checksum(B, A, bytes(fmh)).to_bytes(2, "big")
    with pytest.raises(DecodeError, match="last mobility option"):
        FastBindingAck.decode(bytes(fmh), B, A, OPT)
    mh = _fbu().encode(A, B, OPT)
    assert mh.endswith(b"\x01" * 12)
    with pytest.raises(EncodeError):
        FastBindingUpdate(1, 1, (BindingAuthorizationDataFmip(0, b"\x01" * 12),
                                 AlternateCareOfAddress(A))).encode(A, B, OPT)
    padded = bytearray(mh) + b"\x00" * 8  # a Pad1 run after the BADF
    padded[1] += 1
    padded[4:6] = b"\x00\x00"
    padded[4:6] = mh_checksum(A, B, bytes(padded)).to_bytes(2, "big")
    with pytest.raises(DecodeError, match="last mobility option"):
        FastBindingUpdate.decode(bytes(padded), A, B, OPT)
    assert HMAC_SHA1_96.mac_length == 12
