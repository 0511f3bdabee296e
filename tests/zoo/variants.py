"""The bug zoo: deliberately faulty AR, PAR and MN variants, each breaking ONE requirement.

Every variant is a subclass of the reference's :class:`AccessRouter` or
:class:`MobileNode` that overrides the smallest piece of behaviour needed to
violate the requirement it names (an ID of :mod:`rfc5269.requirements`). The
reference itself is untouched. The adversarial suites, run against each
variant through :class:`rfc5269.adapters.ReferenceNode`, must catch them all
(tests/zoo/test_zoo.py); which check caught which variant is recorded in
``reference/data/zoo_results.json``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from ipaddress import IPv6Address
from typing import Any

from rfc5269.handover.algorithms import algorithm_for_at
from rfc5269.handover.keygen import generate_handover_key
from rfc5269.interpretations import NonceRetention
from rfc5269.nodes import mn as mn_module
from rfc5269.nodes import par
from rfc5269.nodes.ar import AccessRouter
from rfc5269.nodes.config import ArConfig, MnConfig, Rng
from rfc5269.nodes.events import ForwardingChanged, TimerRequest
from rfc5269.nodes.mn import MobileNode
from rfc5269.nodes.records import ArKeyRecord, Binding, sequence_newer
from rfc5269.nodes.table import CheckResult, CheckSpec, Transition
from rfc5269.nodes.trace import TraceLog
from rfc5269.send.cga import address_sec, hash1, interface_identifier, parameters_bytes
from rfc5269.send.keys import key_hash
from rfc5269.send.nonces import NonceMatch, NonceStore
from rfc5269.send.receiver import SecuredMessage, SendReceiver
from rfc5269.send.signature import SignedMessage
from rfc5269.send.timestamps import TimestampPolicy
from rfc5269.send.verdict import Reason
from rfc5269.wire.fmip import PrRtAdv, RtSolPr
from rfc5269.wire.mobility import badf_of
from rfc5269.wire.ndopt import CgaOption, HandoverKeyReply, HandoverKeyRequest, NonceOption
from rfc5269.wire.send_ranges import signed_portion

# ====================================================================== AR


class ArSkipsSignatureCheck(AccessRouter):
    """Takes an RtSolPr whose RSA signature is missing or wrong as validly signed."""

    def check_send_valid(self, subject: IPv6Address, now: float) -> CheckResult:
        result = super().check_send_valid(subject, now)
        if result.passed:
            return result
        received = self._ctx.received
        assert received is not None and isinstance(received.message, RtSolPr)
        options = received.message.options
        cga = next((o for o in options if isinstance(o, CgaOption)), None)
        nonce = next((o.nonce for o in options if isinstance(o, NonceOption)), None)
        if cga is None:
            return result
        icmp = received.upper_layer
        portion = signed_portion(icmp)
        end = portion.signature_offset or len(icmp)
        area = icmp[8:end]
        from rfc5269.wire.ndopt import option_spans

        der = cga.parameters.public_key
        signed = SignedMessage(der, key_hash(der), None, area, option_spans(area), end)
        self._ctx.secured = SecuredMessage(signed, 0, nonce, None, None)
        return CheckResult.ok()


class ArSkipsCgaCheck(AccessRouter):
    """Verifies the signature under the CGA option's key but not that the key owns the source."""

    def check_send_valid(self, subject: IPv6Address, now: float) -> CheckResult:
        received = self._ctx.received
        assert received is not None and isinstance(received.message, RtSolPr)
        cga = next((o for o in received.message.options if isinstance(o, CgaOption)), None)
        claimed = received.src
        if cga is not None:
            params = cga.parameters
            iid = interface_identifier(hash1(parameters_bytes(params)), address_sec(claimed))
            claimed = IPv6Address(params.subnet_prefix + iid)
        verdict = self.send.verify(received.upper_layer, received.src, received.dst, now,
                                   _solicitation(), cga_address=claimed)
        if not verdict.accepted:
            assert verdict.reason is not None
            return CheckResult.fail(verdict.reason.value)
        self._ctx.secured = verdict.info
        return CheckResult.ok()


def _solicitation() -> Any:
    from rfc5269.send.receiver import MessageKind

    return MessageKind.SOLICITATION


class ArInstallsKeyBeforeValidation(AccessRouter):
    """Creates the key record as soon as an RtSolPr with a key request arrives."""

    def check_hop_limit_255(self, subject: IPv6Address, now: float) -> CheckResult:
        received = self._ctx.received
        assert received is not None
        message = received.message
        if isinstance(message, RtSolPr) and subject not in self.keys and any(
                isinstance(o, HandoverKeyRequest) for o in message.options):
            algorithm = algorithm_for_at(1, self.interp.at_codepoints)
            assert algorithm is not None
            key = generate_handover_key(algorithm, self.rng, avoid=set())
            self.keys.put(subject, ArKeyRecord(subject, key, 1, algorithm.name, now,
                                               now + self.config.hk_lifetime, b""))
        return super().check_hop_limit_255(subject, now)


class ArOverwritesKeyOnInvalidRequest(AccessRouter):
    """Replaces an existing key record when an RtSolPr fails SEND validation."""

    def act_answer_without_key(self, subject: IPv6Address, now: float,
                               facts: dict[str, Any]) -> None:
        record = self.keys.get(subject)
        if facts.get("failed") == "send_valid" and record is not None:
            algorithm = algorithm_for_at(record.at, self.interp.at_codepoints)
            assert algorithm is not None
            key = generate_handover_key(algorithm, self.rng, avoid={record.key})
            self.keys.put(subject, ArKeyRecord(subject, key, record.at, record.algorithm, now,
                                               record.expires, record.cga_key_hash))
        super().act_answer_without_key(subject, now, facts)


class ArOmitsNonce(AccessRouter):
    """Sends the PrRtAdv with the Handover Key Reply without copying the RtSolPr's nonce."""

    def _send_prrtadv(self, reply: HandoverKeyReply | None, nonce: bytes | None, now: float,
                      description: str) -> None:
        super()._send_prrtadv(reply, None if reply is not None else nonce, now, description)


class ArNewKeyOnEveryRequest(AccessRouter):
    """Makes a fresh key for every valid RtSolPr instead of returning the existing one."""

    def act_return_existing_key(self, subject: IPv6Address, now: float,
                                facts: dict[str, Any]) -> None:
        self.act_provision_key(subject, now, facts)


class ArAnswersWeakerAlgorithm(AccessRouter):
    """Picks the weakest algorithm it supports, whatever the MN asked for."""

    def check_at_resolvable(self, subject: IPv6Address, now: float) -> CheckResult:
        result = super().check_at_resolvable(subject, now)
        record = self.keys.get(subject)
        if result.passed and (record is None or record.expires <= now):
            self._ctx.at = min(self.config.supported_at)
        return result


class ArIgnoresTimestampWindow(AccessRouter):
    """Accepts any RtSolPr timestamp, however old (a window of thirty years)."""

    def __init__(self, config: ArConfig, rng: Rng, log: TraceLog | None = None) -> None:
        super().__init__(config, rng, log)
        years = 30 * 365 * 86400
        self.send = SendReceiver(self.interp, key_policy=config.key_policy,
                                 timestamp_policy=TimestampPolicy(
                                     delta=years, fuzz=years,
                                     capacity=config.limits.max_timestamp_peers))


class ArUnboundedKeyRecords(AccessRouter):
    """Holds a key record for every CGA that asks, ignoring the configured bound."""

    def __init__(self, config: ArConfig, rng: Rng, log: TraceLog | None = None) -> None:
        super().__init__(config, rng, log)
        self.keys = type(self.keys)(10**9)


# ====================================================================== PAR


class _ParVariant(AccessRouter):
    """Helpers for PAR variants: the FBU being handled."""

    def _fbu_badf(self) -> Any:
        received = self._ctx.received
        assert received is not None
        return badf_of(getattr(received.message, "options", ()))


class ParAcceptsFbuWithoutHandoverKeyBadf(_ParVariant):
    """Accepts an FBU whose BADF names another SPI than the handover key's, unverified."""

    def _check(self, name: str, subject: IPv6Address, now: float) -> CheckResult:
        badf = self._fbu_badf()
        if name in ("spi_zero", "authenticator_valid") and badf is not None and badf.spi != 0:
            return CheckResult.ok()
        return super()._check(name, subject, now)


class ParIgnoresSequenceNumber(_ParVariant):
    """Accepts an FBU whatever its Sequence Number."""

    def _check(self, name: str, subject: IPv6Address, now: float) -> CheckResult:
        if name == "sequence_fresh":
            return CheckResult.ok()
        return super()._check(name, subject, now)


class ParLooksUpKeyBySource(_ParVariant):
    """Finds the handover key by the packet's source instead of the Home Address option."""

    def _check(self, name: str, subject: IPv6Address, now: float) -> CheckResult:
        if name in ("key_found", "authenticator_valid"):
            received = self._ctx.received
            assert received is not None
            return super()._check(name, received.src, now)
        return super()._check(name, subject, now)


class ParForwardsWithoutKey(_ParVariant):
    """Changes forwarding for a PCoA it holds no key for (no authenticator to check)."""

    def _check(self, name: str, subject: IPv6Address, now: float) -> CheckResult:
        record = self.keys.get(subject)
        if record is None or record.expires <= now:
            if name in ("key_found", "authenticator_valid"):
                return CheckResult.ok()
            if name == "sequence_fresh":
                received = self._ctx.received
                assert received is not None
                binding = self.bindings.get(subject)
                fresh = binding is None or sequence_newer(
                    received.message.sequence, binding.last_sequence)  # type: ignore[union-attr]
                return CheckResult.ok() if fresh else CheckResult.fail("sequence-not-newer")
        return super()._check(name, subject, now)

    def _act(self, action: str, subject: IPv6Address, now: float, facts: dict[str, Any]) -> None:
        record = self.keys.get(subject)
        if action == "par_change_forwarding" and (record is None or record.expires <= now):
            received = self._ctx.received
            assert received is not None
            fbu = received.message
            ncoa = par.care_of_address(received, fbu)  # type: ignore[arg-type]
            until = now + self.config.forwarding_lifetime
            self.bindings.put(subject, Binding(subject, ncoa, until,
                                               fbu.sequence))  # type: ignore[union-attr]
            self._out.append(ForwardingChanged(subject, ncoa, until))
            self._out.append(TimerRequest(until, "forwarding-timeout", str(subject)))
            return
        super()._act(action, subject, now, facts)


# ====================================================================== MN


class MnAcceptsUncertifiedRouter(MobileNode):
    """Accepts a PrRtAdv signed by any valid CGA, certified by a trust anchor or not."""

    def check_send_valid(self, peer: IPv6Address, now: float) -> CheckResult:
        received, _ = self._prrtadv()
        verdict = self.send.verify(received.upper_layer, received.src, received.dst, now,
                                   _advertisement(), from_router=False, require_nonce=True,
                                   cga_address=received.src)
        if not verdict.accepted:
            assert verdict.reason is not None
            return CheckResult.fail(verdict.reason.value)
        secured = verdict.info
        assert secured is not None
        self._ctx.secured = secured
        self._ctx.solicitation = secured.nonce_context
        return CheckResult.ok()


def _advertisement() -> Any:
    from rfc5269.send.receiver import MessageKind

    return MessageKind.ADVERTISEMENT


class MnSkipsNonceMatch(MobileNode):
    """Takes a PrRtAdv with an unknown nonce as answering its latest RtSolPr."""

    def check_send_valid(self, peer: IPv6Address, now: float) -> CheckResult:
        result = super().check_send_valid(peer, now)
        if result.passed or result.reason != Reason.NONCE_UNKNOWN.value or \
                not self.solicitations:
            return result
        _, message = self._prrtadv()
        nonce = next((o.nonce for o in message.options if isinstance(o, NonceOption)), None)
        if nonce is None:
            return result
        latest = list(self.solicitations.values())[-1]
        self.send.remember_nonce(nonce, now, latest)
        return super().check_send_valid(peer, now)


class _ForgetfulNonceStore(NonceStore):
    """Never marks a nonce as answered."""

    def commit(self, match: NonceMatch) -> None:
        return None


class MnReacceptsAnsweredNonce(MobileNode):
    """Keeps a nonce usable after an answer was accepted, so a replayed answer is taken again."""

    def __init__(self, config: MnConfig, rng: Rng, log: TraceLog | None = None,
                 **kwargs: Any) -> None:
        super().__init__(config, rng, log, **kwargs)
        self.send.nonces = _ForgetfulNonceStore(NonceRetention.ONE_PER_ROUTER)


_DECRYPT_FIRST: tuple[Transition, ...] = tuple(
    Transition(row.name, row.actor, row.state, row.input,
               ("has_key_reply", "early_decrypt", *row.checks[1:]), row.action,
               row.next_state, row.on_reject, row.requirements)
    if row.input == "PrRtAdv" else row
    for row in mn_module.MN_TRANSITIONS)


class MnDecryptsBeforeVerifying(MobileNode):
    """Decrypts the Handover Key Reply before the PrRtAdv's SEND validation."""

    def _run(self, input_kind: str, peer: IPv6Address, now: float,
             state_override: str | None = None) -> Any:
        saved, saved_checks = mn_module.MN_TRANSITIONS, mn_module.CHECKS
        mn_module.MN_TRANSITIONS = _DECRYPT_FIRST
        mn_module.CHECKS = {**saved_checks, "early_decrypt": CheckSpec(
            "early_decrypt", ("RFC5269-3.3-M7",), "decrypts the key (too early)")}
        try:
            return super()._run(input_kind, peer, now, state_override)
        finally:
            mn_module.MN_TRANSITIONS, mn_module.CHECKS = saved, saved_checks

    def check_early_decrypt(self, peer: IPv6Address, now: float) -> CheckResult:
        _, message = self._prrtadv()
        nonce = next((o.nonce for o in message.options if isinstance(o, NonceOption)), None)
        reply = next(o for o in message.options if isinstance(o, HandoverKeyReply))
        s = self.solicitations.get(nonce or b"")
        algorithm = algorithm_for_at(reply.algorithm_type, self.interp.at_codepoints)
        if s is None or algorithm is None:
            return CheckResult.fail("no-hkepk")
        s.hkepk.decrypt_handover_key(reply.encrypted_key, algorithm)
        return CheckResult.ok()


class MnAcceptsWeakerAlgorithm(MobileNode):
    """Accepts a reply whose AT is weaker than the one it asked for."""

    def check_at_not_weaker(self, peer: IPv6Address, now: float) -> CheckResult:
        return CheckResult.ok()


class MnProcessesOptionsAfterSignature(MobileNode):
    """Takes a Handover Key Reply placed after the RSA Signature option."""

    def check_reply_signed(self, peer: IPv6Address, now: float) -> CheckResult:
        _received, message = self._prrtadv()
        assert isinstance(message, PrRtAdv)
        for option in message.options:
            if isinstance(option, HandoverKeyReply):
                self._ctx.reply = option
                return CheckResult.ok()
        return CheckResult.fail("reply-not-signed")


# ====================================================================== catalogue


@dataclass(frozen=True)
class Variant:
    """One zoo entry: the faulty class, its role and the ONE requirement it breaks."""

    name: str
    role: str  # "AR" (AR and PAR roles) or "MN"
    cls: Callable[..., Any]
    requirement: str
    fault: str


VARIANTS: tuple[Variant, ...] = (
    Variant("ar-skips-signature-check", "AR", ArSkipsSignatureCheck, "RFC5269-3.2-M4",
            "AR provisions a key for an RtSolPr whose RSA signature is missing or invalid"),
    Variant("ar-skips-cga-check", "AR", ArSkipsCgaCheck, "RFC3971-5.1.2-M4",
            "AR checks the signature but not that the CGA parameters own the source address"),
    Variant("ar-installs-key-before-validation", "AR", ArInstallsKeyBeforeValidation,
            "RFC5269-3.2-M1", "AR creates the key record before SEND validation"),
    Variant("ar-overwrites-key-on-invalid-request", "AR", ArOverwritesKeyOnInvalidRequest,
            "RFC5269-3.2-M3", "AR replaces an existing key when an RtSolPr fails validation"),
    Variant("ar-omits-nonce", "AR", ArOmitsNonce, "RFC5269-3.2-M13",
            "AR does not copy the RtSolPr's nonce into the PrRtAdv carrying the key"),
    Variant("ar-new-key-on-every-request", "AR", ArNewKeyOnEveryRequest, "RFC5269-3.2-M6",
            "AR makes a new key although the CGA already has one"),
    Variant("ar-answers-weaker-algorithm", "AR", ArAnswersWeakerAlgorithm, "RFC5269-3.2-M12",
            "AR answers with a weaker algorithm type than requested"),
    Variant("ar-ignores-timestamp-window", "AR", ArIgnoresTimestampWindow, "RFC3971-5.3.4.2-S3",
            "AR accepts RtSolPr timestamps outside the RFC 3971 window"),
    Variant("ar-unbounded-key-records", "AR", ArUnboundedKeyRecords, "RFC5269-5-S1",
            "AR keeps a key record for every CGA that asks (state depletion)"),
    Variant("par-accepts-fbu-without-handover-key-badf", "AR",
            ParAcceptsFbuWithoutHandoverKeyBadf, "RFC5568-6.2.2-M10",
            "PAR changes forwarding on an FBU whose BADF is not under the handover key (SPI 1)"),
    Variant("par-ignores-sequence-number", "AR", ParIgnoresSequenceNumber, "RFC3775-9.5.1-M4",
            "PAR accepts an FBU whose Sequence Number is not newer (replay)"),
    Variant("par-looks-up-key-by-source", "AR", ParLooksUpKeyBySource, "RFC5269-3.5-M1",
            "PAR finds the key by the packet source, not the Home Address option"),
    Variant("par-forwards-without-key", "AR", ParForwardsWithoutKey, "RFC5269-3.5-M3",
            "PAR changes forwarding for a PCoA it holds no key for"),
    Variant("mn-accepts-uncertified-router", "MN", MnAcceptsUncertifiedRouter, "RFC5269-3.3-M4",
            "MN accepts a key from a router key with no path to its trust anchors"),
    Variant("mn-skips-nonce-match", "MN", MnSkipsNonceMatch, "RFC5269-3.3-M6",
            "MN accepts a PrRtAdv whose nonce answers none of its RtSolPrs"),
    Variant("mn-reaccepts-answered-nonce", "MN", MnReacceptsAnsweredNonce, "RFC5269-3.6-M3",
            "MN keeps a nonce after an accepted answer and accepts the same answer again"),
    Variant("mn-decrypts-before-verifying", "MN", MnDecryptsBeforeVerifying, "RFC5269-3.3-M1",
            "MN decrypts the key before the PrRtAdv's SEND validation"),
    Variant("mn-accepts-weaker-algorithm", "MN", MnAcceptsWeakerAlgorithm, "RFC5269-3.3-S2",
            "MN accepts a weaker algorithm type than it asked for (bidding down)"),
    Variant("mn-processes-options-after-signature", "MN", MnProcessesOptionsAfterSignature,
            "RFC3971-5.2.2-M4", "MN takes a Handover Key Reply placed after the RSA Signature"),
)

BY_NAME = {v.name: v for v in VARIANTS}
