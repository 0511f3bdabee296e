"""Readings that must match on both ends: a PAR and an MN under different switches disagree.

Witnesses for clarifications CL-06 (care-of address in the authenticator) and
CL-07 (BADF Option Length); under matching readings the handover succeeds
(RFC5269-3.5-M2), under mismatched ones the PAR changes no forwarding
(RFC5269-3.5-M3 holds only with a key; here the key exists and the MAC or the
option fails).
"""

from __future__ import annotations

from ipaddress import IPv6Address

import pytest
from rfc5269.interpretations import DEFAULT, AuthenticatorCareOfAddress, BadfLength
from rfc5269.nodes.events import ForwardingChanged, RequestHandoverKey, StartHandover
from rfc5269.scenario import NEW_AP, make_exchange

NCOA = IPv6Address("2001:db8:b::77")


def _handover(mn_changes: dict[str, object], from_par_link: bool) -> tuple[bool, list[str]]:
    ex = make_exchange(0)
    ex.link.give(ex.mn.name, RequestHandoverKey(ex.ar.address, NEW_AP))
    assert ex.mn.key_for(ex.ar.address, ex.link.now) is not None
    ex.mn.interp = DEFAULT.replace(**mn_changes)
    mark = len(ex.log)
    ex.link.give(ex.mn.name, StartHandover(ex.ar.address, NCOA, from_par_link=from_par_link))
    forwarded = any(isinstance(out, ForwardingChanged) and out.ncoa == NCOA
                    for _, node, out in ex.link.outputs if node == ex.ar.name)
    reasons = [e.reason or "" for e in ex.log.events[mark:] if e.node == ex.ar.name]
    return forwarded, reasons


@pytest.mark.parametrize("from_par_link", [True, False])
def test_matching_readings_hand_over(from_par_link: bool) -> None:
    forwarded, reasons = _handover({}, from_par_link)
    assert forwarded, reasons


@pytest.mark.parametrize("reading", [AuthenticatorCareOfAddress.PCOA,
                                     AuthenticatorCareOfAddress.PACKET_SOURCE])
def test_care_of_address_reading_mismatch_is_refused(reading: AuthenticatorCareOfAddress) -> None:
    """CL-06: an MN authenticating over another care-of address than the PAR is refused.

    In reactive mode the packet source is the NCoA, so PACKET_SOURCE agrees with
    the default there; predictive mode (from the PAR's link) tells them apart.
    """
    forwarded, reasons = _handover({"authenticator_coa": reading}, from_par_link=True)
    assert not forwarded
    assert "authenticator-mismatch" in reasons


def test_badf_length_reading_mismatch_is_malformed() -> None:
    """CL-07: a BADF written with Length = authenticator only does not decode under option-data."""
    forwarded, reasons = _handover({"badf_length": BadfLength.AUTHENTICATOR_ONLY},
                                   from_par_link=True)
    assert not forwarded
    assert "malformed" in reasons
