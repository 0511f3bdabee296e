"""Trace conformance: the model's step relation judges every decision the reference records.

The reference records each decision of its AR, PAR and MN as a
:class:`~rfc5269.nodes.trace.TraceEvent`; the model
(:mod:`rfc5269.model.concrete`) says, for an abstract event, whether the honest
node accepts it and what state follows. This module ties them together in the
manner of a runtime monitor (DESIGN.md, "Ivy's QUIC specification"):

1. :class:`InputRecorder` sits between the link and each node and keeps, for
   every trace event, the input that caused it (the received packet, the timer
   or the application request) and the packets the node sent in answer.
2. :class:`TraceMapper` turns each trace event into the model's vocabulary
   (:mod:`rfc5269.model.events`), using ground truth that does not depend on
   the node's own verdict: who really signed a message (the scenario's
   :class:`Principals` and the signature octets), which packets are
   byte-identical copies of what an honest node sent, which handover key a
   reply really carries (decrypted with the MN's HKEPK private key). Abstract
   indices follow :mod:`rfc5269.model.events`: nonces and key generations in
   order of first appearance, from the model's ``fresh`` counter.
3. :func:`check_trace` replays the mapped events through
   :func:`rfc5269.model.concrete.step` and compares, per step, the verdict and
   the state both sides keep (AR key records, MN keys and outstanding nonces,
   PAR forwarding and sequence numbers). The first disagreement raises
   :class:`ConformanceMismatch`, naming the step, the reference event and the
   model's view.

What the model abstracts away is explicit: :data:`ABSTRACTED_CHECKS` and
:data:`NO_MODEL_EVENT` list every reference check and transition that has no
model counterpart, with the reason; :data:`MODEL_GAPS` lists reference checks
the model *should* have but does not (a rejection there is reported, not
hidden); it is empty since the model's ``mn-at-not-weaker`` refinement, which
the conformance configuration switches on, gave the model the MN's AT check.

Choices the glue makes (each is a place where model and reference meet):

* Time: one model unit is one millisecond; the model is configured with the
  reference's HK-LIFETIME, nonce lifetime and forwarding time
  (:func:`model_config_for`). A Key Lifetime travels in whole seconds
  (RFC 5269 §4.2) while the model's remaining lifetime is exact: an MN key
  expiry up to 1 s earlier than the model's is accepted and copied into the
  model state.
* ATs: the reference's two algorithms are model strengths 2 and 3
  (:func:`model_at`).
* Signers come from the packets, not from the node's verdict (the
  docstring of :mod:`rfc5269.model.events` suggests reading the signer off the
  reference's SEND check; that would make a faulty check agree with itself):
  a byte copy of an honest node's signed message is that node's; otherwise
  the signature is verified under the attacker's and rogue routers' keys; an
  unsigned or broken one is "nobody's" and maps to a signer other than the
  source's owner.
* An RtSolPr retransmission re-sends the same nonce; the glue restarts that
  nonce's slot time in the model state (the reference's nonce lifetime runs
  from the last transmission).
* An FBU that is not a byte copy of an MN FBU carries a MAC under a key the
  attacker made (Key(rogue, PCoA, 1)): only the MN and the PAR hold the PAR's
  key, unless an earlier step (already flagged) gave it away.
"""

from __future__ import annotations

import time as _time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from ipaddress import IPv6Address
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from rfc5269.errors import Rfc5269Error
from rfc5269.interpretations import (
    DEFAULT,
    AlgorithmTypeCodepoints,
    ExistingKeyLifetime,
    Interpretations,
)
from rfc5269.model import concrete
from rfc5269.model.config import ModelConfig
from rfc5269.model.events import (
    KIND_OF,
    ArKeyExpires,
    ArReceivesRtSolPr,
    Event,
    ForwardingTimesOut,
    Key,
    MnReceivesPrRtAdv,
    MnSendsFbu,
    MnSendsRtSolPr,
    ParReceivesFbu,
    TimePasses,
    to_record,
)
from rfc5269.model.faults import Refinement
from rfc5269.model.rules import RULES
from rfc5269.model.state import State, initial_state
from rfc5269.nodes.events import Input, Output, PacketReceived, SendPacket
from rfc5269.nodes.packets import Received, open_packet
from rfc5269.nodes.records import key_id
from rfc5269.nodes.trace import TraceEvent, TraceLog
from rfc5269.send.keys import key_hash, public_key_der
from rfc5269.send.signature import signed_checksum_value, signed_data
from rfc5269.wire.fmip import PrRtAdv, RtSolPr
from rfc5269.wire.mobility import AlternateCareOfAddress, FastBindingUpdate
from rfc5269.wire.ndopt import HandoverKeyReply, HandoverKeyRequest, NonceOption, RsaSignatureOption
from rfc5269.wire.send_ranges import signed_portion

__all__ = [
    "ABSTRACTED_CHECKS",
    "MODEL_GAPS",
    "NO_MODEL_EVENT",
    "ConformanceConfig",
    "ConformanceMismatch",
    "ConformanceReport",
    "InputRecorder",
    "Principals",
    "TraceMapper",
    "UnmappableEvent",
    "check_trace",
    "model_at",
    "model_config_for",
]

MS = 1000  # model time unit: one millisecond of reference time
MN_INDEX = 0
AR_INDEX = 0

# ====================================================================== what is abstracted

NO_MODEL_EVENT: dict[str, str] = {
    "answer a plain RtSolPr": "FMIPv6 RtSolPr without a Handover Key Request: no key involved "
                              "(RFC 5568 §6.1.2); outside RFC 5269 §3",
    "answer a certification path solicitation": "CPS/CPA (RFC 3971 §6.4): the model treats "
                                                "router certification as a static table",
    "complete a certification path": "CPS/CPA path retrieval (RFC 3971 §6.4.6): abstracted",
    "retransmit the CPS": "CPS retransmission (RFC 3971 §6.4.6): abstracted",
    "retransmit the RtSolPr": "retransmission of the same RtSolPr (RFC 5568 §6.1.1): the model "
                              "has one send per nonce; the glue re-times the nonce's slot",
    "FBack acknowledges the FBU": "FBack processing (RFC 5568 §6.2.3): the model has no FBack",
    "discard a malformed packet": "malformed packets never reach a protocol rule (typed "
                                  "decoder errors)",
    "handover key lifetime ends@MN": "the model treats an MN key past its lifetime as absent; "
                                     "the reference's explicit discard changes nothing the "
                                     "model compares",
}
"""Reference transitions with no model event, and why."""

ABSTRACTED_CHECKS: dict[str, str] = {
    "hop_limit_255": "on-link check (RFC 5568 §6.1.1): the model's network is one link",
    "within_rate_limits": "rate limits (RFC 5269 §5): the model's nodes never run out of work",
    "record_capacity": "state bounds (RFC 5269 §5): the model's tables are unbounded per CGA",
    "hkepk_fit": "HKEPK parameter fit (RFC 5269 §4.1): the model's keys are well formed",
    "at_resolvable": "AT negotiation failure (RFC 5269 §3.2): model ARs support every AT",
    "at_supported": "the MN's supported ATs (RFC 5269 §3.3): model MNs support every AT",
    "rtsolpr_rate": "MAX_RTSOLPR_RATE (RFC 5568 §6.1.1): rate limits are abstracted",
    "coa_routable": "care-of address sanity (RFC 3775 §9.5.1): NCoAs are abstract indices",
    "send_valid:timestamp": "SEND timestamps (RFC 3971 §5.3.4.2) are the separate arithmetic "
                            "sub-model of property 7, not part of the step relation",
    "send_valid:malformed": "a SEND option missing or malformed (RFC 3971 §5.1-§5.3)",
    "send_valid:not-certified@certified": "the router is certified but its path is not yet "
                                          "cached: the MN fetches it with CPS/CPA and "
                                          "processes the PrRtAdv again (abstracted)",
}
"""Reference checks outside the model's abstraction: a rejection there is a dropped message."""

MODEL_GAPS: dict[str, str] = {}
"""Reference checks the model lacks: a rejection there is counted and reported, not an error."""

_TIMESTAMP_REASONS = {"timestamp-outside-window", "timestamp-not-fresh", "timestamp-cache-full"}
_MALFORMED_REASONS = {"timestamp-missing", "malformed"}
_NONCE_REASONS = {"nonce-unknown", "nonce-missing"}

_SIGNATURE = "send_signature_valid"
_CERTIFIED = "router_certified"
_NONCE = "nonce_matches_outstanding"
_DECRYPT = "decrypts_with_own_hkepk"
_FIRST = "first_answer_from_router"
_RECORD = "key_record_found"
_AUTH = "authenticator_valid"
_SEQ = "sequence_number_newer"

MODEL_CHECK_ORDER: dict[str, int] = {
    _SIGNATURE: 0, _CERTIFIED: 1, _NONCE: 2, _DECRYPT: 3, _FIRST: 4,
    _RECORD: 0, _AUTH: 1, _SEQ: 2,
}


# ====================================================================== errors and results


class UnmappableEvent(Rfc5269Error):  # noqa: N818 - names the event it could not map
    """A trace event could not be expressed in the model's vocabulary (a glue limitation)."""


class ConformanceMismatch(AssertionError):  # noqa: N818 - it names what was found
    """The model and the reference disagree on one step.

    ``step`` is the trace event's index, ``event`` the reference's record,
    ``model_event`` the abstract event it was mapped to, ``model_view`` what
    the model says (verdict, reason, the compared state), ``what`` the
    disagreement.
    """

    def __init__(self, step: int, event: TraceEvent, model_event: Event | None,
                 model_view: dict[str, Any], what: str) -> None:
        self.step = step
        self.event = event
        self.model_event = model_event
        self.model_view = model_view
        self.what = what
        super().__init__(
            f"step {step}: {what}\n  reference: {event.node} {event.transition!r} at "
            f"{event.time} -> {event.verdict} ({event.reason}); facts={event.facts}\n"
            f"  model event: {model_event}\n  model: {model_view}")


@dataclass
class ConformanceReport:
    """What a conformance run saw: steps checked, skipped (with why), timings."""

    steps: int = 0
    model_steps: int = 0
    accepted: int = 0
    rejected: int = 0
    dropped: dict[str, int] = field(default_factory=dict)  # abstracted rejections by check
    no_event: dict[str, int] = field(default_factory=dict)  # transitions without model event
    model_gaps: dict[str, int] = field(default_factory=dict)
    disabled_rejected: int = 0
    reason_disagreements: list[str] = field(default_factory=list)
    check_seconds: float = 0.0  # model step + comparison
    map_seconds: float = 0.0  # mapping incl. ground-truth cryptography

    def per_step_us(self) -> float:
        """Mean microseconds per model step (step + comparison, mapping excluded)."""
        return 1e6 * self.check_seconds / max(1, self.model_steps)

    def per_event_map_us(self) -> float:
        """Mean microseconds of mapping per trace event."""
        return 1e6 * self.map_seconds / max(1, self.steps)

    def _count(self, table: dict[str, int], key: str) -> None:
        table[key] = table.get(key, 0) + 1


# ====================================================================== recording inputs


@dataclass(frozen=True)
class RecordedInput:
    """The input of one node call and what the node sent in answer."""

    node: str
    event: Input
    outputs: tuple[Output, ...]


class InputRecorder:
    """Remembers, for every trace event, the input that caused it.

    :meth:`attach` wraps one node object's ``handle`` (the instance, not the
    class), so it works for the reference and for any subclass.
    """

    def __init__(self, log: TraceLog) -> None:
        self.log = log
        self.inputs: dict[int, RecordedInput] = {}

    def attach(self, node: Any) -> None:
        """Record every call of ``node.handle``."""
        original: Callable[[Input, float], list[Output]] = node.handle
        name = str(node.name)

        def handle(event: Input, now: float) -> list[Output]:
            start = len(self.log.events)
            outputs = original(event, now)
            rec = RecordedInput(name, event, tuple(outputs))
            for i in range(start, len(self.log.events)):
                self.inputs[i] = rec
            return outputs

        node.handle = handle


# ====================================================================== principals


@dataclass(frozen=True)
class Principals:
    """Who owns which address and key in a scenario (ground truth for the mapper).

    The honest MN is model index 0 (CGA and HKEPK 0), the honest AR router 0.
    Every other CGA maps to the attacker's CGA (``n_mn``); the attacker's
    distinct CGAs (``attacker_cgas``, made with ``attacker_key_ders``) are
    multiplexed onto it (the rules of one CGA's record read no other CGA's
    record); an address no principal owns is nobody's CGA, so no signature can
    bind it (RFC 3972). Routers: the honest AR 0, the rogue router
    (``n_ar``: uncertified) and, when ``compromised_address`` is set, the
    attacker's certified router (``n_ar + 1``).
    """

    mn_address: IPv6Address
    ar_addresses: frozenset[IPv6Address]
    mn_hkepk_keys: tuple[rsa.RSAPrivateKey, ...]
    attacker_hkepk_ders: frozenset[bytes] = frozenset()
    attacker_cgas: frozenset[IPv6Address] = frozenset()
    attacker_key_ders: tuple[bytes, ...] = ()
    compromised_address: IPv6Address | None = None
    compromised_key_der: bytes | None = None
    rogue_key_ders: tuple[bytes, ...] = ()

    def hkepk_by_der(self) -> dict[bytes, rsa.RSAPrivateKey]:
        """The MN's HKEPK private keys by public DER."""
        return {public_key_der(k): k for k in self.mn_hkepk_keys}


@dataclass(frozen=True)
class ConformanceConfig(ModelConfig):
    """The model configured with the reference's constants (times in milliseconds).

    ``slots`` replaces the model's two outstanding-solicitation slots by as
    many as the reference's nonce store may hold in the runs checked.
    """

    slots: int = 32

    @property
    def n_slots(self) -> int:
        """Outstanding-solicitation slots per MN."""
        return self.slots if self.interp.multiple_outstanding_rtsolpr else 1


def model_config_for(
    interp: Interpretations = DEFAULT,
    *,
    hk_lifetime: float,
    forwarding_time: float = 10.0,
    nonce_ttl: float = 10.0,
    mn_preferred_at: int = 0,
    compromised_router: bool = False,
    slots: int = 32,
) -> ConformanceConfig:
    """The model of one reference scenario: its lifetimes (seconds) and the MN's AT preference.

    AT codepoints map to model strengths by :func:`model_at`.
    """
    return ConformanceConfig(
        interp=interp, n_mn=1, n_ar=1, compromised_router=compromised_router,
        hk_lifetime=round(hk_lifetime * MS), nonce_ttl=round(nonce_ttl * MS),
        forwarding_time=round(forwarding_time * MS), max_tick=10**15,
        mn_pref_at=model_at(interp, mn_preferred_at), n_ncoa=8, slots=slots,
        refinements=frozenset({Refinement.MN_AT_NOT_WEAKER}))


def model_at(interp: Interpretations, at: int) -> int:
    """The model strength of a reference AT codepoint.

    The reference knows two algorithms, HMAC-SHA1-96 and HMAC-SHA256-128
    (RFC 5269 §4.1 via RFC 5568; numbering per switch CL-03); they are the
    model's strengths 2 and 3, so that the strongest algorithm an AR supports
    is the model's ``AT_MAX`` (switch ``at_choice``). The model's strength 1
    has no reference algorithm.
    """
    offset = 2 if interp.at_codepoints is AlgorithmTypeCodepoints.ZERO_IS_DEFAULT else 1
    return at + offset


# ====================================================================== packet ground truth


def _decode(packet: bytes, interp: Interpretations) -> Received | None:
    try:
        return open_packet(packet, interp.badf_length)
    except Rfc5269Error:
        return None


def signed_identity(packet: bytes) -> bytes | None:
    """Addresses, signed octets and the RSA Signature option of a SEND packet (checksum zeroed).

    Two packets with the same identity carry the same signature over the same
    data: a copy (a replay, or one with octets changed outside the signature).
    """
    if len(packet) < 48 or packet[6] != 58:
        return None
    icmp = packet[40:]
    try:
        portion = signed_portion(icmp)
    except Rfc5269Error:
        return None
    off = portion.signature_offset
    if off is None or off + 1 >= len(icmp):
        return None
    end = off + icmp[off + 1] * 8
    return packet[8:40] + icmp[:2] + icmp[4:end]


def fbu_identity(received: Received) -> bytes | None:
    """Destination, Home Address and Mobility Header octets (checksum zeroed) of an FBU."""
    home = received.packet.home_address
    if not isinstance(received.message, FastBindingUpdate) or home is None:
        return None
    mh = bytearray(received.upper_layer)
    if len(mh) >= 6:
        mh[4:6] = b"\0\0"
    return received.dst.packed + home.packed + bytes(mh)


def _signature_by(packet: bytes, der: bytes, interp: Interpretations) -> bool:
    """The packet's RSA Signature verifies under the public key ``der`` (RFC 3971 §5.2)."""
    icmp = packet[40:]
    try:
        portion = signed_portion(icmp)
        off = portion.signature_offset
        if off is None:
            return False
        option = RsaSignatureOption.decode(icmp[off:off + icmp[off + 1] * 8])
    except (Rfc5269Error, IndexError):
        return False
    if option.key_hash != key_hash(der):
        return False
    key = serialization.load_der_public_key(der)
    assert isinstance(key, rsa.RSAPublicKey)
    src, dst = IPv6Address(packet[8:24]), IPv6Address(packet[24:40])
    prefix = icmp[:2] + b"\0\0" + icmp[4:off]
    checksum = signed_checksum_value(prefix, src, dst, portion.checksum, interp.signed_checksum)
    signature = option.signature[:(key.key_size + 7) // 8]
    try:
        key.verify(signature, signed_data(prefix, src, dst, checksum), padding.PKCS1v15(),
                   hashes.SHA1())  # noqa: S303 - SHA-1 is what RFC 3971 §5.2 signs with
    except InvalidSignature:
        return False
    return True


def _signed_options(message: Any) -> tuple[list[Any], bool]:
    """The options before the RSA Signature option, and whether there is a signature."""
    before: list[Any] = []
    for o in getattr(message, "options", ()):
        if isinstance(o, RsaSignatureOption):
            return before, True
        before.append(o)
    return before, False


def _first(options: Iterable[Any], cls: type) -> Any:
    return next((o for o in options if isinstance(o, cls)), None)


# ====================================================================== the mapper


@dataclass(frozen=True)
class Mapped:
    """One trace event in the model's terms: an event, or why there is none."""

    event: Event | None
    no_event: str | None = None
    subject: IPv6Address | None = None  # the AR-side CGA the event concerns (row multiplexing)


class TraceMapper:
    """Maps a run's trace events onto model events; keeps the tables of abstract indices."""

    def __init__(self, cfg: ConformanceConfig, principals: Principals, recorder: InputRecorder,
                 t0: float) -> None:
        self.cfg = cfg
        self.p = principals
        self.recorder = recorder
        self.t0 = t0
        self.interp = cfg.interp
        self.nonces: dict[str, int] = {}  # nonce hex -> abstract nonce
        self.nonce_hkepk: dict[int, bytes] = {}  # abstract nonce -> HKEPK DER of its RtSolPr
        self.keys: dict[str, Key] = {}  # key_id -> abstract key
        self.ncoas: dict[str, int] = {}
        self.sequences: dict[int, int] = {}  # honest FBU Sequence Number -> abstract
        self.honest_rts: dict[bytes, tuple[int, ...]] = {}
        self.honest_prr: dict[bytes, tuple[int, ...]] = {}
        self.honest_fbu: dict[bytes, tuple[int, ...]] = {}
        self.rts_by_nonce: dict[int, tuple[int, ...]] = {}
        self.parked: dict[str, bytes] = {}
        self._hkepk = principals.hkepk_by_der()

    # ------------------------------------------------------------ indices

    def ms(self, t: float) -> int:
        """Reference time (seconds) as model time (ms since ``t0``)."""
        return round((t - self.t0) * MS)

    def cga_index(self, address: IPv6Address | str) -> int:
        """Model CGA index: the honest MN 0, anyone else the attacker."""
        return MN_INDEX if IPv6Address(address) == self.p.mn_address else self.cfg.att_cga

    def cga_owner(self, address: IPv6Address) -> int | None:
        """Who owns the CGA ``address``: the MN, the attacker, or nobody (None)."""
        if address == self.p.mn_address:
            return MN_INDEX
        if address in self.p.attacker_cgas:
            return self.cfg.att_cga
        return None

    def router_index(self, address: IPv6Address | str) -> int:
        """Model router index of an address (honest AR, compromised, else rogue)."""
        a = IPv6Address(address)
        if a in self.p.ar_addresses:
            return AR_INDEX
        if a == self.p.compromised_address:
            return self.cfg.compromised
        return self.cfg.rogue

    def ncoa_index(self, address: str) -> int:
        """Abstract NCoA (1..n_ncoa), by first appearance."""
        if address not in self.ncoas:
            if len(self.ncoas) >= self.cfg.n_ncoa:
                raise UnmappableEvent(f"more than {self.cfg.n_ncoa} NCoAs")
            self.ncoas[address] = len(self.ncoas) + 1
        return self.ncoas[address]

    def nonce_index(self, nonce: bytes | None) -> int:
        """Abstract nonce of an MN nonce, 0 for any other (never outstanding)."""
        return self.nonces.get(nonce.hex(), 0) if nonce is not None else 0

    def at(self, codepoint: int) -> int:
        """Model strength of an AT codepoint."""
        return model_at(self.interp, codepoint)

    def hkepk_index(self, der: bytes) -> int:
        return MN_INDEX if der in self._hkepk else self.cfg.att_cga

    # ------------------------------------------------------------ packets

    def packet_of(self, i: int, e: TraceEvent) -> bytes:
        rec = self.recorder.inputs.get(i)
        if rec is None:
            raise UnmappableEvent(f"no recorded input for trace event {i} ({e.transition})")
        if isinstance(rec.event, PacketReceived):
            r = _decode(rec.event.packet, self.interp)
            if r is not None and r.kind == e.facts.get("message"):
                return rec.event.packet
        parked = self.parked.get(str(e.facts.get("src")))
        if parked is not None:
            return parked
        raise UnmappableEvent(f"trace event {i} has no packet input")

    def sent(self, i: int, kind: type) -> list[tuple[bytes, Received]]:
        rec = self.recorder.inputs.get(i)
        out: list[tuple[bytes, Received]] = []
        for o in rec.outputs if rec is not None else ():
            if isinstance(o, SendPacket):
                r = _decode(o.packet, self.interp)
                if r is not None and isinstance(r.message, kind):
                    out.append((o.packet, r))
        return out

    # ------------------------------------------------------------ per transition

    def map(self, i: int, e: TraceEvent, s: State) -> Mapped:
        """The model event of trace event ``i`` in model state ``s``."""
        key = f"{e.transition}@MN" if e.actor == "MN" else e.transition
        if key in NO_MODEL_EVENT:
            return Mapped(None, key)
        if e.transition in NO_MODEL_EVENT:
            return Mapped(None, e.transition)
        if e.verdict == "ignored":
            return Mapped(None, "ignored input (no transition in the node's state)")
        if e.actor == "AR":
            return self._map_ar(i, e)
        if e.actor == "PAR":
            return self._map_par(i, e)
        return self._map_mn(i, e, s)

    def _map_ar(self, i: int, e: TraceEvent) -> Mapped:
        subject = IPv6Address(e.facts["subject"])
        c = self.cga_index(subject)
        if e.input_kind == "key-expiry":
            return Mapped(ArKeyExpires(AR_INDEX, c), subject=subject)
        if e.input_kind != "RtSolPr+HKR":
            raise UnmappableEvent(f"AR input {e.input_kind}")
        packet = self.packet_of(i, e)
        r = _decode(packet, self.interp)
        assert r is not None and isinstance(r.message, RtSolPr)
        ar = self.router_index(r.dst)
        if ar != AR_INDEX:
            raise UnmappableEvent(f"RtSolPr to {r.dst}, not the AR")
        sid = signed_identity(packet)
        honest = self.honest_rts.get(sid) if sid is not None else None
        if honest is not None:
            src, _dst, nonce, hkepk, at = honest
            return Mapped(ArReceivesRtSolPr(AR_INDEX, src, src, nonce, hkepk, at),
                          subject=subject)
        request = _first(r.message.options, HandoverKeyRequest)
        nonce = _first(r.message.options, NonceOption)
        hkepk = self.hkepk_index(request.public_key) if request is not None else self.cfg.att_cga
        at = self.at(request.algorithm_type) if request is not None else 1
        # Not a copy of an MN RtSolPr: the attacker signed it with one of its CGA keys, or
        # nobody did (unsigned, the request after the signature, a broken signature).
        signed, has_sig = _signed_options(r.message)
        true_signer: int | None = None
        if has_sig and request in signed and any(
                _signature_by(packet, der, self.interp) for der in self.p.attacker_key_ders):
            true_signer = self.cfg.att_cga
        owner = self.cga_owner(r.src)
        if owner is not None and true_signer == owner:
            signer = owner
        else:  # the signature does not bind the source: any signer but the source's owner
            signer = self.cfg.att_cga if c != self.cfg.att_cga else MN_INDEX
        return Mapped(ArReceivesRtSolPr(AR_INDEX, c, signer, self.nonce_index(
            nonce.nonce if nonce is not None else None), hkepk, at), subject=subject)

    def _map_par(self, i: int, e: TraceEvent) -> Mapped:
        subject = IPv6Address(e.facts["subject"])
        hoa = self.cga_index(subject)
        if e.input_kind == "forwarding-timeout":
            return Mapped(ForwardingTimesOut(AR_INDEX, hoa), subject=subject)
        packet = self.packet_of(i, e)
        r = _decode(packet, self.interp)
        assert r is not None and isinstance(r.message, FastBindingUpdate)
        fid = fbu_identity(r)
        honest = self.honest_fbu.get(fid) if fid is not None else None
        if honest is not None:
            par, h, ncoa, seq, iss, own, gen, at = honest
            return Mapped(ParReceivesFbu(par, h, ncoa, seq, Key(iss, own, gen), at),
                          subject=subject)
        alt = _first(r.message.options, AlternateCareOfAddress)
        ncoa = self.ncoa_index(str(alt.address if alt is not None else r.src))
        # Not a copy of an MN FBU: its MAC is under a key the attacker made (never the
        # PAR's key for the PCoA, which only the MN and the PAR hold).
        return Mapped(ParReceivesFbu(AR_INDEX, hoa, ncoa, 0, Key(self.cfg.rogue, hoa, 1), 1),
                      subject=subject)

    def _map_mn(self, i: int, e: TraceEvent, s: State) -> Mapped:
        if e.input_kind in ("request-key", "key-refresh"):
            if e.verdict != "accepted":
                return Mapped(None, f"{e.input_kind} not sent")
            router = self.router_index(e.facts["peer"])
            at = self.at(int(e.facts["requested_at"]))
            return Mapped(MnSendsRtSolPr(MN_INDEX, router, at, int(s.fresh)))
        if e.input_kind == "handover":
            if e.verdict != "accepted":
                return Mapped(None, "no FBU sent (no key for the PAR)")
            return Mapped(MnSendsFbu(MN_INDEX, self.router_index(e.facts["peer"]),
                                     self.ncoa_index(str(e.facts["ncoa"]))))
        if e.input_kind == "PrRtAdv":
            return self._map_prrtadv(i, e)
        raise UnmappableEvent(f"MN input {e.input_kind}")

    def _map_prrtadv(self, i: int, e: TraceEvent) -> Mapped:
        packet = self.packet_of(i, e)
        if e.facts.get("parked"):
            self.parked[str(e.facts.get("src"))] = packet
        r = _decode(packet, self.interp)
        assert r is not None and isinstance(r.message, PrRtAdv)
        reply = _first(r.message.options, HandoverKeyReply)
        if reply is None:
            return Mapped(None, "PrRtAdv without a Handover Key Reply (FMIPv6 only)")
        sid = signed_identity(packet)
        signed, has_sig = _signed_options(r.message)
        honest = self.honest_prr.get(sid) if sid is not None else None
        if honest is not None and reply in signed:
            src, _dst, nonce, iss, own, gen, enc, at, life = honest
            return Mapped(MnReceivesPrRtAdv(MN_INDEX, src, src, nonce, Key(iss, own, gen), enc,
                                            at, life))
        src_router = self.router_index(r.src)
        true_signer: int | None = None
        if has_sig and reply in signed:
            if self.p.compromised_key_der is not None and _signature_by(
                    packet, self.p.compromised_key_der, self.interp):
                true_signer = self.cfg.compromised
            elif any(_signature_by(packet, der, self.interp) for der in self.p.rogue_key_ders):
                true_signer = self.cfg.rogue
        if true_signer == src_router:
            signer = src_router
        elif src_router != self.cfg.rogue:
            signer = self.cfg.rogue  # a signer that is not the source
        else:
            signer = self.cfg.compromised if self.cfg.compromised_router else AR_INDEX
        nonce_opt = _first(r.message.options, NonceOption)
        nonce = self.nonce_index(nonce_opt.nonce if nonce_opt is not None else None)
        iss = signer if signer in (self.cfg.rogue, self.cfg.compromised) else self.cfg.rogue
        k, enc = Key(iss, MN_INDEX, 1), MN_INDEX
        hkepk = self._hkepk.get(self.nonce_hkepk.get(nonce, b""))
        if hkepk is not None:
            try:
                plain = hkepk.decrypt(reply.encrypted_key, padding.PKCS1v15())
            except ValueError:
                enc = self.cfg.att_cga  # not under the HKEPK of the solicitation it answers
            else:
                k = self.keys.get(key_id(plain), k)
        return Mapped(MnReceivesPrRtAdv(MN_INDEX, src_router, signer, nonce, k, enc,
                                        self.at(reply.algorithm_type),
                                        reply.key_lifetime * MS))

    # ------------------------------------------------------------ after a model step

    def learn(self, i: int, e: TraceEvent, ev: Event, before: State, after: State) -> None:
        """Register what an accepted step created: nonces, keys, honest packets."""
        if isinstance(ev, MnSendsRtSolPr):
            nonce = str(e.facts["nonce"])
            self.nonces[nonce] = ev.nonce
            tup: tuple[int, ...] = (ev.mn, ev.router, ev.nonce, ev.mn, ev.at)
            self.rts_by_nonce[ev.nonce] = tup
            for packet, r in self.sent(i, RtSolPr):
                self._register_rts(packet, r, tup)
        elif isinstance(ev, ArReceivesRtSolPr):
            r_, c = ev.ar, ev.src
            gen = after.ar_gen[r_][c]
            kid = e.facts.get("key_id")
            if kid is not None and kid not in self.keys:
                self.keys[kid] = Key(r_, c, gen)
            if self.cfg.interp.existing_key_lifetime is ExistingKeyLifetime.REMAINING:
                life = after.ar_exp[r_][c] - before.now
            else:
                life = self.cfg.hk_lifetime
            tup = (r_, c, ev.nonce, r_, c, gen, ev.hkepk, after.ar_at[r_][c], life)
            for packet, _r in self.sent(i, PrRtAdv):
                sid = signed_identity(packet)
                if sid is not None:
                    self.honest_prr[sid] = tup
        elif isinstance(ev, MnSendsFbu):
            m, rho = ev.mn, ev.par
            seq = before.mn_seq[m]
            tup = (rho, m, ev.ncoa, seq, before.mk_iss[m][rho], before.mk_own[m][rho],
                   before.mk_gen[m][rho], before.mk_at[m][rho])
            self.sequences[int(e.facts["sequence"])] = seq
            for _packet, r in self.sent(i, FastBindingUpdate):
                fid = fbu_identity(r)
                if fid is not None:
                    self.honest_fbu[fid] = tup

    def _register_rts(self, packet: bytes, r: Received, tup: tuple[int, ...]) -> None:
        sid = signed_identity(packet)
        if sid is not None:
            self.honest_rts[sid] = tup
        request = _first(r.message.options, HandoverKeyRequest)
        if request is not None:
            self.nonce_hkepk[tup[2]] = request.public_key

    def retransmitted(self, i: int, e: TraceEvent, s: State) -> State:
        """An RtSolPr retransmission: register the copy, restart its nonce slot's lifetime."""
        packets = self.sent(i, RtSolPr)
        for packet, r in packets:
            nonce = _first(r.message.options, NonceOption)
            n = self.nonce_index(nonce.nonce if nonce is not None else None)
            tup = self.rts_by_nonce.get(n)
            if tup is None:
                continue
            self._register_rts(packet, r, tup)
            rows = [list(row) for row in s.sl_time]
            for j, value in enumerate(s.sl_nonce[MN_INDEX]):
                if value == n:
                    rows[MN_INDEX][j] = self.ms(e.time)
            s = s.replace(sl_time=tuple(tuple(row) for row in rows))
        return s


# ====================================================================== the checker


_AR_ROW_FIELDS = ("ar_gen", "ar_at", "ar_exp", "par_seq", "fwd", "fwd_until")
_EMPTY_ROW = (0, 0, 0, -1, 0, 0)


def _grid_set(grid: tuple[tuple[Any, ...], ...], i: int, j: int, v: Any) -> tuple[Any, ...]:
    row = grid[i]
    return (*grid[:i], (*row[:j], v, *row[j + 1:]), *grid[i + 1:])


class _Rows:
    """The attacker's many CGAs multiplexed onto the model's one attacker CGA row."""

    def __init__(self, att: int) -> None:
        self.att = att
        self.rows: dict[IPv6Address, tuple[int, ...]] = {}
        self.current: IPv6Address | None = None

    def swap_in(self, s: State, subject: IPv6Address | None, mapper: TraceMapper) -> State:
        if subject is None or mapper.cga_index(subject) != self.att or subject == self.current:
            return s
        s = self.swap_out(s)
        row = self.rows.get(subject, _EMPTY_ROW)
        changes = {f: _grid_set(getattr(s, f), AR_INDEX, self.att, v)
                   for f, v in zip(_AR_ROW_FIELDS, row, strict=True)}
        self.current = subject
        return s.replace(**changes)

    def swap_out(self, s: State) -> State:
        if self.current is not None:
            self.rows[self.current] = tuple(getattr(s, f)[AR_INDEX][self.att]
                                            for f in _AR_ROW_FIELDS)
            self.current = None
        return s


def _reason_check(e: TraceEvent, signer_certified: bool) -> str:
    """The model check a reference rejection corresponds to, or an ABSTRACTED/MODEL_GAPS key."""
    failed = e.failed_check()
    assert failed is not None
    name, reason = failed.name, failed.reason or ""
    if name == "send_valid":
        if reason in _TIMESTAMP_REASONS:
            return "send_valid:timestamp"
        if reason in _MALFORMED_REASONS or (e.actor == "AR" and reason in _NONCE_REASONS):
            return "send_valid:malformed"
        if reason == "not-certified" or reason.startswith("cert-"):
            return "send_valid:not-certified@certified" if signer_certified else _CERTIFIED
        if reason in _NONCE_REASONS:
            return _NONCE
        if reason == "nonce-already-answered":
            return _FIRST
        return _SIGNATURE
    return {
        "reply_signed": _SIGNATURE, "key_decrypts": _DECRYPT, "early_decrypt": _DECRYPT,
        "badf_present": _AUTH, "spi_zero": _AUTH, "key_found": _RECORD,
        "authenticator_valid": _AUTH, "sequence_fresh": _SEQ,
    }.get(name, name)


def _order_violation(e: TraceEvent) -> str | None:
    """A reference check performed before a check the model orders ahead of it."""
    highest, at_name = -1, ""
    for c in e.checks:
        mapped = {"send_valid": _SIGNATURE, "reply_signed": _SIGNATURE,
                  "key_decrypts": _DECRYPT, "early_decrypt": _DECRYPT,
                  "key_found": _RECORD, "authenticator_valid": _AUTH,
                  "sequence_fresh": _SEQ}.get(c.name)
        if mapped is None:
            continue
        pos = MODEL_CHECK_ORDER[mapped]
        if pos < highest:
            return f"{c.name} performed after {at_name}; the model checks it first"
        if pos > highest:
            highest, at_name = pos, c.name
    return None


def _subject(e: TraceEvent) -> IPv6Address | None:
    if e.actor in ("AR", "PAR") and "subject" in e.facts:
        return IPv6Address(e.facts["subject"])
    return None


class _Checker:
    def __init__(self, mapper: TraceMapper, report: ConformanceReport) -> None:
        self.m = mapper
        self.cfg = mapper.cfg
        self.report = report
        self.rows = _Rows(self.cfg.att_cga)

    def fail(self, i: int, e: TraceEvent, ev: Event | None, s: State, what: str,
             res: concrete.StepResult | None = None) -> ConformanceMismatch:
        view: dict[str, Any] = {"now_ms": s.now}
        if res is not None:
            view.update(verdict=res.verdict, reason=res.reason)
        view.update(self.view(e, s))
        return ConformanceMismatch(i, e, ev, view, what)

    def view(self, e: TraceEvent, s: State) -> dict[str, Any]:
        if e.actor in ("AR", "PAR") and "subject" in e.facts:
            c = self.m.cga_index(e.facts["subject"])
            return {f: getattr(s, f)[AR_INDEX][c] for f in _AR_ROW_FIELDS}
        if e.actor == "MN" and "peer" in e.facts:
            rho = self.m.router_index(e.facts["peer"])
            return {f: getattr(s, f)[MN_INDEX][rho]
                    for f in ("mk_iss", "mk_own", "mk_gen", "mk_at", "mk_exp")}
        return {}

    # ------------------------------------------------------------ state comparison

    def compare(self, i: int, e: TraceEvent, ev: Event | None, s: State) -> State:
        """Compare the parts of the state both keep; returns ``s`` (maybe re-timed)."""
        after = e.state_after
        if not after or "key_id" not in after:
            return s
        now = self.m.ms(e.time)
        if e.actor in ("AR", "PAR") and "subject" in e.facts:
            c = self.m.cga_index(e.facts["subject"])
            gen, at, exp = (getattr(s, f)[AR_INDEX][c] for f in ("ar_gen", "ar_at", "ar_exp"))
            model_valid = gen != 0 and now < exp
            ref_valid = after["key_id"] is not None and self.m.ms(after["expires"]) > now
            if model_valid != ref_valid:
                raise self.fail(i, e, ev, s, f"AR key record valid: reference {ref_valid}, "
                                             f"model {model_valid}")
            if model_valid:
                want = Key(AR_INDEX, c, gen)
                got = self.m.keys.get(after["key_id"])
                if got != want:
                    raise self.fail(i, e, ev, s, f"AR key record holds {after['key_id']} "
                                                 f"(= {got}), the model's key is {want}")
                if self.m.at(after["at"]) != at or self.m.ms(after["expires"]) != exp:
                    raise self.fail(i, e, ev, s, f"AR record AT/expiry: reference "
                                                 f"{self.m.at(after['at'])}/"
                                                 f"{self.m.ms(after['expires'])}"
                                                 f", model {at}/{exp}")
            fwd = s.fwd[AR_INDEX][c]
            ref_fwd = after.get("forwarding_to")
            if self.cfg.interp.par_discards_key_at_forwarding_timeout:
                ref_ncoa = self.m.ncoas.get(ref_fwd, -1) if ref_fwd is not None else 0
                if ref_ncoa != fwd:
                    raise self.fail(i, e, ev, s, f"PAR forwarding: reference {ref_fwd}, "
                                                 f"model NCoA {fwd}")
                if fwd and self.m.sequences.get(after["last_sequence"], -2) != \
                        s.par_seq[AR_INDEX][c]:
                    raise self.fail(i, e, ev, s, f"PAR last Sequence Number: reference "
                                                 f"{after['last_sequence']}, model "
                                                 f"{s.par_seq[AR_INDEX][c]}")
            return s
        if e.actor == "MN" and "peer" in e.facts:
            return self._compare_mn(i, e, ev, s, now)
        return s

    def _compare_mn(self, i: int, e: TraceEvent, ev: Event | None, s: State, now: int) -> State:
        after = e.state_after
        rho = self.m.router_index(e.facts["peer"])
        m = MN_INDEX
        gen, exp = s.mk_gen[m][rho], s.mk_exp[m][rho]
        model_valid = gen != 0 and now < exp
        ref_valid = after["key_id"] is not None
        ref_exp = self.m.ms(after["expires"]) if ref_valid else None
        if model_valid and not ref_valid and exp - now <= MS and e.input_kind == "key-expiry":
            model_valid = False  # the wire's whole-second Key Lifetime (see below)
        if model_valid != ref_valid:
            raise self.fail(i, e, ev, s, f"MN key for router {rho} valid: reference "
                                         f"{ref_valid}, model {model_valid}")
        if model_valid:
            want = Key(s.mk_iss[m][rho], s.mk_own[m][rho], gen)
            got = self.m.keys.get(after["key_id"])
            if got is None and want.issuer in (self.cfg.rogue, self.cfg.compromised):
                self.m.keys[after["key_id"]] = want  # an attacker-made key, first seen here
                got = want
            if got != want:
                raise self.fail(i, e, ev, s, f"MN holds {after['key_id']} (= {got}), the "
                                             f"model's key is {want}")
            if self.m.at(after["at"]) != s.mk_at[m][rho]:
                raise self.fail(i, e, ev, s, f"MN key AT: reference {self.m.at(after['at'])}, "
                                             f"model {s.mk_at[m][rho]}")
            assert ref_exp is not None
            if ref_exp != exp:
                # The Key Lifetime field counts whole seconds (RFC 5269 §4.2): the
                # AR truncates the remaining lifetime, the model keeps it exact.
                if not 0 < exp - ref_exp < MS:
                    raise self.fail(i, e, ev, s, f"MN key expiry: reference {ref_exp}, model "
                                                 f"{exp}")
                s = s.replace(mk_exp=_grid_set(s.mk_exp, m, rho, ref_exp))
        live = {n for j, n in enumerate(s.sl_nonce[m])
                if n != 0 and now < s.sl_time[m][j] + self.cfg.nonce_ttl}
        ref_live = {self.m.nonces.get(h, -1) for h in after.get("outstanding_nonces", ())}
        if live != ref_live:
            raise self.fail(i, e, ev, s, f"MN outstanding nonces: reference {sorted(ref_live)}"
                                         f", model {sorted(live)}")
        return s

    # ------------------------------------------------------------ one trace event

    def event(self, i: int, e: TraceEvent, s: State) -> State:
        now = self.m.ms(e.time)
        if now > s.now:
            t0 = _time.perf_counter()
            s = concrete.step(self.cfg, s, TimePasses(now - s.now)).state
            self.report.check_seconds += _time.perf_counter() - t0
            self.report.model_steps += 1
        t0 = _time.perf_counter()
        mapped = self.m.map(i, e, s)
        self.report.map_seconds += _time.perf_counter() - t0
        self.report.steps += 1
        s = self.rows.swap_in(s, _subject(e), self.m)
        if mapped.event is None:
            assert mapped.no_event is not None
            self.report._count(self.report.no_event, mapped.no_event)
            if e.transition == "retransmit the RtSolPr" and e.verdict == "accepted":
                s = self.m.retransmitted(i, e, s)
            if e.actor == "MN" and e.input_kind == "handover" and e.verdict != "accepted":
                rho = self.m.router_index(e.facts["peer"])
                if s.mk_gen[MN_INDEX][rho] != 0 and now < s.mk_exp[MN_INDEX][rho]:
                    raise self.fail(i, e, None, s, "the MN sent no FBU although the model "
                                                   "holds a valid key for the PAR")
            return self.compare(i, e, None, s)
        ev = mapped.event
        t0 = _time.perf_counter()
        res = concrete.step(self.cfg, s, ev)
        self.report.model_steps += 1
        try:
            s = self.judge(i, e, ev, s, res)
            s = self.compare(i, e, ev, s)
        finally:
            self.report.check_seconds += _time.perf_counter() - t0
        return s

    def judge(self, i: int, e: TraceEvent, ev: Event, s: State,
              res: concrete.StepResult) -> State:
        order = _order_violation(e)
        if order is not None:
            raise self.fail(i, e, ev, s, f"check order: {order}", res)
        if e.verdict == "accepted":
            if res.verdict != "accepted":
                raise self.fail(i, e, ev, s, "the reference accepted; the model "
                                             f"{res.verdict} it ({res.reason})", res)
            self.report.accepted += 1
            self.m.learn(i, e, ev, s, res.state)
            return res.state
        if e.verdict != "rejected" or e.failed_check() is None:
            raise self.fail(i, e, ev, s, f"inconsistent reference event: verdict {e.verdict} "
                                         "with no failed check", res)
        certified = isinstance(ev, MnReceivesPrRtAdv) and (
            0 <= ev.signer < self.cfg.n_ar
            or (self.cfg.compromised_router and ev.signer == self.cfg.compromised))
        why = _reason_check(e, certified)
        if res.verdict == "accepted":
            if why in ABSTRACTED_CHECKS:
                self.report._count(self.report.dropped, why)
                return s
            if why in MODEL_GAPS:
                self.report._count(self.report.model_gaps, why)
                return s
            raise self.fail(i, e, ev, s, f"the reference rejected ({e.reason}: {why}); the "
                                         "model accepts", res)
        if res.verdict == "disabled":
            self.report.disabled_rejected += 1
            return s
        self.report.rejected += 1
        model_failed = {n for n, ok in RULES[KIND_OF[type(ev)]](self.cfg, s,
                                                                to_record(ev)).checks
                        if not ok}
        if why not in model_failed and why not in ABSTRACTED_CHECKS and why not in MODEL_GAPS:
            self.report.reason_disagreements.append(
                f"step {i}: reference {e.failed_check()} ~ {why}; model failed "
                f"{sorted(model_failed)}")
        return s


class ConformanceMonitor:
    """An incremental checker: feed it a growing trace; it judges the events not yet seen."""

    def __init__(self, recorder: InputRecorder, principals: Principals,
                 cfg: ConformanceConfig, t0: float) -> None:
        self.mapper = TraceMapper(cfg, principals, recorder, t0)
        self.report = ConformanceReport()
        self._checker = _Checker(self.mapper, self.report)
        self.state = initial_state(cfg)
        self.next = 0

    def feed(self, events: Sequence[TraceEvent]) -> ConformanceReport:
        """Judge ``events[self.next:]`` (raises :class:`ConformanceMismatch`)."""
        for i in range(self.next, len(events)):
            self.state = self._checker.event(i, events[i], self.state)
            self.next = i + 1
        return self.report


def check_trace(
    log: TraceLog | Sequence[TraceEvent],
    recorder: InputRecorder,
    principals: Principals,
    cfg: ConformanceConfig,
    *,
    t0: float | None = None,
) -> ConformanceReport:
    """Replay every recorded event through the model; raise at the first disagreement."""
    events = list(log.events if isinstance(log, TraceLog) else log)
    if t0 is None:
        t0 = events[0].time if events else 0.0
    return ConformanceMonitor(recorder, principals, cfg, t0).feed(events)


__all__ += ["ConformanceMonitor", "Mapped", "RecordedInput", "fbu_identity", "signed_identity"]
