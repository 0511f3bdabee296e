"""The Mobile Node of RFC 5269 (§3.1, §3.3, §3.4, §3.6).

The MN's state towards one AR address is read off its records:

* ``NO_KEY`` — nothing outstanding and no key for that AR;
* ``SOLICITING`` — an RtSolPr is outstanding (its nonce is remembered);
* ``AWAITING_PATH`` — a PrRtAdv from that AR waits for the router's
  certification path (CPS sent, RFC 5269 §3.3);
* ``KEYED`` — a valid handover key named by (AR address, MN CGA);
* ``HANDOVER`` — an FBU to that AR (as PAR) awaits its FBack.

:data:`MN_TRANSITIONS` is the whole control flow. The order of the PrRtAdv
checks is the point of the design: SEND validation (CGA, signature,
timestamp, nonce, certified router key) comes before anything touches the
encrypted key, so no decryption oracle exists (RFC 5269 §3.3, §5).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from ipaddress import IPv6Address
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa
from rfc5269.errors import ConfigurationError, DecodeError
from rfc5269.handover.algorithms import algorithm_for_at, is_weaker
from rfc5269.handover.authenticator import compute_authenticator, verify_authenticator
from rfc5269.handover.encryption import DecryptionFailure
from rfc5269.handover.hkepk import HkepkKeyPair, HkepkManager, KeyFactory, generate_rsa_key
from rfc5269.interpretations import (
    AuthenticatorCareOfAddress,
    CertificateRequirement,
    KeyIndexAddress,
    NonceRetention,
)
from rfc5269.nodes.config import MnConfig, Rng
from rfc5269.nodes.events import (
    Input,
    KeyDiscarded,
    KeyInstalled,
    Output,
    PacketReceived,
    Rejected,
    RequestHandoverKey,
    SendPacket,
    StartHandover,
    TimerFired,
    TimerRequest,
)
from rfc5269.nodes.packets import (
    ALL_ROUTERS,
    Received,
    address_text,
    icmpv6_packet,
    mobility_packet,
    open_packet,
    packet_facts,
    signed_icmpv6_packet,
)
from rfc5269.nodes.par import BADF_SPI_HANDOVER_KEY
from rfc5269.nodes.records import MnKeyRecord, TokenBucket, key_id
from rfc5269.nodes.table import CheckResult, CheckSpec, Transition, find_transition, run_transition
from rfc5269.nodes.trace import TraceEvent, TraceLog, ignored_event, malformed_event
from rfc5269.send.certpath import PathCollector, build_cps
from rfc5269.send.nonces import make_nonce
from rfc5269.send.receiver import MessageKind, SecuredMessage, SendReceiver, utc
from rfc5269.send.verdict import Reason
from rfc5269.wire.cert_path import CertificationPathAdvertisement
from rfc5269.wire.fmip import PrRtAdv, RtSolPr
from rfc5269.wire.mobility import (
    AlternateCareOfAddress,
    BindingAuthorizationDataFmip,
    FastBindingAck,
    FastBindingUpdate,
    badf_of,
    mh_data_for_authenticator,
)
from rfc5269.wire.ndopt import (
    LLA_NEW_ACCESS_POINT,
    LLA_SOURCE,
    FmipLinkLayerAddressOption,
    HandoverKeyReply,
    HandoverKeyRequest,
)

CPS_RETRY = 1.0  # RFC 3971 §10.1
CPS_RETRY_MAX = 15.0  # RFC 3971 §10.1

NO_KEY = "NO_KEY"
SOLICITING = "SOLICITING"
AWAITING_PATH = "AWAITING_PATH"
KEYED = "KEYED"
HANDOVER = "HANDOVER"
UNCHANGED = "="

CHECKS: dict[str, CheckSpec] = {
    spec.name: spec
    for spec in (
        CheckSpec("rtsolpr_rate", ("RFC5568-6.1.1-M6",),
                  "RtSolPrs stay within MAX_RTSOLPR_RATE per second"),
        CheckSpec("solicitation_outstanding", ("RFC5568-6.1.1-S2",),
                  "the RtSolPr to retransmit is still unanswered"),
        CheckSpec("retries_left", ("RFC5568-6.1.1-M5",),
                  "fewer than RTSOLPR_RETRIES retransmissions were sent"),
        CheckSpec("has_key_reply", ("RFC5269-3.3-M1",),
                  "the PrRtAdv carries a Handover Key Reply option"),
        CheckSpec("send_valid", ("RFC5269-3.3-M1", "RFC5269-3.3-M2", "RFC5269-3.3-M4",
                                 "RFC5269-3.3-M6", "RFC3971-5.3.4.1-M2", "RFC3971-5.2.2-M9"),
                  "CGA, signature, timestamp, nonce of an outstanding RtSolPr, and a router "
                  "key certified under a trust anchor (RFC 3971 §5, §6)"),
        CheckSpec("reply_signed", ("RFC3971-5.2.2-M4",),
                  "the Handover Key Reply precedes the RSA Signature option"),
        CheckSpec("at_supported", ("RFC5269-3.3-S1",),
                  "the AT of the reply names an algorithm the MN supports"),
        CheckSpec("at_not_weaker", ("RFC5269-3.3-S2",),
                  "the AT of the reply is not weaker than the one the MN asked for"),
        CheckSpec("key_decrypts", ("RFC5269-3.3-M5", "RFC5269-3.3-M7"),
                  "the key decrypts under the HKEPK of the matching RtSolPr to the AT's length"),
        CheckSpec("path_complete", ("RFC3971-6.4.6-M5", "RFC3971-6.4.6-M1"),
                  "the CPAs complete a certification path that validates to a trust anchor"),
        CheckSpec("cps_time_left", ("RFC3971-6.4.6-M6",),
                  "less than CPS_RETRY_MAX has passed since the first CPS"),
        CheckSpec("key_for_par", ("RFC5269-3.4-M2", "RFC5269-3.6-M3"),
                  "a valid handover key is held for (PAR address, PCoA)"),
        CheckSpec("fback_expected", ("RFC3775-11.7.3-M5",),
                  "the FBack answers the outstanding FBU (sequence number)"),
        CheckSpec("fback_authentic", ("RFC3775-11.7.3-M2",),
                  "the FBack's BADF verifies under the handover key"),
    )
}

MN_TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        name="request a handover key", actor="MN", state="*", input="request-key",
        checks=("rtsolpr_rate",), action="act_send_rtsolpr", next_state=SOLICITING,
        on_reject="act_drop",
        requirements=("RFC5269-3.1-M1", "RFC5269-3.1-M3", "RFC5269-3.1-M4", "RFC5269-3.1-M5",
                      "RFC5269-3.1-M6", "RFC5568-6.1.1-M2", "RFC5568-6.1.1-M3",
                      "RFC3971-5.3.3-M1", "RFC3971-5.3.3-M2"),
    ),
    Transition(
        name="retransmit the RtSolPr", actor="MN", state="*", input="retransmit",
        checks=("solicitation_outstanding", "retries_left", "rtsolpr_rate"),
        action="act_retransmit", next_state=SOLICITING, on_reject="act_drop",
        requirements=("RFC5568-6.1.1-S2", "RFC5568-6.1.1-M5", "RFC5568-6.1.1-M6"),
    ),
    Transition(
        name="accept a handover key", actor="MN", state="*", input="PrRtAdv",
        checks=("has_key_reply", "send_valid", "reply_signed", "at_supported", "at_not_weaker",
                "key_decrypts"),
        action="act_store_key", next_state=KEYED,
        on_reject="act_fetch_path_or_drop",
        requirements=("RFC5269-3.3-M1", "RFC5269-3.3-M2", "RFC5269-3.3-M3", "RFC5269-3.3-M4",
                      "RFC5269-3.3-M5", "RFC5269-3.3-M6", "RFC5269-3.3-M7", "RFC5269-3.3-M8",
                      "RFC5269-3.3-M9", "RFC5269-3.3-M10", "RFC5269-3.2-M15"),
    ),
    Transition(
        name="complete a certification path", actor="MN", state="*", input="CPA",
        checks=("path_complete",), action="act_resume_parked", next_state=UNCHANGED,
        on_reject="act_drop",
        requirements=("RFC5269-3.3-M3", "RFC3971-6.4.6-M5", "RFC3971-6.4.6-S1"),
    ),
    Transition(
        name="retransmit the CPS", actor="MN", state=AWAITING_PATH, input="cps-retry",
        checks=("cps_time_left",), action="act_resend_cps", next_state=AWAITING_PATH,
        on_reject="act_abandon_path",
        requirements=("RFC3971-6.4.6-M6",),
    ),
    Transition(
        name="send an authenticated FBU", actor="MN", state="*", input="handover",
        checks=("key_for_par",), action="act_send_fbu", next_state=HANDOVER,
        on_reject="act_drop",
        requirements=("RFC5269-3.4-M1", "RFC5269-3.4-M2", "RFC5269-3.4-M3", "RFC5269-3.4-M4",
                      "RFC5269-3.4-M5", "RFC5568-6.2.2-M2", "RFC5568-6.2.2-M3",
                      "RFC5568-6.2.2-M5", "RFC5568-6.2.2-M6", "RFC5568-6.2.2-M9",
                      "RFC3775-11.7.2-M8"),
    ),
    Transition(
        name="FBack acknowledges the FBU", actor="MN", state=HANDOVER, input="FBack",
        checks=("fback_expected", "fback_authentic"), action="act_handover_acknowledged",
        next_state=KEYED, on_reject="act_drop",
        requirements=("RFC3775-11.7.3-M1", "RFC3775-11.7.3-M2", "RFC3775-11.7.3-M5"),
    ),
    Transition(
        name="refresh the key before HK-LIFETIME ends", actor="MN", state=KEYED,
        input="key-refresh", checks=("rtsolpr_rate",), action="act_refresh",
        next_state=KEYED, on_reject="act_drop",
        requirements=("RFC5269-3.3-M10",),
    ),
    Transition(
        name="handover key lifetime ends", actor="MN", state="*", input="key-expiry",
        checks=(), action="act_discard_key", next_state=NO_KEY, on_reject="act_drop",
        requirements=("RFC5269-3.6-M3",),
    ),
)
"""Every rule of RFC 5269 §3.1, §3.3, §3.4 and §3.6 for the MN."""


@dataclass
class Solicitation:
    """An outstanding RtSolPr: what answers to it are matched against (RFC 5269 §3.3)."""

    nonce: bytes
    identifier: int
    router: IPv6Address
    new_ap: bytes
    requested_at: int
    hkepk: HkepkKeyPair
    sent: float
    retransmissions: int = 0
    packet: bytes = b""
    answered: bool = False  # a key was accepted in answer to it
    last_sent: float = 0.0  # the latest (re)transmission: the nonce lives from then


@dataclass
class PendingFbu:
    """An FBU awaiting its FBack."""

    par: IPv6Address
    sequence: int
    coa: IPv6Address
    sent: float


@dataclass
class _Context:
    received: Received | None = None
    secured: SecuredMessage | None = None
    reply: HandoverKeyReply | None = None
    solicitation: Solicitation | None = None
    key: bytes | None = None
    handover: StartHandover | None = None
    router: IPv6Address | None = None
    facts: dict[str, Any] = field(default_factory=dict)


class MobileNode:
    """A sans-IO Mobile Node: give it inputs and the time, collect its outputs."""

    def __init__(self, config: MnConfig, rng: Rng = os.urandom,
                 log: TraceLog | None = None,
                 hkepk_factory: KeyFactory = generate_rsa_key) -> None:
        if not config.trust_anchors and \
                config.interpretations.certificate_requirement is CertificateRequirement.RFC:
            raise ConfigurationError(
                "an MN needs at least one SEND trust anchor (RFC 5269 §3.2, IESG note)")
        self.config = config
        self.name = config.name
        self.rng = rng
        self.log = log if log is not None else TraceLog()
        self.interp = config.interpretations
        self.send = SendReceiver(self.interp, key_policy=config.key_policy)
        self.paths = PathCollector(config.trust_anchors, cache=self.send.router_keys)
        cga_key = config.identity.private_key.public_key()
        assert isinstance(cga_key, rsa.RSAPublicKey)
        self.hkepk = HkepkManager(cga_key, config.hkepk_lifetime, config.hkepk_handovers,
                                  hkepk_factory)
        self.keys: dict[tuple[IPv6Address, IPv6Address], MnKeyRecord] = {}
        self.solicitations: dict[bytes, Solicitation] = {}
        self.parked: dict[IPv6Address, tuple[bytes, float]] = {}
        self.pending_fbu: dict[IPv6Address, PendingFbu] = {}
        self.fbu_sequence: dict[IPv6Address, int] = {}
        self.extra_addresses: set[IPv6Address] = set()
        self.strongest_requested: int | None = None
        self.rtsolpr_bucket = TokenBucket(config.max_rtsolpr_rate, config.max_rtsolpr_rate)
        self._out: list[Output] = []
        self._ctx = _Context()
        self._resume = False
        self._cps_wait: dict[IPv6Address, float] = {}
        self.awaiting_path: set[bytes] = set()
        """Nonces answered by a PrRtAdv held for its certification path: not retransmitted."""

    # -------------------------------------------------------------- API

    @property
    def address(self) -> IPv6Address:
        """The MN's CGA on the current link (the PCoA after a handover)."""
        return self.config.identity.address

    def addresses(self) -> frozenset[IPv6Address]:
        """Addresses the MN receives on (its CGA, and an NCoA once it has moved)."""
        return frozenset({self.address, *self.extra_addresses})

    def key_for(self, ar: IPv6Address, now: float) -> MnKeyRecord | None:
        """The valid key named by (AR address, this MN's CGA), if any."""
        record = self.keys.get((ar, self.address))
        return record if record is not None and record.expires > now else None

    def state_of(self, ar: IPv6Address, now: float) -> str:
        """The MN's state towards one AR (derived from its records)."""
        return self._state(ar, self.key_for(ar, now))

    def _state(self, ar: IPv6Address, key: MnKeyRecord | None) -> str:
        """``state_of`` given the valid key for ``ar`` (None without one)."""
        if ar in self.pending_fbu:
            return HANDOVER
        if key is not None:
            return KEYED
        if ar in self.parked:
            return AWAITING_PATH
        if any(s.router in (ar, ALL_ROUTERS) for s in self.solicitations.values()):
            return SOLICITING
        return NO_KEY

    def handle(self, event: Input, now: float) -> list[Output]:
        """Process one input at time ``now``; return what the MN does."""
        self._out = []
        self._ctx = _Context()
        self._forget_stale_solicitations(now)
        if isinstance(event, RequestHandoverKey):
            self._ctx.facts["new_ap"] = event.new_ap.hex()
            self._ctx.router = event.router
            self._run("request-key", event.router, now)
        elif isinstance(event, StartHandover):
            self._ctx.handover = event
            self._run("handover", event.par, now)
        elif isinstance(event, TimerFired):
            self._on_timer(event, now)
        elif isinstance(event, PacketReceived):
            self._on_packet(event.packet, now)
        return self._out

    def _forget_stale_solicitations(self, now: float) -> None:
        """RFC 3971 §5.3.4.1: an RtSolPr is outstanding only while its nonce is remembered.

        The nonce store forgets a nonce its lifetime after the last (re)transmission;
        the solicitation goes with it, so the MN's state stays bounded.
        """
        lifetime = float(self.send.nonces.lifetime)
        stale = [nonce for nonce, s in self.solicitations.items()
                 if max(s.sent, s.last_sent) + lifetime <= now]
        for nonce in stale:
            del self.solicitations[nonce]

    # -------------------------------------------------------------- dispatch

    def _on_packet(self, data: bytes, now: float) -> None:
        try:
            received = open_packet(data, self.interp.badf_length)
        except DecodeError as exc:
            self.log.record(malformed_event("MN", self.name, now, exc.field, exc.rule,
                                            ("RFC5269-4.2-M1", "RFC3971-6.4.6-M1"), len(data)))
            self._out.append(Rejected("packet", "malformed", exc.ref or exc.field))
            return
        self._ctx.received = received
        if isinstance(received.message, PrRtAdv):
            self._run("PrRtAdv", received.src, now)
        elif isinstance(received.message, CertificationPathAdvertisement):
            self._run("CPA", received.src, now)
            if self._resume:
                self._resume = False
                self._process_parked(now)
        elif isinstance(received.message, FastBindingAck):
            self._run("FBack", received.src, now)

    def _on_timer(self, event: TimerFired, now: float) -> None:
        if event.name == "retransmit":
            solicitation = self.solicitations.get(bytes.fromhex(event.subject))
            if solicitation is None:
                return
            self._ctx.solicitation = solicitation
            self._run("retransmit", solicitation.router, now)
        elif event.name == "cps-retry":
            router = IPv6Address(event.subject)
            if router in self.parked:
                self._run("cps-retry", router, now)
        elif event.name in ("key-refresh", "key-expiry"):
            ar = IPv6Address(event.subject)
            record = self.keys.get((ar, self.address))
            if record is None:
                return
            due = record.expires if event.name == "key-expiry" else \
                record.expires - self.config.refresh_margin
            if due > now:
                return  # superseded by a newer key
            self._ctx.router = ar
            self._run(event.name, ar, now)

    def _run(self, input_kind: str, peer: IPv6Address, now: float,
             state_override: str | None = None) -> TraceEvent | None:
        key = self.key_for(peer, now)
        state = state_override or self._state(peer, key)
        try:
            row = find_transition(MN_TRANSITIONS, state, input_kind)
        except LookupError:
            self.log.record(ignored_event("MN", self.name, now, input_kind, state))
            return None
        facts = self._ctx.facts
        received = self._ctx.received
        if received is None:
            facts["peer"] = address_text(peer)
        else:
            src_text = address_text(received.src)
            same = peer is received.src or peer == received.src
            facts["peer"] = src_text if same else address_text(peer)
            facts.update(packet_facts(received, src_text))
        return run_transition(
            row=row, node=self.name, now=now,
            state_before=self._snapshot(peer, state, key),
            check=lambda name: self._check(name, peer, now),
            check_specs=CHECKS,
            action=lambda: getattr(self, row.action)(peer, now),
            on_reject=lambda check, reason: self._reject(row, check, reason, peer, now),
            state_after=lambda: self._snapshot(peer, None, self.key_for(peer, now)),
            facts=facts, log=self.log,
        )

    def _check(self, name: str, peer: IPv6Address, now: float) -> CheckResult:
        method: Callable[[IPv6Address, float], CheckResult] = getattr(self, f"check_{name}")
        return method(peer, now)

    def _snapshot(self, peer: IPv6Address, state: str | None,
                  record: MnKeyRecord | None) -> dict[str, Any]:
        """The trace's view of the MN's state towards ``peer``; ``record`` its valid key."""
        return {
            "state": state or self._state(peer, record),
            "key_id": key_id(record.key) if record else None,
            "at": record.at if record else None,
            "expires": record.expires if record else None,
            "outstanding_nonces": sorted(map(bytes.hex, self.solicitations)),
            "keys_held": len(self.keys),
        }

    def _reject(self, row: Transition, check: str, reason: str, peer: IPv6Address,
                now: float) -> None:
        reqs = CHECKS[check].requirements
        self._out.append(Rejected(row.input, reason, reqs[0] if reqs else ""))
        self._ctx.facts["failed"] = check
        self._ctx.facts["reason"] = reason
        getattr(self, row.on_reject)(peer, now)

    # -------------------------------------------------------------- checks

    def check_rtsolpr_rate(self, peer: IPv6Address, now: float) -> CheckResult:
        """RFC 5568 §6.1.1: at most MAX_RTSOLPR_RATE RtSolPrs per second."""
        return CheckResult.ok() if self.rtsolpr_bucket.take(now) else \
            CheckResult.fail("rtsolpr-rate")

    def check_solicitation_outstanding(self, peer: IPv6Address, now: float) -> CheckResult:
        """RFC 5568 §6.1.1: retransmit only while no answer has come."""
        s = self._ctx.solicitation
        assert s is not None
        if s.nonce not in self.solicitations or s.answered:
            return CheckResult.fail("answered")
        if s.nonce in self.awaiting_path:
            return CheckResult.fail("answer-awaiting-certification-path")
        return CheckResult.ok()

    def check_retries_left(self, peer: IPv6Address, now: float) -> CheckResult:
        """RFC 5568 §6.1.1: at most RTSOLPR_RETRIES retransmissions."""
        s = self._ctx.solicitation
        assert s is not None
        return CheckResult.ok() if s.retransmissions < self.config.rtsolpr_retries else \
            CheckResult.fail("retries-exhausted")

    def _prrtadv(self) -> tuple[Received, PrRtAdv]:
        received = self._ctx.received
        assert received is not None and isinstance(received.message, PrRtAdv)
        return received, received.message

    def check_has_key_reply(self, peer: IPv6Address, now: float) -> CheckResult:
        """RFC 5269 §3.3 concerns PrRtAdvs that carry a Handover Key Reply."""
        received, _ = self._prrtadv()
        if received.first(HandoverKeyReply) is not None:
            return CheckResult.ok()
        return CheckResult.fail("no-key-reply")

    def check_send_valid(self, peer: IPv6Address, now: float) -> CheckResult:
        """RFC 5269 §3.3, RFC 3971 §5: SEND validation, nonce match, certified router key."""
        received, _ = self._prrtadv()
        # open_packet decoded every option and verified the checksum: SEND reuses both.
        verdict = self.send.verify_decoded(
            received.upper_layer, received.options, received.signature_index, received.src,
            received.dst, now, MessageKind.ADVERTISEMENT, checksum_verified=True,
            from_router=True, require_nonce=True, cga_address=received.src, defer_commit=True)
        if not verdict.accepted:
            assert verdict.reason is not None
            return CheckResult.fail(verdict.reason.value)
        secured = verdict.info
        assert secured is not None and isinstance(secured.nonce_context, Solicitation)
        self._ctx.secured = secured
        self._ctx.solicitation = secured.nonce_context
        self._ctx.facts["nonce"] = (secured.nonce or b"").hex()
        return CheckResult.ok()

    def check_reply_signed(self, peer: IPv6Address, now: float) -> CheckResult:
        """RFC 3971 §5.2.2: options after the signature are ignored; the reply must precede it."""
        received, _ = self._prrtadv()
        assert self._ctx.secured is not None
        reply = received.first(HandoverKeyReply, signed=True)
        if reply is None:
            return CheckResult.fail("reply-not-signed")
        self._ctx.reply = reply
        return CheckResult.ok()

    def check_at_supported(self, peer: IPv6Address, now: float) -> CheckResult:
        """RFC 5269 §3.3: the AT must name an algorithm the MN supports."""
        reply = self._ctx.reply
        assert reply is not None
        if reply.algorithm_type in self.config.supported_at and \
                algorithm_for_at(reply.algorithm_type, self.interp.at_codepoints) is not None:
            return CheckResult.ok()
        return CheckResult.fail("at-unsupported")

    def check_at_not_weaker(self, peer: IPv6Address, now: float) -> CheckResult:
        """RFC 5269 §3.2–§3.3: the AR may answer with an equal or stronger algorithm only."""
        reply, s = self._ctx.reply, self._ctx.solicitation
        assert reply is not None and s is not None
        if is_weaker(reply.algorithm_type, s.requested_at, self.interp.at_codepoints):
            return CheckResult.fail("at-weaker-than-requested")
        return CheckResult.ok()

    def check_key_decrypts(self, peer: IPv6Address, now: float) -> CheckResult:
        """RFC 5269 §3.3: decrypt with the HKEPK matched by nonce; length fits the AT."""
        reply, s = self._ctx.reply, self._ctx.solicitation
        assert reply is not None and s is not None
        algorithm = algorithm_for_at(reply.algorithm_type, self.interp.at_codepoints)
        assert algorithm is not None
        key = s.hkepk.decrypt_handover_key(reply.encrypted_key, algorithm)
        if isinstance(key, DecryptionFailure):
            return CheckResult.fail("key-does-not-decrypt")
        self._ctx.key = key
        return CheckResult.ok()

    def check_path_complete(self, peer: IPv6Address, now: float) -> CheckResult:
        """RFC 3971 §6.4.6: a complete path validated to a trust anchor is cached."""
        received = self._ctx.received
        assert received is not None
        assert isinstance(received.message, CertificationPathAdvertisement)
        verdict = self.paths.add(received.message, received.src, utc(now))
        if verdict is None:
            return CheckResult.fail("path-incomplete")
        if not verdict.accepted:
            assert verdict.reason is not None
            return CheckResult.fail(verdict.reason.value)
        return CheckResult.ok()

    def check_key_for_par(self, peer: IPv6Address, now: float) -> CheckResult:
        """RFC 5269 §3.4: the key named by (PAR address, PCoA) must be held and valid."""
        return CheckResult.ok() if self.key_for(peer, now) is not None else \
            CheckResult.fail("no-handover-key")

    def _fback(self) -> tuple[Received, FastBindingAck]:
        received = self._ctx.received
        assert received is not None and isinstance(received.message, FastBindingAck)
        return received, received.message

    def check_fback_expected(self, peer: IPv6Address, now: float) -> CheckResult:
        """RFC 3775 §11.7.3: an acknowledgement must answer an outstanding update."""
        _, fback = self._fback()
        pending = self.pending_fbu.get(peer)
        if pending is None or pending.sequence != fback.sequence:
            return CheckResult.fail("no-matching-fbu")
        return CheckResult.ok()

    def check_fback_authentic(self, peer: IPv6Address, now: float) -> CheckResult:
        """RFC 3775 §11.7.3, RFC 5568 §6.4.5: the FBack's BADF verifies under the key."""
        received, fback = self._fback()
        badf = badf_of(fback.options)
        record = self.keys.get((peer, self.address))
        pending = self.pending_fbu.get(peer)
        if badf is None or record is None or pending is None or \
                badf.spi != BADF_SPI_HANDOVER_KEY:
            return CheckResult.fail("badf-missing")
        algorithm = algorithm_for_at(record.at, self.interp.at_codepoints)
        assert algorithm is not None
        mh_data = mh_data_for_authenticator(received.upper_layer, self.interp.badf_length)
        if verify_authenticator(record.key, algorithm, pending.coa, peer, mh_data,
                                badf.authenticator):
            return CheckResult.ok()
        return CheckResult.fail("authenticator-mismatch")

    # -------------------------------------------------------------- actions

    def act_send_rtsolpr(self, peer: IPv6Address, now: float) -> None:
        """RFC 5269 §3.1: a signed RtSolPr with a Handover Key Request, nonce and timestamp."""
        new_ap = bytes.fromhex(self._ctx.facts.get("new_ap", "000000000000"))
        requested = self.config.preferred_at
        if self.strongest_requested is not None and is_weaker(
                requested, self.strongest_requested, self.interp.at_codepoints):
            requested = self.strongest_requested  # RFC 5269 §3.3: never bid down
        self.strongest_requested = requested
        if not self.interp.multiple_outstanding_rtsolpr:
            for superseded in self.solicitations:
                self.send.nonces.forget(superseded)
            self.solicitations.clear()
        nonce = make_nonce(self.rng)
        identifier = int.from_bytes(self.rng(2), "big") or 1
        pair = self.hkepk.current(now)
        s = Solicitation(nonce, identifier, peer, new_ap, requested, pair, now)
        message = RtSolPr(identifier, (
            FmipLinkLayerAddressOption.for_address(LLA_SOURCE, self.config.lla),
            FmipLinkLayerAddressOption.for_address(LLA_NEW_ACCESS_POINT, new_ap),
            HandoverKeyRequest(requested, pair.public_der),
        ))
        s.packet = signed_icmpv6_packet(message, self.config.identity, peer, now, nonce,
                                        self.interp.signed_checksum)
        s.last_sent = now
        self.solicitations[nonce] = s
        self.send.remember_nonce(nonce, now, s)
        self._out.append(SendPacket(s.packet, "RtSolPr with Handover Key Request"))
        self._out.append(TimerRequest(now + self.config.rtsolpr_initial_timeout, "retransmit",
                                      nonce.hex()))
        self._ctx.facts.update(nonce=nonce.hex(), requested_at=requested)

    def act_retransmit(self, peer: IPv6Address, now: float) -> None:
        """RFC 5568 §6.1.1: resend the same RtSolPr, doubling the timeout each time.

        The retransmission is re-signed with a fresh timestamp (RFC 3971
        §5.3.3) but keeps its nonce, identifier and HKEPK, so an answer to any
        copy matches.
        """
        s = self._ctx.solicitation
        assert s is not None
        s.retransmissions += 1
        s.last_sent = now
        message = RtSolPr(s.identifier, (
            FmipLinkLayerAddressOption.for_address(LLA_SOURCE, self.config.lla),
            FmipLinkLayerAddressOption.for_address(LLA_NEW_ACCESS_POINT, s.new_ap),
            HandoverKeyRequest(s.requested_at, s.hkepk.public_der),
        ))
        s.packet = signed_icmpv6_packet(message, self.config.identity, s.router, now, s.nonce,
                                        self.interp.signed_checksum)
        self.send.remember_nonce(s.nonce, now, s)
        self._out.append(SendPacket(s.packet, f"RtSolPr retransmission {s.retransmissions}"))
        timeout = self.config.rtsolpr_initial_timeout * 2 ** s.retransmissions
        self._out.append(TimerRequest(now + timeout, "retransmit", s.nonce.hex()))

    def act_store_key(self, peer: IPv6Address, now: float) -> None:
        """RFC 5269 §3.3: store the key by (AR address, MN CGA) with its AT and lifetime."""
        received, _ = self._prrtadv()
        reply, s, key = self._ctx.reply, self._ctx.solicitation, self._ctx.key
        assert reply is not None and s is not None and key is not None
        ar = self._key_name(received.src, s)
        algorithm = algorithm_for_at(reply.algorithm_type, self.interp.at_codepoints)
        assert algorithm is not None
        expires = now + reply.key_lifetime
        record = MnKeyRecord(ar, self.address, key, reply.algorithm_type, algorithm.name, now,
                             expires)
        self.keys[(ar, self.address)] = record
        assert self._ctx.secured is not None
        self.send.commit(self._ctx.secured)  # only now is the nonce spent (RFC 3971 §5.3.4.1)
        s.answered = True
        if self.interp.nonce_retention is NonceRetention.SINGLE_ANSWER:
            self.solicitations.pop(s.nonce, None)
        kid = key_id(key)
        ar_text = self._ctx.facts["peer"] if ar == peer else str(ar)
        self._out.append(KeyInstalled(self.address, ar, kid, algorithm.name, expires))
        self._out.append(TimerRequest(expires, "key-expiry", ar_text))
        refresh = expires - self.config.refresh_margin
        if refresh > now:
            self._out.append(TimerRequest(refresh, "key-refresh", ar_text))
        self._ctx.facts.update(key_id=kid, at=reply.algorithm_type,
                               lifetime=reply.key_lifetime, stored_as=ar_text)

    def _key_name(self, source: IPv6Address, s: Solicitation) -> IPv6Address:
        """The AR address that names the key (switch CL-05)."""
        if self.interp.key_index_address is KeyIndexAddress.CONFIGURED_PAR_ADDRESS and \
                not s.router.is_multicast:
            return s.router
        return source

    def act_fetch_path_or_drop(self, peer: IPv6Address, now: float) -> None:
        """RFC 5269 §3.3: without the router's path, ask for it (CPS) and hold the PrRtAdv.

        Any other failure drops the PrRtAdv: nothing is stored, decrypted or answered.
        """
        if self._ctx.facts.get("reason") != Reason.NOT_CERTIFIED.value:
            return
        received, _ = self._prrtadv()
        if self._ctx.facts.get("nonce"):
            self.awaiting_path.add(bytes.fromhex(self._ctx.facts["nonce"]))
        first = self.parked.get(received.src)
        self.parked[received.src] = (received.packet.raw, first[1] if first else now)
        self._ctx.facts["parked"] = True
        if first is None:
            self._send_cps(received.src, now, CPS_RETRY)

    def _send_cps(self, router: IPv6Address, now: float, wait: float) -> None:
        """RFC 3971 §6.4.6: a CPS naming the MN's trust anchors, retried after ``wait``."""
        identifier = int.from_bytes(self.rng(2), "big") or 1
        cps = build_cps(identifier, self.config.trust_anchors)
        self._out.append(SendPacket(icmpv6_packet(cps, self.address, router),
                                    "CPS for the router's certification path"))
        self._cps_wait[router] = wait
        self._out.append(TimerRequest(now + wait, "cps-retry", str(router)))

    def check_cps_time_left(self, peer: IPv6Address, now: float) -> CheckResult:
        """RFC 3971 §6.4.6: the whole retrieval lasts at most CPS_RETRY_MAX."""
        parked = self.parked.get(peer)
        if parked is None or now - parked[1] + self._cps_wait.get(peer, CPS_RETRY) * 2 > \
                CPS_RETRY_MAX:
            return CheckResult.fail("cps-retry-max")
        return CheckResult.ok()

    def act_resend_cps(self, peer: IPv6Address, now: float) -> None:
        """RFC 3971 §6.4.6: retry the CPS, doubling the wait each time."""
        self._send_cps(peer, now, self._cps_wait.get(peer, CPS_RETRY) * 2)

    def act_abandon_path(self, peer: IPv6Address, now: float) -> None:
        """RFC 3971 §6.4.6: no path after CPS_RETRY_MAX: the held PrRtAdv is dropped."""
        self.parked.pop(peer, None)
        self._cps_wait.pop(peer, None)
        self.awaiting_path.clear()

    def act_resume_parked(self, peer: IPv6Address, now: float) -> None:
        """RFC 5269 §3.3: with the path cached, the held PrRtAdvs are processed again."""
        self._resume = True

    def _process_parked(self, now: float) -> None:
        self.awaiting_path.clear()
        for router, (packet, _arrived) in list(self.parked.items()):
            del self.parked[router]
            self._ctx = _Context()
            self._on_packet(packet, now)

    def act_send_fbu(self, peer: IPv6Address, now: float) -> None:
        """RFC 5269 §3.4, RFC 5568 §6.2.2: an FBU with HAO = PCoA and a BADF under the key."""
        handover = self._ctx.handover
        record = self.key_for(peer, now)
        assert handover is not None and record is not None
        algorithm = algorithm_for_at(record.at, self.interp.at_codepoints)
        assert algorithm is not None
        pcoa = self.address
        src = pcoa if handover.from_par_link else handover.ncoa
        previous = self.fbu_sequence.get(peer)
        sequence = (previous + 1) & 0xFFFF if previous is not None else \
            int.from_bytes(self.rng(2), "big")
        self.fbu_sequence[peer] = sequence
        options: tuple[Any, ...] = ()
        if handover.from_par_link:
            options = (AlternateCareOfAddress(handover.ncoa),)
        coa = {AuthenticatorCareOfAddress.NCOA: handover.ncoa,
               AuthenticatorCareOfAddress.PCOA: pcoa,
               AuthenticatorCareOfAddress.PACKET_SOURCE: src}[self.interp.authenticator_coa]
        placeholder = FastBindingUpdate(sequence, 10, (
            *options, BindingAuthorizationDataFmip(BADF_SPI_HANDOVER_KEY,
                                                   bytes(algorithm.mac_length))))
        mh_data = mh_data_for_authenticator(placeholder, self.interp.badf_length)
        tag = compute_authenticator(record.key, algorithm, coa, peer, mh_data)
        fbu = FastBindingUpdate(sequence, 10, (
            *options, BindingAuthorizationDataFmip(BADF_SPI_HANDOVER_KEY, tag)))
        packet = mobility_packet(fbu, src, peer, pcoa, self.interp.badf_length)
        self.extra_addresses.add(handover.ncoa)
        self.pending_fbu[peer] = PendingFbu(peer, sequence, coa, now)
        self.hkepk.note_handover()
        self._out.append(SendPacket(packet, "FBU with BADF"))
        self._ctx.facts.update(sequence=sequence, ncoa=str(handover.ncoa),
                               key_id=key_id(record.key))

    def act_handover_acknowledged(self, peer: IPv6Address, now: float) -> None:
        """RFC 5568 §6.2.3: the PAR forwards; the FBU is no longer outstanding."""
        self.pending_fbu.pop(peer, None)

    def act_refresh(self, peer: IPv6Address, now: float) -> None:
        """RFC 5269 §3.3: ask the AR again before HK-LIFETIME runs out."""
        self.act_send_rtsolpr(peer, now)

    def act_discard_key(self, peer: IPv6Address, now: float) -> None:
        """RFC 5269 §3.6: an expired key is never used again."""
        record = self.keys.pop((peer, self.address), None)
        if record is not None:
            self._out.append(KeyDiscarded(self.address, peer, key_id(record.key),
                                          "HK-LIFETIME expired"))

    def act_drop(self, peer: IPv6Address, now: float) -> None:
        """Nothing is sent and no state changes."""
