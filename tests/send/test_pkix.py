"""Router certification paths (RFC 3971 §6.3) and RFC 3779 address blocks."""

from __future__ import annotations

import datetime
import ipaddress

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID
from rfc5269.send import addrblocks, pkix, testpki
from rfc5269.send.addrblocks import AddressSet, DelegationPolicy
from rfc5269.send.testpki import VALID_AT, make_pki
from rfc5269.send.verdict import Reason

from .registry import covers, expect_accept, expect_reject

PKI = make_pki(0)
ANCHORS = [PKI.trust_anchor()]
OTHER = make_pki(1, anchor_name="Another Anchor")
PREFIX = ["2001:db8:a:1::/64"]


def validate(path, anchors=ANCHORS, now=VALID_AT, **kw):
    return pkix.validate_router_path(path, anchors, now, **kw)


def router(common_name: str = "R", **kw) -> testpki.Issued:
    return PKI.issue_router(common_name, **kw)


def test_valid_path_accepted() -> None:
    auth = expect_accept(validate(PKI.path, prefixes=PREFIX))
    assert auth.address_blocks == AddressSet.from_networks(["2001:db8:a::/48"])
    assert auth.authorizes(ipaddress.IPv6Network("2001:db8:a:5::/64"))
    assert not auth.authorizes(ipaddress.IPv6Network("2001:db8:b::/64"))
    assert auth.anchor is ANCHORS[0]


def test_deterministic() -> None:
    assert make_pki(0).router.der == PKI.router.der
    assert make_pki(0, depth=2).path[1] == make_pki(0, depth=2).path[1]


@covers(Reason.CERT_EXPIRED)
@pytest.mark.parametrize("when", ["expired", "not-yet-valid"])
def test_expired(when: str) -> None:
    if when == "expired":
        r = router(not_after=VALID_AT - datetime.timedelta(days=1))
    else:
        r = router(not_before=VALID_AT + datetime.timedelta(days=1))
    expect_reject(validate([PKI.path[0], r.certificate]), Reason.CERT_EXPIRED)


@covers(Reason.CERT_UNKNOWN_ANCHOR)
def test_wrong_anchor() -> None:
    expect_reject(validate(OTHER.path), Reason.CERT_UNKNOWN_ANCHOR)
    expect_reject(validate(PKI.path, anchors=[OTHER.trust_anchor()]), Reason.CERT_UNKNOWN_ANCHOR)
    expect_reject(validate([]), Reason.CERT_UNKNOWN_ANCHOR)


def test_missing_intermediate_at_the_anchor_end() -> None:
    expect_reject(validate(PKI.path[1:]), Reason.CERT_UNKNOWN_ANCHOR)


@covers(Reason.CERT_ISSUER_MISMATCH)
def test_missing_intermediate_inside_the_path() -> None:
    deep = make_pki(2, depth=2)
    expect_accept(validate(deep.path, anchors=[deep.trust_anchor()]))
    expect_reject(validate([deep.path[0], deep.path[2]], anchors=[deep.trust_anchor()]),
                  Reason.CERT_ISSUER_MISMATCH)


@covers(Reason.CERT_SIGNATURE_INVALID)
@pytest.mark.parametrize("index", [0, 1])
def test_broken_signature(index: int) -> None:
    path: list = list(PKI.path)
    path[index] = testpki.with_broken_signature(path[index])
    expect_reject(validate(path), Reason.CERT_SIGNATURE_INVALID)


def test_anchor_name_match_but_other_key() -> None:
    # Same subject name as the anchor, different key: the first signature fails.
    impostor = make_pki(3)  # same default anchor name, other keys
    expect_reject(validate(impostor.path), Reason.CERT_SIGNATURE_INVALID)


@covers(Reason.CERT_WRONG_PURPOSE)
@pytest.mark.parametrize("eku", [(ExtendedKeyUsageOID.SERVER_AUTH,), None])
def test_wrong_purpose(eku) -> None:
    r = router(eku=eku)
    expect_reject(validate([PKI.path[0], r.certificate]), Reason.CERT_WRONG_PURPOSE)
    expect_accept(validate([PKI.path[0], r.certificate], require_send_router_purpose=False))


def test_any_purpose_accepted() -> None:
    r = router(eku=(ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE,))
    expect_accept(validate([PKI.path[0], r.certificate]))


@covers(Reason.CERT_PREFIX_NOT_AUTHORIZED)
def test_prefix_outside_blocks() -> None:
    expect_reject(validate(PKI.path, prefixes=["2001:db8:b::/64"]),
                  Reason.CERT_PREFIX_NOT_AUTHORIZED)
    expect_reject(validate(PKI.path, prefixes=["2001:db8::/47"]),  # wider than the /48
                  Reason.CERT_PREFIX_NOT_AUTHORIZED)


@covers(Reason.CERT_NOT_CA)
@pytest.mark.parametrize("how", ["ca-false", "no-basic-constraints", "path-length"])
def test_issuer_not_ca(how: str) -> None:
    anchor = PKI.anchor
    if how == "path-length":
        inter = testpki.issue("I1", testpki.pool_key(7), anchor, serial=70, ca=True,
                              path_length=0, blocks=["2001:db8::/40"])
        inter2 = testpki.issue("I2", testpki.pool_key(8), inter, serial=71, ca=True,
                               blocks=["2001:db8::/40"])
        leaf = testpki.issue("L", testpki.pool_key(9), inter2, serial=72, ca=False,
                             blocks=["2001:db8:a::/48"], eku=[pkix.ID_KP_SEND_ROUTER])
        path = [inter.certificate, inter2.certificate, leaf.certificate]
    else:
        inter = testpki.issue("I1", testpki.pool_key(7), anchor, serial=70, ca=False,
                              blocks=["2001:db8::/40"],
                              basic_constraints=how == "ca-false")
        leaf = testpki.issue("L", testpki.pool_key(9), inter, serial=72, ca=False,
                             blocks=["2001:db8:a::/48"], eku=[pkix.ID_KP_SEND_ROUTER])
        path = [inter.certificate, leaf.certificate]
    expect_reject(validate(path), Reason.CERT_NOT_CA)


@covers(Reason.CERT_KEY_NOT_RSA)
def test_router_key_not_rsa() -> None:
    r = router(key=ec.generate_private_key(ec.SECP256R1()))
    expect_reject(validate([PKI.path[0], r.certificate]), Reason.CERT_KEY_NOT_RSA)


@covers(Reason.CERT_MALFORMED)
def test_malformed_certificate() -> None:
    expect_reject(validate([PKI.path[0], b"\x30\x03\x02\x01\x01"]), Reason.CERT_MALFORMED)


@covers(Reason.CERT_ADDRESS_BLOCKS_MALFORMED)
@pytest.mark.parametrize("raw", [b"\x30\x03\x02\x01\x01", bytes.fromhex("3000"),
                                 addrblocks.encode_ipv6_blocks(["2001:db8::/32"])[:-1]])
def test_address_blocks_malformed(raw: bytes) -> None:
    r = router(raw_blocks=raw)
    expect_reject(validate([PKI.path[0], r.certificate]), Reason.CERT_ADDRESS_BLOCKS_MALFORMED)


@covers(Reason.CERT_ADDRESS_BLOCKS_NOT_DELEGATED)
def test_blocks_not_within_issuer() -> None:
    r = router(blocks=["2001:db9::/48"])
    expect_reject(validate([PKI.path[0], r.certificate]), Reason.CERT_ADDRESS_BLOCKS_NOT_DELEGATED)
    # RFC 3971 §6.3.1's MAY: with intersection, an empty one is still rejected.
    expect_reject(validate([PKI.path[0], r.certificate], delegation=DelegationPolicy.INTERSECT),
                  Reason.CERT_ADDRESS_BLOCKS_NOT_DELEGATED)


def test_intersection_policy() -> None:
    r = router(blocks=["2001:db8:a::/48", "2001:db9::/48"])
    path = [PKI.path[0], r.certificate]
    expect_reject(validate(path), Reason.CERT_ADDRESS_BLOCKS_NOT_DELEGATED)
    auth = expect_accept(validate(path, delegation=DelegationPolicy.INTERSECT))
    assert auth.address_blocks == AddressSet.from_networks(["2001:db8:a::/48"])


@pytest.mark.parametrize("blocks", [addrblocks.INHERIT, ["::/0"], None])
def test_inherit_null_prefix_and_identity_certificates(blocks) -> None:
    """inherit (RFC 3779), ::/0 and no extension (RFC 3971 §6.3.1-§6.3.2) take the issuer's set."""
    r = router(blocks=blocks)
    auth = expect_accept(validate([PKI.path[0], r.certificate]))
    assert auth.address_blocks == AddressSet.from_networks(["2001:db8::/40"])
    expect_reject(validate([PKI.path[0], r.certificate], prefixes=["2001:db8:100::/64"]),
                  Reason.CERT_PREFIX_NOT_AUTHORIZED)


def test_unconstrained_without_any_blocks() -> None:
    free = make_pki(4, anchor_blocks=None, intermediate_blocks=None, router_blocks=None)
    auth = expect_accept(validate(free.path, anchors=[free.trust_anchor()],
                                  prefixes=["fd00::/64"]))
    assert auth.address_blocks is None


def test_ranges() -> None:
    lo = int(ipaddress.IPv6Address("2001:db8:a::"))
    hi = int(ipaddress.IPv6Address("2001:db8:c:ffff:ffff:ffff:ffff:ffff"))
    r = router(blocks=[(lo, hi)])
    auth = expect_accept(validate([PKI.path[0], r.certificate], prefixes=["2001:db8:c::/48"]))
    assert auth.address_blocks == AddressSet(((lo, hi),))


def test_router_key_cache() -> None:
    auth = expect_accept(validate(PKI.path))
    cache = pkix.RouterKeyCache(capacity=1)
    cache.add(auth)
    assert cache.lookup(auth.key_hash, VALID_AT) is auth
    assert cache.known_keys(VALID_AT) == {auth.key_hash: auth.public_key_der}
    assert cache.lookup(auth.key_hash, VALID_AT.replace(year=2040)) is None
    assert len(cache) == 0


@covers(Reason.CERT_UNKNOWN_CRITICAL_EXTENSION)
def test_unknown_critical_extension() -> None:
    from cryptography import x509

    odd = x509.Extension(x509.ObjectIdentifier("1.3.6.1.4.1.55555.1"), True,
                         x509.UnrecognizedExtension(x509.ObjectIdentifier("1.3.6.1.4.1.55555.1"),
                                                    b"\x05\x00"))
    leaf = testpki.issue("L", testpki.pool_key(9), PKI.intermediates[0], serial=99, ca=False,
                         blocks=["2001:db8:a::/48"], eku=[pkix.ID_KP_SEND_ROUTER],
                         extra_extensions=[odd])
    expect_reject(validate([PKI.path[0], leaf.certificate]),
                  Reason.CERT_UNKNOWN_CRITICAL_EXTENSION)
    benign = x509.Extension(odd.oid, False, odd.value)
    leaf2 = testpki.issue("L", testpki.pool_key(9), PKI.intermediates[0], serial=98, ca=False,
                          blocks=["2001:db8:a::/48"], eku=[pkix.ID_KP_SEND_ROUTER],
                          extra_extensions=[benign])
    expect_accept(validate([PKI.path[0], leaf2.certificate]))
