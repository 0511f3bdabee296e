"""Hypothesis strategies for every wire message and option, in their canonical form.

Each strategy draws objects whose encoding is canonical, so that both
``decode(encode(m)) == m`` and ``encode(decode(b)) == b`` must hold.
"""

from __future__ import annotations

import ipaddress
from functools import cache
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from rfc5269.send.keys import public_key_der
from rfc5269.send.testpki import pool_key
from rfc5269.wire.cert_path import CertificationPathAdvertisement, CertificationPathSolicitation
from rfc5269.wire.cga_params import CgaParameters, ExtensionField
from rfc5269.wire.fmip import PrRtAdv, RtSolPr
from rfc5269.wire.ipv6 import (
    DestinationOptionsHeader,
    HomeAddressOption,
    IPv6Header,
    IPv6Packet,
    UnknownDestinationOption,
)
from rfc5269.wire.mobility import (
    AlternateCareOfAddress,
    BindingAuthorizationDataFmip,
    FastBindingAck,
    FastBindingUpdate,
    MobilityHeaderLla,
    MobilityOption,
    UnknownMobilityOption,
)
from rfc5269.wire.ndopt import (
    IP_NAR_ADDRESS,
    LLA_NAR,
    LLA_NEW_ACCESS_POINT,
    OPTION_CLASSES,
    CertificateOption,
    CgaOption,
    FmipLinkLayerAddressOption,
    HandoverKeyReply,
    HandoverKeyRequest,
    IpAddressPrefixOption,
    NdOption,
    NonceOption,
    RsaSignatureOption,
    SourceLinkLayerAddress,
    TargetLinkLayerAddress,
    TimestampOption,
    TrustAnchorOption,
    UnknownOption,
)

settings.register_profile("wire", derandomize=True, max_examples=60, deadline=None,
                          database=None)
WIRE = settings.get_profile("wire")


def _der_length(n: int) -> bytes:
    if n < 0x80:
        return bytes((n,))
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes((0x80 | len(raw),)) + raw


@st.composite
def der_sequence(draw: Any, max_size: int = 300) -> bytes:
    """One DER SEQUENCE with arbitrary content."""
    content = draw(st.binary(max_size=max_size))
    return b"\x30" + _der_length(len(content)) + content


@cache
def spki_pool() -> tuple[bytes, ...]:
    """DER SubjectPublicKeyInfo of the project's fixed test keys."""
    return tuple(public_key_der(pool_key(i)) for i in range(4))


spki = st.deferred(lambda: st.sampled_from(spki_pool()))
addresses = st.integers(0, 2**128 - 1).map(ipaddress.IPv6Address)
home_addresses = st.integers(0, 2**96 - 1).map(
    lambda v: ipaddress.IPv6Address((0x20010DB8 << 96) | v))


def aligned(extra: int, max_k: int = 6) -> st.SearchStrategy[bytes]:
    """Octet strings of length 8k + ``extra``."""
    return st.integers(0, max_k).flatmap(
        lambda k: st.binary(min_size=8 * k + extra, max_size=8 * k + extra))


extension_fields = st.lists(st.builds(ExtensionField, st.integers(0, 0xFFFF),
                                      st.binary(max_size=20)), max_size=3).map(tuple)
cga_parameters = st.builds(CgaParameters, st.binary(min_size=16, max_size=16),
                           st.binary(min_size=8, max_size=8), st.integers(0, 255),
                           der_sequence(200), extension_fields)


def _prefix_canonical(code: int, plen: int, a: ipaddress.IPv6Address) -> IpAddressPrefixOption:
    return IpAddressPrefixOption(code, plen, IpAddressPrefixOption(code, plen, a)
                                 ._canonical_address())


lla_option = st.builds(lambda c, a: FmipLinkLayerAddressOption.for_address(c, a),
                       st.integers(0, 7), st.binary(max_size=16))

nd_options: dict[type[NdOption], st.SearchStrategy[Any]] = {
    SourceLinkLayerAddress: st.builds(SourceLinkLayerAddress.for_address, st.binary(max_size=16)),
    TargetLinkLayerAddress: st.builds(TargetLinkLayerAddress.for_address, st.binary(max_size=16)),
    CgaOption: st.builds(CgaOption, cga_parameters),
    RsaSignatureOption: st.builds(RsaSignatureOption, st.binary(min_size=16, max_size=16),
                                  aligned(4, 20)),
    TimestampOption: st.builds(TimestampOption, st.integers(0, 2**64 - 1)),
    NonceOption: st.builds(NonceOption, aligned(6, 4)),
    TrustAnchorOption: st.one_of(
        st.builds(TrustAnchorOption, st.just(1), der_sequence(100)),
        st.builds(TrustAnchorOption, st.integers(2, 255), st.binary(min_size=1, max_size=60))),
    CertificateOption: st.one_of(
        st.builds(CertificateOption, st.just(1), der_sequence(300)),
        st.builds(CertificateOption, st.integers(2, 255), aligned(4, 10))),
    IpAddressPrefixOption: st.builds(_prefix_canonical, st.integers(1, 4), st.integers(0, 128),
                                     addresses),
    FmipLinkLayerAddressOption: lla_option,
    HandoverKeyRequest: st.builds(HandoverKeyRequest, st.integers(0, 15), spki),
    HandoverKeyReply: st.builds(HandoverKeyReply, st.integers(0, 15), st.integers(0, 0xFFFF),
                                st.binary(min_size=1, max_size=300)),
    UnknownOption: st.builds(UnknownOption,
                             st.integers(0, 255).filter(lambda t: t not in OPTION_CLASSES),
                             aligned(6, 4)),
}
assert set(OPTION_CLASSES.values()) <= set(nd_options)
any_nd_option = st.one_of(*nd_options.values())
# Options that cannot upset a message's option-combination rules.
neutral_nd_option = st.one_of(*(s for c, s in nd_options.items()
                                if c not in (FmipLinkLayerAddressOption, TrustAnchorOption)))
nd_option_lists = st.lists(any_nd_option, max_size=5).map(tuple)
ids16 = st.integers(0, 0xFFFF)


def _lla(code: int) -> FmipLinkLayerAddressOption:
    return FmipLinkLayerAddressOption.for_address(code, bytes.fromhex("020000000001"))


rtsolpr = st.builds(
    lambda i, extra: RtSolPr(i, (_lla(LLA_NEW_ACCESS_POINT), *extra)),
    ids16, st.lists(neutral_nd_option, max_size=4))
prrtadv = st.builds(
    lambda c, i, extra: PrRtAdv(c, i, (_lla(LLA_NEW_ACCESS_POINT), _lla(LLA_NAR),
                                       IpAddressPrefixOption(IP_NAR_ADDRESS, 128,
                                                             ipaddress.IPv6Address("2001:db8::1")),
                                       *extra)),
    st.integers(0, 5), ids16, st.lists(neutral_nd_option, max_size=4))
trust_anchor_der = st.builds(TrustAnchorOption, st.just(1), der_sequence(60))
cps = st.builds(
    lambda i, comp, tas, extra: CertificationPathSolicitation(i, comp, (*tas, *extra)),
    st.integers(1, 0xFFFF), ids16, st.lists(trust_anchor_der, max_size=2),
    st.lists(neutral_nd_option, max_size=3))


@st.composite
def cpa(draw: Any) -> CertificationPathAdvertisement:
    total = draw(st.integers(0, 5))
    component = draw(st.integers(0, max(total - 1, 0)))
    first = total <= 1 or component == total - 1
    tas = draw(st.lists(trust_anchor_der, max_size=2)) if first else []
    certs = draw(st.lists(nd_options[CertificateOption], max_size=2))
    return CertificationPathAdvertisement(draw(ids16), total, component, (*tas, *certs))


icmpv6_messages = st.one_of(rtsolpr, prrtadv, cps, cpa())

badf = st.builds(BindingAuthorizationDataFmip, st.integers(0, 2**32 - 1),
                 st.binary(min_size=1, max_size=32))
mobility_options: st.SearchStrategy[MobilityOption] = st.one_of(
    st.builds(AlternateCareOfAddress, addresses),
    st.builds(MobilityHeaderLla, st.binary(max_size=16)),
    st.builds(UnknownMobilityOption, st.integers(2, 255).filter(lambda t: t not in (3, 7, 21)),
              st.binary(max_size=20)),
)
flags = st.booleans()
fbu = st.builds(
    lambda s, lt, opts, b, lf, kf, pp: FastBindingUpdate(s, lt, (*opts, b), True, True, lf, kf,
                                                         pp),
    ids16, ids16, st.lists(mobility_options, max_size=3), badf, flags, flags,
    st.integers(0, 255))
fback = st.builds(
    lambda status, s, lt, alt, opts, b, kf: FastBindingAck(
        status, s, lt, ((AlternateCareOfAddress(alt),) if status == 1 else ()) + (*opts, b), kf),
    st.integers(0, 255), ids16, ids16, addresses, st.lists(mobility_options, max_size=2), badf,
    flags)
mobility_messages = st.one_of(fbu, fback)

ipv6_headers = st.builds(IPv6Header, addresses, addresses, st.integers(0, 255),
                         st.integers(0, 255), st.integers(0, 2**20 - 1))
unknown_dst_option = st.builds(UnknownDestinationOption,
                               st.integers(2, 63), st.binary(max_size=12))
dst_opts_with_hoa = st.builds(
    lambda extra, hoa: DestinationOptionsHeader((*extra, HomeAddressOption(hoa))),
    st.lists(unknown_dst_option, max_size=2), home_addresses)


@st.composite
def ipv6_packets(draw: Any) -> IPv6Packet:
    header = draw(ipv6_headers)
    payload = draw(st.one_of(icmpv6_messages, mobility_messages))
    needs_hoa = isinstance(payload, FastBindingUpdate)
    ext: tuple[DestinationOptionsHeader, ...] = ()
    if needs_hoa or draw(st.booleans()):
        ext = (draw(dst_opts_with_hoa),)
    return IPv6Packet(header, ext, payload)
