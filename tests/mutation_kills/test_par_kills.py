"""PAR behaviour that surviving mutants of ``rfc5269.nodes.par`` showed untested.

RFC 5269 §3.5, RFC 5568 §6.2.2-§6.2.3 and §6.4.5, RFC 3775 §6.1.8 and §6.2.7.
Each test names the mutants it kills (reference/data/mutation_results.json).
"""

from __future__ import annotations

from ipaddress import IPv6Address
from typing import Any

import pytest
from rfc5269.handover.algorithms import algorithm_for_at
from rfc5269.handover.authenticator import compute_authenticator, verify_authenticator
from rfc5269.interpretations import DEFAULT, AuthenticatorCareOfAddress
from rfc5269.nodes import par as par_module
from rfc5269.nodes.events import PacketReceived
from rfc5269.nodes.packets import mobility_packet, open_packet
from rfc5269.wire.mobility import (
    AlternateCareOfAddress,
    BindingAuthorizationDataFmip,
    FastBindingUpdate,
    mh_data_for_authenticator,
)

from tests.nodes.helpers import (
    NCOA,
    OPT,
    assert_rejected_by,
    badf,
    fbacks,
    fbu_packet,
    forwarding,
    keyed,
    last_event,
)

# A source that is neither the PCoA nor the NCoA, so the three CL-06 readings differ.
THIRD = IPv6Address("2001:db8:c::77")


def _setup(**kw: Any) -> tuple[Any, IPv6Address, Any, float]:
    ex = keyed(**kw)
    now = ex.link.now
    record = ex.mn.key_for(ex.ar.address, now)
    assert record is not None
    return ex.ar, ex.mn.address, record, now


def _fbu_mac_over(record: Any, *, pcoa: IPv6Address, par: IPv6Address, src: IPv6Address,
                  mac_coa: IPv6Address, sequence: int = 100) -> bytes:
    """An FBU (Alternate CoA = NCOA, sent from ``src``) whose MAC covers ``mac_coa``."""
    algorithm = algorithm_for_at(record.at)
    assert algorithm is not None
    placeholder = FastBindingUpdate(sequence, 10, (
        AlternateCareOfAddress(NCOA),
        BindingAuthorizationDataFmip(0, bytes(algorithm.mac_length))), a=True)
    mh_data = mh_data_for_authenticator(placeholder, OPT)
    mac = compute_authenticator(record.key, algorithm, mac_coa, par, mh_data)
    fbu = FastBindingUpdate(sequence, 10, (
        AlternateCareOfAddress(NCOA), BindingAuthorizationDataFmip(0, mac)), a=True)
    return mobility_packet(fbu, src, par, pcoa, OPT)


@pytest.mark.parametrize(("reading", "which"), [
    (AuthenticatorCareOfAddress.PCOA, "pcoa"),
    (AuthenticatorCareOfAddress.PACKET_SOURCE, "src"),
    (AuthenticatorCareOfAddress.NCOA, "ncoa"),
])
def test_authenticator_care_of_address_follows_the_cl06_reading(
        reading: AuthenticatorCareOfAddress, which: str) -> None:
    """Under each CL-06 reading only the MAC over that address is accepted.

    RFC5269-3.5-M2 RFC5568-10-M1 (the PAR verifies the BADF with the handover
    key), RFC 3775 §6.2.7 (which care-of address enters the Mobility Data).
    Kills ``return pcoa``/``return received.src`` -> ``return None`` in
    ``authenticator_coa``.
    """
    interp = DEFAULT.replace(authenticator_coa=reading)
    candidates = {"pcoa": None, "src": THIRD, "ncoa": NCOA}
    for name in ("pcoa", "src", "ncoa"):
        ar, pcoa, record, now = _setup(interpretations=interp)
        mac_coa = candidates[name] or pcoa
        packet = _fbu_mac_over(record, pcoa=pcoa, par=ar.address, src=THIRD, mac_coa=mac_coa)
        out = ar.handle(PacketReceived(packet), now)
        event = last_event(ar.log, "AR")
        if name == which:
            assert event.verdict == "accepted", (reading, name)
            assert [f.ncoa for f in forwarding(out)] == [NCOA]
            (fback,) = fbacks(out)
            algorithm = algorithm_for_at(record.at)
            assert algorithm is not None
            mh = mh_data_for_authenticator(fback, OPT)
            assert verify_authenticator(record.key, algorithm, mac_coa, ar.address, mh,
                                        badf(fback).authenticator)
        else:
            assert_rejected_by(event, "authenticator_valid", "authenticator-mismatch")
            assert forwarding(out) == [] and fbacks(out) == []


@pytest.mark.parametrize(("requested", "granted"), [(0, 10), (1, 1), (9, 9), (10, 10), (11, 10)])
def test_granted_lifetime(requested: int, granted: int) -> None:
    """Forwarding lasts the FBU's Lifetime capped by the PAR's forwarding time; 0 gets the cap.

    RFC 5568 §6.2.2-§6.2.3 and RFC 3775 §6.1.8 (the FBack reports the
    lifetime granted; RFC5568-6.2.3-M1). The PAR's forwarding time is 10 s in
    the scenario. Kills ``fbu.lifetime > 0`` -> ``>= 0``, ``0`` -> ``1`` and
    the negated condition in ``granted_lifetime``, and ``status == 0`` ->
    ``status == 1`` in ``_fback``.
    """
    ar, pcoa, record, now = _setup()
    assert ar.config.forwarding_lifetime == 10
    packet = fbu_packet(record.key, record.at, pcoa=pcoa, par=ar.address)
    opened = open_packet(packet, OPT)
    fbu = opened.message
    assert isinstance(fbu, FastBindingUpdate)
    fbu = FastBindingUpdate(fbu.sequence, requested, fbu.options, a=True)
    assert par_module.granted_lifetime(ar, fbu) == granted
    packet = fbu_packet(record.key, record.at, pcoa=pcoa, par=ar.address, lifetime=requested)
    out = ar.handle(PacketReceived(packet), now)
    assert [f.until for f in forwarding(out)] == [now + granted]
    (fback,) = fbacks(out)
    assert fback.status == 0 and fback.lifetime == granted


def test_status_135_fback_grants_no_lifetime() -> None:
    """An FBack refusing a stale Sequence Number grants nothing (RFC 3775 §6.1.8, §9.5.1).

    RFC3775-9.5.1-M4. Together with :func:`test_granted_lifetime` this pins
    ``lifetime = granted if status == 0 else 0``.
    """
    ar, pcoa, record, now = _setup()
    first = fbu_packet(record.key, record.at, pcoa=pcoa, par=ar.address, sequence=7)
    assert len(forwarding(ar.handle(PacketReceived(first), now))) == 1
    out = ar.handle(PacketReceived(first), now + 1)
    (fback,) = fbacks(out)
    assert fback.status == par_module.SEQUENCE_OUT_OF_WINDOW and fback.lifetime == 0


def test_accepted_fbu_trace_names_ncoa_sequence_and_key() -> None:
    """The trace of an accepted FBU carries the NCoA, Sequence Number and key id.

    The model's step relation (trace conformance) reads these facts; the key
    appears only as its identifier. RFC5269-3.5-M1. Kills the removed
    ``facts.update(...)`` in ``_change_forwarding``.
    """
    ar, pcoa, record, now = _setup()
    packet = fbu_packet(record.key, record.at, pcoa=pcoa, par=ar.address, sequence=0x1234)
    ar.handle(PacketReceived(packet), now)
    event = last_event(ar.log, "AR")
    assert event.verdict == "accepted"
    assert event.facts["ncoa"] == str(NCOA)
    assert event.facts["sequence"] == 0x1234
    assert isinstance(event.facts["key_id"], str) and event.facts["key_id"]
    assert record.key.hex() not in repr(event.facts)


def test_unknown_check_or_action_name_is_an_error() -> None:
    """A transition naming a check or action the PAR does not implement fails loudly.

    Guards the table/implementation correspondence (RFC 5269 §3.5 rules are
    the table's cells): kills ``raise LookupError(...)`` -> ``pass`` in
    ``check`` and ``act``.
    """
    ar, pcoa, record, now = _setup()
    with pytest.raises(LookupError):
        par_module.act(ar, "par_no_such_action", pcoa, now, {})
    packet = fbu_packet(record.key, record.at, pcoa=pcoa, par=ar.address)
    ar._ctx.received = open_packet(packet, OPT)
    for name in par_module.CHECKS:  # every listed check is implemented
        assert isinstance(par_module.check(ar, name, pcoa, now), par_module.CheckResult)
    with pytest.raises(LookupError):
        par_module.check(ar, "no_such_check", pcoa, now)
