"""Running an implementation against the corpus, and judging what it does.

For each test case a fresh node is built from the group's configuration by an
adapter factory (:mod:`rfc5269.vectors.nodes`, :mod:`rfc5269.adapters.subprocess`),
the steps are played in order (timers the node asked for fire when their
time comes), and after each step the judge looks only at what the adapter
exposes: the packets sent and the observed state. Each step says whether
the node must accept its input (``accept``) and lists checks on what it sent
and holds (``checks``); the case passes when every step does.

The checks verify the node's packets with the project's codec and SEND
verifier — the same functions that judge received packets in the reference
(the h11 habit: one set of rules judges both sides).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from ipaddress import IPv6Address, IPv6Network
from itertools import pairwise
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from rfc5269.adapters.base import KeyView, NodeUnderTest, Observation, StepOutcome, TimerSet
from rfc5269.adapters.subprocess import UnsupportedOperation
from rfc5269.errors import Rfc5269Error
from rfc5269.handover.algorithms import algorithm_for_at
from rfc5269.handover.authenticator import verify_authenticator
from rfc5269.handover.encryption import DecryptionFailure, decrypt_handover_key
from rfc5269.interpretations import AuthenticatorCareOfAddress, Interpretations
from rfc5269.send.keys import key_hash, public_key_der
from rfc5269.send.signature import verify_signature
from rfc5269.vectors.nodes import (
    AdapterFactory,
    identity_from_json,
    interpretations_from_json,
)
from rfc5269.wire.cert_path import (
    CertificationPathAdvertisement,
    CertificationPathSolicitation,
)
from rfc5269.wire.fmip import PrRtAdv, RtSolPr
from rfc5269.wire.ipv6 import IPv6Packet
from rfc5269.wire.mobility import (
    AlternateCareOfAddress,
    FastBindingAck,
    FastBindingUpdate,
    badf_of,
    mh_data_for_authenticator,
)
from rfc5269.wire.ndopt import (
    IP_NAR_ADDRESS,
    IP_NAR_PREFIX,
    LLA_AP_NO_PREFIX,
    LLA_NAR,
    LLA_NEW_ACCESS_POINT,
    CgaOption,
    FmipLinkLayerAddressOption,
    HandoverKeyReply,
    HandoverKeyRequest,
    IpAddressPrefixOption,
    NonceOption,
    TimestampOption,
)

ALL_ROUTERS = IPv6Address("ff02::2")


class Unsupported(Exception):  # noqa: N818 - names the outcome, as the report does
    """The adapter does not offer an operation a case needs."""


@dataclass
class CaseResult:
    """The outcome of one test case."""

    suite: str
    group: str
    tc_id: int
    comment: str
    flags: tuple[str, ...]
    result: str
    status: str  # "pass", "fail", "unsupported" or "not-observable"
    problems: list[str] = field(default_factory=list)
    subject_accepted: bool | None = None

    @property
    def passed(self) -> bool:
        return self.status == "pass"

    def to_json(self) -> dict[str, Any]:
        return {"suite": self.suite, "group": self.group, "tcId": self.tc_id,
                "result": self.result, "status": self.status, "flags": list(self.flags),
                "problems": self.problems, "subjectAccepted": self.subject_accepted}


@dataclass
class StepContext:
    """What one step did, for the checks."""

    role: str
    config: dict[str, Any]
    interp: Interpretations
    step: dict[str, Any]
    now: float
    outcome: StepOutcome
    before: Observation
    after: Observation
    history: list[dict[str, Any]]
    facts: dict[str, Any] = field(default_factory=dict)
    unobservable: list[str] = field(default_factory=list)

    def sent_decoded(self) -> list[IPv6Packet]:
        out = []
        for p in self.outcome.sent:
            try:
                out.append(IPv6Packet.decode(p, badf_length=self.interp.badf_length))
            except Rfc5269Error:
                continue
        return out


# ------------------------------------------------------------------ driving the node


def _perform(node: NodeUnderTest, step: dict[str, Any], now: float) -> StepOutcome:
    op = step["op"]
    if op == "receive":
        return node.receive(bytes.fromhex(step["packet"]), now)
    if op == "request_key":
        return node.request_key(IPv6Address(step["router"]),
                                bytes.fromhex(step["newAccessPoint"]), now)
    if op == "start_handover":
        return node.start_handover(IPv6Address(step["par"]), IPv6Address(step["ncoa"]),
                                   bool(step["fromParLink"]), now)
    if op == "prime_key":
        method = getattr(node, "prime_key", None)
        if method is None:
            raise Unsupported("prime_key")
        method(IPv6Address(step["owner"]), IPv6Address(step["peer"]),
               bytes.fromhex(step["key"]), int(step["at"]), float(step["lifetime"]), now)
        return StepOutcome()
    if op == "prime_solicitation":
        method = getattr(node, "prime_solicitation", None)
        if method is None:
            raise Unsupported("prime_solicitation")
        method(IPv6Address(step["router"]), bytes.fromhex(step["nonce"]),
               int(step["identifier"]), bytes.fromhex(step["newAccessPoint"]),
               int(step["requestedAt"]), bytes.fromhex(step["hkepkPrivateKey"]), now)
        return StepOutcome()
    raise ValueError(f"unknown op {op!r}")


def _fire_due(node: NodeUnderTest, timers: dict[tuple[str, str], TimerSet],
              now: float) -> list[tuple[float, bytes]]:
    """Fire the timers due by ``now``, in time order; what the node sent, with when."""
    sent: list[tuple[float, bytes]] = []
    while True:
        due = sorted((t for t in timers.values() if t.at <= now), key=lambda t: t.at)
        if not due:
            return sent
        timer = due[0]
        del timers[(timer.name, timer.subject)]
        at = max(timer.at, 0.0)
        outcome = node.fire_timer(timer.name, timer.subject, at)
        sent += [(at, p) for p in outcome.sent]
        for t in outcome.timers:
            timers[(t.name, t.subject)] = t


def run_case(factory: AdapterFactory, suite: str, group: dict[str, Any],
             case: dict[str, Any]) -> CaseResult:
    """Play one case against a fresh node and judge it."""
    result = CaseResult(suite, group["type"], case["tcId"], case["comment"],
                        tuple(case["flags"]), case["result"], "pass")
    interp = interpretations_from_json(group["config"].get("interpretations", {}))
    try:
        node = factory(group["role"], group["config"])
    except UnsupportedOperation as exc:
        result.status, result.problems = "unsupported", [f"adapter lacks {exc}"]
        return result
    except Exception as exc:
        result.status, result.problems = "fail", [f"adapter could not start: {exc!r}"]
        return result
    timers: dict[tuple[str, str], TimerSet] = {}
    history: list[dict[str, Any]] = []
    unobserved: list[str] = []
    try:
        for index, step in enumerate(case["steps"]):
            now = float(step["time"])
            fired: list[tuple[float, bytes]] = []
            if step["op"] == "wait":
                # time passes: what the node sends from its timers is this step's outcome
                before = node.observe(now)
                fired = _fire_due(node, timers, now)
                outcome = StepOutcome(tuple(p for _, p in fired))
            else:
                _fire_due(node, timers, now)
                before = node.observe(now)
                outcome = _perform(node, step, now)
            for t in outcome.timers:
                timers[(t.name, t.subject)] = t
            after = node.observe(now)
            ctx = StepContext(group["role"], group["config"], interp, step, now, outcome,
                              before, after, history, {"sentAt": fired})
            accepted = _accepted(ctx)
            problems = _judge(ctx, accepted)
            unobserved += [f"step {index}: {u}" for u in ctx.unobservable]
            if step.get("subject"):
                result.subject_accepted = accepted
            result.problems += [f"step {index} ({step.get('label') or step['op']}): {p}"
                                for p in problems]
            history.append(ctx.facts)
    except (Unsupported, UnsupportedOperation) as exc:
        result.status, result.problems = "unsupported", [f"adapter lacks {exc}"]
        return result
    except Exception as exc:
        result.problems.append(f"node raised {type(exc).__name__}: {exc}")
    finally:
        close = getattr(node, "close", None)
        if callable(close):
            close()
    if result.problems:
        result.status = "fail"
    elif unobserved:
        # Every judged part passed, but a check could not see what it needs:
        # never a pass (the adapter's observation lacks an optional field).
        result.status, result.problems = "not-observable", unobserved
    return result


# ------------------------------------------------------------------ acceptance


def _binding_set(obs: Observation) -> set[tuple[str, str, int]]:
    return {(str(b.pcoa), str(b.ncoa), b.last_sequence) for b in obs.forwarding}


def _key_set(keys: Iterable[KeyView]) -> set[tuple[str, str, str, int, float]]:
    return {(str(k.owner), str(k.peer), k.key.hex(), k.at, k.expires) for k in keys}


def _key_reply_packets(ctx: StepContext) -> list[IPv6Packet]:
    out = []
    for packet in ctx.sent_decoded():
        message = packet.payload
        if isinstance(message, PrRtAdv) and any(isinstance(o, HandoverKeyReply)
                                                for o in message.options):
            out.append(packet)
    return out


def _accepted(ctx: StepContext) -> bool:
    """Did the node accept this step's input (what ``accept`` is judged against)?"""
    op = ctx.step["op"]
    if op.startswith("prime_"):
        return True
    if op == "wait":
        return bool(ctx.outcome.sent)
    if op == "request_key":
        return any(isinstance(p.payload, RtSolPr) for p in ctx.sent_decoded())
    if op == "start_handover":
        return any(isinstance(p.payload, FastBindingUpdate) for p in ctx.sent_decoded())
    packet = bytes.fromhex(ctx.step["packet"])
    if ctx.role == "MN":
        return bool(_key_set(ctx.after.keys) - _key_set(ctx.before.keys))
    if len(packet) > 40 and packet[6] == 58 and packet[40] == 148:  # a CPS
        return any(isinstance(p.payload, CertificationPathAdvertisement)
                   for p in ctx.sent_decoded())
    if len(packet) > 6 and packet[6] == 58:  # ICMPv6: an RtSolPr
        return bool(_key_reply_packets(ctx))
    return bool(_binding_set(ctx.after) - _binding_set(ctx.before))


def _judge(ctx: StepContext, accepted: bool) -> list[str]:
    problems: list[str] = []
    expected = ctx.step.get("accept")
    if expected is True and not accepted:
        problems.append("input not accepted but must be")
    if expected is False and accepted:
        problems.append("input accepted but must be refused")
    for name, params in ctx.step.get("checks", {}).items():
        problems += CHECKS[name](ctx, params, accepted)
    return problems


# ------------------------------------------------------------------ checks


def _check_reply(ctx: StepContext, p: dict[str, Any], accepted: bool) -> list[str]:
    """RFC 5269 §3.2: the PrRtAdv carrying the key (checked whenever one was sent)."""
    replies = _key_reply_packets(ctx)
    if not replies:
        return []
    problems: list[str] = []
    if len(replies) > 1:
        problems.append(f"{len(replies)} PrRtAdvs with a key for one RtSolPr")
    packet = replies[0]
    src, dst = packet.header.src, packet.header.dst
    icmp = bytes(getattr(packet.payload, "raw", b""))
    if str(src) != p.get("signer", str(src)):
        problems.append(f"PrRtAdv source {src} is not the AR's CGA")
    if str(dst) != p["requester"]:
        problems.append(f"PrRtAdv sent to {dst}, not to the requester")
    if packet.header.hop_limit != 255:
        problems.append("PrRtAdv Hop Limit is not 255")
    verdict = verify_signature(icmp, src, dst, signed_checksum=ctx.interp.signed_checksum)
    ar_key = identity_from_json(ctx.config["identity"]).private_key
    if not verdict.accepted or verdict.info is None:
        return [*problems, f"PrRtAdv SEND verification fails: {verdict.reason}"]
    signed = verdict.info
    if signed.key_hash != key_hash(public_key_der(ar_key)):
        problems.append("PrRtAdv not signed with the AR's key")
    nonce = signed.first(NonceOption)
    if nonce is None or nonce.nonce.hex() != p["nonce"]:
        problems.append("the RtSolPr's nonce is not copied into the PrRtAdv")
    if signed.first(TimestampOption) is None:
        problems.append("no Timestamp option in the PrRtAdv")
    reply = signed.first(HandoverKeyReply)
    if reply is None:
        return [*problems, "the Handover Key Reply is not among the signed options"]
    if reply.algorithm_type not in p["at"]:
        problems.append(f"AT {reply.algorithm_type} not in {p['at']}")
    problems += _sent_zero_fields_prrtadv(icmp)
    low, high = p["lifetime"]
    if not low <= reply.key_lifetime <= high:
        problems.append(f"Key Lifetime {reply.key_lifetime} outside [{low}, {high}]")
    message = packet.payload
    assert isinstance(message, PrRtAdv)
    if "newAccessPoint" in p and not any(
            isinstance(o, FmipLinkLayerAddressOption)
            and o.option_code in (LLA_NEW_ACCESS_POINT, LLA_AP_NO_PREFIX)
            and o.link_layer_address.hex().startswith(p["newAccessPoint"])
            for o in message.options):
        problems.append("the New Access Point LLA is not echoed")
    algorithm = algorithm_for_at(reply.algorithm_type, ctx.interp.at_codepoints)
    if algorithm is None:
        return [*problems, f"AT {reply.algorithm_type} names no algorithm"]
    hkepk = serialization.load_der_private_key(bytes.fromhex(p["hkepkPrivateKey"]), None)
    assert isinstance(hkepk, rsa.RSAPrivateKey)
    key = decrypt_handover_key(reply.encrypted_key, hkepk, algorithm)
    if isinstance(key, DecryptionFailure):
        return [*problems, "the handover key does not decrypt under the HKEPK to "
                           f"{algorithm.key_length} octets"]
    ctx.facts["key"] = key
    if "sameKeyAsStep" in p:
        earlier = ctx.history[p["sameKeyAsStep"]].get("key")
        if earlier != key:
            problems.append(f"key differs from the one returned in step {p['sameKeyAsStep']}")
    if "differentKeyFromStep" in p:
        earlier = ctx.history[p["differentKeyFromStep"]].get("key")
        if earlier == key:
            problems.append(f"same key as returned in step {p['differentKeyFromStep']}")
    if p.get("keyRecord"):
        held = [k for k in ctx.after.keys if str(k.owner) == p["requester"]]
        if not held or held[0].key != key or held[0].at != reply.algorithm_type:
            problems.append("the AR's key record does not hold the key and AT it sent")
    return problems


def _check_keys_unchanged(ctx: StepContext, p: Any, accepted: bool) -> list[str]:
    """RFC 5269 §3.2: an invalid request leaves key records alone."""
    if _key_set(ctx.before.keys) != _key_set(ctx.after.keys):
        return ["key records changed"]
    return []


def _check_key_count(ctx: StepContext, p: int, accepted: bool) -> list[str]:
    n = len(ctx.after.keys)
    return [] if n == p else [f"{n} key records held, configured bound is {p}"]


def _check_binding(ctx: StepContext, p: dict[str, Any], accepted: bool) -> list[str]:
    if not accepted:
        return []
    want = (p["pcoa"], p["ncoa"], int(p["sequence"]))
    if want not in _binding_set(ctx.after):
        return [f"forwarding is not PCoA {want[0]} -> {want[1]} with sequence {want[2]}"]
    return []


def _check_forwarding_unchanged(ctx: StepContext, p: Any, accepted: bool) -> list[str]:
    if _binding_set(ctx.before) != _binding_set(ctx.after):
        return ["forwarding changed"]
    return []


def _check_fback(ctx: StepContext, p: dict[str, Any], accepted: bool) -> list[str]:
    """RFC 5568 §6.2.3, §6.4.5: an FBack with a BADF under the key."""
    if p["status"] < 128 and not accepted:
        return []
    fbacks = [pk for pk in ctx.sent_decoded() if isinstance(pk.payload, FastBindingAck)]
    if not fbacks:
        return [f"no FBack (status {p['status']} due)"]
    packet = fbacks[0]
    fback = packet.payload
    assert isinstance(fback, FastBindingAck)
    problems = []
    if fback.status != p["status"]:
        problems.append(f"FBack status {fback.status}, expected {p['status']}")
    if "sequence" in p and fback.sequence != p["sequence"]:
        problems.append(f"FBack sequence {fback.sequence}, expected {p['sequence']}")
    if fback.k:
        problems.append("FBack K flag set")
    badf = badf_of(fback.options)
    algorithm = algorithm_for_at(int(p["at"]), ctx.interp.at_codepoints)
    if badf is None or badf.spi != 0 or algorithm is None:
        return [*problems, "FBack without a BADF (SPI 0)"]
    mh = bytes(fback.raw)
    ok = verify_authenticator(bytes.fromhex(p["key"]), algorithm,
                              IPv6Address(p["careOfAddress"]), IPv6Address(p["par"]),
                              mh_data_for_authenticator(mh, ctx.interp.badf_length),
                              badf.authenticator)
    if not ok:
        problems.append("FBack authenticator does not verify under the handover key")
    return problems


def _new_keys(ctx: StepContext) -> list[KeyView]:
    before = _key_set(ctx.before.keys)
    return [k for k in ctx.after.keys
            if (str(k.owner), str(k.peer), k.key.hex(), k.at, k.expires) not in before]


def _check_mn_key(ctx: StepContext, p: dict[str, Any], accepted: bool) -> list[str]:
    """RFC 5269 §3.3: the key stored is the one sent, named by (AR, own CGA), with its AT."""
    new = _new_keys(ctx)
    if not new:
        return []
    problems = []
    if len(new) > 1:
        problems.append(f"{len(new)} keys stored for one PrRtAdv")
    k = new[0]
    if k.key.hex() != p["key"]:
        problems.append("stored key differs from the key the AR encrypted")
    if k.at != p["at"]:
        problems.append(f"stored AT {k.at}, the PrRtAdv said {p['at']}")
    if str(k.peer) not in p["peers"]:
        problems.append(f"key named by AR address {k.peer}, expected one of {p['peers']}")
    if str(k.owner) != p["owner"]:
        problems.append(f"key named by MN address {k.owner}, expected {p['owner']}")
    if "lifetime" in p:
        low, high = p["lifetime"]
        if not low - 1e-6 <= k.expires - ctx.now <= high + 1e-6:
            problems.append(f"key expires in {k.expires - ctx.now:.3f} s, not in [{low}, {high}]")
    return problems


def _check_mn_keys_unchanged(ctx: StepContext, p: Any, accepted: bool) -> list[str]:
    if _key_set(ctx.before.keys) != _key_set(ctx.after.keys):
        return ["the MN's keys changed"]
    return []


def _check_no_decryption(ctx: StepContext, p: Any, accepted: bool) -> list[str]:
    """RFC 5269 §3.3: no key decryption was attempted while handling this input.

    Used on PrRtAdvs whose SEND validation fails: the MN must validate before
    it uses the Handover Key Reply, so decrypting first (a decryption oracle
    for whoever sends PrRtAdvs, RFC 5269 §5) breaks RFC 5269-3.3-M1 although
    the final verdict is the same. Judged from the adapter's optional
    ``decryptions`` count; without it the case is "not observable".
    """
    before, after = ctx.before.decryptions, ctx.after.decryptions
    if before is None or after is None:
        ctx.unobservable.append("noDecryption: the adapter reports no decryption count")
        return []
    if after != before:
        return [f"{after - before} key decryption(s) attempted on a PrRtAdv that fails "
                f"SEND validation"]
    return []


def _check_neighbour_info(ctx: StepContext, p: dict[str, Any], accepted: bool) -> list[str]:
    """RFC 5568 §6.1.2, §6.4.1: a PrRtAdv of Code 0 or 1 describes the new router.

    Applies to every PrRtAdv sent with Code 0 or 1: it carries the NAR's LLA
    option, its IP Address option and its prefix option (which may be left out
    when the prefix equals the address's), with the IP Address/Prefix options'
    Reserved field and the prefix bits beyond Prefix Length zero.
    """
    problems = []
    for packet in ctx.sent_decoded():
        message = packet.payload
        if not isinstance(message, PrRtAdv) or message.code not in (0, 1):
            continue
        if not any(isinstance(o, FmipLinkLayerAddressOption) and o.option_code == LLA_NAR
                   and o.link_layer_address.hex().startswith(p["narLinkLayerAddress"])
                   for o in message.options):
            problems.append("no New Router LLA option with the NAR's address")
        ips = [o for o in message.options if isinstance(o, IpAddressPrefixOption)]
        if not any(o.option_code == IP_NAR_ADDRESS and str(o.address) == p["narAddress"]
                   for o in ips):
            problems.append("no New Router IP Address option with the NAR's address")
        prefix = IPv6Network(p["narPrefix"])
        if prefix != IPv6Network(f"{p['narAddress']}/{prefix.prefixlen}", strict=False) or \
                prefix.prefixlen == 128:
            if not any(o.option_code == IP_NAR_PREFIX and o.prefix_length == prefix.prefixlen
                       and IPv6Network(f"{o.address}/{o.prefix_length}", strict=False)
                       == prefix for o in ips):
                problems.append("no New Router prefix option with the NAR's prefix")
        for raw in _raw_options(bytes(getattr(message, "raw", b"")), 8):
            if raw[0] != 17 or len(raw) != 24:
                continue
            if any(raw[4:8]):
                problems.append("IP Address/Prefix option Reserved field not zero")
            length = raw[3]
            bits = int.from_bytes(raw[8:24], "big")
            if length < 128 and bits & ((1 << (128 - length)) - 1):
                problems.append("prefix bits beyond Prefix Length not zero")
    return problems


def _check_no_forwarding(ctx: StepContext, p: Any, accepted: bool) -> list[str]:
    """RFC 3775 §6.1.7: a binding whose lifetime ran out forwards no more."""
    if ctx.after.forwarding:
        return [f"forwarding still active for {[str(b.pcoa) for b in ctx.after.forwarding]}"]
    return []


def _check_backoff(ctx: StepContext, p: dict[str, Any], accepted: bool) -> list[str]:
    """RFC 5568 §6.1.1, RFC 3971 §6.4.6: retransmissions with a doubling timeout.

    Judges the ``message`` packets the node sent from its timers during a
    ``wait`` step (the tester runs the clock, so it knows when each was sent):
    their number lies in ``[atLeast, atMost]`` and each gap is at least twice
    the one before it; ``since``, when given, is the time of the first
    transmission (the gap to the first retransmission counts too).
    """
    kind = {"RtSolPr": RtSolPr, "CPS": CertificationPathSolicitation}[p["message"]]
    times = []
    for at, raw in ctx.facts.get("sentAt", []):
        try:
            packet = IPv6Packet.decode(raw, badf_length=ctx.interp.badf_length)
        except Rfc5269Error:
            continue
        if isinstance(packet.payload, kind):
            times.append(at)
    problems = []
    if not p["atLeast"] <= len(times) <= p["atMost"]:
        problems.append(f"{len(times)} {p['message']} retransmissions, expected "
                        f"{p['atLeast']}..{p['atMost']}")
    sent = [float(p["since"]), *times] if "since" in p else times
    gaps = [b - a for a, b in pairwise(sent)]
    for earlier, later in pairwise(gaps):
        if later < 2 * earlier - 1e-9:
            problems.append(f"{p['message']} timeout did not double ({earlier} s, then {later} s)")
    return problems


def _check_cps(ctx: StepContext, p: dict[str, Any], accepted: bool) -> list[str]:
    """RFC 5269 §3.3, RFC 3971 §6.4.1: a CPS for the router's path."""
    for packet in ctx.sent_decoded():
        message = packet.payload
        if not isinstance(message, CertificationPathSolicitation):
            continue
        if str(packet.header.dst) not in (p["router"], str(ALL_ROUTERS)):
            continue
        if message.identifier == 0:
            return ["CPS with Identifier 0"]
        return []
    return ["no CPS sent for the router's certification path"]


def _mn_cga(ctx: StepContext) -> tuple[IPv6Address, rsa.RSAPublicKey]:
    identity = identity_from_json(ctx.config["identity"])
    public = identity.private_key.public_key()
    return identity.address, public


def _check_rtsolpr(ctx: StepContext, p: dict[str, Any], accepted: bool) -> list[str]:
    """RFC 5269 §3.1: the RtSolPr the MN sends."""
    found = [pk for pk in ctx.sent_decoded() if isinstance(pk.payload, RtSolPr)]
    if not found:
        return ["no RtSolPr sent"]
    packet = found[0]
    message = packet.payload
    assert isinstance(message, RtSolPr)
    problems = []
    address, cga_public = _mn_cga(ctx)
    # sent from a timer during a wait step: judged against the time it was sent
    sent_at = next((at for at, raw in ctx.facts.get("sentAt", []) if raw == packet.raw),
                   ctx.now)
    src, dst = packet.header.src, packet.header.dst
    if src != address:
        problems.append(f"RtSolPr source {src} is not the MN's CGA")
    if str(dst) != p["router"]:
        problems.append(f"RtSolPr sent to {dst}, not {p['router']}")
    if packet.header.hop_limit != 255:
        problems.append("RtSolPr Hop Limit is not 255")
    icmp = bytes(message.raw)
    if icmp[5] != 0:
        problems.append("RtSolPr Reserved octet not zero")
    verdict = verify_signature(icmp, src, dst, signed_checksum=ctx.interp.signed_checksum)
    if not verdict.accepted or verdict.info is None:
        return [*problems, f"RtSolPr SEND verification fails: {verdict.reason}"]
    signed = verdict.info
    if signed.key_hash != key_hash(public_key_der(cga_public)):
        problems.append("RtSolPr not signed with the CGA key")
    if signed.first(CgaOption) is None:
        problems.append("no CGA option")
    ts = signed.first(TimestampOption)
    if ts is None or abs(ts.timestamp / 65536 - sent_at) > 1.0:
        problems.append("Timestamp missing or more than 1 s from the sending time")
    nonce = signed.first(NonceOption)
    if nonce is None or len(nonce.nonce) < 6:
        problems.append("Nonce option missing or shorter than 6 octets")
    request = signed.first(HandoverKeyRequest)
    if request is None:
        return [*problems, "no signed Handover Key Request option"]
    if request.algorithm_type not in p.get("at", range(16)):
        problems.append(f"requested AT {request.algorithm_type} not in {p.get('at')}")
    hk = serialization.load_der_public_key(request.public_key)
    if not isinstance(hk, rsa.RSAPublicKey) or \
            hk.key_size != cga_public.key_size or \
            hk.public_numbers().e != cga_public.public_numbers().e:
        problems.append("HKEPK parameters differ from the CGA key's")
    elif hk.public_numbers().n == cga_public.public_numbers().n:
        problems.append("HKEPK is the CGA key itself")
    raw = _raw_option(icmp, 27)
    if raw is not None and (raw[3] & 0x0F or any(raw[len(raw) - raw[2]:])):
        problems.append("Handover Key Request Reserved bits or padding not zero")
    if not any(isinstance(o, FmipLinkLayerAddressOption) and
               o.option_code == LLA_NEW_ACCESS_POINT and
               o.link_layer_address.hex().startswith(p.get("newAccessPoint", ""))
               for o in message.options):
        problems.append("no New Access Point LLA option with the new AP")
    return problems


def _raw_options(icmp: bytes, start: int) -> list[bytes]:
    """The options of an ICMPv6 message as sent, from octet ``start`` (ND TLVs)."""
    out, at = [], start
    while at + 2 <= len(icmp) and icmp[at + 1]:
        out.append(icmp[at:at + icmp[at + 1] * 8])
        at += icmp[at + 1] * 8
    return out


def _sent_zero_fields_prrtadv(icmp: bytes) -> list[str]:
    """RFC 5568 §6.1.2 and RFC 5269 §4.2: Reserved fields and padding sent as zero."""
    problems = []
    if len(icmp) > 5 and icmp[5] != 0:
        problems.append("PrRtAdv Reserved octet not zero (RFC5568-6.1.2-M2)")
    for option in _raw_options(icmp, 8):
        if option[0] == 28 and len(option) >= 6:  # Handover Key Reply
            if option[3] & 0x0F:
                problems.append("Handover Key Reply Reserved bits not zero (RFC5269-4.2-M3)")
            pad = option[2]
            if pad and any(option[len(option) - pad:]):
                problems.append("Handover Key Reply padding not zero (RFC5269-4.2-M2)")
    return problems


def _raw_option(icmp: bytes, option_type: int) -> bytes | None:
    at = 8
    while at + 2 <= len(icmp) and icmp[at + 1]:
        if icmp[at] == option_type:
            return icmp[at:at + icmp[at + 1] * 8]
        at += icmp[at + 1] * 8
    return None


def _check_fbu(ctx: StepContext, p: dict[str, Any], accepted: bool) -> list[str]:
    """RFC 5269 §3.4, RFC 5568 §6.2.2: the FBU the MN sends."""
    found = [pk for pk in ctx.sent_decoded() if isinstance(pk.payload, FastBindingUpdate)]
    if not found:
        return ["no FBU sent"]
    packet = found[0]
    fbu = packet.payload
    assert isinstance(fbu, FastBindingUpdate)
    problems = []
    pcoa, ncoa, par = IPv6Address(p["pcoa"]), IPv6Address(p["ncoa"]), IPv6Address(p["par"])
    src = pcoa if p["fromParLink"] else ncoa
    if packet.header.src != src:
        problems.append(f"FBU source {packet.header.src}, expected {src}")
    if packet.header.dst != par:
        problems.append(f"FBU sent to {packet.header.dst}, not the PAR")
    if packet.home_address != pcoa:
        problems.append("the Home Address option does not carry the PCoA")
    if not (fbu.a and fbu.h) or fbu.k or fbu.l:
        problems.append("FBU flags: A and H must be set, K (and L) clear")
    raw = bytes(fbu.raw)
    if raw[3] != 0 or raw[8] & 0x0F or raw[9]:
        problems.append("FBU Reserved fields not zero")
    alternate = next((o.address for o in fbu.options if isinstance(o, AlternateCareOfAddress)),
                     None)
    if p["fromParLink"] and alternate != ncoa:
        problems.append("sent from the PAR's link without an Alternate CoA holding the NCoA")
    badf = badf_of(fbu.options)
    algorithm = algorithm_for_at(int(p["at"]), ctx.interp.at_codepoints)
    if badf is None or algorithm is None or badf.spi != 0:
        return [*problems, "no BADF with SPI 0"]
    if fbu.options[-1] is not badf:
        problems.append("BADF is not the last option")
    coa = {AuthenticatorCareOfAddress.NCOA: alternate or packet.header.src,
           AuthenticatorCareOfAddress.PCOA: pcoa,
           AuthenticatorCareOfAddress.PACKET_SOURCE: packet.header.src}[ctx.interp.
                                                                         authenticator_coa]
    if not verify_authenticator(bytes.fromhex(p["key"]), algorithm, coa, par,
                                mh_data_for_authenticator(raw, ctx.interp.badf_length),
                                badf.authenticator):
        problems.append("BADF authenticator does not verify under the handover key")
    ctx.facts["sequence"] = fbu.sequence
    if "sequenceAfterStep" in p:
        earlier = ctx.history[p["sequenceAfterStep"]].get("sequence")
        if earlier is None or not 0 < (fbu.sequence - earlier) % 65536 < 32768:
            problems.append(f"Sequence Number {fbu.sequence} not newer than {earlier}")
    return problems


def _check_cpa(ctx: StepContext, p: dict[str, Any], accepted: bool) -> list[str]:
    """RFC 3971 §6.4.2, §6.4.5: the CPAs answering a CPS."""
    cpas = [pk for pk in ctx.sent_decoded()
            if isinstance(pk.payload, CertificationPathAdvertisement)]
    if not cpas:
        return []
    problems = []
    components = set()
    for packet in cpas:
        cpa = packet.payload
        assert isinstance(cpa, CertificationPathAdvertisement)
        if cpa.identifier != p["identifier"]:
            problems.append(f"CPA Identifier {cpa.identifier}, expected {p['identifier']}")
        if str(packet.header.dst) != p["destination"]:
            problems.append(f"CPA sent to {packet.header.dst}, expected {p['destination']}")
        if bytes(cpa.raw)[10:12] != b"\x00\x00":
            problems.append("CPA Reserved field not zero")
        for option in _raw_options(bytes(cpa.raw), 12):
            if option[0] == 16 and len(option) >= 4 and option[3] != 0:
                problems.append("Certificate option Reserved field not zero (RFC3971-6.4.4-M1)")
            if option[0] == 15 and len(option) >= 4 and option[3] and \
                    any(option[len(option) - option[3]:]):
                problems.append("Trust Anchor option padding not zero (RFC3971-6.4.3-M1)")
        if cpa.all_components != p["components"]:
            problems.append(f"All Components {cpa.all_components}, path has {p['components']}")
        components.add(cpa.component)
        first = cpa.component == cpa.all_components - 1
        has_anchor = any(o.encode().hex() == p["trustAnchorOption"] for o in cpa.options)
        if first and not has_anchor:
            problems.append("the first component does not carry the Trust Anchor option")
    if components != set(range(p["components"])):
        problems.append(f"components sent {sorted(components)}")
    return sorted(set(problems))


Check = Callable[[StepContext, Any, bool], list[str]]
CHECKS: dict[str, Check] = {
    "reply": _check_reply,
    "keysUnchanged": _check_keys_unchanged,
    "keyCount": _check_key_count,
    "binding": _check_binding,
    "forwardingUnchanged": _check_forwarding_unchanged,
    "fback": _check_fback,
    "mnKey": _check_mn_key,
    "mnKeysUnchanged": _check_mn_keys_unchanged,
    "cps": _check_cps,
    "noDecryption": _check_no_decryption,
    "noForwarding": _check_no_forwarding,
    "neighbourInfo": _check_neighbour_info,
    "backoff": _check_backoff,
    "rtsolpr": _check_rtsolpr,
    "fbu": _check_fbu,
    "cpa": _check_cpa,
}
"""Every check a step may name (the schema's ``checks`` object)."""


# ------------------------------------------------------------------ the corpus


def load_corpus(directory: str | Path) -> dict[str, dict[str, Any]]:
    """Every suite file of a corpus directory by suite name (schema.json excluded)."""
    out = {}
    for path in sorted(Path(directory).glob("*.json")):
        if path.name == "schema.json":
            continue
        out[path.stem] = json.loads(path.read_text(encoding="utf-8"))
    return out


def check_corpus(directory: str | Path, factory: AdapterFactory,
                 role: str | None = None,
                 select: Callable[[str, dict[str, Any], dict[str, Any]], bool] | None = None
                 ) -> list[CaseResult]:
    """Run every case (of one role, or those ``select`` picks) against ``factory``'s nodes."""
    results = []
    for suite_name, suite in load_corpus(directory).items():
        for group in suite["testGroups"]:
            if role is not None and group["role"] != role:
                continue
            for case in group["tests"]:
                if select is not None and not select(suite_name, group, case):
                    continue
                results.append(run_case(factory, suite_name, group, case))
    return results


def requirement_table(results: Iterable[CaseResult]
                      ) -> list[tuple[str, int, int, int, int]]:
    """(flag, passed, failed, unsupported, not observable) per requirement or clarification."""
    table: dict[str, list[int]] = {}
    for r in results:
        for flag in r.flags:
            row = table.setdefault(flag, [0, 0, 0, 0])
            row[{"pass": 0, "fail": 1, "unsupported": 2, "not-observable": 3}[r.status]] += 1
    return [(flag, row[0], row[1], row[2], row[3])
            for flag, row in sorted(table.items(), key=lambda kv: _flag_key(kv[0]))]


def _flag_key(flag: str) -> tuple[Any, ...]:
    parts = flag.replace("-", ".").split(".")
    return tuple((0, int(x), "") if x.isdigit() else (1, 0, x) for x in parts)

