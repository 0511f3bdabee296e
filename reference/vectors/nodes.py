"""Node configurations as JSON, and the priming operations vectors need.

A test group of the corpus carries the complete configuration of the node
under test (its CGA key and parameters, certificates, trust anchors, the
algorithms it supports, its interpretation switches) as plain JSON. This
module turns that JSON into a reference :class:`~rfc5269.nodes.ar.AccessRouter`
or :class:`~rfc5269.nodes.mn.MobileNode` (or any subclass, e.g. a bug-zoo
variant), and adds to the reference adapter the two *priming* operations the
corpus uses to put a node in a known state without depending on its random
choices:

* ``prime_solicitation`` — the MN holds an outstanding RtSolPr with the given
  nonce, identifier and Handover Key Encryption key pair (RFC 5269 §3.1, §3.3),
  as if it had sent it; PrRtAdv vectors answer it;
* ``prime_key`` — the AR (as PAR) holds a handover key record for an MN CGA
  (RFC 5269 §3.2, §3.5), or the MN holds a key named by (AR address, its CGA)
  (RFC 5269 §3.3, §3.4); FBU and FBack vectors are authenticated with it.

Both are test hooks: an implementation that cannot offer them still runs
every vector that does not use them.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable
from ipaddress import IPv6Address, IPv6Network
from typing import Any, Protocol, runtime_checkable

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from rfc5269.adapters.base import NodeUnderTest, Observation, StepOutcome
from rfc5269.adapters.reference import ReferenceNode
from rfc5269.handover.algorithms import algorithm_for_at
from rfc5269.handover.hkepk import HkepkKeyPair
from rfc5269.interpretations import Interpretations
from rfc5269.nodes.ar import AccessRouter
from rfc5269.nodes.config import ArConfig, ArLimits, MnConfig, NeighbourRouter
from rfc5269.nodes.mn import MobileNode, Solicitation
from rfc5269.nodes.records import ArKeyRecord, MnKeyRecord
from rfc5269.send.cga import CgaGenerated, CgaParameterFields, address_sec
from rfc5269.send.keys import key_hash
from rfc5269.send.pkix import TrustAnchor
from rfc5269.send.sender import SendIdentity
from rfc5269.wire.cga_params import CgaParameters


@runtime_checkable
class PrimableNode(Protocol):
    """What the vectors need beyond :class:`~rfc5269.adapters.base.NodeUnderTest`."""

    def prime_solicitation(self, router: IPv6Address, nonce: bytes, identifier: int,
                           new_ap: bytes, requested_at: int, hkepk_private_key: bytes,
                           now: float) -> None:
        """MN: hold an outstanding RtSolPr (``hkepk_private_key`` is PKCS#8 DER)."""

    def prime_key(self, owner: IPv6Address, peer: IPv6Address, key: bytes, at: int,
                  lifetime: float, now: float) -> None:
        """AR: a key record for CGA ``owner``; MN: a key named by (``peer``, ``owner``)."""


AdapterFactory = Callable[[str, dict[str, Any]], NodeUnderTest]
"""Builds a fresh node under test from a role ("AR"/"MN") and a group configuration."""


# ------------------------------------------------------------------ JSON <-> objects


def private_key_der(key: rsa.RSAPrivateKey) -> str:
    """PKCS#8 DER, hex."""
    return key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).hex()


def load_private_key(text: str) -> rsa.RSAPrivateKey:
    """An RSA private key from PKCS#8 DER hex."""
    key = serialization.load_der_private_key(bytes.fromhex(text), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("not an RSA private key")
    return key


def identity_json(identity: SendIdentity) -> dict[str, Any]:
    """A SEND identity: its key, CGA Parameters (RFC 3972 §3) and address."""
    return {"address": str(identity.address),
            "privateKey": private_key_der(identity.private_key),
            "cgaParameters": identity.cga.parameters.structure.hex()}


def identity_from_json(data: dict[str, Any]) -> SendIdentity:
    """The inverse of :func:`identity_json`."""
    structure = bytes.fromhex(data["cgaParameters"])
    decoded = CgaParameters.decode(structure)
    address = IPv6Address(data["address"])
    params = CgaParameterFields(structure, len(decoded.public_key))
    return SendIdentity(load_private_key(data["privateKey"]),
                        CgaGenerated(address, params, address_sec(address)))


def interpretations_json(interp: Interpretations) -> dict[str, str | bool]:
    """Switch name to value (the names of :mod:`rfc5269.interpretations`)."""
    return interp.as_dict()


def interpretations_from_json(data: dict[str, Any]) -> Interpretations:
    """Switch values back to an :class:`Interpretations` (unknown names are errors)."""
    defaults = Interpretations()
    changes: dict[str, Any] = {}
    names = {f.name for f in dataclasses.fields(Interpretations)}
    for name, value in data.items():
        if name not in names:
            raise ValueError(f"unknown interpretation switch {name!r}")
        default = getattr(defaults, name)
        changes[name] = type(default)(value) if isinstance(default, enum.Enum) else bool(value)
    return defaults.replace(**changes)


def _der(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.DER).hex()


def _cert(text: str) -> x509.Certificate:
    return x509.load_der_x509_certificate(bytes.fromhex(text))


def ar_config_json(config: ArConfig) -> dict[str, Any]:
    """The JSON form of an AR configuration (what an AR test group carries)."""
    limits = config.limits
    return {
        "name": config.name,
        "identity": identity_json(config.identity),
        "linkLayerAddress": config.lla.hex(),
        "trustAnchorCertificate": _der(config.trust_anchor_certificate),
        "certificatePath": [_der(c) for c in config.certificate_path],
        "neighbours": [{"accessPoint": n.access_point.hex(), "narLinkLayerAddress":
                        n.nar_lla.hex(), "narAddress": str(n.nar_address),
                        "narPrefix": str(n.nar_prefix)} for n in config.neighbours],
        "supportedAt": list(config.supported_at),
        "hkLifetime": config.hk_lifetime,
        "forwardingLifetime": config.forwarding_lifetime,
        "invalidRequestPolicy": config.invalid_request_policy,
        "limits": {"maxKeyRecords": limits.max_key_records,
                   "maxBindings": limits.max_bindings,
                   "maxTimestampPeers": limits.max_timestamp_peers},
        "interpretations": interpretations_json(config.interpretations),
    }


def ar_config_from_json(data: dict[str, Any]) -> ArConfig:
    """The inverse of :func:`ar_config_json`."""
    limits = data.get("limits", {})
    return ArConfig(
        identity=identity_from_json(data["identity"]),
        trust_anchor_certificate=_cert(data["trustAnchorCertificate"]),
        certificate_path=tuple(_cert(c) for c in data["certificatePath"]),
        neighbours=tuple(NeighbourRouter(bytes.fromhex(n["accessPoint"]),
                                         bytes.fromhex(n["narLinkLayerAddress"]),
                                         IPv6Address(n["narAddress"]),
                                         IPv6Network(n["narPrefix"]))
                         for n in data.get("neighbours", ())),
        supported_at=tuple(int(a) for a in data["supportedAt"]),
        hk_lifetime=int(data["hkLifetime"]),
        forwarding_lifetime=float(data["forwardingLifetime"]),
        invalid_request_policy=str(data["invalidRequestPolicy"]),
        limits=ArLimits(max_key_records=int(limits.get("maxKeyRecords", 100_000)),
                        max_bindings=int(limits.get("maxBindings", 100_000)),
                        max_timestamp_peers=int(limits.get("maxTimestampPeers", 4096))),
        interpretations=interpretations_from_json(data.get("interpretations", {})),
        lla=bytes.fromhex(data["linkLayerAddress"]),
        name=str(data.get("name", "AR")),
    )


def mn_config_json(config: MnConfig) -> dict[str, Any]:
    """The JSON form of an MN configuration (what an MN test group carries)."""
    return {
        "name": config.name,
        "identity": identity_json(config.identity),
        "linkLayerAddress": config.lla.hex(),
        "trustAnchors": [_der(a.certificate) for a in config.trust_anchors],
        "supportedAt": list(config.supported_at),
        "preferredAt": config.preferred_at,
        "interpretations": interpretations_json(config.interpretations),
    }


def mn_config_from_json(data: dict[str, Any]) -> MnConfig:
    """The inverse of :func:`mn_config_json`."""
    return MnConfig(
        identity=identity_from_json(data["identity"]),
        trust_anchors=tuple(TrustAnchor.from_certificate(_cert(a))
                            for a in data["trustAnchors"]),
        supported_at=tuple(int(a) for a in data["supportedAt"]),
        preferred_at=int(data["preferredAt"]),
        interpretations=interpretations_from_json(data.get("interpretations", {})),
        lla=bytes.fromhex(data["linkLayerAddress"]),
        name=str(data.get("name", "MN")),
    )


# ------------------------------------------------------------------ the reference, primable


class PrimableReferenceNode(ReferenceNode):
    """The reference adapter plus the priming operations of the corpus."""

    def prime_solicitation(self, router: IPv6Address, nonce: bytes, identifier: int,
                           new_ap: bytes, requested_at: int, hkepk_private_key: bytes,
                           now: float) -> None:
        node = self.node
        if not isinstance(node, MobileNode):
            raise TypeError("prime_solicitation is an MN operation")
        key = serialization.load_der_private_key(hkepk_private_key, password=None)
        assert isinstance(key, rsa.RSAPrivateKey)
        s = Solicitation(nonce, identifier, router, new_ap, requested_at,
                         HkepkKeyPair(key, now), now)
        node.solicitations[nonce] = s
        node.send.remember_nonce(nonce, now, s)
        node.strongest_requested = requested_at if node.strongest_requested is None else \
            node.strongest_requested

    def prime_key(self, owner: IPv6Address, peer: IPv6Address, key: bytes, at: int,
                  lifetime: float, now: float) -> None:
        node = self.node
        algorithm = algorithm_for_at(at, node.interp.at_codepoints)
        name = algorithm.name if algorithm is not None else f"AT {at}"
        if isinstance(node, AccessRouter):
            node.keys.put(owner, ArKeyRecord(owner, key, at, name, now, now + lifetime,
                                             key_hash(b"")))
        else:
            node.keys[(peer, owner)] = MnKeyRecord(peer, owner, key, at, name, now,
                                                   now + lifetime)

    def observe(self, now: float) -> Observation:
        return super().observe(now)

    def receive(self, packet: bytes, now: float) -> StepOutcome:
        return super().receive(packet, now)


def reference_factory(ar_class: type[AccessRouter] = AccessRouter,
                      mn_class: type[MobileNode] = MobileNode,
                      seed: int = 0) -> AdapterFactory:
    """A factory building reference nodes (or subclasses) from group configurations.

    The node's own random choices (handover keys, padding, sequence numbers)
    come from a seeded generator, so a run is reproducible; no vector depends
    on them.
    """
    from rfc5269.scenario import seeded_rng

    def build(role: str, config: dict[str, Any]) -> NodeUnderTest:
        if role == "AR":
            ar = ar_class(ar_config_from_json(config), seeded_rng(seed, "vectors-ar"))
            return PrimableReferenceNode(ar)
        mn = mn_class(mn_config_from_json(config), seeded_rng(seed, "vectors-mn"))
        return PrimableReferenceNode(mn)

    return build
