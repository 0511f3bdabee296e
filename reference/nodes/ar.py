"""The Access Router of RFC 5269 (§3.2, §3.6, §5), also acting as Previous AR (§3.5).

The AR's behaviour towards one MN CGA is a small state machine whose state is
read off its records, never stored apart from them:

* ``NO_KEY`` — no valid key record for the CGA;
* ``KEYED`` — a key record (key, AT, expiry) for the CGA;
* ``FORWARDING`` — as PAR, forwarding the CGA's traffic after an accepted FBU
  (the rows of that role are in :mod:`rfc5269.nodes.par`).

:data:`AR_TRANSITIONS` is the whole control flow of the AR role: for each
(state, input) the checks in order, the action when all pass, the next state,
and what a failed check leads to. The methods named ``check_*`` and
``act_*`` below implement the cells of the table one for one.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from ipaddress import IPv6Address
from typing import Any

from cryptography.hazmat.primitives.asymmetric import padding, rsa
from rfc5269.errors import DecodeError
from rfc5269.handover.algorithms import algorithm_for_at, resolve_at
from rfc5269.handover.encryption import check_hkepk, encrypt_handover_key
from rfc5269.handover.keygen import generate_handover_key
from rfc5269.interpretations import ExistingKeyLifetime
from rfc5269.nodes import par
from rfc5269.nodes.config import ArConfig, InvalidRequestPolicy, NeighbourRouter, Rng
from rfc5269.nodes.events import (
    Input,
    KeyDiscarded,
    KeyInstalled,
    Output,
    PacketReceived,
    Rejected,
    SendPacket,
    TimerFired,
    TimerRequest,
)
from rfc5269.nodes.packets import (
    ALL_NODES,
    Received,
    address_text,
    icmpv6_packet,
    open_packet,
    packet_facts,
    signed_icmpv6_packet,
    solicited_node,
)
from rfc5269.nodes.records import (
    ArKeyRecord,
    ArKeyTable,
    Binding,
    BoundedTable,
    PerSourceLimiter,
    TokenBucket,
    key_id,
)
from rfc5269.nodes.table import (
    CheckResult,
    CheckSpec,
    Transition,
    find_transition,
    run_transition,
)
from rfc5269.nodes.trace import TraceEvent, TraceLog, ignored_event, malformed_event
from rfc5269.send.certpath import HeldPath, RouterCertificates
from rfc5269.send.receiver import MessageKind, SecuredMessage, SendReceiver
from rfc5269.send.timestamps import TimestampPolicy
from rfc5269.send.verdict import Reason
from rfc5269.wire.cert_path import CertificationPathSolicitation
from rfc5269.wire.fmip import PrRtAdv, RtSolPr
from rfc5269.wire.mobility import FastBindingUpdate
from rfc5269.wire.ndopt import (
    IP_NAR_ADDRESS,
    IP_NAR_PREFIX,
    LLA_AP_NO_PREFIX,
    LLA_NAR,
    LLA_NEW_ACCESS_POINT,
    LLA_SOURCE,
    LLA_WILDCARD,
    FmipLinkLayerAddressOption,
    HandoverKeyReply,
    HandoverKeyRequest,
    IpAddressPrefixOption,
    NdOption,
    NonceOption,
)

# ------------------------------------------------------------------ states

NO_KEY = "NO_KEY"
KEYED = "KEYED"
FORWARDING = "FORWARDING"
UNCHANGED = "="

# ------------------------------------------------------------------ checks

CHECKS: dict[str, CheckSpec] = {
    spec.name: spec
    for spec in (
        CheckSpec("hop_limit_255", (),
                  "the RtSolPr arrived with Hop Limit 255, so it was sent on-link "
                  "(RFC 5568 §6.1.1 IP fields)"),
        CheckSpec("within_rate_limits", ("RFC5269-5-S1",),
                  "per-source and global RtSolPr rate limits allow the signature work"),
        CheckSpec("send_valid", ("RFC5269-3.2-M1", "RFC3971-5.2.2-M10", "RFC3971-5.3.4-M3"),
                  "CGA, RSA signature, timestamp and nonce validate (RFC 3971 §5)"),
        CheckSpec("hkepk_fit", ("RFC5269-4.1-M6",),
                  "the Handover Key Encryption Public Key matches the CGA key's parameters"),
        CheckSpec("at_resolvable", ("RFC5269-3.2-S2", "RFC5269-3.2-M12"),
                  "an AT the AR supports is at least as strong as the requested one"),
        CheckSpec("record_capacity", ("RFC5269-5-S1",),
                  "the key record table has room for a new CGA"),
        CheckSpec("cps_rate", ("RFC3971-6.4.5-S2",),
                  "the CPS rate limit allows an answer"),
    )
}

# ------------------------------------------------------------------ the table

AR_TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        name="provision a new handover key",
        actor="AR", state=NO_KEY, input="RtSolPr+HKR",
        checks=("hop_limit_255", "within_rate_limits", "send_valid", "hkepk_fit",
                "at_resolvable", "record_capacity"),
        action="act_provision_key", next_state=KEYED,
        on_reject="act_answer_without_key",
        requirements=("RFC5269-3.2-M1", "RFC5269-3.2-M5", "RFC5269-3.2-M7", "RFC5269-3.6-M1",
                      "RFC5269-3.6-M2", "RFC5269-3.2-M8", "RFC5269-3.2-M9", "RFC5269-3.2-M10",
                      "RFC5269-3.2-M11", "RFC5269-3.2-M13", "RFC5269-3.2-M14",
                      "RFC5269-3.2-M16", "RFC5269-3.2-M17", "RFC5269-5-S1"),
    ),
    Transition(
        name="return the existing handover key",
        actor="AR", state=KEYED, input="RtSolPr+HKR",
        checks=("hop_limit_255", "within_rate_limits", "send_valid", "hkepk_fit",
                "at_resolvable"),
        action="act_return_existing_key", next_state=KEYED,
        on_reject="act_answer_without_key",
        requirements=("RFC5269-3.2-M1", "RFC5269-3.2-M3", "RFC5269-3.2-M5", "RFC5269-3.2-M6",
                      "RFC5269-3.2-M8", "RFC5269-3.2-M11", "RFC5269-3.2-M13"),
    ),
    Transition(
        name="answer a plain RtSolPr",
        actor="AR", state="*", input="RtSolPr",
        checks=("hop_limit_255", "within_rate_limits"),
        action="act_answer_plain", next_state=UNCHANGED,
        on_reject="act_drop",
        requirements=("RFC5269-3.2-M14",),
    ),
    Transition(
        name="answer a certification path solicitation",
        actor="AR", state="*", input="CPS",
        checks=("cps_rate",),
        action="act_answer_cps", next_state=UNCHANGED,
        on_reject="act_drop",
        requirements=("RFC5269-3.2-M14",),
    ),
    Transition(
        name="handover key lifetime ends",
        actor="AR", state=KEYED, input="key-expiry",
        checks=(),
        action="act_discard_key", next_state=NO_KEY,
        on_reject="act_drop",
        requirements=("RFC5269-3.6-M4",),
    ),
)
"""Every rule of RFC 5269 §3.2 and §3.6 for the AR role (the PAR role is in
:data:`rfc5269.nodes.par.PAR_TRANSITIONS`)."""

CHECK_SPECS: dict[str, CheckSpec] = {**CHECKS, **par.CHECKS}
"""The checks of both roles the AR plays, by name."""


@dataclass
class _Context:
    """What the checks of one input learn, for the action that follows."""

    received: Received | None = None
    secured: SecuredMessage | None = None
    request: HandoverKeyRequest | None = None
    hkepk: Any = None
    at: int | None = None
    failure_detail: str = ""


class AccessRouter:
    """A sans-IO Access Router: give it inputs and the time, collect its outputs."""

    def __init__(self, config: ArConfig, rng: Rng = os.urandom,
                 log: TraceLog | None = None) -> None:
        if not 0 < config.hk_lifetime <= 0xFFFF:
            raise ValueError("HK-LIFETIME must fit the 16-bit Key Lifetime field (RFC 5269 §4.2)")
        self.config = config
        self.name = config.name
        self.rng = rng
        self.log = log if log is not None else TraceLog()
        self.interp = config.interpretations
        limits = config.limits
        self.keys = ArKeyTable(limits.max_key_records)
        self.bindings: BoundedTable[IPv6Address, Binding] = BoundedTable(limits.max_bindings)
        self.send = SendReceiver(
            self.interp, key_policy=config.key_policy,
            timestamp_policy=TimestampPolicy(capacity=limits.max_timestamp_peers))
        self.per_source = PerSourceLimiter(limits.per_source_rate, limits.per_source_burst,
                                           limits.max_tracked_sources)
        self.global_bucket = TokenBucket(limits.global_rate, limits.global_burst)
        self.unauthenticated_answers = TokenBucket(limits.global_rate / 10,
                                                   limits.global_burst / 10)
        self.cps_bucket = TokenBucket(10.0, 10.0)
        self.certificates = RouterCertificates(
            [HeldPath(config.trust_anchor_certificate, config.certificate_path)])
        self._out: list[Output] = []
        self._ctx = _Context()
        self._source_lla = {config.lla: FmipLinkLayerAddressOption.for_address(LLA_SOURCE,
                                                                               config.lla)}
        self._neighbour_options = {n: _neighbour_options(n) for n in config.neighbours}
        """What a PrRtAdv says of the AR itself and of each neighbouring AR
        (RFC 5568 §6.1.2), made once for the configured values."""

    # -------------------------------------------------------------- API

    def addresses(self) -> frozenset[IPv6Address]:
        """Addresses the AR receives on."""
        return self.config.addresses()

    @property
    def address(self) -> IPv6Address:
        """The AR's link-local CGA, the source of its PrRtAdvs."""
        return self.config.identity.address

    def handle(self, event: Input, now: float) -> list[Output]:
        """Process one input at time ``now``; return what the AR does."""
        self._out = []
        self._ctx = _Context()
        if isinstance(event, PacketReceived):
            self._on_packet(event.packet, now)
        elif isinstance(event, TimerFired):
            self._on_timer(event, now)
        return self._out

    def state_of(self, cga: IPv6Address, now: float) -> str:
        """The AR's state towards one MN CGA as PAR (derived from its records)."""
        return _state(self.keys.get(cga), self.bindings.get(cga), now)

    def key_state(self, cga: IPv6Address, now: float) -> str:
        """The AR role's state towards one MN CGA: ``KEYED`` or ``NO_KEY``."""
        return _state(self.keys.get(cga), None, now)

    # -------------------------------------------------------------- dispatch

    def _on_packet(self, data: bytes, now: float) -> None:
        try:
            received = open_packet(data, self.interp.badf_length)
        except DecodeError as exc:
            self._record_malformed(data, now, exc)
            return
        self._ctx.received = received
        message = received.message
        if isinstance(message, RtSolPr):
            has_request = received.first(HandoverKeyRequest) is not None
            self._run(AR_TRANSITIONS, "RtSolPr+HKR" if has_request else "RtSolPr",
                      received.src, now)
        elif isinstance(message, CertificationPathSolicitation):
            self._run(AR_TRANSITIONS, "CPS", received.src, now)
        elif isinstance(message, FastBindingUpdate):
            pcoa = received.packet.home_address
            assert pcoa is not None  # the codec requires it for an FBU
            self._run(par.PAR_TRANSITIONS, "FBU", pcoa, now)

    def _on_timer(self, event: TimerFired, now: float) -> None:
        subject = IPv6Address(event.subject)
        state = self.state_of(subject, now)
        if event.name == "key-expiry":
            record = self.keys.get(subject)
            if record is None or record.expires > now or state == FORWARDING:
                return  # superseded: a refreshed record or a binding holds the key
            self._run(AR_TRANSITIONS, "key-expiry", subject, now, state_override=KEYED)
        elif event.name == "forwarding-timeout":
            binding = self.bindings.get(subject)
            if binding is None or binding.until > now:
                return
            self._run(par.PAR_TRANSITIONS, "forwarding-timeout", subject, now,
                      state_override=FORWARDING)

    def _run(self, table: tuple[Transition, ...], input_kind: str, subject: IPv6Address,
             now: float, state_override: str | None = None) -> TraceEvent | None:
        if state_override is not None:
            state = state_override
        elif table is AR_TRANSITIONS:
            state = self.key_state(subject, now)
        else:
            state = self.state_of(subject, now)
        try:
            row = find_transition(table, state, input_kind)
        except LookupError:
            self.log.record(ignored_event("AR", self.name, now, input_kind, state))
            return None
        facts = self._facts(subject)
        return run_transition(
            row=row, node=self.name, now=now,
            state_before=self._snapshot(subject, now, state),
            check=lambda name: self._check(name, subject, now), check_specs=CHECK_SPECS,
            action=lambda: self._act(row.action, subject, now, facts),
            on_reject=lambda check, reason: self._reject(row, check, reason, subject, now),
            state_after=lambda: self._snapshot(subject, now, None),
            facts=facts, log=self.log,
        )

    def _facts(self, subject: IPv6Address) -> dict[str, Any]:
        """The trace facts of the input: its subject and what the packet carries."""
        received = self._ctx.received
        if received is None:
            return {"subject": address_text(subject)}
        src_text = address_text(received.src)
        same = subject is received.src or subject == received.src
        facts: dict[str, Any] = {"subject": src_text if same else address_text(subject)}
        facts.update(packet_facts(received, src_text))
        return facts

    def _snapshot(self, subject: IPv6Address, now: float, state: str | None) -> dict[str, Any]:
        record = self.keys.get(subject)
        binding = self.bindings.get(subject)
        return {
            "state": state or _state(record, binding, now),
            "key_id": key_id(record.key) if record else None,
            "at": record.at if record else None,
            "expires": record.expires if record else None,
            "forwarding_to": str(binding.ncoa) if binding else None,
            "last_sequence": binding.last_sequence if binding else None,
            "key_records": len(self.keys),
        }

    def _check(self, name: str, subject: IPv6Address, now: float) -> CheckResult:
        if name in par.CHECKS:
            return par.check(self, name, subject, now)
        method = getattr(self, f"check_{name}")
        result: CheckResult = method(subject, now)
        return result

    def _act(self, action: str, subject: IPv6Address, now: float, facts: dict[str, Any]) -> None:
        if action.startswith("par_"):
            par.act(self, action, subject, now, facts)
            return
        getattr(self, action)(subject, now, facts)

    def _reject(self, row: Transition, check: str, reason: str, subject: IPv6Address,
                now: float) -> None:
        reqs = CHECKS[check].requirements if check in CHECKS else par.CHECKS[check].requirements
        self._out.append(Rejected(row.input, reason, reqs[0] if reqs else ""))
        if row.on_reject.startswith("par_"):
            par.act(self, row.on_reject, subject, now, {"failed": check, "reason": reason})
            return
        getattr(self, row.on_reject)(subject, now, {"failed": check, "reason": reason})

    def _record_malformed(self, data: bytes, now: float, exc: DecodeError) -> None:
        self.log.record(malformed_event("AR", self.name, now, exc.field, exc.rule,
                                        ("RFC5269-4.1-M1", "RFC5269-4.2-M1"), len(data)))
        self._out.append(Rejected("packet", "malformed", exc.ref or exc.field))

    # -------------------------------------------------------------- checks

    def _rtsolpr(self) -> RtSolPr:
        received = self._ctx.received
        assert received is not None and isinstance(received.message, RtSolPr)
        return received.message

    def check_hop_limit_255(self, subject: IPv6Address, now: float) -> CheckResult:
        """RFC 5568 §6.1.1: an RtSolPr is sent with Hop Limit 255."""
        received = self._ctx.received
        assert received is not None
        return CheckResult.ok() if received.hop_limit == 255 else CheckResult.fail("hop-limit")

    def check_within_rate_limits(self, subject: IPv6Address, now: float) -> CheckResult:
        """RFC 5269 §5: rate-limit RtSolPr processing before any RSA work.

        A Handover Key Request without an RSA Signature option spends no
        tokens: it fails ``send_valid`` before any RSA operation (RFC 3971
        §5.2.2) and any answer to it is bounded by the separate budget for
        unauthenticated answers, so charging it would only let a flood of
        unsigned requests from made-up sources starve the legitimate MNs of
        the global budget. A plain RtSolPr is always charged: its answer is
        signed.
        """
        received = self._ctx.received
        assert received is not None and isinstance(received.message, RtSolPr)
        if not received.is_signed and received.first(HandoverKeyRequest) is not None:
            return CheckResult.ok()
        if not self.per_source.take(subject, now):
            return CheckResult.fail("per-source-rate-limit")
        if not self.global_bucket.take(now):
            return CheckResult.fail("global-rate-limit")
        return CheckResult.ok()

    def check_send_valid(self, subject: IPv6Address, now: float) -> CheckResult:
        """RFC 5269 §3.2 / RFC 3971 §5: CGA, signature, timestamp and nonce of the RtSolPr."""
        received = self._ctx.received
        assert received is not None
        if not received.is_signed:
            # The strict decode already checked the checksum and the options, which
            # SEND checks first; without an RSA Signature option the verdict is
            # "unsigned" (RFC 3971 §5.2.2), reached here without calling SEND at all.
            return CheckResult.fail(Reason.UNSIGNED.value)
        # open_packet decoded every option and verified the checksum: SEND reuses both.
        verdict = self.send.verify_decoded(
            received.upper_layer, received.options, received.signature_index, received.src,
            received.dst, now, MessageKind.SOLICITATION, checksum_verified=True,
            cga_address=received.src)
        if not verdict.accepted:
            assert verdict.reason is not None
            return CheckResult.fail(verdict.reason.value)
        self._ctx.secured = verdict.info
        return CheckResult.ok()

    def check_hkepk_fit(self, subject: IPv6Address, now: float) -> CheckResult:
        """RFC 5269 §4.1: the HKEPK has the CGA key's algorithm and parameters."""
        secured, received = self._ctx.secured, self._ctx.received
        assert secured is not None and received is not None
        request = received.first(HandoverKeyRequest, signed=True)
        if request is None:  # the request option sits after the signature: not signed
            return CheckResult.fail("request-not-signed")
        fit = check_hkepk(request.public_key, secured.public_key_der)
        if not fit.ok:
            assert fit.problem is not None
            return CheckResult.fail(fit.problem.value)
        self._ctx.request = request
        self._ctx.hkepk = fit.key
        return CheckResult.ok()

    def check_at_resolvable(self, subject: IPv6Address, now: float) -> CheckResult:
        """RFC 5269 §3.2: the requested AT, or one at least as strong, is supported."""
        request = self._ctx.request
        assert request is not None
        record = self.keys.get(subject)
        if record is not None and record.expires > now:
            self._ctx.at = record.at  # an existing key keeps its recorded algorithm
            return CheckResult.ok()
        at = resolve_at(request.algorithm_type, self.config.supported_at,
                        self.interp.at_choice, self.interp.at_codepoints)
        if at is None:
            return CheckResult.fail("no-algorithm-strong-enough")
        self._ctx.at = at
        return CheckResult.ok()

    def check_record_capacity(self, subject: IPv6Address, now: float) -> CheckResult:
        """RFC 5269 §5: key state is bounded; existing records are never evicted."""
        if self.keys.has_room_for(subject):
            return CheckResult.ok()
        return CheckResult.fail("key-table-full")

    def check_cps_rate(self, subject: IPv6Address, now: float) -> CheckResult:
        """RFC 3971 §6.4.5 / §10.1: CPA answers are rate limited."""
        return CheckResult.ok() if self.cps_bucket.take(now) else CheckResult.fail("cps-rate")

    # -------------------------------------------------------------- actions

    def act_provision_key(self, subject: IPv6Address, now: float, facts: dict[str, Any]) -> None:
        """RFC 5269 §3.2, §3.6: make a fresh random key, record it, send it encrypted."""
        at = self._ctx.at
        assert at is not None and self._ctx.secured is not None
        algorithm = algorithm_for_at(at, self.interp.at_codepoints)
        assert algorithm is not None
        key = generate_handover_key(algorithm, self.rng, avoid=self.keys.handover_keys())
        expires = now + self.config.hk_lifetime
        record = ArKeyRecord(subject, key, at, algorithm.name, now, expires,
                             self._ctx.secured.signed.key_hash)  # verified to name the CGA key
        self.keys.put(subject, record)
        self._send_key(record, self.config.hk_lifetime, subject, now, facts)

    def act_return_existing_key(self, subject: IPv6Address, now: float,
                                facts: dict[str, Any]) -> None:
        """RFC 5269 §3.2: the CGA already has a key: return it (lifetime per CL-02)."""
        record = self.keys.get(subject)
        assert record is not None
        mode = self.interp.existing_key_lifetime
        if mode is ExistingKeyLifetime.REMAINING:
            lifetime = max(0, int(record.expires - now))
        else:
            lifetime = self.config.hk_lifetime
            if mode is ExistingKeyLifetime.FULL_REFRESH:
                record = ArKeyRecord(record.cga, record.key, record.at, record.algorithm,
                                     record.created, now + lifetime, record.cga_key_hash)
                self.keys.put(subject, record)
        self._send_key(record, lifetime, subject, now, facts)

    def _send_key(self, record: ArKeyRecord, lifetime: int, subject: IPv6Address, now: float,
                  facts: dict[str, Any]) -> None:
        secured = self._ctx.secured
        assert secured is not None and self._ctx.hkepk is not None
        encrypted = _encrypt_for_mn(record.key, self._ctx.hkepk, self.rng)
        reply = HandoverKeyReply(record.at, lifetime, encrypted)
        self._send_prrtadv(reply, secured.nonce, now, "PrRtAdv with Handover Key Reply")
        kid = key_id(record.key)
        facts.update(key_id=kid, at=record.at, lifetime=lifetime,
                     nonce=(secured.nonce or b"").hex())
        self._out.append(KeyInstalled(record.cga, self.address, kid, record.algorithm,
                                      record.expires))
        cga_text = facts["subject"] if record.cga == subject else str(record.cga)
        self._out.append(TimerRequest(record.expires, "key-expiry", cga_text))

    def act_answer_without_key(self, subject: IPv6Address, now: float,
                               facts: dict[str, Any]) -> None:
        """RFC 5269 §3.2: an invalid request gets no key, and (policy) maybe a keyless answer.

        Rate-limited requests are dropped silently; otherwise the answer is
        sent only when the policy says so and the budget for unauthenticated
        answers allows it, so the AR signs at most that many messages per
        second for unauthenticated sources (no amplification).
        """
        if facts.get("failed") == "within_rate_limits" or facts.get("failed") == "hop_limit_255":
            return
        if self.config.invalid_request_policy != InvalidRequestPolicy.RESPOND:
            return
        if not self.unauthenticated_answers.take(now):
            return
        self._send_prrtadv(None, self._nonce_of_request(), now, "PrRtAdv without key")

    def act_answer_plain(self, subject: IPv6Address, now: float, facts: dict[str, Any]) -> None:
        """RFC 5568 §6.1.2: an RtSolPr without a key request gets a PrRtAdv without a key."""
        self._send_prrtadv(None, self._nonce_of_request(), now, "PrRtAdv")

    def act_answer_cps(self, subject: IPv6Address, now: float, facts: dict[str, Any]) -> None:
        """RFC 3971 §6.4.5: answer a CPS with the path to a solicited trust anchor."""
        received = self._ctx.received
        assert received is not None
        assert isinstance(received.message, CertificationPathSolicitation)
        cps = received.message
        to_all_nodes = received.src.is_unspecified
        dst = ALL_NODES if to_all_nodes else solicited_node(received.src)
        for cpa in self.certificates.answer(cps, 0 if to_all_nodes else None):
            self._out.append(SendPacket(icmpv6_packet(cpa, self.address, dst),
                                        f"CPA component {cpa.component}"))
        facts["cpa_to"] = str(dst)

    def act_discard_key(self, subject: IPv6Address, now: float, facts: dict[str, Any]) -> None:
        """RFC 5269 §3.6: the PAR discards the key when HK-LIFETIME expires."""
        record = self.keys.pop(subject)
        if record is not None:
            self._out.append(KeyDiscarded(subject, self.address, key_id(record.key),
                                          "HK-LIFETIME expired"))

    def act_drop(self, subject: IPv6Address, now: float, facts: dict[str, Any]) -> None:
        """Nothing is sent and no state changes."""

    # -------------------------------------------------------------- helpers

    def _nonce_of_request(self) -> bytes | None:
        received = self._ctx.received
        assert received is not None
        option = received.first(NonceOption)
        return option.nonce if option is not None else None

    def _send_prrtadv(self, reply: HandoverKeyReply | None, nonce: bytes | None, now: float,
                      description: str) -> None:
        """Build, sign and queue the PrRtAdv answering the current RtSolPr (RFC 5568 §6.1.2)."""
        received = self._ctx.received
        assert received is not None
        rtsolpr = self._rtsolpr()
        code, options = self._router_information(rtsolpr)
        if reply is not None:
            options = (*options, reply)
        message = PrRtAdv(code, rtsolpr.identifier, options)
        packet = signed_icmpv6_packet(message, self.config.identity, received.src, now, nonce,
                                      self.interp.signed_checksum)
        self._out.append(SendPacket(packet, description))

    def _router_information(self, rtsolpr: RtSolPr) -> tuple[int, tuple[NdOption, ...]]:
        """Code and options describing the neighbours the RtSolPr asks about (RFC 5568 §6.1.2)."""
        asked = [o for o in rtsolpr.options if isinstance(o, FmipLinkLayerAddressOption)
                 and o.option_code in (LLA_NEW_ACCESS_POINT, LLA_WILDCARD)]
        wildcard = any(o.option_code == LLA_WILDCARD for o in asked)
        lla = self.config.lla
        options: list[NdOption] = [
            self._source_lla.get(lla) or FmipLinkLayerAddressOption.for_address(LLA_SOURCE, lla)]
        answered = 0
        for o in asked:
            found = list(self.config.neighbours) if wildcard else \
                [n for n in self.config.neighbours if _names(o, n.access_point)]
            if not found:
                options.append(FmipLinkLayerAddressOption(LLA_AP_NO_PREFIX,
                                                          o.link_layer_address))
                continue
            answered += 1
            for n in found:
                options.extend(self._neighbour_options.get(n) or _neighbour_options(n))
        if answered == 0:
            return 2, tuple(options)
        return (0 if answered == len(asked) else 3), tuple(options)


def _state(record: ArKeyRecord | None, binding: Binding | None, now: float) -> str:
    """The AR's state towards one CGA, read off its key record and binding."""
    if binding is not None and binding.until > now:
        return FORWARDING
    if record is not None and record.expires > now:
        return KEYED
    return NO_KEY


def _neighbour_options(n: NeighbourRouter) -> tuple[NdOption, ...]:
    """The options describing one neighbouring AR in a PrRtAdv (RFC 5568 §6.1.2, §6.4)."""
    return (FmipLinkLayerAddressOption.for_address(LLA_NEW_ACCESS_POINT, n.access_point),
            FmipLinkLayerAddressOption.for_address(LLA_NAR, n.nar_lla),
            IpAddressPrefixOption(IP_NAR_ADDRESS, 128, n.nar_address),
            IpAddressPrefixOption(IP_NAR_PREFIX, n.nar_prefix.prefixlen,
                                  n.nar_prefix.network_address))


def _names(option: FmipLinkLayerAddressOption, access_point: bytes) -> bool:
    """Whether an LLA option (zero-padded, RFC 5568 §6.4.3) carries ``access_point``."""
    carried = option.link_layer_address
    return carried[:len(access_point)] == access_point and not any(carried[len(access_point):])


def _encrypt_for_mn(handover_key: bytes, hkepk: rsa.RSAPublicKey, rng: Rng) -> bytes:
    """RSAES-PKCS1-v1_5 encryption of the handover key under the HKEPK (RFC 5269 §3.2).

    With the operating system's random source (the AR's default) the padding
    is drawn by OpenSSL through `cryptography`: the same construction
    (RFC 3447 §7.2.1), constant-time, and an order of magnitude faster than
    Python's ``pow``. With an injected generator the explicit construction of
    :func:`rfc5269.handover.encryption.encrypt_handover_key` draws the padding
    from it, so that runs can be reproduced octet for octet.
    """
    if rng is os.urandom:
        return hkepk.encrypt(handover_key, padding.PKCS1v15())
    return encrypt_handover_key(handover_key, hkepk, rng)
