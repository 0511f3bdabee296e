"""A small test PKI for SEND router authorization (RFC 3971 §6, RFC 6494 profile).

:func:`make_pki` builds a trust anchor, ``depth`` intermediate CAs and a
router certificate carrying the RFC 3779 address blocks (critical, as
RFC 6494 requires) and the id-kp-sendRouter extended key usage. Everything is
deterministic given the seed: keys come from a fixed pool of RSA-1024 keys
(:mod:`rfc5269.send._testpki_keys`; `cryptography` cannot derive RSA keys from
a seed), validity dates are fixed, serial numbers derive from the seed, and
PKCS#1 v1.5 signatures are deterministic — the same call gives byte-identical
certificates in every process.

For negative tests, :func:`issue` takes every knob (validity, purpose,
blocks, CA flag), and :func:`with_broken_signature` flips a signature bit.

These keys are public test material: never use them for anything else.
"""

from __future__ import annotations

import datetime
import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.types import CertificateIssuerPrivateKeyTypes
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from rfc5269.send import addrblocks
from rfc5269.send._testpki_keys import KEYS
from rfc5269.send.pkix import ID_KP_SEND_ROUTER, OID_IP_ADDR_BLOCKS, TrustAnchor

NOT_BEFORE = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
NOT_AFTER = datetime.datetime(2036, 1, 1, tzinfo=datetime.UTC)
VALID_AT = datetime.datetime(2026, 11, 27, tzinfo=datetime.UTC)
"""A time at which the default certificates are valid (use it as ``now`` in tests)."""

Blocks = Sequence[ipaddress.IPv6Network | str | tuple[int, int]] | addrblocks.Inherit | None


@cache
def pool_key(index: int) -> rsa.RSAPrivateKey:
    """Key ``index`` (mod the pool size) of the fixed test-key pool."""
    key = serialization.load_pem_private_key(KEYS[index % len(KEYS)].encode(), None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


@dataclass(frozen=True)
class Issued:
    """A certificate with its private key."""

    certificate: x509.Certificate
    private_key: CertificateIssuerPrivateKeyTypes

    @property
    def der(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.DER)

    @property
    def rsa_key(self) -> rsa.RSAPrivateKey:
        """The private key, which for the default PKI is RSA."""
        assert isinstance(self.private_key, rsa.RSAPrivateKey)
        return self.private_key


def _name(common_name: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "rfc5269 test PKI"),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])


def issue(
    common_name: str,
    key: CertificateIssuerPrivateKeyTypes,
    issuer: Issued | None,
    *,
    serial: int,
    ca: bool,
    path_length: int | None = None,
    blocks: Blocks = None,
    eku: Sequence[x509.ObjectIdentifier] | None = None,
    not_before: datetime.datetime = NOT_BEFORE,
    not_after: datetime.datetime = NOT_AFTER,
    dns_names: Sequence[str] = (),
    basic_constraints: bool = True,
    raw_blocks: bytes | None = None,
    extra_extensions: Sequence[x509.Extension[x509.ExtensionType]] = (),
) -> Issued:
    """One certificate; self-signed when ``issuer`` is None.

    ``raw_blocks`` puts arbitrary octets in the RFC 3779 extension (negative tests).
    """
    subject = _name(common_name)
    signer = key if issuer is None else issuer.private_key
    issuer_name = subject if issuer is None else issuer.certificate.subject
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(serial)
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
    )
    if basic_constraints:
        builder = builder.add_extension(
            x509.BasicConstraints(ca=ca, path_length=path_length if ca else None), True)
    builder = builder.add_extension(x509.KeyUsage(
        digital_signature=not ca, content_commitment=False, key_encipherment=False,
        data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
        encipher_only=False, decipher_only=False), True)
    if issuer is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.private_key.public_key()),
            False)
    if blocks is not None or raw_blocks is not None:
        value = raw_blocks if raw_blocks is not None else addrblocks.encode_ipv6_blocks(
            blocks if blocks is not None else ())
        builder = builder.add_extension(x509.UnrecognizedExtension(OID_IP_ADDR_BLOCKS, value),
                                        True)
    if eku is not None:
        builder = builder.add_extension(x509.ExtendedKeyUsage(list(eku)), False)
    if dns_names:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(n) for n in dns_names]), False)
    for ext in extra_extensions:
        builder = builder.add_extension(ext.value, ext.critical)
    cert = builder.sign(signer, hashes.SHA256())
    return Issued(cert, key)


def with_broken_signature(cert: x509.Certificate) -> bytes:
    """The certificate's DER with one bit of its signature flipped."""
    der = bytearray(cert.public_bytes(serialization.Encoding.DER))
    der[-3] ^= 0x01  # inside the signature BIT STRING, which ends the certificate
    return bytes(der)


@dataclass(frozen=True)
class TestPki:
    """A trust anchor, intermediates and one SEND router certificate."""

    anchor: Issued
    intermediates: tuple[Issued, ...]
    router: Issued
    seed: int

    __test__ = False  # not a pytest test class

    @property
    def path(self) -> list[x509.Certificate]:
        """The certification path as CPA components carry it: anchor side first."""
        return [i.certificate for i in self.intermediates] + [self.router.certificate]

    def trust_anchor(self) -> TrustAnchor:
        """The anchor as a host would configure it."""
        return TrustAnchor.from_certificate(self.anchor.certificate)

    def issue_router(self, common_name: str, *, blocks: Blocks = ("2001:db8:a::/48",),
                     eku: Sequence[x509.ObjectIdentifier] | None = (ID_KP_SEND_ROUTER,),
                     not_before: datetime.datetime = NOT_BEFORE,
                     not_after: datetime.datetime = NOT_AFTER, key_index: int = 11,
                     serial: int | None = None, raw_blocks: bytes | None = None,
                     key: CertificateIssuerPrivateKeyTypes | None = None) -> Issued:
        """Another router certificate under the last intermediate (for negative tests)."""
        issuer = self.intermediates[-1] if self.intermediates else self.anchor
        return issue(common_name, key if key is not None else pool_key(key_index), issuer,
                     serial=serial if serial is not None else (self.seed << 8) | 0xF0,
                     ca=False, blocks=blocks, eku=eku, not_before=not_before,
                     not_after=not_after, raw_blocks=raw_blocks)


def make_pki(
    seed: int = 0,
    *,
    depth: int = 1,
    anchor_name: str = "SEND Test Anchor",
    anchor_blocks: Blocks = ("2001:db8::/32",),
    intermediate_blocks: Blocks = ("2001:db8::/40",),
    router_blocks: Blocks = ("2001:db8:a::/48",),
    router_eku: Sequence[x509.ObjectIdentifier] | None = (ID_KP_SEND_ROUTER,),
    fqdn: str = "anchor.send-test.example",
) -> TestPki:
    """Build anchor -> ``depth`` intermediates -> router, deterministically from ``seed``.

    Keys: pool entries ``seed*5 + role`` (role 0 anchor, 1.. intermediates,
    then the router). Default blocks: anchor 2001:db8::/32, intermediates
    2001:db8::/40, router 2001:db8:a::/48.
    """
    if not 0 <= depth <= 3:
        raise ValueError("depth 0..3")
    base = seed * 5
    anchor = issue(anchor_name, pool_key(base), None, serial=(seed << 8) | 1, ca=True,
                   blocks=anchor_blocks, dns_names=(fqdn,) if fqdn else ())
    chain: list[Issued] = []
    issuer = anchor
    for level in range(depth):
        inter = issue(f"SEND Test Intermediate {level + 1}", pool_key(base + 1 + level), issuer,
                      serial=(seed << 8) | (2 + level), ca=True, blocks=intermediate_blocks)
        chain.append(inter)
        issuer = inter
    router = issue("SEND Test Router", pool_key(base + 1 + depth), issuer,
                   serial=(seed << 8) | 0x10, ca=False, blocks=router_blocks, eku=router_eku)
    return TestPki(anchor, tuple(chain), router, seed)


__all__ = [
    "NOT_AFTER", "NOT_BEFORE", "VALID_AT", "ExtendedKeyUsageOID", "Issued", "TestPki",
    "issue", "make_pki", "pool_key", "with_broken_signature",
]
