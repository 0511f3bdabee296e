"""``rfc5269 conform mn``: play an honest AR and rogue routers against a Mobile Node.

The MN under test is asked (by whoever starts it) to get a handover key from
a router on the link and then to hand over. The tester waits for its RtSolPr
and judges it (RFC 5269 §3.1), sends the certified path of its AR in
unsolicited CPAs (RFC 3971 §6.4.2), then answers the RtSolPr several times,
each answer carrying a different handover key known only to the tester:

1. ``uncertified`` — signed by a router CGA no trust anchor certifies (RFC 5269 §3.3);
2. ``unknown-nonce`` — the honest AR's answer to a nonce the MN never sent (§3.3);
3. ``unsigned`` — the honest AR's address, no RSA Signature (RFC 3971 §5.2.2);
4. ``honest`` — the certified AR's correct answer.

A signed answer from the honest AR's key that is wrong in some other way (the
key option after the signature, a weaker AT) is not played: under the
default nonce reading (one answer per router, CL-09) it would use up the
router's answer and the honest one after it would rightly be refused. The
vector corpus covers those cases.

The MN's FBU then tells which key it accepted: its BADF authenticator
verifies under exactly one of them (RFC 5269 §3.4). Accepting a rogue key
fails that probe's requirements; the probes after the first accepted key are
not observable (the MN hands over once).
"""

from __future__ import annotations

import argparse
import json
import select
import time
from dataclasses import dataclass, field
from fractions import Fraction
from ipaddress import IPv6Address
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from rfc5269.errors import Rfc5269Error
from rfc5269.handover.algorithms import algorithm_for_at
from rfc5269.handover.authenticator import verify_authenticator
from rfc5269.interpretations import DEFAULT
from rfc5269.nodes.config import LINK_LOCAL_PREFIX, make_identity
from rfc5269.nodes.packets import ALL_NODES, icmpv6_packet, solicited_node
from rfc5269.send import testpki
from rfc5269.send.certpath import HeldPath, RouterCertificates, build_cps
from rfc5269.send.pkix import TrustAnchor
from rfc5269.send.sender import SendIdentity
from rfc5269.send.signature import verify_signature
from rfc5269.vectors import packets as pk
from rfc5269.vectors.generate import ROGUE_ROUTER_KEY, Prrtadv
from rfc5269.wire.cert_path import CertificationPathSolicitation
from rfc5269.wire.fmip import RtSolPr
from rfc5269.wire.ipv6 import IPv6Packet
from rfc5269.wire.mobility import AlternateCareOfAddress, FastBindingUpdate, badf_of
from rfc5269.wire.mobility import mh_data_for_authenticator as mh_data
from rfc5269.wire.ndopt import HandoverKeyRequest, NonceOption, TimestampOption

RTSOLPR_REQUIREMENTS = ("RFC5269-3.1-M3", "RFC5269-3.1-M4", "RFC5269-3.1-M5", "RFC5269-3.1-M6",
                        "RFC5269-4.1-M6", "RFC3971-5.3.3-M1", "RFC5568-6.1.1-M3")
PROBE_REQUIREMENTS: dict[str, tuple[str, ...]] = {
    "uncertified": ("RFC5269-3.3-M2", "RFC5269-3.3-M4"),
    "unknown-nonce": ("RFC5269-3.3-M6", "RFC3971-5.3.4.1-M2"),
    "unsigned": ("RFC5269-3.3-M1", "RFC3971-5.2.2-M1"),
    "honest": ("RFC5269-3.3-M5", "RFC5269-3.3-M7", "RFC5269-3.4-M1", "RFC5269-3.4-M3",
               "RFC5269-3.4-M4", "RFC5269-3.4-M5"),
}
KEYS = {name: bytes([0x70 + i]) * 20 for i, name in enumerate(PROBE_REQUIREMENTS)}


@dataclass
class MnReport:
    """What the tester saw and concluded."""

    rtsolpr_problems: list[str] = field(default_factory=list)
    accepted_key: str | None = None
    fbu_problems: list[str] = field(default_factory=list)
    events: list[str] = field(default_factory=list)

    def verdicts(self) -> dict[str, str]:
        """Requirement -> pass / fail / not-observable."""
        out: dict[str, str] = {}
        for req in RTSOLPR_REQUIREMENTS:
            out[req] = "fail" if self.rtsolpr_problems else "pass"
        order = list(PROBE_REQUIREMENTS)
        accepted = self.accepted_key
        for name in order:
            reqs = PROBE_REQUIREMENTS[name]
            if accepted is None:
                verdict = "fail" if name == "honest" else "not-observable"
            elif name == accepted:
                verdict = "fail" if name != "honest" or self.fbu_problems else "pass"
            elif order.index(name) < order.index(accepted):
                verdict = "pass"  # refused: a later key was the one used
            else:
                verdict = "not-observable"
            for req in reqs:
                if out.get(req) != "fail":
                    out[req] = verdict
        return dict(sorted(out.items()))

    def to_json(self) -> dict[str, Any]:
        return {"role": "MN", "rtsolprProblems": self.rtsolpr_problems,
                "acceptedKey": self.accepted_key, "fbuProblems": self.fbu_problems,
                "events": self.events, "requirements": self.verdicts()}


def judge_rtsolpr(packet: IPv6Packet) -> tuple[bytes | None, Any, list[str]]:
    """(nonce, HKEPK, problems) of the MN's RtSolPr (RFC 5269 §3.1, RFC 3971 §5)."""
    message = packet.payload
    assert isinstance(message, RtSolPr)
    problems = []
    if packet.header.hop_limit != 255:
        problems.append("Hop Limit is not 255")
    verdict = verify_signature(bytes(message.raw), packet.header.src, packet.header.dst,
                               signed_checksum=DEFAULT.signed_checksum)
    if not verdict.accepted or verdict.info is None:
        return None, None, [*problems, f"SEND verification of the RtSolPr fails: "
                                       f"{verdict.reason}"]
    signed = verdict.info
    nonce = signed.first(NonceOption)
    if nonce is None:
        problems.append("no Nonce option")
    if signed.first(TimestampOption) is None:
        problems.append("no Timestamp option")
    request = signed.first(HandoverKeyRequest)
    if request is None:
        return None, None, [*problems, "no signed Handover Key Request option"]
    hkepk = serialization.load_der_public_key(request.public_key)
    cga_key = serialization.load_der_public_key(signed.public_key_der)
    if not isinstance(hkepk, rsa.RSAPublicKey) or not isinstance(cga_key, rsa.RSAPublicKey) \
            or hkepk.key_size != cga_key.key_size \
            or hkepk.public_numbers().e != cga_key.public_numbers().e:
        problems.append("the HKEPK's parameters differ from the CGA key's")
    return (nonce.nonce if nonce else None), hkepk, problems


class MnTester:
    """The honest AR, the rogue router, and the link."""

    def __init__(self, iface: str, ar_key: rsa.RSAPrivateKey,
                 path: list[x509.Certificate], anchor: x509.Certificate) -> None:
        from rfc5269.io.rawlink import RawLink

        self.link = RawLink(iface)
        self.ar = make_identity(ar_key, LINK_LOCAL_PREFIX, pk.seeded("conform-ar"))
        self.rogue = make_identity(testpki.pool_key(ROGUE_ROUTER_KEY), LINK_LOCAL_PREFIX,
                                   pk.seeded("conform-rogue"))
        self.link.add_addresses([self.ar.address, self.rogue.address])
        self.held = RouterCertificates([HeldPath(anchor, tuple(path))])
        self.anchor = TrustAnchor.from_certificate(anchor)

    def frames(self, timeout: float) -> list[bytes]:
        ready, _, _ = select.select([self.link], [], [], timeout)
        if not ready:
            return []
        return [f.packet for f in self.link.receive() if not f.outgoing]

    def answer_cps(self, packet: IPv6Packet) -> None:
        cps = packet.payload
        assert isinstance(cps, CertificationPathSolicitation)
        if packet.header.dst not in (self.ar.address, IPv6Address("ff02::2")):
            return  # a CPS for the rogue router goes unanswered
        dst = ALL_NODES if packet.header.src.is_unspecified else solicited_node(packet.header.src)
        for cpa in self.held.answer(cps):
            self.link.send(icmpv6_packet(cpa, self.ar.address, dst))

    def send_path(self) -> None:
        """Unsolicited CPAs (Identifier 0, all-nodes) with the AR's path (RFC 3971 §6.4.2)."""
        for cpa in self.held.answer(build_cps(1, (self.anchor,)), 0):
            self.link.send(icmpv6_packet(cpa, self.ar.address, ALL_NODES))

    def answers(self, mn: IPv6Address, nonce: bytes, hkepk: rsa.RSAPublicKey,
                identifier: int) -> list[bytes]:
        now = time.time()

        def adv(identity: SendIdentity, name: str, **kw: Any) -> bytes:
            return Prrtadv(identity, mn, Fraction(now), kw.pop("nonce", nonce), KEYS[name],
                           hkepk, identifier=identifier, label=f"conform-{name}", **kw).build()

        return [adv(self.rogue, "uncertified"),
                adv(self.ar, "unknown-nonce", nonce=b"\x99" * 6),
                adv(self.ar, "unsigned", signed=False),
                adv(self.ar, "honest")]

    def close(self) -> None:
        self.link.close()


def _decode(packet: bytes) -> IPv6Packet | None:
    try:
        return IPv6Packet.decode(packet)
    except Rfc5269Error:
        return None


def which_key(packet: IPv6Packet) -> tuple[str | None, list[str]]:
    """The probe whose key authenticates this FBU (RFC 5269 §3.4), and FBU problems."""
    fbu = packet.payload
    assert isinstance(fbu, FastBindingUpdate)
    problems = []
    badf = badf_of(fbu.options)
    if badf is None or badf.spi != 0:
        return None, ["the FBU carries no BADF with SPI 0"]
    if packet.home_address is None:
        problems.append("the FBU has no Home Address option")
    if not (fbu.a and fbu.h):
        problems.append("A or H flag clear")
    alternate = next((o.address for o in fbu.options if isinstance(o, AlternateCareOfAddress)),
                     None)
    coa = alternate or packet.header.src
    algorithm = algorithm_for_at(0, DEFAULT.at_codepoints)
    assert algorithm is not None
    data = mh_data(bytes(fbu.raw), DEFAULT.badf_length)
    for name, key in KEYS.items():
        if verify_authenticator(key, algorithm, coa, packet.header.dst, data,
                                badf.authenticator):
            return name, problems
    return None, [*problems, "the FBU's authenticator verifies under none of the keys sent"]


def run_mn_conformance(iface: str, ar_key: rsa.RSAPrivateKey, path: list[x509.Certificate],
                       anchor: x509.Certificate, duration: float = 20.0) -> MnReport:
    """Wait for the MN's RtSolPr, answer it with rogue and honest PrRtAdvs, read its FBU."""
    tester = MnTester(iface, ar_key, path, anchor)
    report = MnReport()
    deadline = time.monotonic() + duration
    answered: set[bytes] = set()
    try:
        while time.monotonic() < deadline:
            for raw in tester.frames(min(0.2, max(0.0, deadline - time.monotonic()))):
                packet = _decode(raw)
                if packet is None:
                    continue
                message = packet.payload
                if isinstance(message, CertificationPathSolicitation):
                    report.events.append(f"CPS from {packet.header.src} to {packet.header.dst}")
                    tester.answer_cps(packet)
                elif isinstance(message, RtSolPr):
                    nonce, hkepk, problems = judge_rtsolpr(packet)
                    if nonce is None or hkepk is None or nonce in answered:
                        report.rtsolpr_problems += problems
                        continue
                    answered.add(nonce)
                    report.rtsolpr_problems += problems
                    report.events.append(f"RtSolPr from {packet.header.src}")
                    tester.send_path()
                    time.sleep(0.2)
                    for answer in tester.answers(packet.header.src, nonce, hkepk,
                                                 message.identifier):
                        tester.link.send(answer)
                        time.sleep(0.1)
                elif isinstance(message, FastBindingUpdate):
                    name, problems = which_key(packet)
                    report.accepted_key = name
                    report.fbu_problems = problems
                    report.events.append(f"FBU authenticated with the '{name}' key")
                    return report
    finally:
        tester.close()
    report.events.append("no FBU before the deadline")
    return report


def format_terminal(report: MnReport) -> str:
    """Terminal table."""
    lines = [f"accepted key: {report.accepted_key or 'none'}", *report.events,
             *(f"RtSolPr: {p}" for p in report.rtsolpr_problems),
             *(f"FBU: {p}" for p in report.fbu_problems), "", f"{'requirement':24} verdict"]
    lines += [f"{req:24} {v}" for req, v in report.verdicts().items()]
    return "\n".join(lines)


def format_markdown(report: MnReport) -> str:
    """Markdown report."""
    out = ["# Conformance report: MN", "", f"Key the MN used in its FBU: "
           f"**{report.accepted_key or 'none'}**", "", "| requirement | verdict |", "|---|---|"]
    out += [f"| {req} | {v} |" for req, v in report.verdicts().items()]
    return "\n".join(out) + "\n"


def cmd_mn(args: argparse.Namespace) -> int:
    """``rfc5269 conform mn``."""
    from rfc5269.nodecli import load_certificates, load_private_key

    report = run_mn_conformance(args.iface, load_private_key(args.ar_key),
                                load_certificates(args.cert_path),
                                load_certificates(args.anchor)[0], args.duration)
    print(format_terminal(report))
    if args.json:
        Path(args.json).write_text(json.dumps(report.to_json(), indent=2) + "\n")
    if args.markdown:
        Path(args.markdown).write_text(format_markdown(report))
    return 1 if "fail" in report.verdicts().values() else 0
