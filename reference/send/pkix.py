"""Router authorization: trust anchors and certification paths (RFC 3971 §6.3, §6.5).

:func:`validate_router_path` checks a path ``[certificate issued by the
anchor, ..., router certificate]`` (the order in which CPA components arrive,
RFC 3971 §6.4.2) against the MN's trust anchors, with `cryptography` doing
the signature checks:

1. every certificate parses (``CERT_MALFORMED``);
2. the first is issued by a configured anchor (``CERT_UNKNOWN_ANCHOR``),
   each later one by the certificate before it (``CERT_ISSUER_MISMATCH``),
   and every signature verifies (``CERT_SIGNATURE_INVALID``);
3. every certificate is within its validity period (``CERT_EXPIRED``);
4. no certificate carries a critical extension nobody here processes
   (``CERT_UNKNOWN_CRITICAL_EXTENSION``, RFC 5280 §4.2);
   every issuing certificate in the path is a CA: basic constraints cA, a
   path length that allows what follows, keyCertSign when key usage is present
   (``CERT_NOT_CA``, RFC 5280 §6.1.4);
5. the router certificate allows id-kp-sendRouter (``CERT_WRONG_PURPOSE``;
   RFC 6494, interop-facts.md) and holds an acceptable RSA key
   (``CERT_KEY_NOT_RSA`` and the RFC 3971 §5.1.3 key checks);
6. the RFC 3779 address blocks are delegated along the path (RFC 3971 §6.3.1,
   ``CERT_ADDRESS_BLOCKS_*``; see :mod:`rfc5269.send.addrblocks`), and every
   prefix the router speaks for lies within the router's final set
   (``CERT_PREFIX_NOT_AUTHORIZED``).

No revocation check is made: RFC 3971 §6.3.1 makes acceptance provisional
until a CRL check can be done after attachment, which is outside this layer.
"""

from __future__ import annotations

import datetime
import ipaddress
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID
from rfc5269.send import addrblocks
from rfc5269.send.addrblocks import AddressSet, DelegationPolicy
from rfc5269.send.keys import DEFAULT_KEY_POLICY, KeyPolicy, check_public_key, key_hash
from rfc5269.send.keys import public_key_der as _public_key_der
from rfc5269.send.verdict import Reason, Verdict

ID_KP_SEND_ROUTER = x509.ObjectIdentifier("1.3.6.1.5.5.7.3.23")
ID_KP_SEND_PROXIED_ROUTER = x509.ObjectIdentifier("1.3.6.1.5.5.7.3.24")
ID_KP_SEND_OWNER = x509.ObjectIdentifier("1.3.6.1.5.5.7.3.25")
ID_KP_SEND_PROXIED_OWNER = x509.ObjectIdentifier("1.3.6.1.5.5.7.3.26")
OID_IP_ADDR_BLOCKS = x509.ObjectIdentifier(addrblocks.OID_IP_ADDR_BLOCKS)


def _ipv6_blocks(cert: x509.Certificate) -> addrblocks.IPv6Blocks | None:
    """The certificate's RFC 3779 IPv6 entry, None if it has no such extension."""
    try:
        ext = cert.extensions.get_extension_for_oid(OID_IP_ADDR_BLOCKS)
    except x509.ExtensionNotFound:
        return None
    value = ext.value
    raw = value.value if isinstance(value, x509.UnrecognizedExtension) else value.public_bytes()
    return addrblocks.decode_ipv6_blocks(raw)


def _dns_names(cert: x509.Certificate) -> tuple[str, ...]:
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return ()
    return tuple(n.lower().rstrip(".") for n in san.get_values_for_type(x509.DNSName))


@dataclass(frozen=True)
class TrustAnchor:
    """A trust anchor configured on a host (RFC 3971 §6.5).

    Built from the anchor's (usually self-signed) certificate: its subject is
    the DER X.501 Name a Trust Anchor option carries (name type 1), its
    subjectAltName dNSNames the FQDNs (name type 2), its public key verifies
    the first certificate of a path, and its address blocks (or
    ``address_blocks`` given explicitly, the optional list of §6.5) bound what
    the paths below it may delegate. ``address_blocks`` None: unconstrained.
    """

    certificate: x509.Certificate
    address_blocks: AddressSet | None
    fqdns: tuple[str, ...] = ()

    @staticmethod
    def from_certificate(cert: x509.Certificate | bytes,
                         address_blocks: Iterable[ipaddress.IPv6Network | str] | None = None
                         ) -> TrustAnchor:
        """An anchor from its certificate (PEM/DER bytes or parsed)."""
        if isinstance(cert, bytes):
            cert = (x509.load_pem_x509_certificate(cert) if cert.startswith(b"-----")
                    else x509.load_der_x509_certificate(cert))
        if address_blocks is not None:
            blocks: AddressSet | None = AddressSet.from_networks(address_blocks)
        else:
            own = _ipv6_blocks(cert)
            blocks = addrblocks.delegate(None, own)
        return TrustAnchor(cert, blocks, _dns_names(cert))

    @property
    def name_der(self) -> bytes:
        """DER X.501 Name: the Name field of a type-1 Trust Anchor option (RFC 3971 §6.4.3)."""
        return self.certificate.subject.public_bytes()


@dataclass(frozen=True)
class RouterAuthorization:
    """What a validated path establishes about a router (RFC 3971 §6.1)."""

    public_key_der: bytes
    key_hash: bytes
    anchor: TrustAnchor
    address_blocks: AddressSet | None  # None: unconstrained (RFC 3971 §6.3.1)
    not_after: datetime.datetime
    path: tuple[x509.Certificate, ...]

    def authorizes(self, prefix: ipaddress.IPv6Network) -> bool:
        """May the router speak for ``prefix`` (RFC 3971 §6.3.1, §7.3)?"""
        return self.address_blocks is None or self.address_blocks.contains_network(prefix)


def _parse(cert: x509.Certificate | bytes) -> x509.Certificate | None:
    if isinstance(cert, x509.Certificate):
        return cert
    try:
        return x509.load_der_x509_certificate(cert)
    except ValueError:
        return None


def _signed_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(issuer)
    except (InvalidSignature, ValueError, TypeError, UnsupportedAlgorithm):
        return False
    return True


def _ca_problem(issuer: x509.Certificate, below: int) -> str | None:
    """Why ``issuer`` may not issue a path with ``below`` further CA certificates, if so."""
    try:
        bc = issuer.extensions.get_extension_for_class(x509.BasicConstraints).value
    except x509.ExtensionNotFound:
        return "no basic constraints"
    if not bc.ca:
        return "basic constraints cA is false"
    if bc.path_length is not None and below > bc.path_length:
        return f"path length {below} exceeds pathLenConstraint {bc.path_length}"
    try:
        ku = issuer.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return None
    return None if ku.key_cert_sign else "key usage lacks keyCertSign"


def _unknown_critical(cert: x509.Certificate) -> x509.ObjectIdentifier | None:
    """A critical extension neither `cryptography` nor this module processes, if any."""
    for ext in cert.extensions:
        if ext.critical and isinstance(ext.value, x509.UnrecognizedExtension) \
                and ext.oid != OID_IP_ADDR_BLOCKS:
            oid: x509.ObjectIdentifier = ext.oid
            return oid
    return None


def _purpose_ok(cert: x509.Certificate) -> bool:
    try:
        eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        return False
    return ID_KP_SEND_ROUTER in eku or ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE in eku


def validate_router_path(
    path: Sequence[x509.Certificate | bytes],
    anchors: Sequence[TrustAnchor],
    now: datetime.datetime,
    *,
    prefixes: Iterable[ipaddress.IPv6Network | str] = (),
    delegation: DelegationPolicy = DelegationPolicy.SUBSET,
    require_send_router_purpose: bool = True,
    key_policy: KeyPolicy = DEFAULT_KEY_POLICY,
) -> Verdict[RouterAuthorization]:
    """Validate a router's certification path (RFC 3971 §6.3; steps in the module doc).

    ``path`` runs from the certificate the anchor issued to the router's
    certificate (the anchor's own certificate is not part of it); ``now`` is
    an aware datetime; ``prefixes`` are the prefixes the router speaks for.
    """
    if not path:
        return Verdict.reject(Reason.CERT_UNKNOWN_ANCHOR, "empty path")
    certs: list[x509.Certificate] = []
    for i, item in enumerate(path):
        parsed = _parse(item)
        if parsed is None:
            return Verdict.reject(Reason.CERT_MALFORMED, f"certificate {i}")
        certs.append(parsed)
    first = certs[0]
    candidates = [a for a in anchors if a.certificate.subject == first.issuer]
    if not candidates:
        return Verdict.reject(Reason.CERT_UNKNOWN_ANCHOR,
                              f"issuer {first.issuer.rfc4514_string()} is not a trust anchor")
    anchor = next((a for a in candidates if _signed_by(first, a.certificate)), None)
    if anchor is None:
        return Verdict.reject(Reason.CERT_SIGNATURE_INVALID, "certificate 0 (by the anchor)")
    try:
        blocks = anchor.address_blocks
        for i, cert in enumerate(certs):
            if i > 0:
                issuer = certs[i - 1]
                if cert.issuer != issuer.subject:
                    return Verdict.reject(Reason.CERT_ISSUER_MISMATCH, f"certificate {i}")
                if not _signed_by(cert, issuer):
                    return Verdict.reject(Reason.CERT_SIGNATURE_INVALID, f"certificate {i}")
                problem = _ca_problem(issuer, len(certs) - 1 - i)
                if problem:
                    return Verdict.reject(Reason.CERT_NOT_CA, f"certificate {i - 1}: {problem}")
            if not cert.not_valid_before_utc <= now <= cert.not_valid_after_utc:
                return Verdict.reject(Reason.CERT_EXPIRED, f"certificate {i}")
            unknown = _unknown_critical(cert)
            if unknown is not None:
                return Verdict.reject(Reason.CERT_UNKNOWN_CRITICAL_EXTENSION,
                                      f"certificate {i}: {unknown.dotted_string}")
            try:
                own = _ipv6_blocks(cert)
            except addrblocks.AddressBlocksError as exc:
                return Verdict.reject(Reason.CERT_ADDRESS_BLOCKS_MALFORMED,
                                      f"certificate {i}: {exc}")
            try:
                blocks = addrblocks.delegate(blocks, own, delegation)
            except addrblocks.AddressBlocksError as exc:
                return Verdict.reject(Reason.CERT_ADDRESS_BLOCKS_NOT_DELEGATED,
                                      f"certificate {i}: {exc}")
        router = certs[-1]
        if require_send_router_purpose and not _purpose_ok(router):
            return Verdict.reject(Reason.CERT_WRONG_PURPOSE, "no id-kp-sendRouter")
        try:
            key = router.public_key()
        except (ValueError, UnsupportedAlgorithm):
            return Verdict.reject(Reason.CERT_KEY_NOT_RSA, "unsupported key")
        if not isinstance(key, rsa.RSAPublicKey):
            return Verdict.reject(Reason.CERT_KEY_NOT_RSA, type(key).__name__)
        der = _public_key_der(key)
        key_verdict = check_public_key(der, key_policy)
        if not key_verdict.accepted:
            return key_verdict.relay()
        for p in prefixes:
            net = ipaddress.IPv6Network(p)
            if blocks is not None and not blocks.contains_network(net):
                return Verdict.reject(Reason.CERT_PREFIX_NOT_AUTHORIZED, f"{net} not in {blocks}")
    except ValueError as exc:  # malformed extensions surface lazily in cryptography
        return Verdict.reject(Reason.CERT_MALFORMED, str(exc))
    not_after = min(c.not_valid_after_utc for c in certs)
    return Verdict.accept(RouterAuthorization(der, key_hash(der), anchor, blocks, not_after,
                                              tuple(certs)))


class RouterKeyCache:
    """Validated router keys of a host, by Key Hash (RFC 3971 §6.4.6: store verified paths).

    Bounded (``capacity``, least recently used goes first). :meth:`lookup`
    forgets entries whose path has expired.
    """

    def __init__(self, capacity: int = 64) -> None:
        self.capacity = capacity
        self._by_hash: OrderedDict[bytes, RouterAuthorization] = OrderedDict()

    def __len__(self) -> int:
        return len(self._by_hash)

    def add(self, auth: RouterAuthorization) -> None:
        self._by_hash[auth.key_hash] = auth
        self._by_hash.move_to_end(auth.key_hash)
        while len(self._by_hash) > self.capacity:
            self._by_hash.popitem(last=False)

    def lookup(self, key_hash_value: bytes, now: datetime.datetime) -> RouterAuthorization | None:
        auth = self._by_hash.get(key_hash_value)
        if auth is None:
            return None
        if now > auth.not_after:
            del self._by_hash[key_hash_value]
            return None
        self._by_hash.move_to_end(key_hash_value)
        return auth

    def known_keys(self, now: datetime.datetime) -> dict[bytes, bytes]:
        """Key Hash -> DER public key of every valid entry (for the signature verifier)."""
        return {h: a.public_key_der for h, a in list(self._by_hash.items())
                if now <= a.not_after}
