"""Certification path discovery: CPS and CPA processing (RFC 3971 §6.4).

Host side:

* :func:`build_cps` — a Certification Path Solicitation naming the host's
  trust anchors (the first Trust Anchor option is a DER X.501 Name,
  RFC 3971 §6.4.1; FQDN options may follow);
* :class:`PathCollector` — gathers CPA components (one certificate per
  message, Component counting down to 0, RFC 3971 §6.4.2), validates the
  complete path (:func:`rfc5269.send.pkix.validate_router_path`) and stores
  the router's key in a :class:`~rfc5269.send.pkix.RouterKeyCache`
  (RFC 3971 §6.4.6).

Router side:

* :class:`RouterCertificates` — the paths a router holds, one per anchor;
  :meth:`RouterCertificates.answer` matches a CPS's Trust Anchor options
  (name type 1: the anchor's Subject; type 2: an FQDN in the anchor's
  subjectAltName, RFC 3971 §6.4.5) and returns the CPA messages, anchor side
  first, the trust anchor's own certificate not sent.
"""

from __future__ import annotations

import datetime
import ipaddress
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from rfc5269.errors import DecodeError
from rfc5269.send.pkix import RouterAuthorization, RouterKeyCache, TrustAnchor
from rfc5269.send.pkix import validate_router_path as _validate
from rfc5269.send.verdict import Reason, Verdict
from rfc5269.wire.cert_path import (
    ALL_COMPONENTS,
    CertificationPathAdvertisement,
    CertificationPathSolicitation,
)
from rfc5269.wire.ndopt import (
    CERT_TYPE_X509,
    NAME_TYPE_DER_X501,
    NAME_TYPE_FQDN,
    CertificateOption,
    NdOption,
    TrustAnchorOption,
)

MAX_COMPONENTS = 8  # longest path a host accepts (bounds memory per advertisement)


def fqdn_to_wire(name: str) -> bytes:
    """An FQDN in DNS wire format (RFC 1034 §3.1), for name type 2 (RFC 3971 §6.4.3)."""
    out = b""
    for label in name.rstrip(".").split("."):
        raw = label.encode("ascii")
        if not 0 < len(raw) < 64:
            raise ValueError(f"bad DNS label {label!r}")
        out += bytes([len(raw)]) + raw
    return out + b"\x00"


def fqdn_from_wire(data: bytes) -> str | None:
    """The FQDN in DNS wire format, or None when the octets are not one."""
    labels: list[str] = []
    pos = 0
    while pos < len(data):
        n = data[pos]
        if n == 0:
            return ".".join(labels).lower() if pos + 1 == len(data) else None
        if n > 63 or pos + 1 + n > len(data):
            return None
        try:
            labels.append(data[pos + 1:pos + 1 + n].decode("ascii"))
        except UnicodeDecodeError:
            return None
        pos += 1 + n
    return None


def trust_anchor_options(anchor: TrustAnchor, with_fqdn: bool = False
                         ) -> tuple[TrustAnchorOption, ...]:
    """Trust Anchor options naming ``anchor``: the DER Name, then its FQDNs if asked."""
    opts = [TrustAnchorOption(NAME_TYPE_DER_X501, anchor.name_der)]
    if with_fqdn:
        opts.extend(TrustAnchorOption(NAME_TYPE_FQDN, fqdn_to_wire(f)) for f in anchor.fqdns)
    return tuple(opts)


def build_cps(identifier: int, anchors: Sequence[TrustAnchor],
              component: int = ALL_COMPONENTS, with_fqdn: bool = False
              ) -> CertificationPathSolicitation:
    """A CPS asking for a path to one of ``anchors`` (RFC 3971 §6.4.1, §6.4.6)."""
    if not anchors:
        raise ValueError("a host needs at least one trust anchor (RFC 3971 §6.5)")
    opts: list[NdOption] = []
    for a in anchors:
        opts.extend(trust_anchor_options(a, with_fqdn))
    return CertificationPathSolicitation(identifier, component, tuple(opts))


def _der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


@dataclass(frozen=True)
class HeldPath:
    """One certification path a router holds: anchor certificate, then the path."""

    anchor: x509.Certificate
    path: tuple[x509.Certificate, ...]  # certificate issued by the anchor first, router last

    def matches(self, option: TrustAnchorOption) -> bool:
        """Does the Trust Anchor option name this path's anchor (RFC 3971 §6.4.5)?"""
        if option.name_type == NAME_TYPE_DER_X501:
            return option.name == self.anchor.subject.public_bytes()
        if option.name_type == NAME_TYPE_FQDN:
            wanted = fqdn_from_wire(option.name)
            return wanted is not None and wanted in TrustAnchor.from_certificate(
                self.anchor).fqdns
        return False


class RouterCertificates:
    """The router's certification paths and its CPS answers (RFC 3971 §6.4.5, §6.5)."""

    def __init__(self, paths: Iterable[HeldPath]) -> None:
        self.paths = tuple(paths)

    def find(self, options: Sequence[TrustAnchorOption]) -> tuple[HeldPath, TrustAnchorOption
                                                                  ] | None:
        """The first held path whose anchor one of ``options`` names."""
        for opt in options:
            for held in self.paths:
                if held.matches(opt):
                    return held, opt
        return None

    def answer(self, cps: CertificationPathSolicitation, identifier: int | None = None
               ) -> list[CertificationPathAdvertisement]:
        """The CPA messages answering ``cps`` (RFC 3971 §6.4.2, §6.4.5).

        One certificate per message, Component N-1 down to 0, anchor side
        first; the Trust Anchor option found goes in the first component.
        ``identifier`` defaults to the CPS's (use 0 when multicasting to
        all nodes). Without a path: one CPA without certificates carrying the
        solicited Trust Anchor options. A CPS asking for one component gets
        only that one.
        """
        ident = cps.identifier if identifier is None else identifier
        solicited = tuple(o for o in cps.options if isinstance(o, TrustAnchorOption))
        found = self.find(solicited)
        if found is None:
            return [CertificationPathAdvertisement(ident, 0, 0, solicited)]
        held, opt = found
        n = len(held.path)
        out = []
        for i, cert in enumerate(held.path):
            component = n - 1 - i
            if cps.component not in (ALL_COMPONENTS, component):
                continue
            opts: tuple[NdOption, ...] = (CertificateOption(CERT_TYPE_X509, _der(cert)),)
            if i == 0:
                opts = (opt, *opts)
            out.append(CertificationPathAdvertisement(ident, n, component, opts))
        return out


@dataclass
class _Pending:
    all_components: int
    certificates: dict[int, bytes]


class PathCollector:
    """Host-side assembly of CPA components into validated router paths (RFC 3971 §6.4.6).

    :meth:`add` returns None while components are missing, else the verdict
    of the complete path; accepted paths go into ``cache``. At most
    ``max_pending`` incomplete advertisements are kept (oldest dropped), each
    of at most :data:`MAX_COMPONENTS` certificates.
    """

    def __init__(self, anchors: Sequence[TrustAnchor], cache: RouterKeyCache | None = None,
                 max_pending: int = 8) -> None:
        self.anchors = tuple(anchors)
        self.cache = cache if cache is not None else RouterKeyCache()
        self.max_pending = max_pending
        self._pending: OrderedDict[tuple[ipaddress.IPv6Address, int], _Pending] = OrderedDict()

    def add(self, cpa: CertificationPathAdvertisement, source: ipaddress.IPv6Address,
            now: datetime.datetime,
            prefixes: Iterable[ipaddress.IPv6Network] = ()) -> Verdict[RouterAuthorization] | None:
        """Take one CPA from ``source``; judge the path once all components are in."""
        certs = [o for o in cpa.options
                 if isinstance(o, CertificateOption) and o.cert_type == CERT_TYPE_X509]
        if cpa.all_components == 0 or not certs:
            return None  # no path to our anchors (RFC 3971 §6.4.5)
        if cpa.all_components > MAX_COMPONENTS:
            return Verdict.reject(Reason.CERT_MALFORMED,
                                  f"{cpa.all_components} components exceed {MAX_COMPONENTS}")
        key = (source, cpa.identifier)
        pending = self._pending.get(key)
        if pending is None or pending.all_components != cpa.all_components:
            pending = _Pending(cpa.all_components, {})
            self._pending[key] = pending
            while len(self._pending) > self.max_pending:
                self._pending.popitem(last=False)
        pending.certificates[cpa.component] = certs[0].certificate
        if len(pending.certificates) < pending.all_components:
            return None
        del self._pending[key]
        ordered = [pending.certificates[c] for c in range(pending.all_components - 1, -1, -1)]
        verdict = _validate(ordered, self.anchors, now, prefixes=prefixes)
        if verdict.accepted:
            assert verdict.info is not None
            self.cache.add(verdict.info)
        return verdict

    def add_raw(self, icmp: bytes, source: ipaddress.IPv6Address, dst: ipaddress.IPv6Address,
                now: datetime.datetime) -> Verdict[RouterAuthorization] | None:
        """Decode a received CPA (malformed ones are rejected, RFC 3971 §6.4.6) and add it."""
        try:
            cpa = CertificationPathAdvertisement.decode(icmp, source, dst)
        except DecodeError as exc:
            return Verdict.reject(Reason.MALFORMED, str(exc))
        return self.add(cpa, source, now)
