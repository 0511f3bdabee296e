"""CPS/CPA processing (RFC 3971 §6.4)."""

from __future__ import annotations

import ipaddress

from rfc5269.send import certpath, pkix
from rfc5269.send.certpath import HeldPath, PathCollector, RouterCertificates, build_cps
from rfc5269.send.testpki import VALID_AT, make_pki
from rfc5269.send.verdict import Reason
from rfc5269.wire.cert_path import CertificationPathAdvertisement, CertificationPathSolicitation
from rfc5269.wire.ndopt import NAME_TYPE_FQDN, CertificateOption, TrustAnchorOption

from .registry import expect_accept, expect_reject

PKI = make_pki(5, depth=2)
OTHER = make_pki(6, anchor_name="Unrelated Anchor", fqdn="other.example")
ROUTER_LL = ipaddress.IPv6Address("fe80::a")
HOST_LL = ipaddress.IPv6Address("fe80::b")


def router() -> RouterCertificates:
    return RouterCertificates([HeldPath(OTHER.anchor.certificate, tuple(OTHER.path)),
                               HeldPath(PKI.anchor.certificate, tuple(PKI.path))])


def test_cps_names_the_anchor_first_by_der_name() -> None:
    cps = build_cps(42, [PKI.trust_anchor()], with_fqdn=True)
    first, second = cps.options
    assert isinstance(first, TrustAnchorOption) and first.name_type == 1
    assert first.name == PKI.anchor.certificate.subject.public_bytes()
    assert isinstance(second, TrustAnchorOption) and second.name_type == NAME_TYPE_FQDN
    assert certpath.fqdn_from_wire(second.name) == "anchor.send-test.example"
    wire = cps.encode(HOST_LL, ipaddress.IPv6Address("ff02::2"))
    assert CertificationPathSolicitation.decode(wire, HOST_LL,
                                                ipaddress.IPv6Address("ff02::2")) == cps


def test_router_answers_one_certificate_per_cpa_anchor_side_first() -> None:
    cpas = router().answer(build_cps(42, [PKI.trust_anchor()]))
    assert [c.component for c in cpas] == [2, 1, 0]
    assert all(c.all_components == 3 and c.identifier == 42 for c in cpas)
    certs = [[o for o in c.options if isinstance(o, CertificateOption)] for c in cpas]
    assert all(len(c) == 1 for c in certs)
    assert [c[0].certificate for c in certs] == [
        pkix_der(x) for x in PKI.path]
    assert any(isinstance(o, TrustAnchorOption) for o in cpas[0].options)
    assert not any(isinstance(o, TrustAnchorOption) for c in cpas[1:] for o in c.options)
    for c in cpas:  # they encode and decode
        wire = c.encode(ROUTER_LL, HOST_LL)
        assert CertificationPathAdvertisement.decode(wire, ROUTER_LL, HOST_LL) == c


def pkix_der(cert) -> bytes:
    from cryptography.hazmat.primitives import serialization
    return cert.public_bytes(serialization.Encoding.DER)


def test_router_matches_fqdn_and_single_component() -> None:
    fqdn = TrustAnchorOption(NAME_TYPE_FQDN, certpath.fqdn_to_wire("Other.Example"))
    cps = CertificationPathSolicitation(
        9, 0, (TrustAnchorOption(1, b"\x30\x00"), fqdn))
    cpas = router().answer(cps)
    assert len(cpas) == 1 and cpas[0].component == 0 and cpas[0].all_components == 2


def test_router_without_path_sends_no_certificates() -> None:
    unknown = make_pki(7, anchor_name="Nobody")
    cpas = router().answer(build_cps(5, [unknown.trust_anchor()]))
    assert len(cpas) == 1 and cpas[0].all_components == 0
    assert not any(isinstance(o, CertificateOption) for o in cpas[0].options)
    assert PathCollector([unknown.trust_anchor()]).add(cpas[0], ROUTER_LL, VALID_AT) is None


def test_host_assembles_in_any_order_and_caches_the_key() -> None:
    host = PathCollector([PKI.trust_anchor()])
    cpas = router().answer(build_cps(42, [PKI.trust_anchor()]))
    assert host.add(cpas[2], ROUTER_LL, VALID_AT) is None  # reordered delivery
    assert host.add(cpas[0], ROUTER_LL, VALID_AT) is None
    auth = expect_accept(host.add(cpas[1], ROUTER_LL, VALID_AT))
    assert host.cache.lookup(auth.key_hash, VALID_AT) is auth
    assert auth.public_key_der == pkix.validate_router_path(
        PKI.path, [PKI.trust_anchor()], VALID_AT).info.public_key_der  # type: ignore[union-attr]


def test_host_rejects_a_path_to_a_foreign_anchor() -> None:
    host = PathCollector([PKI.trust_anchor()])
    verdicts = [host.add(c, ROUTER_LL, VALID_AT)
                for c in router().answer(build_cps(1, [OTHER.trust_anchor()]))]
    expect_reject(verdicts[-1], Reason.CERT_UNKNOWN_ANCHOR)  # type: ignore[arg-type]
    assert len(host.cache) == 0


def test_raw_cpa_decode_errors_are_verdicts() -> None:
    host = PathCollector([PKI.trust_anchor()])
    expect_reject(host.add_raw(b"\x95\x00\x00", ROUTER_LL, HOST_LL, VALID_AT),  # type: ignore[arg-type]
                  Reason.MALFORMED)
