"""``rfc5269 conform ar``: play Mobile Nodes against an Access Router over a real interface.

The tester sends RtSolPrs from CGAs of its own — valid ones and ones broken
in exactly one way (unsigned, tampered, stale, wrong key hash, CGA mismatch,
weak key, malformed option, no nonce, forged for a keyed CGA, replayed) —
and judges only what comes back on the wire: a PrRtAdv carrying a Handover
Key Reply where one is due and none where it is not (RFC 5269 §3.2), the
nonce copied, the signature and CGA of the AR valid, the key decryptable under
the HKEPK it sent and the same key returned to the same CGA (§3.2, §3.6).
What cannot be seen from outside (the AR's records, its bounds) is reported
as not observable. Reports: terminal table, JSON, markdown.

``rfc5269 conform mn`` is in :mod:`rfc5269.conform.live_mn`.
"""

from __future__ import annotations

import argparse
import json
import select
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from ipaddress import IPv6Address, IPv6Network
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa
from rfc5269.errors import Rfc5269Error
from rfc5269.handover.algorithms import algorithm_for_at
from rfc5269.handover.encryption import DecryptionFailure, decrypt_handover_key
from rfc5269.interpretations import DEFAULT
from rfc5269.nodes.config import make_identity
from rfc5269.send import testpki
from rfc5269.send.keys import public_key_der
from rfc5269.send.sender import SendIdentity
from rfc5269.send.signature import verify_signature
from rfc5269.vectors import packets as pk
from rfc5269.vectors.generate import (
    ATTACKER_KEY,
    HK_REQUEST,
    HKEPK_KEY,
    MN_KEY,
    RSA_SIG,
    Rtsolpr,
)
from rfc5269.wire.fmip import PrRtAdv
from rfc5269.wire.ipv6 import IPv6Packet
from rfc5269.wire.ndopt import HandoverKeyReply, NonceOption

PREFIX = IPv6Network("2001:db8:a::/64")

NOT_OBSERVABLE = {
    "RFC5269-3.2-M16": "the AR's key records are internal; only the returned key is seen",
    "RFC5269-3.2-M17": "the recorded AT and lifetime are internal",
    "RFC5269-3.6-M4": "key deletion at the PAR needs an FBU exchange (not played here)",
    "RFC5269-5-S1": "the AR's state bound cannot be reached without flooding it",
    "RFC5269-3.2-S1": "an answer without key to an invalid request is optional in effect "
                      "(rate limited); its presence is recorded, not judged",
}


@dataclass
class ProbeResult:
    """One probe: what was sent, what came back, the verdict per requirement."""

    name: str
    description: str
    requirements: tuple[str, ...]
    expect_key: bool
    status: str = "pass"  # pass | fail
    problems: list[str] = field(default_factory=list)
    answers: int = 0
    key: bytes | None = None

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "description": self.description,
                "requirements": list(self.requirements), "expectKey": self.expect_key,
                "status": self.status, "problems": self.problems, "answers": self.answers}


@dataclass
class Probe:
    """A RtSolPr variant and what the AR must do with it."""

    name: str
    description: str
    requirements: tuple[str, ...]
    expect_key: bool
    build: Callable[[Tester, float], tuple[SendIdentity, Rtsolpr]]
    same_key_as: str | None = None


class Tester:
    """The tester's identities and link."""

    def __init__(self, iface: str, target: IPv6Address, wait: float, key_wait: float) -> None:
        from rfc5269.io.rawlink import RawLink

        self.target = target
        self.wait = wait
        self.key_wait = key_wait
        self.link = RawLink(iface)
        self.hkepk = testpki.pool_key(HKEPK_KEY)
        self.attacker = make_identity(testpki.pool_key(ATTACKER_KEY), PREFIX,
                                      pk.seeded("conform-attacker"))
        self.identities: dict[str, SendIdentity] = {}
        self.packets: dict[str, bytes] = {}
        self.nonce_counter = 0

    def identity(self, name: str) -> SendIdentity:
        """A CGA of the tester's MN key, one per name (RFC 3972 §4, modifier seeded by name)."""
        if name not in self.identities:
            identity = make_identity(testpki.pool_key(MN_KEY), PREFIX,
                                     pk.seeded(f"conform-mn-{name}"))
            self.identities[name] = identity
            self.link.add_addresses([identity.address])
        return self.identities[name]

    def nonce(self) -> bytes:
        self.nonce_counter += 1
        return b"\xc0" + self.nonce_counter.to_bytes(5, "big")

    def request(self, sender: SendIdentity, now: float, **kw: Any) -> Rtsolpr:
        base: dict[str, Any] = {"sender": sender, "dst": self.target, "now": now,
                                "nonce": self.nonce(),
                                "hkepk_der": public_key_der(self.hkepk)}
        base.update(kw)
        return Rtsolpr(**base)

    def exchange(self, packet: bytes, requester: IPv6Address, expect_key: bool) -> list[bytes]:
        """Send one packet and collect the PrRtAdvs the target sends to ``requester``."""
        self.link.receive()  # drop what came before
        self.link.send(packet)
        deadline = time.monotonic() + (self.key_wait if expect_key else self.wait)
        answers: list[bytes] = []
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.link], [], [], max(0.0, deadline -
                                                                   time.monotonic()))
            if not ready:
                break
            for frame in self.link.receive():
                p = frame.packet
                if frame.outgoing or len(p) < 48 or p[6] != 58 or p[40] != 154 or p[44] != 3:
                    continue
                if IPv6Address(p[8:24]) != self.target or IPv6Address(p[24:40]) != requester:
                    continue
                answers.append(p)
            if expect_key and any(_has_key_reply(a) for a in answers):
                break
        return answers

    def close(self) -> None:
        self.link.close()


def _has_key_reply(packet: bytes) -> bool:
    try:
        decoded = IPv6Packet.decode(packet)
    except Rfc5269Error:
        return False
    message = decoded.payload
    return isinstance(message, PrRtAdv) and any(isinstance(o, HandoverKeyReply)
                                                for o in message.options)


def judge_reply(packet: bytes, nonce: bytes, hkepk: rsa.RSAPrivateKey, target: IPv6Address,
                at: int) -> tuple[bytes | None, list[str]]:
    """The key a PrRtAdv carries, and what is wrong with it (RFC 5269 §3.2, RFC 3971 §5)."""
    problems: list[str] = []
    try:
        decoded = IPv6Packet.decode(packet)
    except Rfc5269Error as exc:
        return None, [f"the PrRtAdv does not decode: {exc}"]
    message = decoded.payload
    assert isinstance(message, PrRtAdv)
    if decoded.header.hop_limit != 255:
        problems.append("Hop Limit is not 255")
    verdict = verify_signature(bytes(message.raw), decoded.header.src, decoded.header.dst,
                               signed_checksum=DEFAULT.signed_checksum)
    if not verdict.accepted or verdict.info is None:
        return None, [*problems, f"SEND verification of the PrRtAdv fails: {verdict.reason}"]
    signed = verdict.info
    got = signed.first(NonceOption)
    if got is None or got.nonce != nonce:
        problems.append("the RtSolPr's nonce is not copied into the PrRtAdv")
    reply = signed.first(HandoverKeyReply)
    if reply is None:
        return None, [*problems, "the Handover Key Reply is not signed"]
    algorithm = algorithm_for_at(reply.algorithm_type, DEFAULT.at_codepoints)
    if algorithm is None:
        return None, [*problems, f"AT {reply.algorithm_type} names no algorithm"]
    if algorithm_for_at(at, DEFAULT.at_codepoints) is not None and \
            reply.algorithm_type < at:
        problems.append(f"AT {reply.algorithm_type} weaker than the requested {at}")
    if reply.key_lifetime == 0:
        problems.append("Key Lifetime 0")
    key = decrypt_handover_key(reply.encrypted_key, hkepk, algorithm)
    if isinstance(key, DecryptionFailure):
        return None, [*problems, "the key does not decrypt under the HKEPK"]
    return key, problems


def _bad_hkepk() -> bytes:
    modulus = testpki.pool_key(3).public_key().public_numbers().n * \
        testpki.pool_key(4).public_key().public_numbers().n
    return public_key_der(rsa.RSAPublicNumbers(65537, modulus).public_key())


PROBES: tuple[Probe, ...] = (
    Probe("valid", "a correctly signed RtSolPr with a Handover Key Request",
          ("RFC5269-3.2-M1", "RFC5269-3.2-M7", "RFC5269-3.2-M8", "RFC5269-3.2-M9",
           "RFC5269-3.2-M10", "RFC5269-3.2-M11", "RFC5269-3.2-M13", "RFC5269-3.2-M14",
           "RFC3971-5.3.3-M3", "RFC5269-3.6-M1"), True,
          lambda t, now: (t.identity("a"), t.request(t.identity("a"), now))),
    Probe("same-cga-again", "the same CGA asks again: the same key comes back",
          ("RFC5269-3.2-M5", "RFC5269-3.2-M6"), True,
          lambda t, now: (t.identity("a"), t.request(t.identity("a"), now)), "valid"),
    Probe("other-cga", "a second CGA gets a key of its own",
          ("RFC5269-3.6-M2",), True,
          lambda t, now: (t.identity("b"), t.request(t.identity("b"), now))),
    Probe("unsigned", "no RSA Signature option",
          ("RFC5269-3.2-M4", "RFC3971-5.2.2-M2"), False,
          lambda t, now: (t.identity("c"), t.request(t.identity("c"), now, signer=None))),
    Probe("tampered", "one bit of the signature flipped",
          ("RFC5269-3.2-M4", "RFC3971-5.2.2-M8"), False,
          lambda t, now: (t.identity("c"), t.request(
              t.identity("c"), now,
              after=(pk.set_octet(RSA_SIG, 30, lambda v: v ^ 1),)))),
    Probe("stale-timestamp", "timestamp ten minutes old",
          ("RFC5269-3.2-M4", "RFC3971-5.3.4.2-S3"), False,
          lambda t, now: (t.identity("d"), t.request(
              t.identity("d"), now, send_changes={"timestamp": pk.ticks(Fraction(now) - 600)}))),
    Probe("wrong-key-hash", "signed by another key than the CGA option's",
          ("RFC5269-3.2-M4", "RFC3971-5.1-M5"), False,
          lambda t, now: (t.identity("c"), t.request(t.identity("c"), now,
                                                     signer=t.attacker.private_key))),
    Probe("cga-mismatch", "the CGA Parameters do not generate the source address",
          ("RFC5269-3.2-M4", "RFC3971-5.1.2-M4"), False,
          lambda t, now: (t.identity("c"), t.request(t.attacker, now,
                                                     src=t.identity("c").address))),
    Probe("weak-key", "the HKEPK does not have the CGA key's parameters (2048 vs 1024 bits)",
          ("RFC5269-3.2-M4", "RFC5269-4.1-M6"), False,
          lambda t, now: (t.identity("e"), t.request(t.identity("e"), now,
                                                     hkepk_der=_bad_hkepk()))),
    Probe("malformed-option", "Handover Key Request option with Length 0",
          ("RFC5269-3.2-M4", "RFC5269-4.1-M1"), False,
          lambda t, now: (t.identity("f"), t.request(
              t.identity("f"), now, before=(pk.set_octet(HK_REQUEST, 1, 0),)))),
    Probe("no-nonce", "signed RtSolPr without Nonce option",
          ("RFC5269-3.2-M4", "RFC3971-5.3.4-M3"), False,
          lambda t, now: (t.identity("g"), t.request(t.identity("g"), now,
                                                     send_changes={"nonce": None}))),
    Probe("forged-for-keyed-cga", "a forged request (attacker's signature) for a keyed CGA",
          ("RFC5269-3.2-M3", "RFC5269-3.2-M4"), False,
          lambda t, now: (t.identity("a"), t.request(t.identity("a"), now,
                                                     signer=t.attacker.private_key))),
    Probe("replayed", "the first valid RtSolPr replayed after a newer one was accepted",
          ("RFC3971-5.3.4.2-S6",), False,
          lambda t, now: (t.identity("a"), Rtsolpr(t.identity("a"), t.target, now))),
    Probe("keyed-cga-after-forgery", "the keyed CGA asks again after the forgery: same key",
          ("RFC5269-3.2-M3", "RFC5269-3.2-M6"), True,
          lambda t, now: (t.identity("a"), t.request(t.identity("a"), now)), "valid"),
)


def run_ar_conformance(iface: str, target: IPv6Address, wait: float = 0.5,
                       key_wait: float = 3.0, spacing: float = 0.3) -> list[ProbeResult]:
    """Play every probe against the AR at ``target``; return the verdicts."""
    tester = Tester(iface, target, wait, key_wait)
    results: list[ProbeResult] = []
    keys: dict[str, bytes] = {}
    try:
        for probe in PROBES:
            now = time.time()
            result = ProbeResult(probe.name, probe.description, probe.requirements,
                                 probe.expect_key)
            if probe.name == "replayed":
                packet = tester.packets["valid"]
                sender = tester.identity("a")
                nonce = b""
            else:
                sender, request = probe.build(tester, now)
                packet = request.build()
                nonce = request.nonce
                tester.packets[probe.name] = packet
            answers = tester.exchange(packet, sender.address, probe.expect_key)
            result.answers = len(answers)
            with_key = [a for a in answers if _has_key_reply(a)]
            if probe.expect_key:
                if not with_key:
                    result.problems.append("no PrRtAdv with a Handover Key Reply")
                else:
                    key, problems = judge_reply(with_key[0], nonce, tester.hkepk,
                                                target, 0)
                    result.problems += problems
                    result.key = key
                    if key is not None:
                        keys[probe.name] = key
                    if probe.same_key_as and key is not None and \
                            keys.get(probe.same_key_as) != key:
                        result.problems.append(f"key differs from the '{probe.same_key_as}' "
                                               "probe's key for the same CGA")
                    if probe.name == "other-cga" and key is not None and \
                            key == keys.get("valid"):
                        result.problems.append("two CGAs received the same key")
            elif with_key:
                result.problems.append("a Handover Key Reply was sent for an invalid request")
            result.status = "fail" if result.problems else "pass"
            results.append(result)
            time.sleep(spacing)
    finally:
        tester.close()
    return results


def requirement_verdicts(results: list[ProbeResult]) -> dict[str, str]:
    """Requirement -> pass / fail / not-observable."""
    verdicts: dict[str, str] = {}
    for r in results:
        for req in r.requirements:
            if r.status == "fail" or verdicts.get(req) == "fail":
                verdicts[req] = "fail"
            else:
                verdicts[req] = "pass"
    for req in NOT_OBSERVABLE:
        verdicts.setdefault(req, "not-observable")
    return dict(sorted(verdicts.items()))


def format_terminal(results: list[ProbeResult]) -> str:
    """The terminal report: probes, then requirements."""
    lines = [f"{'probe':26} {'expects':8} {'answers':>7}  verdict"]
    for r in results:
        lines.append(f"{r.name:26} {'key' if r.expect_key else 'no key':8} {r.answers:>7}  "
                     f"{r.status.upper() if r.status == 'fail' else r.status}")
        lines += [f"    {p}" for p in r.problems]
    lines.append("")
    lines.append(f"{'requirement':24} verdict")
    for req, verdict in requirement_verdicts(results).items():
        lines.append(f"{req:24} {verdict}")
    return "\n".join(lines)


def format_markdown(results: list[ProbeResult], target: IPv6Address) -> str:
    """The markdown report."""
    out = [f"# Conformance report: AR at {target}", "", "| requirement | verdict | reason |",
           "|---|---|---|"]
    for req, verdict in requirement_verdicts(results).items():
        reason = NOT_OBSERVABLE.get(req, "") if verdict == "not-observable" else "; ".join(
            f"{r.name}: {p}" for r in results if req in r.requirements for p in r.problems)
        out.append(f"| {req} | {verdict} | {reason} |")
    out += ["", "| probe | sent | expects | verdict |", "|---|---|---|---|"]
    for r in results:
        out.append(f"| {r.name} | {r.description} | {'key' if r.expect_key else 'no key'} | "
                   f"{r.status} |")
    return "\n".join(out) + "\n"


def _cmd_ar(args: argparse.Namespace) -> int:
    target = IPv6Address(args.target)
    results = run_ar_conformance(args.iface, target, wait=args.wait, spacing=args.spacing)
    print(format_terminal(results))
    if args.json:
        Path(args.json).write_text(json.dumps({
            "role": "AR", "target": str(target),
            "probes": [r.to_json() for r in results],
            "requirements": requirement_verdicts(results)}, indent=2) + "\n")
    if args.markdown:
        Path(args.markdown).write_text(format_markdown(results, target))
    return 1 if any(r.status == "fail" for r in results) else 0


def register(subparsers: Any) -> None:
    """Add ``rfc5269 conform``."""
    p = subparsers.add_parser("conform", help="live black-box conformance tester",
                              description=__doc__,
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="conform_command", metavar="ROLE", required=True)
    ar = sub.add_parser("ar", help="play MNs against an AR over --iface")
    ar.add_argument("--iface", required=True)
    ar.add_argument("--target", required=True, help="the AR's address (its link-local CGA)")
    ar.add_argument("--wait", type=float, default=0.5,
                    help="seconds to wait for an answer that must not carry a key")
    ar.add_argument("--spacing", type=float, default=0.3,
                    help="seconds between probes (keeps within the AR's rate limits)")
    ar.add_argument("--json", metavar="FILE")
    ar.add_argument("--markdown", metavar="FILE")
    ar.set_defaults(func=_guarded(_cmd_ar))
    mn = sub.add_parser("mn", help="play an honest AR and rogue routers against an MN")
    mn.add_argument("--iface", required=True)
    mn.add_argument("--ar-key", required=True, help="PEM: the honest AR's certified key")
    mn.add_argument("--cert-path", required=True,
                    help="PEM: certificates from the anchor's subordinate to the AR's")
    mn.add_argument("--anchor", required=True, help="PEM: the trust anchor the MN holds")
    mn.add_argument("--duration", type=float, default=20.0,
                    help="seconds to wait for the MN's RtSolPr and FBU")
    mn.add_argument("--json", metavar="FILE")
    mn.add_argument("--markdown", metavar="FILE")
    mn.set_defaults(func=_guarded(_mn))


def _mn(args: argparse.Namespace) -> int:
    from rfc5269.conform.live_mn import cmd_mn

    return cmd_mn(args)


def _guarded(run: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    def wrapper(args: argparse.Namespace) -> int:
        try:
            return run(args)
        except Rfc5269Error as exc:
            print(f"error: {exc}")
            return 2

    return wrapper
