"""The corpus generator: every vector says which rule it exercises and why.

``rfc5269 vectors generate DIR`` writes one JSON file per suite (AR answering
RtSolPrs, AR as PAR receiving FBUs, MN receiving PrRtAdvs and sending
RtSolPrs and FBUs) plus ``schema.json``. Everything is derived from fixed
test keys (:mod:`rfc5269.send.testpki`) and named, seeded byte sources, so
two runs give identical bytes.

A test case is a short script of steps for one fresh node built from its
group's configuration (see :mod:`rfc5269.vectors.schema` for the format).
Its ``result`` judges the *subject* step: ``valid`` — the node must accept
the input (provision a key, change forwarding, store a key, send the
message); ``invalid`` — it must not, and its state must not change;
``acceptable`` — the RFCs allow either (the case is flagged with the
clarification, ``CL-xx``, that discusses the ambiguity); whatever the node
does, what it sends is still checked.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from ipaddress import IPv6Address, IPv6Network
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from rfc5269.constants import TIMESTAMP_DELTA, TIMESTAMP_DRIFT, TIMESTAMP_FUZZ
from rfc5269.interpretations import (
    DEFAULT,
    AuthenticatorCareOfAddress,
    BadfLength,
    Interpretations,
    SignedChecksum,
)
from rfc5269.nodes.config import (
    ArConfig,
    ArLimits,
    MnConfig,
    NeighbourRouter,
    make_identity,
)
from rfc5269.nodes.packets import ALL_NODES, icmpv6_packet
from rfc5269.send import testpki
from rfc5269.send.certpath import HeldPath, RouterCertificates, build_cps
from rfc5269.send.keys import public_key_der
from rfc5269.send.pkix import TrustAnchor
from rfc5269.send.sender import SendIdentity
from rfc5269.send.timestamps import TICKS_PER_SECOND, known_peer_ok, to_ticks
from rfc5269.vectors import packets as P  # noqa: N812 - short, used on every line
from rfc5269.vectors import twins
from rfc5269.vectors.nodes import ar_config_json, mn_config_json, private_key_der
from rfc5269.wire.fmip import PrRtAdv, RtSolPr
from rfc5269.wire.mobility import MhPadN, UnknownMobilityOption
from rfc5269.wire.ndopt import (
    LLA_AP_NO_PREFIX,
    LLA_NEW_ACCESS_POINT,
    LLA_SOURCE,
    FmipLinkLayerAddressOption,
    HandoverKeyReply,
    HandoverKeyRequest,
    NdOption,
    UnknownOption,
)

FORMAT_VERSION = "1"
START = float(testpki.VALID_AT.timestamp())
LINK_LOCAL = IPv6Network("fe80::/64")
MN_PREFIX = IPv6Network("2001:db8:a::/64")
NEW_AP = bytes.fromhex("02aabbccddee")
NAR = NeighbourRouter(NEW_AP, bytes.fromhex("020000000009"), IPv6Address("2001:db8:b::1"),
                      IPv6Network("2001:db8:b::/64"))
NCOA = IPv6Address("2001:db8:b::1234")
NCOA2 = IPv6Address("2001:db8:b::5678")
HK_LIFETIME = 43200

# Fixed pool keys (rfc5269.send.testpki.pool_key; PKI seed 0 uses 0, 1, 2).
MN_KEY, HKEPK_KEY, HKEPK_KEY2, MN2_KEY, ATTACKER_KEY, ROGUE_ROUTER_KEY = 8, 9, 10, 6, 7, 5

# Option types used by mutations (RFC 3971 §5, RFC 5568 §6.4, RFC 5269 §4).
CGA, RSA_SIG, TIMESTAMP, NONCE, FMIP_LLA, HK_REQUEST, HK_REPLY = 11, 12, 13, 14, 19, 27, 28


# ------------------------------------------------------------------ format helpers


@dataclass
class Step:
    """One input to the node under test (see the schema's ``step``)."""

    op: str
    time: float
    args: dict[str, Any] = field(default_factory=dict)
    accept: bool | None = True
    checks: dict[str, Any] = field(default_factory=dict)
    subject: bool = False
    label: str = ""

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"op": self.op, "time": self.time, **self.args}
        if self.label:
            out["label"] = self.label
        out["accept"] = self.accept
        if self.checks:
            out["checks"] = self.checks
        if self.subject:
            out["subject"] = True
        return out


@dataclass
class Case:
    """One test case: why it exists, the steps, the expected result of its subject step."""

    comment: str
    flags: list[str]
    result: str
    steps: list[Step]

    def to_json(self, tc_id: int) -> dict[str, Any]:
        return {"tcId": tc_id, "comment": self.comment, "flags": sorted(set(self.flags)),
                "result": self.result, "steps": [s.to_json() for s in self.steps]}


def receive(time: float, packet: bytes, label: str, accept: bool | None = True,
            checks: dict[str, Any] | None = None, subject: bool = False) -> Step:
    """A ``receive`` step (the packet arrives on the node's link)."""
    return Step("receive", time, {"packet": packet.hex()}, accept, checks or {}, subject, label)


def subject_accept(result: str) -> bool | None:
    return {"valid": True, "invalid": False, "acceptable": None}[result]


def _pub_der(key: rsa.RSAPrivateKey) -> bytes:
    return public_key_der(key)


def _key_der_hex(key: rsa.RSAPrivateKey) -> str:
    return private_key_der(key)


# ------------------------------------------------------------------ the cast


@dataclass
class Cast:
    """The keys and identities every suite uses (public test material)."""

    pki: testpki.TestPki
    ar: SendIdentity
    mn: SendIdentity
    mn2: SendIdentity
    attacker: SendIdentity
    rogue_router: SendIdentity
    hkepk: rsa.RSAPrivateKey
    hkepk2: rsa.RSAPrivateKey

    @classmethod
    def make(cls) -> Cast:
        pki = testpki.make_pki(0)
        return cls(
            pki,
            make_identity(pki.router.rsa_key, LINK_LOCAL, P.seeded("ar-cga")),
            make_identity(testpki.pool_key(MN_KEY), MN_PREFIX, P.seeded("mn-cga")),
            make_identity(testpki.pool_key(MN2_KEY), MN_PREFIX, P.seeded("mn2-cga")),
            make_identity(testpki.pool_key(ATTACKER_KEY), MN_PREFIX, P.seeded("attacker-cga")),
            make_identity(testpki.pool_key(ROGUE_ROUTER_KEY), LINK_LOCAL,
                          P.seeded("rogue-router-cga")),
            testpki.pool_key(HKEPK_KEY), testpki.pool_key(HKEPK_KEY2))

    def ar_config(self, interp: Interpretations = DEFAULT, **changes: Any) -> ArConfig:
        base: dict[str, Any] = {
            "identity": self.ar, "trust_anchor_certificate": self.pki.anchor.certificate,
            "certificate_path": tuple(self.pki.path), "neighbours": (NAR,),
            "hk_lifetime": HK_LIFETIME, "interpretations": interp}
        base.update(changes)
        return ArConfig(**base)

    def mn_config(self, interp: Interpretations = DEFAULT, **changes: Any) -> MnConfig:
        base: dict[str, Any] = {"identity": self.mn,
                                "trust_anchors": (self.pki.trust_anchor(),),
                                "interpretations": interp}
        base.update(changes)
        return MnConfig(**base)

    def tester_json(self) -> dict[str, Any]:
        """The tester's own keys, published with the group (Wycheproof style)."""
        return {
            "mobileNode": {"address": str(self.mn.address),
                           "privateKey": _key_der_hex(self.mn.private_key)},
            "secondMobileNode": {"address": str(self.mn2.address),
                                 "privateKey": _key_der_hex(self.mn2.private_key)},
            "attacker": {"address": str(self.attacker.address),
                         "privateKey": _key_der_hex(self.attacker.private_key)},
            "handoverKeyEncryptionKeys": [_key_der_hex(self.hkepk),
                                          _key_der_hex(self.hkepk2)],
        }


# ------------------------------------------------------------------ RtSolPr (AR suites)


@dataclass
class Rtsolpr:
    """Knobs for one RtSolPr (RFC 5568 §6.1.1 with RFC 5269 §3.1 additions)."""

    sender: SendIdentity
    dst: IPv6Address
    now: float | Fraction
    nonce: bytes = bytes.fromhex("a1a2a3a4a5a6")
    identifier: int = 0x1234
    at: int = 0
    hkepk_der: bytes | None = None
    key_request: bool = True
    signer: rsa.RSAPrivateKey | bool | None = True
    send_changes: dict[str, Any] = field(default_factory=dict)
    before: Sequence[P.Mutation] = ()
    after: Sequence[P.Mutation] = ()
    hop_limit: int = 255
    src: IPv6Address | None = None
    signed_checksum: SignedChecksum = SignedChecksum.BEFORE_SIGNATURE_OPTION
    extra_options: tuple[NdOption, ...] = ()
    keep_checksum: bool = False

    def build(self) -> bytes:
        src = self.src or self.sender.address
        body: list[NdOption] = [
            FmipLinkLayerAddressOption.for_address(LLA_SOURCE, bytes.fromhex("020000000002")),
            FmipLinkLayerAddressOption.for_address(LLA_NEW_ACCESS_POINT, NEW_AP)]
        if self.key_request:
            assert self.hkepk_der is not None
            body.append(HandoverKeyRequest(self.at, self.hkepk_der))
        body += self.extra_options
        signer = self.sender.private_key if self.signer is True else \
            (self.signer or None)
        send = P.send_parts(self.sender, self.now, self.nonce, **self.send_changes)
        icmp = P.signed_icmp(
            lambda opts: RtSolPr(self.identifier, opts).encode(src, self.dst),
            body, send, src, self.dst, signer, before_signing=self.before,
            after_signing=self.after, signed_checksum=self.signed_checksum,
            keep_checksum=self.keep_checksum)
        return P.ipv6_packet(src, self.dst, icmp, self.hop_limit)


# ------------------------------------------------------------------ suites


Suite = dict[str, Any]


def _file(name: str, title: str, notes: dict[str, dict[str, str]],
          groups: list[dict[str, Any]]) -> Suite:
    count = sum(len(g["tests"]) for g in groups)
    return {"algorithm": "RFC5269-handover-key", "formatVersion": FORMAT_VERSION,
            "schema": "schema.json", "suite": name, "header": [title],
            "numberOfTests": count, "notes": notes, "testGroups": groups}


def _group(kind: str, role: str, config: dict[str, Any], cast: Cast, comment: str,
           cases: list[Case], first_id: int) -> dict[str, Any]:
    return {"type": kind, "role": role, "comment": comment, "config": config,
            "tester": cast.tester_json(),
            "tests": [c.to_json(first_id + i) for i, c in enumerate(cases)]}


def _reply_check(cast: Cast, rtsolpr: Rtsolpr, at: Sequence[int],
                 lifetime: Sequence[int], **extra: Any) -> dict[str, Any]:
    hkepk = cast.hkepk if rtsolpr.hkepk_der in (None, _pub_der(cast.hkepk)) else cast.hkepk2
    return {"reply": {"hkepkPrivateKey": _key_der_hex(hkepk), "nonce": rtsolpr.nonce.hex(),
                      "requester": str(rtsolpr.sender.address), "at": list(at),
                      "lifetime": list(lifetime), "newAccessPoint": NEW_AP.hex(),
                      "signer": str(cast.ar.address), **extra}}


def ar_rtsolpr_cases(cast: Cast) -> list[Case]:
    """The AR answering RtSolPrs (RFC 5269 §3.2, §3.6; RFC 3971 §5)."""
    ar = cast.ar.address
    t0 = START + 10
    hk = _pub_der(cast.hkepk)
    hk2 = _pub_der(cast.hkepk2)

    def req(**kw: Any) -> Rtsolpr:
        base: dict[str, Any] = {"sender": cast.mn, "dst": ar, "now": t0, "hkepk_der": hk}
        base.update(kw)
        return Rtsolpr(**base)

    full = [HK_LIFETIME, HK_LIFETIME]
    provision = ["RFC5269-3.2-M1", "RFC5269-3.2-M5", "RFC5269-3.2-M7", "RFC5269-3.2-M8",
                 "RFC5269-3.2-M9", "RFC5269-3.2-M10", "RFC5269-3.2-M11", "RFC5269-3.2-M13",
                 "RFC5269-3.2-M14", "RFC5269-3.2-M16", "RFC5269-3.2-M17", "RFC5269-3.6-M1",
                 "RFC3971-5.3.3-M3", "RFC3971-5.2.1-M1", "RFC3971-5.1.1-M10",
                 "RFC3971-5.3.3-M4", "RFC5568-6.1.2-M1", "RFC5568-6.1.2-M3",
                 "RFC5568-4-M7"]
    cases: list[Case] = []

    def one(comment: str, flags: list[str], result: str, r: Rtsolpr,
            at: Sequence[int] = (0,), lifetime: Sequence[int] = full,
            pre: Sequence[Step] = (), extra: dict[str, Any] | None = None) -> None:
        check = {**_reply_check(cast, r, at, lifetime, keyRecord=True), **(extra or {})}
        cases.append(Case(comment, flags, result, [*pre, receive(
            float(r.now), r.build(), "RtSolPr with Handover Key Request",
            subject_accept(result), check, True)]))

    # -- positive cases
    one("A correctly signed RtSolPr with a Handover Key Request gets a PrRtAdv with the key "
        "encrypted under the HKEPK, the nonce copied, signed by the AR; the new access point "
        "is a known neighbour, so the PrRtAdv (Code 0) describes its router.",
        [*provision, "RFC5568-6.1.2-M4", "RFC5568-6.1.2-M5", "RFC5568-6.1.2-M6",
         "RFC5568-6.4.1-M1", "RFC5568-6.4.1-M2"], "valid", req(),
        extra={"neighbourInfo": {"narLinkLayerAddress": NAR.nar_lla.hex(),
                                 "narAddress": str(NAR.nar_address),
                                 "narPrefix": str(NAR.nar_prefix)}})
    one("The MN asks for AT 1 (HMAC-SHA256-128); the AR supports it and answers with it.",
        ["RFC5269-3.2-S2", "RFC5269-3.2-M12", "RFC5269-3.6-M1", "CL-03"], "valid", req(at=1),
        at=(1,))
    one("Nonce option before the Timestamp option: either order is allowed.",
        ["RFC3971-5.3.4-M5"], "valid", req(send_changes={"nonce_first": True}))
    one("An unknown option (type 200) among the signed options is ignored.",
        ["RFC5568-6.1.1-M4"], "valid",
        req(extra_options=(UnknownOption(200, bytes(6)),)))
    one("Bytes after the RSA Signature option (an unsigned extra option) are ignored.",
        ["RFC3971-5.2.2-M4"], "valid", req(after=(P.append_bytes(bytes((200, 1)) + bytes(6)),)))
    one("Handover Key Request Reserved bits set: ignored on receipt.",
        ["RFC5269-4.1-M4"], "valid", req(before=(P.set_octet(HK_REQUEST, 3, 0x0F),)))
    one("Handover Key Request padding octet not zero: ignored on receipt.",
        ["RFC5269-4.1-M2"], "valid", req(before=(P.set_last_octet(HK_REQUEST, 0xAA),)))
    one("CGA option Reserved field not zero: ignored on receipt.", ["RFC3971-5.1-M3"],
        "valid", req(before=(P.set_octet(CGA, 3, 0xFF),)))
    one("Timestamp option Reserved field not zero: ignored on receipt.", ["RFC3971-5.3.1-M2"],
        "valid", req(before=(P.set_octet(TIMESTAMP, 2, 0xFF),)))
    one("RSA Signature option Reserved field not zero: ignored on receipt.",
        ["RFC3971-5.2-M2"], "valid", req(after=(P.set_octet(RSA_SIG, 2, 0xFF),)))
    one("RtSolPr Reserved octet not zero: ignored on receipt.", ["RFC5568-6.1.1-M1"], "valid",
        req(before=(P.set_icmp_octet(5, 0x5A),)))
    one("A longer (14-octet) nonce is accepted and copied.",
        ["RFC3971-5.3.2-M1", "RFC3971-5.3.2-M2", "RFC5269-3.2-M13"], "valid",
        req(nonce=bytes(range(1, 15))))

    sec1 = make_identity(testpki.pool_key(MN_KEY), MN_PREFIX, P.seeded("mn-sec1"), sec=1)
    one("An MN CGA with Sec 1 (16 zero bits of Hash2): accepted under RFC 3972's Sec range "
        "and RFC 4982's registry alike; no Sec 3-7 case can be generated (2**48 hashes).",
        ["CL-10", "RFC3971-5.1.2-M4", "RFC5269-3.2-M1"], "valid", req(sender=sec1))
    # -- existing keys, distinct keys
    first = req()
    second = req(now=t0 + 5, nonce=bytes.fromhex("b1b2b3b4b5b6"))
    pre = [receive(t0, first.build(), "first RtSolPr",
                   True, _reply_check(cast, first, (0,), full))]
    cases.append(Case(
        "The same CGA asks again: the AR returns the same key (its lifetime per CL-02).",
        ["RFC5269-3.2-M5", "RFC5269-3.2-M6", "RFC5269-3.6-Y2", "CL-02"], "valid",
        [*pre, receive(t0 + 5, second.build(), "second RtSolPr, same CGA", True,
                       _reply_check(cast, second, (0,), [HK_LIFETIME - 5, HK_LIFETIME],
                                    sameKeyAsStep=0), True)]))
    other = Rtsolpr(cast.mn2, ar, t0 + 5, nonce=bytes.fromhex("c1c2c3c4c5c6"), hkepk_der=hk2)
    cases.append(Case(
        "Two CGAs ask: each gets a key of its own.", ["RFC5269-3.6-M2", "RFC5269-3.2-M7"],
        "valid", [*pre, receive(t0 + 5, other.build(), "RtSolPr from a second MN", True,
                                _reply_check(cast, other, (0,), full,
                                             differentKeyFromStep=0), True)]))
    stronger = req(now=t0 + 5, nonce=bytes.fromhex("d1d2d3d4d5d6"), at=1)
    cases.append(Case(
        "A CGA holding an AT-0 key asks for AT 1: the AR returns the existing key with its "
        "recorded AT 0, or a new AT-1 key (the text is silent).",
        ["RFC5269-3.2-M6", "RFC5269-3.2-M12", "CL-23"], "acceptable",
        [*pre, receive(t0 + 5, stronger.build(), "RtSolPr asking for AT 1", None,
                       _reply_check(cast, stronger, (0, 1), [HK_LIFETIME - 5, HK_LIFETIME]),
                       True)]))

    # -- negative cases: one SEND check fails
    invalid_common = ["RFC5269-3.2-M1", "RFC5269-3.2-M2", "RFC5269-3.2-M4",
                      "RFC3971-5.2.2-M10"]
    one("No RSA Signature option: the RtSolPr is unsecured and gets no key.",
        [*invalid_common, "RFC3971-5.2.2-M2", "RFC5269-3.1-M5", "RFC3971-5.2.1-M2"],
        "invalid", req(signer=None))
    one("One bit of the digital signature flipped.",
        [*invalid_common, "RFC3971-5.2.2-M8", "RFC5269-3.1-M5"], "invalid",
        req(after=(P.set_octet(RSA_SIG, 30, lambda v: v ^ 0x01),)))
    one("A signed option changed after signing (the AT field).",
        [*invalid_common, "RFC3971-5.2.2-M8"], "invalid",
        req(after=(P.set_octet(HK_REQUEST, 3, 0x10),)))
    one("The CGA Parameters are the attacker's: the source address is not their CGA.",
        [*invalid_common, "RFC3971-5.1.2-M3", "RFC3971-5.1.2-M4", "RFC5269-3.1-M4",
         "RFC3971-5.1.1-M4"], "invalid",
        req(sender=cast.attacker, src=cast.mn.address))
    one("Signed by another key than the CGA option's (Key Hash names the attacker's key).",
        [*invalid_common, "RFC3971-5.1-M4", "RFC3971-5.1-M5", "RFC3971-5.2.2-M5"],
        "invalid", req(signer=cast.attacker.private_key))
    one("No CGA option: an RtSolPr from a specified source without it is unsecured.",
        [*invalid_common, "RFC3971-5.1.2-M2", "RFC3971-5.1.1-M2", "RFC3971-5.1.1-M9"],
        "invalid", req(send_changes={"cga": None}))
    one("No Nonce option in the signed RtSolPr.",
        [*invalid_common, "RFC3971-5.3.4-M3", "RFC5269-3.1-M6", "RFC3971-5.3.3-M1"],
        "invalid", req(send_changes={"nonce": None}))
    one("No Timestamp option in the signed RtSolPr.",
        [*invalid_common, "RFC3971-5.3.4-M2", "RFC3971-5.3.3-M4"], "invalid",
        req(send_changes={"timestamp": None}))
    one("Neither a Timestamp nor a Nonce option: the RtSolPr is unsecured and gets no key.",
        [*invalid_common, "RFC3971-5.3.4-M1"], "invalid",
        req(send_changes={"timestamp": None, "nonce": None}))
    one("Hop Limit 254: the RtSolPr did not originate on the link.",
        ["RFC5269-3.2-M4", "RFC5269-3.2-M1"], "invalid", req(hop_limit=254))
    bad_hkepk = rsa.RSAPublicNumbers(
        65537, testpki.pool_key(3).public_key().public_numbers().n *
        testpki.pool_key(4).public_key().public_numbers().n).public_key()
    one("The HKEPK is a 2048-bit key while the CGA key has 1024 bits.",
        ["RFC5269-4.1-M6", "RFC5269-3.1-M1", "RFC5269-3.2-M4"], "invalid",
        req(hkepk_der=_pub_der_public(bad_hkepk)))
    e3 = rsa.RSAPublicNumbers(3, testpki.pool_key(3).public_key().public_numbers().n)
    one("The HKEPK has public exponent 3 while the CGA key has 65537.",
        ["RFC5269-4.1-M6", "RFC5269-3.1-M1"], "invalid",
        req(hkepk_der=_pub_der_public(e3.public_key())))
    one("The HKEPK is the CGA key itself (the pair must serve handover keys only).",
        ["RFC5269-3.1-M2", "RFC5269-4.1-M6"], "invalid",
        req(hkepk_der=_pub_der(cast.mn.private_key)))
    one("An RtSolPr without Handover Key Request gets a PrRtAdv without key.",
        ["RFC5269-3.2-M14", "RFC5568-4-M7"], "invalid", req(key_request=False))
    one("The signature covers a checksum of zero (a reading of RFC 3971 §5.2 item 4) while "
        "the AR follows the deployed reading; which checksum is signed is ambiguous.",
        ["CL-08", "RFC3971-5.2.2-M8"], "acceptable",
        req(signed_checksum=SignedChecksum.ZERO))
    one("AT 2: unassigned under the zero-based numbering, HMAC-SHA256-128 under the one-based "
        "reading; the AR answers without key or with an algorithm at least as strong.",
        ["CL-03", "RFC5269-3.2-M12"], "acceptable", req(at=2), at=(1, 2))

    # -- the key record survives an invalid request (spoofed source)
    spoof = Rtsolpr(cast.mn, ar, t0 + 5, nonce=bytes.fromhex("e1e2e3e4e5e6"), hkepk_der=hk2,
                    signer=cast.attacker.private_key)
    again = req(now=t0 + 10, nonce=bytes.fromhex("f1f2f3f4f5f6"))
    cases.append(Case(
        "After a valid request, a forged one for the same CGA (wrong signer) is refused and the "
        "record is untouched: a later valid request gets the first key back.",
        ["RFC5269-3.2-M3", "RFC5269-3.2-M4", "RFC5269-3.2-M6"], "invalid",
        [*pre, receive(t0 + 5, spoof.build(), "forged RtSolPr for the same CGA", False,
                       {"keysUnchanged": True}, True),
         receive(t0 + 10, again.build(), "valid RtSolPr again", True,
                 _reply_check(cast, again, (0,), [HK_LIFETIME - 10, HK_LIFETIME],
                              sameKeyAsStep=0))]))
    return cases


def _pub_der_public(key: rsa.RSAPublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.DER,
                            serialization.PublicFormat.SubjectPublicKeyInfo)


def ar_timestamp_cases(cast: Cast) -> list[Case]:
    """RFC 3971 §5.3.4.2 windows at their exact edges (ticks of 2**-16 s)."""
    ar = cast.ar.address
    hk = _pub_der(cast.hkepk)
    t0 = START + 10
    cases: list[Case] = []
    tick = Fraction(1, TICKS_PER_SECOND)
    delta = Fraction(TIMESTAMP_DELTA)
    new_peer = ["RFC3971-5.3.4.2-S1", "RFC3971-5.3.4.2-S3", "RFC5269-3.2-M1"]

    def stamped(ts: Fraction, result: str, comment: str, flags: list[str],
                pre: Sequence[Step] = (), now: float = t0, nonce: bytes = b"\x11" * 6) -> None:
        r = Rtsolpr(cast.mn, ar, now, nonce=nonce, hkepk_der=hk,
                    send_changes={"timestamp": P.ticks(ts)})
        cases.append(Case(comment, flags, result, [*pre, receive(
            now, r.build(), f"RtSolPr stamped {float(ts - Fraction(now)):+.6f} s",
            subject_accept(result),
            _reply_check(cast, r, (0,), [HK_LIFETIME - 20, HK_LIFETIME]), True)]))

    base = Fraction(t0)
    stamped(base - delta + tick, "valid", "New peer, timestamp one tick inside -Delta.", new_peer)
    stamped(base - delta, "invalid", "New peer, timestamp exactly Delta in the past "
            "(the window is open).", [*new_peer, "RFC5269-3.2-M4"])
    stamped(base + delta - tick, "valid", "New peer, timestamp one tick inside +Delta.",
            new_peer)
    stamped(base + delta, "invalid", "New peer, timestamp exactly Delta in the future.",
            [*new_peer, "RFC5269-3.2-M4"])
    stamped(base - 3600, "invalid", "New peer, timestamp an hour old.",
            [*new_peer, "RFC5269-3.2-M4"])

    # known peer: first message at t0 stamped t0, second 10 s later
    first = Rtsolpr(cast.mn, ar, t0, nonce=b"\x22" * 6, hkepk_der=hk)
    pre = [receive(t0, first.build(), "first RtSolPr (caches RDlast, TSlast)", True,
                   _reply_check(cast, first, (0,), [HK_LIFETIME, HK_LIFETIME]))]
    later = t0 + 10
    rd_new, rd_last, ts_last = to_ticks(later), to_ticks(t0), to_ticks(t0)
    fuzz = to_ticks(TIMESTAMP_FUZZ)
    drift = Fraction(TIMESTAMP_DRIFT).limit_denominator(1000)
    edge = next(ts for ts in range(ts_last - 3 * TICKS_PER_SECOND, rd_new + 1)
                if known_peer_ok(ts, rd_new, ts_last, rd_last, fuzz, drift))
    known = ["RFC3971-5.3.4.2-S2", "RFC3971-5.3.4.2-S6", "RFC3971-5.3.4.2-S7",
             "RFC3971-5.3.4.2-S8"]
    stamped(Fraction(edge, TICKS_PER_SECOND), "valid",
            "Known peer, 10 s later: the smallest timestamp passing "
            "TSnew + fuzz > TSlast + (RDnew - RDlast)(1 - drift) - fuzz.", known, pre, later,
            b"\x33" * 6)
    stamped(Fraction(edge - 1, TICKS_PER_SECOND), "invalid",
            "Known peer, 10 s later: one tick below the drift-and-fuzz bound.",
            [*known, "RFC5269-3.2-M4"], pre, later, b"\x44" * 6)
    replay = first.build()
    cases.append(Case(
        "Exact replay of an accepted RtSolPr 1.5 s later, inside the fuzz window: RFC 3971 "
        "lets it pass (the AR returns the same key); discarding it is the proposed fix.",
        ["CL-25", "RFC3971-5.3.4.2-S7", "RFC5269-3.2-M6"], "acceptable",
        [*pre, receive(t0 + 1.5, replay, "the same RtSolPr replayed", None,
                       _reply_check(cast, first, (0,), [HK_LIFETIME - 2, HK_LIFETIME],
                                    sameKeyAsStep=0), True)]))
    forged = Rtsolpr(cast.mn, ar, t0 + 200, nonce=b"\x66" * 6, hkepk_der=hk,
                     signer=cast.attacker.private_key)
    soon = Rtsolpr(cast.mn, ar, t0 + 10, nonce=b"\x77" * 6, hkepk_der=hk)
    cases.append(Case(
        "A forged RtSolPr (wrong signer) stamped 200 s ahead must not move TSlast: a valid "
        "RtSolPr stamped 10 s after the first is still accepted.",
        ["RFC3971-5.3.4.2-M3", "RFC3971-5.3.4.2-M1", "RFC5269-3.2-M3"], "valid",
        [*pre, receive(t0 + 5, forged.build(), "forged RtSolPr stamped +200 s", False,
                       {"keysUnchanged": True}),
         receive(t0 + 10, soon.build(), "valid RtSolPr stamped +10 s", True,
                 _reply_check(cast, soon, (0,), [HK_LIFETIME - 10, HK_LIFETIME],
                              sameKeyAsStep=0), True)]))
    newer = Rtsolpr(cast.mn, ar, t0 + 30, nonce=b"\x55" * 6, hkepk_der=hk)
    cases.append(Case(
        "Replay of an older RtSolPr after a newer one was accepted: its timestamp is stale "
        "for the known peer.",
        ["RFC3971-5.3.4.2-S6", "RFC5269-3.2-M4", "RFC3971-5.3.4.2-M1"], "invalid",
        [*pre, receive(t0 + 30, newer.build(), "newer RtSolPr", True,
                       _reply_check(cast, newer, (0,), [HK_LIFETIME - 30, HK_LIFETIME])),
         receive(t0 + 40, replay, "the first RtSolPr replayed", False,
                 {"keysUnchanged": True}, True)]))
    return cases


def ar_malformed_cases(cast: Cast) -> list[Case]:
    """Malformed encodings, one validated field at a time; all must be discarded."""
    ar = cast.ar.address
    hk = _pub_der(cast.hkepk)
    t0 = START + 10
    rows: list[tuple[str, list[str], dict[str, Any]]] = [
        ("Handover Key Request with Length 0.", ["RFC5269-4.1-M1"],
         {"before": (P.set_octet(HK_REQUEST, 1, 0),)}),
        ("Handover Key Request Pad Length larger than the option leaves.", ["RFC5269-4.1-M5"],
         {"before": (P.set_octet(HK_REQUEST, 2, 0xF0),)}),
        ("Handover Key Request whose key DER is cut short (length octet changed).",
         ["RFC5269-4.1-M5"], {"before": (P.set_octet(HK_REQUEST, 6, lambda v: v ^ 0x10),)}),
        ("Nonce option of Length 0.", ["RFC3971-5.3.2-M1"],
         {"before": (P.set_octet(NONCE, 1, 0),)}),
        ("Timestamp option with Length 3 (must be 2).", ["RFC3971-5.2.2-M10"],
         {"before": (lambda icmp: _grow_option(icmp, TIMESTAMP),)}),
        ("CGA option Pad Length beyond the option.", ["RFC3971-5.1-M1"],
         {"before": (P.set_octet(CGA, 2, 0xFF),)}),
        ("CGA Parameters collision count 3.", ["RFC3971-5.1.2-M4"],
         {"before": (P.set_octet(CGA, 4 + 24, 3),)}),
        ("Option running past the end of the message.", ["RFC3971-5.2.2-M10"],
         {"before": (P.set_octet(FMIP_LLA, 1, 40),)}),
        ("ICMPv6 checksum wrong.", ["RFC3971-5.2.2-M10"],
         {"after": (P.set_icmp_octet(2, 0x00), P.set_icmp_octet(3, 0x01)),
          "keep_checksum": True}),
        ("Truncated in the RSA Signature option.", ["RFC3971-5.2.2-M6", "RFC3971-5.2.2-M7"],
         {"after": (lambda icmp: icmp[:-40] + bytes(0),)}),
        ("RtSolPr with an ICMPv6 Code other than 0.", ["RFC5568-4-M7"],
         {"before": (P.set_icmp_octet(1, 1),)}),
        ("RtSolPr subtype 3 (PrRtAdv's) sent by the MN.", ["RFC5568-4-M7"],
         {"before": (P.set_icmp_octet(4, 3),)}),
    ]
    cases = []
    for comment, flags, kw in rows:
        r = Rtsolpr(cast.mn, ar, t0, hkepk_der=hk, **kw)
        cases.append(Case(f"Malformed: {comment}", [*flags, "RFC5269-3.2-M4"], "invalid",
                          [receive(t0, r.build(), comment, False, {"keysUnchanged": True},
                                   True)]))
    return cases


def _grow_option(icmp: bytes, option_type: int) -> bytes:
    at, length = P.find_option(icmp, option_type)
    data = bytearray(icmp[:at + length]) + bytes(8) + icmp[at + length:]
    data[at + 1] += 1
    return bytes(data)


def ar_cps_cases(cast: Cast) -> list[Case]:
    """The AR answering Certification Path Solicitations (RFC 3971 §6.4.1, §6.4.2, §6.4.5)."""
    ar = cast.ar.address
    mn = cast.mn.address
    t0 = START + 10
    anchor = cast.pki.trust_anchor()
    cps = build_cps(0x77, (anchor,))
    name_hex = cps.options[0].encode().hex()

    def packet(src: IPv6Address, dst: IPv6Address, mutate: Sequence[P.Mutation] = ()) -> bytes:
        icmp = cps.encode(src, dst)
        for m in mutate:
            icmp = m(icmp)
        return P.ipv6_packet(src, dst, P.with_checksum(icmp, src, dst))

    def case(comment: str, flags: list[str], result: str, data: bytes,
             checks: dict[str, Any]) -> Case:
        return Case(comment, flags, result, [receive(t0, data, "CPS", subject_accept(result),
                                                     checks, True)])

    solicited = IPv6Address(IPv6Address("ff02::1:ff00:0").packed[:13] + mn.packed[13:])
    answer = {"cpa": {"identifier": 0x77, "destination": str(solicited),
                      "components": len(cast.pki.path), "trustAnchorOption": name_hex}}
    return [
        case("A CPS from the MN's address naming the AR's anchor: CPAs with the whole path, to "
             "the solicited-node address, Identifier echoed, anchor option first.",
             ["RFC5269-3.2-M14", "RFC3971-6.4.2-M2", "RFC3971-6.4.2-M3", "RFC3971-6.4.2-M5",
              "RFC3971-6.4.2-M7", "RFC3971-6.4.2-M8", "RFC3971-6.4.5-M5", "RFC3971-6.4.3-M2",
              "RFC3971-6.4.4-M1"], "valid", packet(mn, ar), answer),
        case("A CPS from the unspecified address: CPAs to all-nodes with Identifier 0.",
             ["RFC3971-6.4.2-M1", "RFC3971-6.4.5-M4"], "valid",
             packet(IPv6Address("::"), ar),
             {"cpa": {"identifier": 0, "destination": "ff02::1",
                      "components": len(cast.pki.path), "trustAnchorOption": name_hex}}),
        case("A CPS with an unknown option (type 200): ignored, the CPS is answered.",
             ["RFC3971-6.4.1-M3", "RFC3971-6.4.5-M2"], "valid",
             packet(mn, ar, (P.append_bytes(UnknownOption(200, bytes(6)).encode()),)), answer),
        case("A CPS carrying a Nonce option, which does not belong there: ignored.",
             ["RFC3971-6.4.5-M3"], "valid",
             packet(mn, ar, (P.append_bytes(bytes((14, 1)) + bytes(6)),)), answer),
        case("A CPS whose option has Length 0 is malformed: no answer.",
             ["RFC3971-6.4.1-M4", "RFC3971-6.4.5-M1"], "invalid",
             packet(mn, ar, (P.set_octet(15, 1, 0),)), {}),
        case("A CPS of 6 octets (shorter than 8): no answer.",
             ["RFC3971-6.4.1-M5", "RFC3971-6.4.5-M1"], "invalid",
             packet(mn, ar, (lambda icmp: icmp[:6],)), {}),
    ]


def ar_capacity_cases(cast: Cast) -> list[Case]:
    """RFC 5269 §5: the AR's key state is bounded (group with max_key_records = 1)."""
    ar = cast.ar.address
    t0 = START + 10
    first = Rtsolpr(cast.mn, ar, t0, hkepk_der=_pub_der(cast.hkepk))
    second = Rtsolpr(cast.mn2, ar, t0 + 1, nonce=b"\x66" * 6, hkepk_der=_pub_der(cast.hkepk2))
    return [Case(
        "The configured key-record bound (1) is full: a second CGA gets no key, and the first "
        "record is not evicted for it.", ["RFC5269-5-S1"], "invalid",
        [receive(t0, first.build(), "first CGA", True,
                 _reply_check(cast, first, (0,), [HK_LIFETIME, HK_LIFETIME])),
         receive(t0 + 1, second.build(), "second CGA", False, {"keysUnchanged": True,
                                                               "keyCount": 1}, True)])]


def ar_weak_only_cases(cast: Cast) -> list[Case]:
    """An AR supporting only AT 1 (group config) must never answer with a weaker AT."""
    r = Rtsolpr(cast.mn, cast.ar.address, START + 10, hkepk_der=_pub_der(cast.hkepk), at=0)
    return [Case(
        "The AR supports only AT 1; the MN asks for AT 0: the AR answers with AT 1, as strong "
        "or stronger.", ["RFC5269-3.2-M12", "RFC5269-3.2-S2", "CL-04"], "valid",
        [receive(START + 10, r.build(), "RtSolPr asking for AT 0", True,
                 _reply_check(cast, r, (1,), [HK_LIFETIME, HK_LIFETIME]), True)])]


# ------------------------------------------------------------------ PAR


def prime_key_step(time: float, owner: IPv6Address, peer: IPv6Address, key: bytes, at: int,
                   lifetime: float) -> Step:
    """A ``prime_key`` step (see :mod:`rfc5269.vectors.nodes`)."""
    return Step("prime_key", time, {"owner": str(owner), "peer": str(peer), "key": key.hex(),
                                    "at": at, "lifetime": lifetime}, True, {}, False,
                "the PAR holds a handover key for the PCoA")


KEY0 = bytes(range(0x40, 0x54))  # 20 octets: HMAC-SHA1-96 (AT 0)
KEY1 = bytes(range(0x60, 0x80))  # 32 octets: HMAC-SHA256-128 (AT 1)


def par_cases(cast: Cast) -> list[Case]:
    """The AR as PAR receiving FBUs (RFC 5269 §3.5, §3.6; RFC 5568 §6.2.2; RFC 3775 §9.5.1)."""
    par = cast.ar.address
    pcoa = cast.mn.address
    t0 = START + 10
    cases: list[Case] = []
    prime = prime_key_step(t0, pcoa, par, KEY0, 0, 600)

    def fbu_case(comment: str, flags: list[str], result: str, packet: bytes,
                 ncoa: IPv6Address = NCOA, sequence: int = 7, key: bytes = KEY0, at: int = 0,
                 pre: Sequence[Step] | None = None, when: float = t0 + 1,
                 fback_status: int | None = 0, coa: IPv6Address | None = None) -> None:
        checks: dict[str, Any] = {"binding": {"pcoa": str(pcoa), "ncoa": str(ncoa),
                                              "sequence": sequence}}
        if fback_status is not None:
            checks["fback"] = {"key": key.hex(), "at": at, "status": fback_status,
                               "careOfAddress": str(coa or ncoa), "par": str(par),
                               "sequence": sequence}
        steps = [prime] if pre is None else list(pre)
        cases.append(Case(comment, flags, result, [*steps, receive(
            when, packet, "FBU", subject_accept(result), checks, True)]))

    accept_flags = ["RFC5269-3.5-M1", "RFC5269-3.5-M2", "RFC5568-6.2.2-M10", "RFC5568-10-M1",
                    "RFC5568-10-M2", "RFC5568-10-M3", "RFC5568-6.2.3-M4", "RFC5568-6.4.5-M1",
                    "RFC3775-9.5.1-M1", "RFC3775-9.5.1-M2", "RFC3775-9.5.1-M3",
                    "RFC3775-9.5.1-M22", "RFC3775-9.3.1-M7", "RFC3775-6.1.8-M1",
                    "RFC3775-6.1.8-M2", "RFC5568-6.2.3-M1", "RFC5568-6.2.3-M2"]
    fbu_case("FBU from the new link (source NCoA), HAO = PCoA, BADF under the key: forwarding "
             "to the NCoA and an authenticated FBack.", accept_flags, "valid",
             P.fbu_packet(KEY0, 0, par, pcoa, NCOA, 7))
    fbu_case("FBU from the PAR's link (source PCoA) with an Alternate CoA option naming the "
             "NCoA.", [*accept_flags, "RFC3775-9.5.1-M21", "RFC5568-6.2.2-M8"], "valid",
             P.fbu_packet(KEY0, 0, par, pcoa, NCOA, 7, from_par_link=True))
    fbu_case("FBU authenticated with an AT-1 key (HMAC-SHA256-128).",
             ["RFC5269-3.5-M2", "RFC5269-3.4-M1"], "valid",
             P.fbu_packet(KEY1, 1, par, pcoa, NCOA, 7), key=KEY1, at=1,
             pre=[prime_key_step(t0, pcoa, par, KEY1, 1, 600)])
    fbu_case("An unknown mobility option before the BADF is skipped.",
             ["RFC3775-6.2.1-M1", "RFC3775-6.2.1-M2", "RFC3775-6.1.7-M10"], "valid",
             P.fbu_packet(KEY0, 0, par, pcoa, NCOA, 7,
                          extra_options=(UnknownMobilityOption(200, bytes(4)),)))
    fbu_case("The K flag is set: the PAR, not a home agent, ignores it.",
             ["RFC3775-6.1.7-M4"], "valid",
             P.fbu_packet(KEY0, 0, par, pcoa, NCOA, 7, flags={"k": True}))
    fbu_case("FBU Reserved bits set: ignored on receipt.", ["RFC3775-6.1.7-M6"], "valid",
             P.fbu_packet(KEY0, 0, par, pcoa, NCOA, 7,
                          covered=(lambda mh: mh[:9] + bytes([mh[9] | 0x01]) + mh[10:],)))
    fbu_case("Mobility Header Reserved octet not zero: ignored on receipt.",
             ["RFC3775-6.1.1-M3"], "valid",
             P.fbu_packet(KEY0, 0, par, pcoa, NCOA, 7,
                          covered=(lambda mh: mh[:3] + b"\x5a" + mh[4:],)))
    # negatives
    reject = ["RFC5269-3.5-M2", "RFC5568-6.2.2-M10", "RFC3775-9.5.1-M18", "RFC5568-10-M1"]
    fbu_case("Home Address option with Option Length 15 (it must be 16).",
             ["RFC3775-6.3-M1", "RFC3775-9.5.1-M18"], "invalid",
             _home_address_length(P.fbu_packet(KEY0, 0, par, pcoa, NCOA, 7), 15),
             fback_status=None)
    fbu_case("Two Home Address options (both the PCoA) in the Destination Options header.",
             ["RFC3775-6.3-M5", "RFC3775-9.5.1-M18"], "invalid",
             _two_home_addresses(P.fbu_packet(KEY0, 0, par, pcoa, NCOA, 7)),
             fback_status=None)
    fbu_case("No BADF option.", ["RFC5568-6.2.2-M10", "RFC5568-6.4.5-M1", "RFC5568-6.2.2-M6",
                                 "RFC3775-9.5.1-M18"], "invalid",
             P.fbu_packet(KEY0, 0, par, pcoa, NCOA, 7, badf=False), fback_status=None)
    fbu_case("BADF authenticator with one bit flipped.", [*reject, "RFC5269-3.4-M3"],
             "invalid", P.fbu_packet(KEY0, 0, par, pcoa, NCOA, 7, tamper_bit=0),
             fback_status=None)
    fbu_case("BADF computed with another key.", [*reject, "RFC5269-3.4-M1"], "invalid",
             P.fbu_packet(bytes(20), 0, par, pcoa, NCOA, 7), fback_status=None)
    fbu_case("BADF SPI 1 (SPI 0 names the RFC 5269 handover key).", reject, "invalid",
             P.fbu_packet(KEY0, 0, par, pcoa, NCOA, 7, spi=1), fback_status=None)
    fbu_case("No handover key is held for the PCoA: forwarding must not change.",
             ["RFC5269-3.5-M3", "RFC5269-3.5-M1"], "invalid",
             P.fbu_packet(KEY0, 0, par, pcoa, NCOA, 7), pre=[], fback_status=None)
    other_key = prime_key_step(t0, cast.mn2.address, par, KEY0, 0, 600)
    fbu_case("The key is held for another CGA, which is the FBU's source; the HAO names an "
             "unkeyed PCoA: the key is looked up by the HAO.",
             ["RFC5269-3.5-M1", "RFC5269-3.4-M5", "RFC5269-3.5-M3"], "invalid",
             P.fbu_packet(KEY0, 0, par, pcoa, cast.mn2.address, 7), ncoa=cast.mn2.address,
             pre=[other_key], fback_status=None)
    fbu_case("No Home Address option.", ["RFC5269-3.4-M5", "RFC5568-6.2.2-M9"], "invalid",
             P.fbu_packet(KEY0, 0, par, pcoa, NCOA, 7, home_address=False),
             fback_status=None)
    fbu_case("The handover key's lifetime ended before the FBU arrived.",
             ["RFC5269-3.6-M4", "RFC5269-3.5-M3"], "invalid",
             P.fbu_packet(KEY0, 0, par, pcoa, NCOA, 7),
             pre=[prime_key_step(t0, pcoa, par, KEY0, 0, 5)], when=t0 + 6, fback_status=None)
    fbu_case("Alternate CoA is link-local (not unicast routable).",
             ["RFC3775-6.1.7-M13", "RFC3775-6.1.7-M11"], "invalid",
             P.fbu_packet(KEY0, 0, par, pcoa, IPv6Address("fe80::99"), 7, from_par_link=True),
             ncoa=IPv6Address("fe80::99"), fback_status=None)
    fbu_case("Home Address option holds a multicast address.",
             ["RFC3775-9.3.1-M1", "RFC3775-6.3-M2"], "invalid",
             P.fbu_packet(KEY0, 0, par, pcoa, NCOA, 7, home_address=IPv6Address("ff02::1")),
             fback_status=None)
    fbu_case("Padding after the BADF (it must be the last option, with nothing after it).",
             ["RFC5568-6.4.5-M2", "RFC3775-6.2-M1", "RFC3775-6.2-M2"], "invalid",
             P.fbu_packet(KEY0, 0, par, pcoa, NCOA, 7,
                          after=(_pad_after_badf,)), fback_status=None)
    fbu_case("BADF followed by another option.", ["RFC5568-6.4.5-M2", "RFC3775-6.2-M1"],
             "invalid", P.fbu_packet(KEY0, 0, par, pcoa, NCOA, 7,
                                     after=(_option_after_badf,)), fback_status=None)
    fbu_case("Mobility Header checksum wrong.", ["RFC3775-6.1.1-M4"], "invalid",
             P.fbu_packet(KEY0, 0, par, pcoa, NCOA, 7,
                          after=(lambda mh: mh[:4] + bytes([mh[4] ^ 0xFF]) + mh[5:],),
                          fix_checksum=False), fback_status=None)
    fbu_case("Mobility Header checksum computed over the packet source instead of the home "
             "address.", ["RFC3775-9.3.1-M7", "RFC3775-6.1.1-M4"], "invalid",
             _checksum_over_source(P.fbu_packet(KEY0, 0, par, pcoa, NCOA, 7)),
             fback_status=None)
    fbu_case("Mobility Header length not a multiple of 8 octets.",
             ["RFC3775-6.1.1-M1"], "invalid",
             P.fbu_packet(KEY0, 0, par, pcoa, NCOA, 7,
                          after=(lambda mh: mh[:1] + bytes([mh[1] + 1]) + mh[2:],)),
             fback_status=None)
    # sequence numbers
    first = P.fbu_packet(KEY0, 0, par, pcoa, NCOA, 10)
    second = P.fbu_packet(KEY0, 0, par, pcoa, NCOA2, 11)
    binding = {"binding": {"pcoa": str(pcoa), "ncoa": str(NCOA), "sequence": 10}}
    seq_steps = [prime, receive(t0 + 1, first, "FBU seq 10 to NCoA 1", True, binding),
                 receive(t0 + 2, second, "FBU seq 11 to NCoA 2", True,
                         {"binding": {"pcoa": str(pcoa), "ncoa": str(NCOA2),
                                      "sequence": 11}})]
    cases.append(Case(
        "Replay of an accepted FBU (sequence 10) after sequence 11: not newer, so forwarding "
        "stays on NCoA 2 and the PAR answers status 135 with the last accepted number.",
        ["RFC3775-9.5.1-M4", "RFC3775-9.5.1-M14", "CL-21", "RFC3775-11.7.2-M8"], "invalid",
        [*seq_steps, receive(t0 + 3, first, "FBU seq 10 replayed", False,
                             {"forwardingUnchanged": True,
                              "fback": {"key": KEY0.hex(), "at": 0, "status": 135,
                                        "careOfAddress": str(NCOA), "par": str(par),
                                        "sequence": 11}}, True)]))
    wrap = P.fbu_packet(KEY0, 0, par, pcoa, NCOA2, 3)
    cases.append(Case(
        "Sequence numbers compare modulo 2**16: 3 is newer than 65535.",
        ["RFC3775-9.5.1-M4"], "valid",
        [prime, receive(t0 + 1, P.fbu_packet(KEY0, 0, par, pcoa, NCOA, 65535), "FBU seq 65535",
                        True, {"binding": {"pcoa": str(pcoa), "ncoa": str(NCOA),
                                           "sequence": 65535}}),
         receive(t0 + 2, wrap, "FBU seq 3", True,
                 {"binding": {"pcoa": str(pcoa), "ncoa": str(NCOA2), "sequence": 3}}, True)]))
    # interpretation switches
    fbu_case("Authenticator over the PCoA as care-of address (one reading of RFC 5568 §6.4.5); "
             "the default reading uses the NCoA.", ["CL-06", "RFC5269-3.5-M2"], "acceptable",
             P.fbu_packet(KEY0, 0, par, pcoa, NCOA, 7,
                          coa_reading=AuthenticatorCareOfAddress.PCOA), fback_status=None)
    fbu_case("From the PAR's link, authenticator over the packet source (the PCoA) rather "
             "than the Alternate CoA.", ["CL-06", "RFC5269-3.5-M2"], "acceptable",
             P.fbu_packet(KEY0, 0, par, pcoa, NCOA, 7, from_par_link=True,
                          coa_reading=AuthenticatorCareOfAddress.PACKET_SOURCE),
             fback_status=None)
    fbu_case("BADF Option Length counts the Authenticator only (the literal RFC 5568 §6.4.5 "
             "reading) instead of SPI + Authenticator.", ["CL-07", "RFC5568-6.4.5-M1"],
             "acceptable", P.fbu_packet(KEY0, 0, par, pcoa, NCOA, 7,
                                        badf_length=BadfLength.AUTHENTICATOR_ONLY),
             fback_status=None)
    timeout = [prime, receive(t0 + 1, first, "FBU seq 10", True, binding)]
    cases.append(Case(
        "The binding's lifetime runs out: forwarding ends (checked 44 s after the FBU, past "
        "its Lifetime of 10 in seconds, RFC 5568 §6.2.2, and in RFC 3775's 4-second units).",
        ["RFC3775-6.1.7-M7"], "valid",
        [*timeout, Step("wait", t0 + 45, {}, None, {"noForwarding": True}, True,
                        "time passes beyond the FBU's lifetime")]))
    cases.append(Case(
        "After forwarding timed out (10 s), a new FBU under the same, unexpired key: the PAR "
        "discards the key at the timeout (MUST) or keeps it (SHOULD NOT delete): either.",
        ["CL-11", "RFC5269-3.6-M4", "RFC5269-3.6-S2"], "acceptable",
        [*timeout, receive(t0 + 30, P.fbu_packet(KEY0, 0, par, pcoa, NCOA2, 11),
                           "FBU seq 11 after the timeout", None,
                           {"binding": {"pcoa": str(pcoa), "ncoa": str(NCOA2),
                                        "sequence": 11}}, True)]))
    return cases


def _home_address_option_at(packet: bytes) -> int:
    """Offset of the Home Address option in ``packet``'s Destination Options header."""
    assert packet[6] == 60
    at, end = 42, 40 + (packet[41] + 1) * 8
    while at < end:
        if packet[at] == 201:
            return at
        at += 1 if packet[at] == 0 else 2 + packet[at + 1]
    raise ValueError("no Home Address option")


def _home_address_length(packet: bytes, length: int) -> bytes:
    """``packet`` with the Home Address option's Option Length set to ``length``."""
    at = _home_address_option_at(packet)
    return packet[:at + 1] + bytes([length]) + packet[at + 2:]


def _two_home_addresses(packet: bytes) -> bytes:
    """``packet`` whose Destination Options header holds the Home Address option twice.

    Both options sit at 8n+6 (RFC 3775 §6.3) with PadN between them; the
    address is the same, so the Mobility Header checksum still holds.
    """
    at = _home_address_option_at(packet)
    hao = packet[at:at + 18]
    end = 40 + (packet[41] + 1) * 8
    header = bytes([packet[40], 5, 1, 2, 0, 0]) + hao + bytes([1, 4, 0, 0, 0, 0]) + hao
    rest = packet[end:]
    payload_length = len(header) + len(rest)
    return packet[:4] + payload_length.to_bytes(2, "big") + packet[6:40] + header + rest


def _badf_span(mh: bytes) -> tuple[int, int]:
    at = 12  # FBU fixed part: 6 header + 6 message data (RFC 5568 §6.2.2)
    while at < len(mh):
        if mh[at] == 0:
            at += 1
            continue
        if mh[at] == 21:
            return at, 2 + mh[at + 1]
        at += 2 + mh[at + 1]
    raise LookupError("no BADF")


def _pad_after_badf(mh: bytes) -> bytes:
    data = bytearray(mh + bytes(8))
    data[1] += 1
    return bytes(data)


def _option_after_badf(mh: bytes) -> bytes:
    data = bytearray(mh + MhPadN(8).encode())
    data[1] += 1
    return bytes(data)


def _checksum_over_source(packet: bytes) -> bytes:
    from rfc5269.wire.mobility import mh_checksum

    src, dst = IPv6Address(packet[8:24]), IPv6Address(packet[24:40])
    at = 40 + (packet[41] + 1) * 8
    mh = bytearray(packet[at:])
    mh[4:6] = b"\x00\x00"
    mh[4:6] = mh_checksum(src, dst, bytes(mh)).to_bytes(2, "big")
    return packet[:at] + bytes(mh)


# ------------------------------------------------------------------ MN


def prime_solicitation_step(time: float, router: IPv6Address, nonce: bytes, identifier: int,
                            at: int, hkepk: rsa.RSAPrivateKey) -> Step:
    """A ``prime_solicitation`` step (see :mod:`rfc5269.vectors.nodes`)."""
    return Step("prime_solicitation", time, {
        "router": str(router), "nonce": nonce.hex(), "identifier": identifier,
        "newAccessPoint": NEW_AP.hex(), "requestedAt": at,
        "hkepkPrivateKey": _key_der_hex(hkepk)}, True, {}, False,
        "the MN has an outstanding RtSolPr with this nonce and HKEPK")


@dataclass
class Prrtadv:
    """Knobs for one PrRtAdv answering a primed solicitation (RFC 5269 §3.2)."""

    signer_identity: SendIdentity
    dst: IPv6Address
    now: float | Fraction
    nonce: bytes | None
    key: bytes
    hkepk: rsa.RSAPublicKey
    identifier: int = 0x4321
    at: int = 0
    lifetime: int = HK_LIFETIME
    label: str = "prrtadv"
    signed: bool = True
    reply_after_signature: bool = False
    before: Sequence[P.Mutation] = ()
    after: Sequence[P.Mutation] = ()
    send_changes: dict[str, Any] = field(default_factory=dict)
    src: IPv6Address | None = None

    def build(self) -> bytes:
        src = self.src or self.signer_identity.address
        reply = HandoverKeyReply(self.at, self.lifetime,
                                 P.encrypted_key(self.key, self.hkepk, self.label))
        body: list[NdOption] = [
            FmipLinkLayerAddressOption.for_address(LLA_SOURCE, bytes.fromhex("020000000001")),
            FmipLinkLayerAddressOption(LLA_AP_NO_PREFIX,
                                       NEW_AP + bytes(lla_pad(len(NEW_AP))))]
        after = list(self.after)
        if self.reply_after_signature:
            after.insert(0, P.append_bytes(reply.encode()))
        else:
            body.append(reply)
        icmp = P.signed_icmp(
            lambda opts: PrRtAdv(2, self.identifier, opts).encode(src, self.dst), body,
            P.send_parts(self.signer_identity, self.now, self.nonce, **self.send_changes),
            src, self.dst, self.signer_identity.private_key if self.signed else None,
            before_signing=self.before, after_signing=after)
        return P.ipv6_packet(src, self.dst, icmp)


def lla_pad(n: int) -> int:
    """Zero octets after an LLA of ``n`` octets in an FMIPv6 LLA option (RFC 5568 §6.4.3)."""
    return (-(3 + n)) % 8


def cpa_steps(cast: Cast, time: float, pki: testpki.TestPki | None = None,
              router: SendIdentity | None = None, label: str = "CPA") -> list[Step]:
    """Unsolicited CPAs (Identifier 0, to all-nodes) carrying a router's path (RFC 3971 §6.4.2)."""
    pki = pki or cast.pki
    router = router or cast.ar
    held = RouterCertificates([HeldPath(pki.anchor.certificate, tuple(pki.path))])
    cps = build_cps(1, (pki.trust_anchor(),))
    return [receive(time, icmpv6_packet(cpa, router.address, ALL_NODES),
                    f"{label} component {cpa.component}", None)
            for cpa in held.answer(cps, 0)]


def mn_cases(cast: Cast) -> list[Case]:
    """The MN receiving PrRtAdvs (RFC 5269 §3.3; RFC 3971 §5, §6)."""
    mn = cast.mn.address
    ar = cast.ar.address
    t0 = START + 10
    nonce = bytes.fromhex("0102030405060708090a0b0c0d0e")
    hk_pub = cast.hkepk.public_key()
    key = bytes(range(0x10, 0x24))
    cases: list[Case] = []
    prime = prime_solicitation_step(t0, ar, nonce, 0x4321, 0, cast.hkepk)
    path = cpa_steps(cast, t0)

    def mn_key(k: bytes = key, at: int = 0, peers: Sequence[IPv6Address] = (ar,),
               lifetime: Sequence[float] = (HK_LIFETIME, HK_LIFETIME)) -> dict[str, Any]:
        return {"mnKey": {"key": k.hex(), "at": at, "peers": [str(p) for p in peers],
                          "owner": str(mn), "lifetime": list(lifetime)}}

    def case(comment: str, flags: list[str], result: str, adv: Prrtadv,
             pre: Sequence[Step] | None = None, checks: dict[str, Any] | None = None,
             extra: Sequence[Step] = ()) -> None:
        steps = [prime, *path] if pre is None else list(pre)
        cases.append(Case(comment, flags, result, [*steps, receive(
            float(adv.now), adv.build(), "PrRtAdv with Handover Key Reply",
            subject_accept(result), checks if checks is not None else mn_key(), True),
            *extra]))

    def adv(**kw: Any) -> Prrtadv:
        base: dict[str, Any] = {"signer_identity": cast.ar, "dst": mn, "now": t0 + 1,
                                "nonce": nonce, "key": key, "hkepk": hk_pub}
        base.update(kw)
        return Prrtadv(**base)

    accept = ["RFC5269-3.3-M1", "RFC5269-3.3-M2", "RFC5269-3.3-M5", "RFC5269-3.3-M6",
              "RFC5269-3.3-M7", "RFC5269-3.3-M8", "RFC5269-3.3-M9", "RFC5269-3.2-M15",
              "RFC3971-5.3.4.1-M1", "RFC3971-5.3.3-M2", "RFC3971-6.4.6-M5", "RFC3971-6.3-M1",
              "RFC3971-6.3-M2", "RFC3971-6.3.1-M4", "RFC3971-6.3.1-M7", "RFC3971-5.2.2-M9",
              "RFC5568-6.1.2-M7", "RFC3971-6.4.2-M4", "RFC3971-6.4.6-M2"]
    case("A PrRtAdv from the certified AR (path received in CPAs), answering the outstanding "
         "nonce, with the key encrypted under the HKEPK: the MN stores it by (AR, own CGA).",
         accept, "valid", adv())
    case("The key arrives with AT 1 (HMAC-SHA256-128) although AT 0 was asked: the MN uses "
         "the returned AT.", ["RFC5269-3.3-M8", "RFC5269-3.3-S1"], "valid",
         adv(at=1, key=KEY1), checks=mn_key(KEY1, 1))
    case("An unknown option among the signed options is ignored.", ["RFC5568-6.1.2-M7"],
         "valid", adv(before=(P.append_bytes(UnknownOption(200, bytes(6)).encode()),)))
    nar_option = bytes((17, 3, 3, 128)) + bytes.fromhex("a5a5a5a5") + NAR.nar_address.packed
    case("A New Router IP Address option whose Reserved field is not zero: ignored.",
         ["RFC5568-6.4.1-M3"], "valid", adv(before=(P.append_bytes(nar_option),)))
    case("The Handover Key Reply's Reserved bits and padding are not zero: ignored.",
         ["RFC5269-4.2-M4", "RFC5269-4.2-M2"], "valid",
         adv(before=(P.set_octet(HK_REPLY, 3, 0x0F), P.set_last_octet(HK_REPLY, 0x77))))
    later_path = cpa_steps(cast, t0 + 2)
    later_path[-1] = receive(t0 + 2, bytes.fromhex(later_path[-1].args["packet"]),
                             "last CPA: the path is complete", True,
                             mn_key(lifetime=(HK_LIFETIME - 1, HK_LIFETIME)), True)
    cases.append(Case(
        "The PrRtAdv arrives before the router's path: the MN asks for it with a CPS, and "
        "stores the key once the CPAs validate the path.",
        ["RFC5269-3.3-M3", "RFC3971-6.4.6-S2", "RFC3971-6.4.1-M1", "RFC3971-6.4.1-M2",
         "RFC3971-6.4.6-M7", "RFC3971-6.4.6-M5"], "valid",
        [prime, receive(t0 + 1, adv().build(), "PrRtAdv before the path", None,
                        {"cps": {"router": str(ar)}}), *later_path]))
    cases.append(Case(
        "The PrRtAdv arrives before the router's path and no CPA follows: the MN must not "
        "take the key; it asks for the path with a CPS.",
        ["RFC5269-3.3-M3", "RFC5269-3.3-M2", "RFC3971-6.4.6-M7"], "invalid",
        [prime, receive(t0 + 1, adv().build(), "PrRtAdv before the path", False,
                        {"cps": {"router": str(ar)}, "mnKeysUnchanged": True}, True)]))
    reject = ["RFC5269-3.3-M1", "RFC3971-5.2.2-M10"]
    # RFC 5269 §3.3: SEND validation comes before the key is touched. Where the
    # adapter reports its optional decryption count, a PrRtAdv failing
    # validation must leave it unchanged (no decryption oracle, §5).
    unverified = {**mn_key(), "noDecryption": True}
    case("Unsigned PrRtAdv (no key decryption may be attempted).",
         [*reject, "RFC3971-5.2.2-M1", "RFC5269-3.2-M14"], "invalid",
         adv(signed=False), checks=unverified)
    case("Signature bit flipped (no key decryption may be attempted).",
         [*reject, "RFC3971-5.2.2-M8"], "invalid",
         adv(after=(P.set_octet(RSA_SIG, 40, lambda v: v ^ 0x02),)), checks=unverified)
    case("The Handover Key Reply is placed after the RSA Signature option (unsigned; no key "
         "decryption may be attempted).",
         [*reject, "RFC3971-5.2.2-M4"], "invalid", adv(reply_after_signature=True),
         checks=unverified)
    case("The nonce matches no outstanding RtSolPr.",
         ["RFC5269-3.3-M6", "RFC3971-5.3.4.1-M2", "RFC3971-5.3.4.1-M1"], "invalid",
         adv(nonce=bytes.fromhex("ffeeddccbbaa9988776655443322")))
    case("No Nonce option: an unsolicited PrRtAdv cannot carry a key for this MN.",
         ["RFC5269-3.3-M6", "RFC3971-5.3.4-S1"], "invalid", adv(nonce=None))
    case("No Timestamp option.", [*reject, "RFC3971-5.3.4-M2"], "invalid",
         adv(send_changes={"timestamp": None}), checks=unverified)
    case("The PrRtAdv comes from another link-local address than the CGA its CGA option "
         "describes (signed over that source).",
         [*reject, "RFC3971-5.1.1-M10", "RFC3971-5.1.2-M3"], "invalid",
         adv(src=IPv6Address("fe80::99")), checks=unverified)
    rogue = adv(signer_identity=cast.rogue_router)
    case("Signed by a router CGA that no trust anchor certifies (CGA valid, no path; no key "
         "decryption may be attempted).",
         ["RFC5269-3.3-M4", "RFC5269-3.3-M2", "RFC5269-3.3-M1", "RFC3971-5.2.2-M9", "CL-01"],
         "invalid", rogue, checks=unverified)
    rogue_pki = testpki.make_pki(1, anchor_name="Rogue Anchor", fqdn="rogue.example")
    rogue_id = make_identity(rogue_pki.router.rsa_key, LINK_LOCAL, P.seeded("rogue-pki-router"))
    case("Signed by a router whose path ends at an anchor the MN does not trust.",
         ["RFC5269-3.3-M4", "RFC3971-6.3-M2", "RFC3971-6.4.6-M5", "RFC3971-6.3.1-M6"],
         "invalid", adv(signer_identity=rogue_id),
         pre=[prime, *cpa_steps(cast, t0, rogue_pki, rogue_id, "rogue CPA")])
    case("The key does not decrypt under the HKEPK (encrypted under another key).",
         ["RFC5269-3.3-M7", "RFC5269-3.3-M5"], "invalid",
         adv(hkepk=cast.hkepk2.public_key()))
    case("The encrypted key decrypts to 16 octets, not the 20 AT 0 needs.",
         ["RFC5269-3.3-M7", "RFC5269-3.6-M1"], "invalid", adv(key=bytes(16)))
    case("AT 9 names no algorithm the MN supports.", ["RFC5269-3.3-S1"], "invalid",
         adv(at=9))
    weak_prime = prime_solicitation_step(t0, ar, nonce, 0x4321, 1, cast.hkepk)
    case("The MN asked for AT 1 and the reply carries AT 0: bidding down.",
         ["RFC5269-3.3-S2", "CL-22", "RFC5269-3.2-M12"], "invalid", adv(),
         pre=[weak_prime, *path])
    case("The Handover Key Reply has Length 0.", ["RFC5269-4.2-M1"], "invalid",
         adv(before=(P.set_octet(HK_REPLY, 1, 0),)))
    # answered nonce, second router, several solicitations
    first = adv()
    second = adv(now=t0 + 3, key=bytes(range(0x30, 0x44)), label="second-answer")
    cases.append(Case(
        "A second PrRtAdv from the same router on an already answered nonce (new key): the "
        "MN keeps the first key.",
        ["RFC5269-3.6-M3", "RFC3971-5.3.4.1-M1", "CL-09"], "invalid",
        [prime, *path, receive(t0 + 1, first.build(), "first answer", True, mn_key()),
         receive(t0 + 3, second.build(), "second answer, same nonce", False,
                 {"mnKeysUnchanged": True}, True)]))
    cases.append(Case(
        "The exact first PrRtAdv replayed 2 s later.",
        ["RFC5269-3.6-M3", "RFC3971-5.3.4.1-M1", "CL-09", "CL-25"], "invalid",
        [prime, *path, receive(t0 + 1, first.build(), "first answer", True, mn_key()),
         receive(t0 + 3, first.build(), "replayed answer", False, {"mnKeysUnchanged": True},
                 True)]))
    router2 = cast.pki.issue_router("SEND Test Router 2", key_index=4)
    router2_id = make_identity(router2.rsa_key, LINK_LOCAL, P.seeded("router2-cga"))
    held2 = RouterCertificates([HeldPath(cast.pki.anchor.certificate,
                                         (*[i.certificate for i in cast.pki.intermediates],
                                          router2.certificate))])
    path2 = [receive(t0 + 2, icmpv6_packet(cpa, router2_id.address, ALL_NODES),
                     f"CPA of the second router, component {cpa.component}", None)
             for cpa in held2.answer(build_cps(1, (cast.pki.trust_anchor(),)), 0)]
    other = adv(signer_identity=router2_id, now=t0 + 3, key=bytes(range(0x50, 0x64)),
                label="second-router")
    cases.append(Case(
        "A second certified router answers the same nonce after the first was accepted: one "
        "answer per router (default) takes it, a single-answer reading does not.",
        ["CL-09", "RFC5269-3.3-S1", "RFC3971-5.3.4.1-M1"], "acceptable",
        [prime, *path, receive(t0 + 1, first.build(), "first router's answer", True, mn_key()),
         *path2, receive(t0 + 3, other.build(), "second router's answer, same nonce", None,
                         mn_key(bytes(range(0x50, 0x64)), peers=(router2_id.address,)),
                         True)]))
    cases += certificate_path_cases(cast, prime, adv, mn_key, t0)
    global_ar = IPv6Address("2001:db8:a::1")
    prime_global = prime_solicitation_step(t0, global_ar, nonce, 0x4321, 0, cast.hkepk)
    case("The RtSolPr went to the AR's global address; the PrRtAdv comes from its link-local "
         "CGA: the key is named by either address.", ["CL-05", "RFC5269-3.3-M9"],
         "acceptable", adv(), pre=[prime_global, *path],
         checks=mn_key(peers=(ar, global_ar)))
    nonce2 = bytes.fromhex("1112131415161718191a1b1c1d1e")
    case("Two RtSolPrs are outstanding; the PrRtAdv answers the older one.",
         ["CL-12", "RFC5269-3.3-M5", "RFC5269-3.3-M6"], "acceptable", adv(),
         pre=[prime, prime_solicitation_step(t0 + 0.5, ar, nonce2, 0x5555, 0, cast.hkepk2),
              *path])
    refreshed = adv(lifetime=100)
    cases.append(Case(
        "Key Lifetime 100 s: the MN asks the AR again (a new RtSolPr) before the key runs out.",
        ["RFC5269-3.3-M10"], "valid",
        [prime, *path, receive(t0 + 1, refreshed.build(), "PrRtAdv with a 100 s key", True,
                               mn_key(lifetime=(99, 100))),
         Step("wait", t0 + 100, {}, True,
              {"rtsolpr": {"router": str(ar), "at": [0, 1]}},
              True, "time passes to 1 s before the key expires")]))
    cases.append(Case(
        "The PrRtAdv arrives before the router's path and no CPA comes: the MN retries its CPS "
        "with a doubling wait.",
        ["RFC3971-6.4.6-M6"], "valid",
        [prime, receive(t0 + 1, adv().build(), "PrRtAdv before the path (first CPS)", False,
                        {"cps": {"router": str(ar)}}),
         Step("wait", t0 + 61, {}, None,
              {"backoff": {"message": "CPS", "atLeast": 0, "atMost": 8, "since": t0 + 1}},
              True, "a minute passes without CPAs")]))
    case("Key Lifetime 100 s: the MN stores the key with that lifetime, counted from receipt "
         "or from the RtSolPr (CL-20).", ["RFC5269-3.3-M7", "CL-20"], "valid",
         adv(lifetime=100), checks=mn_key(lifetime=(99, 100)))
    return cases


def path_cpas(anchor: x509.Certificate, path: Sequence[x509.Certificate],
              router: SendIdentity, time: float, label: str,
              mutate: Callable[[int, bytes], bytes] | None = None) -> list[Step]:
    """Unsolicited CPAs carrying ``path`` (anchor side first), optionally mutated."""
    held = RouterCertificates([HeldPath(anchor, tuple(path))])
    cps = build_cps(1, (TrustAnchor.from_certificate(anchor),))
    steps = []
    for i, cpa in enumerate(held.answer(cps, 0)):
        icmp = cpa.encode(router.address, ALL_NODES)
        if mutate is not None:
            icmp = P.with_checksum(mutate(i, icmp), router.address, ALL_NODES)
        steps.append(receive(time, P.ipv6_packet(router.address, ALL_NODES, icmp),
                             f"{label} component {cpa.component}", None))
    return steps


def certificate_path_cases(cast: Cast, prime: Step, adv: Callable[..., Prrtadv],
                           mn_key: Callable[..., dict[str, Any]], t0: float) -> list[Case]:
    """RFC 3971 §6.3, §6.4.6: which certification paths make a router's key certified."""
    pki = cast.pki
    anchor = pki.anchor.certificate
    inter = [i.certificate for i in pki.intermediates]
    cases: list[Case] = []

    def routed(name: str, key_index: int, **kw: Any) -> tuple[SendIdentity, x509.Certificate]:
        issued = pki.issue_router(name, key_index=key_index, **kw)
        identity = make_identity(issued.rsa_key, LINK_LOCAL, P.seeded(f"router-{name}"))
        return identity, issued.certificate

    def path_case(comment: str, flags: list[str], result: str, router: SendIdentity,
                  path: Sequence[x509.Certificate],
                  mutate: Callable[[int, bytes], bytes] | None = None) -> None:
        cpas = path_cpas(anchor, path, router, t0, "CPA", mutate)
        the_adv = adv(signer_identity=router, key=bytes(range(0x90, 0xA4)),
                      label=f"path-{len(cases)}")
        cases.append(Case(comment, flags, result, [prime, *cpas, receive(
            t0 + 1, the_adv.build(), "PrRtAdv signed by that router", subject_accept(result),
            mn_key(bytes(range(0x90, 0xA4)), peers=(router.address,)), True)]))

    good, good_cert = routed("Router B", 4)
    path_case("A second router with a valid path (EKU id-kp-sendRouter, blocks inside the "
              "issuer's): its key is certified.",
              ["RFC3971-6.3-M1", "RFC3971-6.3-M2", "RFC3971-6.3.1-M1", "RFC3971-6.3.1-M2",
               "RFC3971-6.3.1-M3", "RFC3971-6.3.1-M4", "RFC3971-6.3.1-M7", "RFC3971-6.3.1-M11",
               "RFC3971-6.4.6-M5", "RFC3971-6.4.6-M2"], "valid", good, [*inter, good_cert])
    path_case("The same path with unknown options and a Nonce option in the CPAs: ignored.",
              ["RFC3971-6.4.6-M2", "RFC3971-6.4.6-M4", "RFC3971-6.4.2-M6"], "valid", good,
              [*inter, good_cert],
              lambda i, icmp: icmp + UnknownOption(200, bytes(6)).encode()
              + bytes((14, 1)) + bytes(6))
    path_case("One CPA of the path is malformed (an option of Length 0): the path is "
              "incomplete and the key stays uncertified.",
              ["RFC3971-6.4.6-M1", "RFC5269-3.3-M4"], "invalid", good, [*inter, good_cert],
              lambda i, icmp: icmp if i else icmp + bytes((200, 0)) + bytes(6))
    expired, expired_cert = routed(
        "Router C", 5, not_after=testpki.NOT_BEFORE + (testpki.VALID_AT - testpki.NOT_BEFORE) / 2)
    path_case("The router certificate expired before the PrRtAdv arrived.",
              ["RFC3971-6.3.1-M6", "RFC5269-3.3-M4"], "invalid", expired,
              [*inter, expired_cert])
    broken = x509.load_der_x509_certificate(testpki.with_broken_signature(good_cert))
    path_case("The router certificate's signature does not verify under its issuer's key.",
              ["RFC3971-6.3.1-M4", "RFC3971-6.3.1-M6", "RFC5269-3.3-M4"], "invalid", good,
              [*inter, broken])
    wide, wide_cert = routed("Router D", 3, blocks=("2001:db9::/32",))
    path_case("The router certificate's address blocks lie outside its issuer's "
              "(empty intersection).",
              ["RFC3971-6.3.1-M5", "RFC3971-6.3.1-M11", "RFC5269-3.3-M4"], "invalid", wide,
              [*inter, wide_cert])
    no_eku, no_eku_cert = routed("Router E", 3,
                                 eku=(x509.oid.ExtendedKeyUsageOID.CLIENT_AUTH,))
    path_case("The router certificate is for TLS clients, not SEND routers (RFC 6494 EKU).",
              ["RFC3971-6.3.1-M6", "RFC5269-3.3-M4", "RFC5269-3.2-M14"], "invalid", no_eku,
              [*inter, no_eku_cert])
    path_case("A CPA of the path is cut to 6 octets (shorter than 8): it is discarded, the "
              "path is incomplete and the key stays uncertified.",
              ["RFC3971-6.4.2-M8", "RFC3971-6.4.6-M1", "RFC5269-3.3-M4"], "invalid", good,
              [*inter, good_cert], lambda i, icmp: icmp if i else icmp[:6])
    path_case("The Certificate options of the CPAs have a Reserved field that is not zero: "
              "ignored, the path certifies the router.",
              ["RFC3971-6.4.4-M2", "RFC3971-6.4.6-M2"], "valid", good, [*inter, good_cert],
              _set_certificate_reserved)
    ec_key = ec.derive_private_key(0x5EDC0FFEE, ec.SECP256R1())
    ec_cert = pki.issue_router("Router F", key=ec_key).certificate
    path_case("The router certificate holds an ECDSA key, not RSA: SEND disregards it, so the "
              "RSA key that signed the PrRtAdv is not certified.",
              ["RFC3971-6.3.1-M7", "RFC3971-6.3.1-M8", "RFC5269-3.3-M4"], "invalid", good,
              [*inter, ec_cert])
    path_case("The router certificate is sent with Cert Type 2 (not an X.509v3 certificate): "
              "the path is incomplete and the key stays uncertified.",
              ["RFC3971-6.3-M1", "RFC5269-3.3-M4"], "invalid", good, [*inter, good_cert],
              lambda i, icmp: _set_certificate_type(icmp, 2) if i == 0 else icmp)
    empty, empty_cert = routed("Router G", 3, raw_blocks=bytes.fromhex("30083006040200023000"))
    path_case("The router certificate's IPv6 block lists no addressesOrRanges element.",
              ["RFC3971-6.3.1-M1", "RFC3971-6.3.1-M6", "RFC5269-3.3-M4"], "invalid", empty,
              [*inter, empty_cert])
    ipv4, ipv4_cert = routed("Router H", 3,
                             raw_blocks=bytes.fromhex("300c300a04020001300403020a0a"))
    path_case("The router certificate's address block is of family IPv4 (0001), not IPv6.",
              ["RFC3971-6.3.1-M3", "RFC3971-6.3.1-M6", "RFC5269-3.3-M4"], "invalid", ipv4,
              [*inter, ipv4_cert])
    path_case("The path leaves out the intermediate certificate.",
              ["RFC3971-6.3-M2", "RFC3971-6.3.1-M4", "RFC5269-3.3-M4"], "invalid", good,
              [good_cert])
    return cases


def _set_certificate_reserved(index: int, icmp: bytes) -> bytes:
    """A CPA whose Certificate options (type 16) carry Reserved 0xA5 (RFC 3971 §6.4.4)."""
    out, at = bytearray(icmp), 12
    while at + 4 <= len(out) and out[at + 1]:
        if out[at] == 16:
            out[at + 3] = 0xA5
        at += out[at + 1] * 8
    return bytes(out)


def _set_certificate_type(icmp: bytes, cert_type: int) -> bytes:
    """A CPA whose Certificate options (type 16) carry ``cert_type`` (RFC 3971 §6.4.4)."""
    out, at = bytearray(icmp), 12
    while at + 4 <= len(out) and out[at + 1]:
        if out[at] == 16:
            out[at + 2] = cert_type
        at += out[at + 1] * 8
    return bytes(out)


def mn_sender_cases(cast: Cast) -> list[Case]:
    """What the MN sends: its RtSolPr (RFC 5269 §3.1) and its FBU (RFC 5269 §3.4)."""
    ar = cast.ar.address
    t0 = START + 10
    rtsolpr_flags = ["RFC5269-3.1-M1", "RFC5269-3.1-M3", "RFC5269-3.1-M4", "RFC5269-3.1-M5",
                     "RFC5269-3.1-M6", "RFC5269-4.1-M3", "RFC5269-4.1-M5", "RFC5269-4.1-M6",
                     "RFC3971-5.1.1-M2", "RFC3971-5.1.1-M9", "RFC3971-5.2.1-M2",
                     "RFC3971-5.2.1-M3", "RFC3971-5.3.3-M1", "RFC3971-5.3.3-M4",
                     "RFC3971-5.3.2-M1", "RFC3971-5.3.2-M2", "RFC5568-6.1.1-M1",
                     "RFC5568-6.1.1-M2", "RFC5568-6.1.1-M3", "RFC3971-5.1-M2",
                     "RFC3971-5.2-M1", "RFC3971-5.3.1-M1"]
    cases = [Case(
        "Asked for a key, the MN sends a signed RtSolPr from its CGA with CGA, Timestamp, "
        "Nonce and RSA Signature options, a New Access Point LLA option and a Handover Key "
        "Request whose key has the CGA key's parameters.", rtsolpr_flags, "valid",
        [Step("request_key", t0, {"router": str(ar), "newAccessPoint": NEW_AP.hex()}, True,
              {"rtsolpr": {"router": str(ar), "newAccessPoint": NEW_AP.hex(),
                           "at": [0, 1]}}, True, "application asks for a handover key")])]
    fbu_flags = ["RFC5269-3.4-M1", "RFC5269-3.4-M2", "RFC5269-3.4-M3", "RFC5269-3.4-M4",
                 "RFC5269-3.4-M5", "RFC5568-6.2.2-M1", "RFC5568-6.2.2-M2", "RFC5568-6.2.2-M3",
                 "RFC5568-6.2.2-M4", "RFC5568-6.2.2-M6", "RFC5568-6.2.2-M9",
                 "RFC5568-6.4.5-M1", "RFC5568-6.4.5-M2", "RFC3775-6.1.7-M3",
                 "RFC3775-6.1.7-M5", "RFC3775-6.1.1-M1", "RFC3775-6.1.1-M2",
                 "RFC3775-6.2-M1", "RFC3775-6.2-M2", "RFC3775-6.3-M1", "RFC3775-11.7.2-M5",
                 "RFC3775-11.7.2-M6", "RFC3775-11.7.2-M7", "RFC5568-10-M3"]
    prime = prime_key_step(t0, cast.mn.address, ar, KEY0, 0, 600)
    prime.label = "the MN holds a handover key for the PAR"
    for from_par_link in (False, True):
        where = "the PAR's link (Alternate CoA = NCoA)" if from_par_link else "the new link"
        flags = fbu_flags + (["RFC5568-6.2.2-M5", "RFC5568-6.2.2-M7"] if from_par_link else [])
        cases.append(Case(
            f"Handover from {where}: the FBU carries HAO = PCoA and a BADF (SPI 0) whose "
            "authenticator verifies under the key.", flags, "valid",
            [prime, Step("start_handover", t0 + 1,
                         {"par": str(ar), "ncoa": str(NCOA), "fromParLink": from_par_link},
                         True, {"fbu": {"key": KEY0.hex(), "at": 0, "par": str(ar),
                                        "pcoa": str(cast.mn.address), "ncoa": str(NCOA),
                                        "fromParLink": from_par_link}}, True,
                         "application starts the handover")]))
    cases.append(Case(
        "Two handovers: the second FBU's Sequence Number is greater (modulo 2**16).",
        ["RFC3775-11.7.2-M8", "RFC3775-11.7.2-M9"], "valid",
        [prime, Step("start_handover", t0 + 1, {"par": str(ar), "ncoa": str(NCOA),
                                                "fromParLink": False}, True,
                     {"fbu": {"key": KEY0.hex(), "at": 0, "par": str(ar),
                              "pcoa": str(cast.mn.address), "ncoa": str(NCOA),
                              "fromParLink": False}}, False, "first handover"),
         Step("start_handover", t0 + 2, {"par": str(ar), "ncoa": str(NCOA2),
                                         "fromParLink": False}, True,
              {"fbu": {"key": KEY0.hex(), "at": 0, "par": str(ar),
                       "pcoa": str(cast.mn.address), "ncoa": str(NCOA2),
                       "fromParLink": False, "sequenceAfterStep": 1}}, True,
              "second handover")]))
    ask = {"router": str(ar), "newAccessPoint": NEW_AP.hex()}
    cases.append(Case(
        "No PrRtAdv answers: the MN retransmits its RtSolPr (at most RTSOLPR_RETRIES = 3 "
        "times), doubling the timeout each time.",
        ["RFC5568-6.1.1-M5"], "valid",
        [Step("request_key", t0, ask, True, {}, False, "application asks for a handover key"),
         Step("wait", t0 + 60, {}, None,
              {"backoff": {"message": "RtSolPr", "atLeast": 0, "atMost": 3, "since": t0}},
              True, "a minute passes without an answer")]))
    cases.append(Case(
        "The application asks eleven times in the same instant: at most MAX_RTSOLPR_RATE "
        "RtSolPrs per second (3 by RFC 5568 §9; the reference is configured with 10), so the "
        "eleventh is not sent.",
        ["RFC5568-6.1.1-M6"], "invalid",
        [*(Step("request_key", t0, ask, None, {}, False, f"request {i + 1}") for i in range(10)),
         Step("request_key", t0, ask, False, {}, True, "request 11")]))
    cases.append(Case(
        "No key is held for the PAR: the MN sends no FBU authenticated with a key it does not "
        "have.", ["RFC5269-3.6-M3", "RFC5269-3.4-M2"], "invalid",
        [Step("start_handover", t0 + 1, {"par": str(ar), "ncoa": str(NCOA),
                                         "fromParLink": False}, False, {}, True,
              "application starts the handover without a key")]))
    return cases


# ------------------------------------------------------------------ assembling


def suites() -> dict[str, Suite]:
    """Every suite by file name (without ``.json``)."""
    cast = Cast.make()
    notes = flag_notes()
    ar_default = ar_config_json(cast.ar_config())
    groups_ar: list[dict[str, Any]] = []
    next_id = 1
    ar_groups = (
        ("ArRtSolPrTest", ar_default, "AR with default configuration and interpretations",
         ar_rtsolpr_cases(cast)),
        ("ArTimestampTest", ar_default, "RFC 3971 timestamp windows (Delta 300 s, fuzz 1 s, "
         "drift 1 %)", ar_timestamp_cases(cast)),
        ("ArMalformedTest", ar_default, "malformed encodings, one field at a time",
         ar_malformed_cases(cast)),
        ("ArCpsTest", ar_default, "certification path solicitations", ar_cps_cases(cast)),
        ("ArCapacityTest", ar_config_json(cast.ar_config(limits=ArLimits(max_key_records=1))),
         "AR configured to hold one key record", ar_capacity_cases(cast)),
        ("ArAlgorithmTest", ar_config_json(cast.ar_config(supported_at=(1,))),
         "AR supporting AT 1 only", ar_weak_only_cases(cast)),
    )
    twins.apply("ar_rtsolpr", (c for group in ar_groups for c in group[3]))
    for kind, config, comment, cases in ar_groups:
        groups_ar.append(_group(kind, "AR", config, cast, comment, cases, next_id))
        next_id += len(cases)
    par_cases_list = par_cases(cast)
    twins.apply("par_fbu", par_cases_list)
    groups_par = [_group("ParFbuTest", "AR", ar_default, cast,
                         "the AR as PAR; keys are primed with prime_key", par_cases_list, 1)]
    mn_default = mn_config_json(cast.mn_config())
    mn_list = mn_cases(cast)
    sender_list = mn_sender_cases(cast)
    twins.apply("mn", [*mn_list, *sender_list])
    groups_mn = [
        _group("MnPrRtAdvTest", "MN", mn_default, cast,
               "MN with the test anchor; solicitations are primed with prime_solicitation",
               mn_list, 1),
        _group("MnSenderTest", "MN", mn_default, cast, "what the MN sends", sender_list,
               1 + len(mn_list)),
    ]
    return {
        "ar_rtsolpr": _file("ar_rtsolpr", "Access Router: Handover Key Request processing "
                            "(RFC 5269 §3.2, §3.6, §5; RFC 3971 §5)", notes, groups_ar),
        "par_fbu": _file("par_fbu", "Previous Access Router: FBU authentication (RFC 5269 "
                         "§3.5, §3.6; RFC 5568 §6.2; RFC 3775 §9.5.1)", notes, groups_par),
        "mn": _file("mn", "Mobile Node: PrRtAdv processing, RtSolPr and FBU sending "
                    "(RFC 5269 §3.1, §3.3, §3.4; RFC 3971 §5, §6)", notes, groups_mn),
    }


def flag_notes() -> dict[str, dict[str, str]]:
    """Notes for clarification flags (requirement flags are described by the catalogue)."""
    from rfc5269.interpretations import SWITCHES

    notes = {s.clarification: {"bugType": "AMBIGUITY", "description": s.question,
                               "effect": s.default_reason} for s in SWITCHES}
    try:
        from rfc5269.proofs.clarifications import CLARIFICATIONS
    except ImportError:  # pragma: no cover - the proofs package is part of the project
        return notes
    for c in CLARIFICATIONS:
        if c.id not in notes:
            notes[c.id] = {"bugType": "AMBIGUITY", "description": c.title,
                           "effect": c.resolution}
    return dict(sorted(notes.items()))


def dumps(data: Any) -> str:
    """The canonical JSON text of the corpus (sorted keys, two-space indent, final newline)."""
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=True) + "\n"


def generate(directory: str | Path) -> list[Path]:
    """Write every suite and the schema to ``directory``; return the files written."""
    from rfc5269.vectors.schema import SCHEMA

    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, suite in suites().items():
        path = out / f"{name}.json"
        path.write_text(dumps(suite), encoding="utf-8")
        written.append(path)
    schema_path = out / "schema.json"
    schema_path.write_text(dumps(SCHEMA), encoding="utf-8")
    written.append(schema_path)
    return written


Builder = Callable[[Cast], list[Case]]
