"""The Previous Access Router role: receiving FBUs (RFC 5269 §3.5, §3.6; RFC 5568 §6.2.2, §6.4.5).

The PAR's state towards one previous care-of address (PCoA) is read off the
AR's records (see :mod:`rfc5269.nodes.ar`): ``NO_KEY``, ``KEYED`` or
``FORWARDING``. :data:`PAR_TRANSITIONS` lists every rule; the functions
``check`` and ``act`` implement its cells for an
:class:`~rfc5269.nodes.ar.AccessRouter`.
"""

from __future__ import annotations

from ipaddress import IPv6Address
from typing import TYPE_CHECKING, Any

from rfc5269.handover.algorithms import algorithm_for_at
from rfc5269.handover.authenticator import compute_authenticator, verify_authenticator
from rfc5269.interpretations import AuthenticatorCareOfAddress
from rfc5269.nodes.events import ForwardingChanged, KeyDiscarded, SendPacket, TimerRequest
from rfc5269.nodes.packets import Received, mobility_packet
from rfc5269.nodes.records import Binding, key_id, sequence_newer
from rfc5269.nodes.table import CheckResult, CheckSpec, Transition
from rfc5269.wire.mobility import (
    AlternateCareOfAddress,
    BindingAuthorizationDataFmip,
    FastBindingAck,
    FastBindingUpdate,
    badf_of,
    mh_data_for_authenticator,
)

if TYPE_CHECKING:
    from rfc5269.nodes.ar import AccessRouter

NO_KEY, KEYED, FORWARDING = "NO_KEY", "KEYED", "FORWARDING"
BADF_SPI_HANDOVER_KEY = 0
"""RFC 5568 §6.4.5: SPI 0 names the authenticator computed with the RFC 5269 key."""

CHECKS: dict[str, CheckSpec] = {
    spec.name: spec
    for spec in (
        CheckSpec("coa_routable", ("RFC3775-6.1.7-M13",),
                  "the care-of address (Alternate CoA, else source) is unicast routable"),
        CheckSpec("badf_present", ("RFC5568-6.4.5-M1", "RFC5568-6.2.2-M10"),
                  "the FBU carries a BADF option (last, as the codec enforces)"),
        CheckSpec("spi_zero", ("RFC5568-6.2.2-M10",),
                  "the BADF SPI is 0, the value reserved for SEND-based handover keys"),
        CheckSpec("key_found", ("RFC5269-3.5-M1", "RFC5269-3.5-M3"),
                  "a valid handover key is recorded for the PCoA of the Home Address option"),
        CheckSpec("authenticator_valid", ("RFC5269-3.5-M2", "RFC5568-10-M1"),
                  "the BADF authenticator verifies under the key and its algorithm "
                  "(constant-time comparison)"),
        CheckSpec("sequence_fresh", ("RFC3775-9.5.1-M4",),
                  "the Sequence Number is newer than the last accepted for the PCoA"),
    )
}

_FBU_CHECKS = ("coa_routable", "badf_present", "spi_zero", "key_found", "authenticator_valid",
               "sequence_fresh")

PAR_TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        name="FBU for a PCoA without a key",
        actor="PAR", state=NO_KEY, input="FBU",
        checks=_FBU_CHECKS,
        action="par_change_forwarding", next_state=FORWARDING,
        on_reject="par_drop",
        requirements=("RFC5269-3.5-M1", "RFC5269-3.5-M3"),
    ),
    Transition(
        name="authenticated FBU starts forwarding",
        actor="PAR", state=KEYED, input="FBU",
        checks=_FBU_CHECKS,
        action="par_change_forwarding", next_state=FORWARDING,
        on_reject="par_reject_fbu",
        requirements=("RFC5269-3.5-M1", "RFC5269-3.5-M2", "RFC5568-6.2.2-M10",
                      "RFC5568-6.2.3-M4", "RFC3775-9.5.1-M21", "RFC3775-9.5.1-M22"),
    ),
    Transition(
        name="authenticated FBU updates forwarding",
        actor="PAR", state=FORWARDING, input="FBU",
        checks=_FBU_CHECKS,
        action="par_change_forwarding", next_state=FORWARDING,
        on_reject="par_reject_fbu",
        requirements=("RFC5269-3.5-M2", "RFC5269-3.6-S2", "RFC3775-9.5.1-M4",
                      "RFC3775-9.5.1-M14"),
    ),
    Transition(
        name="forwarding times out",
        actor="PAR", state=FORWARDING, input="forwarding-timeout",
        checks=(),
        action="par_stop_forwarding", next_state=NO_KEY,
        on_reject="par_drop",
        requirements=("RFC5269-3.6-M4",),
    ),
)
"""Every rule of RFC 5269 §3.5–§3.6 for the PAR role."""


# ------------------------------------------------------------------ checks


def _fbu(ar: AccessRouter) -> tuple[Received, FastBindingUpdate]:
    received = ar._ctx.received
    assert received is not None and isinstance(received.message, FastBindingUpdate)
    return received, received.message


def care_of_address(received: Received, fbu: FastBindingUpdate) -> IPv6Address:
    """The NCoA: the Alternate CoA option if present, else the source (RFC 3775 §9.5.1)."""
    for option in fbu.options:
        if isinstance(option, AlternateCareOfAddress):
            return option.address
    return received.src


def authenticator_coa(received: Received, fbu: FastBindingUpdate,
                      reading: AuthenticatorCareOfAddress) -> IPv6Address:
    """The care-of address entering the authenticator under the CL-06 reading."""
    if reading is AuthenticatorCareOfAddress.PCOA:
        pcoa = received.packet.home_address
        assert pcoa is not None
        return pcoa
    if reading is AuthenticatorCareOfAddress.PACKET_SOURCE:
        return received.src
    return care_of_address(received, fbu)


def check(ar: AccessRouter, name: str, pcoa: IPv6Address, now: float) -> CheckResult:
    """Perform one PAR check on the FBU being handled."""
    received, fbu = _fbu(ar)
    badf = badf_of(fbu.options)
    if name == "coa_routable":
        coa = care_of_address(received, fbu)
        routable = not (coa.is_multicast or coa.is_unspecified or coa.is_loopback
                        or coa.is_link_local)
        return CheckResult.ok() if routable else CheckResult.fail("coa-not-routable")
    if name == "badf_present":
        return CheckResult.ok() if badf is not None else CheckResult.fail("badf-missing")
    assert badf is not None
    if name == "spi_zero":
        return CheckResult.ok() if badf.spi == BADF_SPI_HANDOVER_KEY else \
            CheckResult.fail("spi-not-zero")
    record = ar.keys.get(pcoa)
    if name == "key_found":
        if record is None or record.expires <= now:
            return CheckResult.fail("no-handover-key")
        return CheckResult.ok()
    assert record is not None
    if name == "authenticator_valid":
        algorithm = algorithm_for_at(record.at, ar.interp.at_codepoints)
        assert algorithm is not None
        coa = authenticator_coa(received, fbu, ar.interp.authenticator_coa)
        mh_data = mh_data_for_authenticator(received.upper_layer, ar.interp.badf_length)
        ok = verify_authenticator(record.key, algorithm, coa, received.dst, mh_data,
                                  badf.authenticator)
        return CheckResult.ok() if ok else CheckResult.fail("authenticator-mismatch")
    if name == "sequence_fresh":
        binding = ar.bindings.get(pcoa)
        if binding is not None and not sequence_newer(fbu.sequence, binding.last_sequence):
            return CheckResult.fail("sequence-not-newer")
        return CheckResult.ok()
    raise LookupError(name)


# ------------------------------------------------------------------ actions


def act(ar: AccessRouter, action: str, pcoa: IPv6Address, now: float,
        facts: dict[str, Any]) -> None:
    """Perform one PAR action."""
    if action == "par_change_forwarding":
        _change_forwarding(ar, pcoa, now, facts)
    elif action == "par_stop_forwarding":
        _stop_forwarding(ar, pcoa, now)
    elif action == "par_reject_fbu":
        _reject_fbu(ar, pcoa, now, facts)
    elif action == "par_drop":
        return
    else:
        raise LookupError(action)


def granted_lifetime(ar: AccessRouter, fbu: FastBindingUpdate) -> int:
    """Seconds of forwarding granted: the FBU's request, capped by the PAR's forwarding time.

    RFC 5568 §6.2.2–§6.2.3 count FBU/FBack Lifetime in seconds; the FBack
    reports what was granted (RFC 3775 §6.1.8), and forwarding lasts exactly
    that long. A request of 0 (a deletion in RFC 3775, not used by FMIPv6)
    gets the PAR's forwarding time.
    """
    cap = int(ar.config.forwarding_lifetime)
    return min(fbu.lifetime, cap) if fbu.lifetime > 0 else cap


def _change_forwarding(ar: AccessRouter, pcoa: IPv6Address, now: float,
                       facts: dict[str, Any]) -> None:
    """RFC 5568 §3.1: forward the PCoA's traffic to the NCoA; acknowledge with a BADF."""
    received, fbu = _fbu(ar)
    ncoa = care_of_address(received, fbu)
    until = now + granted_lifetime(ar, fbu)
    ar.bindings.put(pcoa, Binding(pcoa, ncoa, until, fbu.sequence))
    ar._out.append(ForwardingChanged(pcoa, ncoa, until))
    ar._out.append(TimerRequest(until, "forwarding-timeout", str(pcoa)))
    record = ar.keys.get(pcoa)
    assert record is not None
    facts.update(ncoa=str(ncoa), sequence=fbu.sequence, key_id=key_id(record.key))
    if fbu.a:
        ar._out.append(SendPacket(_fback(ar, received, fbu, record.key, record.at),
                                  "FBack with BADF"))


def _reject_fbu(ar: AccessRouter, pcoa: IPv6Address, now: float, facts: dict[str, Any]) -> None:
    """RFC 3775 §9.5.1: an authentic FBU whose Sequence Number is not newer gets status 135.

    Every other failure is silently discarded (RFC 3775 §9.5.1, RFC 5269 §3.5):
    forwarding is never changed.
    """
    if facts.get("failed") != "sequence_fresh":
        return
    received, fbu = _fbu(ar)
    record, binding = ar.keys.get(pcoa), ar.bindings.get(pcoa)
    assert record is not None and binding is not None
    ar._out.append(SendPacket(
        _fback(ar, received, fbu, record.key, record.at, status=SEQUENCE_OUT_OF_WINDOW,
               sequence=binding.last_sequence),
        "FBack status 135 (sequence number out of window)"))


SEQUENCE_OUT_OF_WINDOW = 135
"""RFC 3775 §6.1.8 status: the Sequence Number was not newer than the last accepted one."""


def _fback(ar: AccessRouter, received: Received, fbu: FastBindingUpdate, key: bytes,
           at: int, status: int = 0, sequence: int | None = None) -> bytes:
    """An FBack authenticated like the FBU it answers (RFC 5568 §6.2.3, §6.4.5)."""
    algorithm = algorithm_for_at(at, ar.interp.at_codepoints)
    assert algorithm is not None
    lifetime = granted_lifetime(ar, fbu) if status == 0 else 0
    seq = fbu.sequence if sequence is None else sequence
    placeholder = FastBindingAck(status, seq, lifetime, (
        BindingAuthorizationDataFmip(BADF_SPI_HANDOVER_KEY, bytes(algorithm.mac_length)),))
    mh_data = mh_data_for_authenticator(placeholder, ar.interp.badf_length)
    coa = authenticator_coa(received, fbu, ar.interp.authenticator_coa)
    tag = compute_authenticator(key, algorithm, coa, received.dst, mh_data)
    fback = FastBindingAck(status, seq, lifetime,
                           (BindingAuthorizationDataFmip(BADF_SPI_HANDOVER_KEY, tag),))
    return mobility_packet(fback, received.dst, received.src, None, ar.interp.badf_length)


def _stop_forwarding(ar: AccessRouter, pcoa: IPv6Address, now: float) -> None:
    """RFC 5269 §3.6: forwarding ended; the key goes with it (switch CL-11).

    When the key is kept (the non-default reading), the ended binding is kept
    too, so that its last Sequence Number still stops a replayed FBU.
    """
    ar._out.append(ForwardingChanged(pcoa, None, now))
    if not ar.interp.par_discards_key_at_forwarding_timeout:
        binding = ar.bindings.get(pcoa)
        if binding is not None:
            ar.bindings.put(pcoa, Binding(pcoa, binding.ncoa, now, binding.last_sequence))
        return
    ar.bindings.pop(pcoa)
    record = ar.keys.pop(pcoa)
    if record is not None:
        ar._out.append(KeyDiscarded(pcoa, ar.address, key_id(record.key),
                                    "FMIPv6 forwarding timed out"))
