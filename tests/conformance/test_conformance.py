"""Trace conformance of the demo and of end-to-end exchanges, and its negative twins.

Every event the reference records is replayed through the model's step
relation (:func:`rfc5269.conformance.check_trace`); the run conforms when no
step disagrees. The negative twins change one recorded fact and must be
reported as a :class:`~rfc5269.conformance.ConformanceMismatch`.
"""

from __future__ import annotations

import dataclasses
import time
from ipaddress import IPv6Address
from typing import Any

import pytest
import rfc5269.demo as demo
from rfc5269.conformance import (
    ABSTRACTED_CHECKS,
    MODEL_GAPS,
    NO_MODEL_EVENT,
    ConformanceMismatch,
    InputRecorder,
    UnmappableEvent,
    check_trace,
)
from rfc5269.interpretations import (
    DEFAULT,
    AlgorithmTypeChoice,
    CertificateRequirement,
    ExistingKeyLifetime,
    Interpretations,
    KeyIndexAddress,
    NonceRetention,
)
from rfc5269.nodes.events import RequestHandoverKey, StartHandover
from rfc5269.nodes.trace import TraceEvent
from rfc5269.scenario import NEW_AP

from .findings import SINGLE_RTSOLPR, nonce_spent_by_rejected_answer, superseded_rtsolpr_answered
from .scenarios import Run, exchange_run, recorded_exchange
from .zoo import judge

NCOA = IPv6Address("2001:db8:b::1234")
NCOA2 = IPv6Address("2001:db8:b::5678")


def demo_run(seed: int = 0) -> tuple[demo.DemoRun, Run]:
    """Run the demo with its inputs recorded."""
    runs: list[Run] = []
    original = demo.make_exchange

    def recording(seed: int = 0, *args: Any, **kwargs: Any) -> Any:
        ex = original(seed, *args, **kwargs)
        runs.append(exchange_run(ex, rogue_seed=seed + 1))
        return ex

    demo.make_exchange = recording  # type: ignore[assignment]
    try:
        result = demo.run_demo(seed)
    finally:
        demo.make_exchange = original  # type: ignore[assignment]
    return result, runs[0]


def test_every_demo_event_conforms() -> None:
    start = time.perf_counter()
    result, run = demo_run()
    baseline = time.perf_counter() - start  # the reference's own run (crypto included)
    assert result.ok
    start = time.perf_counter()
    report = run.check()
    elapsed = time.perf_counter() - start
    assert report.steps == len(run.log.events) > 20
    assert report.accepted >= 8 and report.rejected >= 3
    assert report.reason_disagreements == []
    print(f"\ndemo: {report.steps} trace events, {report.model_steps} model steps, "
          f"{report.per_step_us():.0f} us per model step (step + comparison), "
          f"{report.per_event_map_us():.0f} us mapping per event, {1e3 * elapsed:.1f} ms "
          f"in all = {elapsed / baseline:.2f} x the reference's own run ({1e3 * baseline:.0f} ms)"
          f"; skipped: {report.no_event}; dropped: {report.dropped}")


def e2e(interp: Interpretations = DEFAULT, hk_lifetime: int = 90, **kw: Any) -> Run:
    """Exchanges, handovers (both links), a refresh, expiry and forwarding timeout."""
    ex, run = recorded_exchange(interpretations=interp, hk_lifetime=hk_lifetime, **kw)
    link, ar, mn = ex.link, ex.ar, ex.mn
    link.give(mn.name, RequestHandoverKey(ar.address, NEW_AP))
    link.advance(2.5)
    link.give(mn.name, StartHandover(ar.address, NCOA, from_par_link=True))
    link.advance(3.0)
    link.give(mn.name, StartHandover(ar.address, NCOA2, from_par_link=False))
    link.advance(12.5)  # forwarding times out (and the PAR's key with it, by default)
    link.give(mn.name, RequestHandoverKey(ar.address, NEW_AP))
    link.advance(40.0)  # the MN refreshes its key (HK-LIFETIME - refresh margin)
    link.give(mn.name, StartHandover(ar.address, NCOA, from_par_link=True))
    link.advance(200.0)  # every key expires
    link.give(mn.name, RequestHandoverKey(ar.address, NEW_AP))
    link.advance(1.0)
    return run


INTERPRETATIONS = {
    "default": DEFAULT,
    "full-refresh": DEFAULT.replace(existing_key_lifetime=ExistingKeyLifetime.FULL_REFRESH),
    "full-no-refresh": DEFAULT.replace(
        existing_key_lifetime=ExistingKeyLifetime.FULL_NO_REFRESH),
    "single-answer": DEFAULT.replace(nonce_retention=NonceRetention.SINGLE_ANSWER),
    "strongest-at": DEFAULT.replace(at_choice=AlgorithmTypeChoice.STRONGEST_SUPPORTED),
    "configured-par-address": DEFAULT.replace(
        key_index_address=KeyIndexAddress.CONFIGURED_PAR_ADDRESS),
    "draft-certificates": DEFAULT.replace(
        certificate_requirement=CertificateRequirement.DRAFT),
    "unlimited-answers": DEFAULT.replace(nonce_retention=NonceRetention.UNLIMITED),
    "single-rtsolpr": DEFAULT.replace(multiple_outstanding_rtsolpr=False),
    "par-keeps-key": DEFAULT.replace(par_discards_key_at_forwarding_timeout=False),
}


@pytest.mark.parametrize("name", INTERPRETATIONS)
def test_end_to_end_exchanges_conform(name: str) -> None:
    run = e2e(INTERPRETATIONS[name])
    report = run.check()
    transitions = {e.transition for e in run.log.events}
    assert {"provision a new handover key", "return the existing handover key",
            "accept a handover key", "authenticated FBU starts forwarding",
            "forwarding times out", "refresh the key before HK-LIFETIME ends"} <= transitions
    assert report.accepted >= 12
    assert report.reason_disagreements == []


def test_key_lifetime_expiry_at_the_ar_conforms() -> None:
    ex, run = recorded_exchange(hk_lifetime=30)
    ex.link.give(ex.mn.name, RequestHandoverKey(ex.ar.address, NEW_AP))
    ex.link.advance(31.0)
    ex.link.give(ex.mn.name, RequestHandoverKey(ex.ar.address, NEW_AP))
    ex.link.advance(1.0)
    report = run.check()
    names = [e.transition for e in run.log.events]
    assert names.count("handover key lifetime ends") >= 2  # the AR's and the MN's
    assert names.count("provision a new handover key") == 2
    assert report.accepted >= 6


def test_the_mn_preferring_the_weaker_algorithm_conforms() -> None:
    ex, run = recorded_exchange(mn_preferred_at=0)
    ex.link.give(ex.mn.name, RequestHandoverKey(ex.ar.address, NEW_AP))
    ex.link.advance(1.0)
    ex.link.give(ex.mn.name, StartHandover(ex.ar.address, NCOA))
    assert run.check().accepted >= 4


# ---------------------------------------------------------------- negative twins


def _mutated(run: Run, index: int, **changes: Any) -> list[TraceEvent]:
    events = list(run.log.events)
    events[index] = dataclasses.replace(events[index], **changes)
    return events


def _first(run: Run, transition: str, verdict: str = "accepted",
           reason: str | None = None) -> int:
    return next(i for i, e in enumerate(run.log.events)
                if e.transition == transition and e.verdict == verdict and e.reason == reason)


def test_a_flipped_verdict_is_a_mismatch() -> None:
    _, run = demo_run()
    i = _first(run, "provision a new handover key")
    checks = run.log.events[i].checks
    k = next(n for n, c in enumerate(checks) if c.name == "send_valid")
    failed = dataclasses.replace(checks[k], passed=False, reason="signature-invalid")
    events = _mutated(run, i, verdict="rejected", reason="signature-invalid",
                      checks=(*checks[:k], failed))
    with pytest.raises(ConformanceMismatch) as caught:
        check_trace(events, run.recorder, run.principals, run.cfg, t0=run.t0)
    assert caught.value.step == i
    assert caught.value.model_view["verdict"] == "accepted"
    assert "model accepts" in caught.value.what


def test_an_accepted_forgery_is_a_mismatch() -> None:
    _, run = demo_run()
    i = _first(run, "accept a handover key", "rejected", "nonce-already-answered")  # a replay
    events = _mutated(run, i, verdict="accepted", reason=None)
    with pytest.raises(ConformanceMismatch) as caught:
        check_trace(events, run.recorder, run.principals, run.cfg, t0=run.t0)
    assert caught.value.step == i and "the reference accepted" in caught.value.what


def test_a_changed_key_record_is_a_mismatch() -> None:
    _, run = demo_run()
    i = _first(run, "return the existing handover key")
    after = dict(run.log.events[i].state_after, key_id="000000000000")
    with pytest.raises(ConformanceMismatch) as caught:
        check_trace(_mutated(run, i, state_after=after), run.recorder, run.principals,
                    run.cfg, t0=run.t0)
    assert caught.value.step == i and "AR key record holds" in caught.value.what


def test_a_changed_forwarding_is_a_mismatch() -> None:
    _, run = demo_run()
    i = _first(run, "authenticated FBU starts forwarding")
    after = dict(run.log.events[i].state_after, forwarding_to=None)
    with pytest.raises(ConformanceMismatch, match="PAR forwarding"):
        check_trace(_mutated(run, i, state_after=after), run.recorder, run.principals,
                    run.cfg, t0=run.t0)


def test_a_changed_key_lifetime_at_the_mn_is_a_mismatch() -> None:
    _, run = demo_run()
    i = _first(run, "accept a handover key")
    after = dict(run.log.events[i].state_after)
    after["expires"] = after["expires"] + 5
    with pytest.raises(ConformanceMismatch, match="MN key expiry"):
        check_trace(_mutated(run, i, state_after=after), run.recorder, run.principals,
                    run.cfg, t0=run.t0)


def test_a_reordered_check_is_a_mismatch() -> None:
    _, run = demo_run()
    i = _first(run, "accept a handover key")
    checks = run.log.events[i].checks
    reordered = (checks[0], checks[-1], *checks[1:-1])  # key_decrypts before send_valid
    with pytest.raises(ConformanceMismatch, match="check order"):
        check_trace(_mutated(run, i, checks=reordered), run.recorder, run.principals,
                    run.cfg, t0=run.t0)


def test_a_rejection_without_a_failed_check_is_a_mismatch() -> None:
    _, run = demo_run()
    i = _first(run, "provision a new handover key")
    with pytest.raises(ConformanceMismatch, match="inconsistent reference event"):
        check_trace(_mutated(run, i, verdict="rejected"), run.recorder, run.principals,
                    run.cfg, t0=run.t0)


def test_a_trace_without_recorded_inputs_is_unmappable() -> None:
    _, run = demo_run()
    with pytest.raises(UnmappableEvent):
        check_trace(run.log, InputRecorder(run.log), run.principals, run.cfg, t0=run.t0)


def test_the_abstraction_is_listed_with_reasons() -> None:
    for table in (NO_MODEL_EVENT, ABSTRACTED_CHECKS):
        assert table and all(len(why) > 20 for why in table.values())
    assert all(len(why) > 20 for why in MODEL_GAPS.values())


def test_the_mn_at_check_is_in_the_model_not_a_gap() -> None:
    """The MN's "AT not weaker" check (RFC 5269 §3.3) is compared, not excused.

    The conformance configuration switches on the model refinement
    ``mn-at-not-weaker``, so a reference rejection there must be a model
    rejection too.
    """
    from rfc5269.conformance import model_config_for
    from rfc5269.model.faults import Refinement

    assert "at_not_weaker" not in MODEL_GAPS
    assert model_config_for(hk_lifetime=10.0).has(Refinement.MN_AT_NOT_WEAKER)


# ---------------------------------------------------------------- findings


def test_finding_f_conf_1_fixed_a_rejected_answer_spends_no_nonce() -> None:
    """Regression for F-conf-1: a PrRtAdv rejected after SEND leaves the nonce unspent.

    The reference used to commit the nonce inside its SEND check, so the AR's
    genuine answer was then refused (nonce-already-answered) although the model
    accepts it (tests/conformance/findings.py). The MN now commits the nonce
    and the timestamp only when the whole PrRtAdv is accepted (RFC3971-5.3.4.1-M1).
    """
    outcome = judge(None, nonce_spent_by_rejected_answer)
    assert not outcome.caught, outcome.mismatch


def test_finding_f_conf_2_fixed_a_superseded_rtsolpr_is_not_answered(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression for F-conf-2: with one outstanding RtSolPr (CL-12) a superseded nonce is dead.

    The MN used to clear its solicitations but not the SEND nonce store, so an
    answer to the superseded RtSolPr was still taken; the model rejects it.
    """
    from tests.adversarial import harness

    monkeypatch.setattr(harness, "INTERP", SINGLE_RTSOLPR)
    assert not judge(None, superseded_rtsolpr_answered).caught
    monkeypatch.undo()
    assert not judge(None, superseded_rtsolpr_answered).caught


@pytest.mark.parametrize(("transition", "field", "value", "message"), [
    ("provision a new handover key", "at", 1, "AR record AT/expiry"),
    ("authenticated FBU starts forwarding", "last_sequence", 4242, "PAR last Sequence Number"),
    ("accept a handover key", "at", 1, "MN key AT"),
    ("accept a handover key", "key_id", "000000000000", "MN holds"),
    ("request a handover key", "outstanding_nonces", [], "MN outstanding nonces"),
])
def test_each_compared_state_part_has_a_twin(transition: str, field: str, value: Any,
                                             message: str) -> None:
    _, run = demo_run()
    i = _first(run, transition)
    after = dict(run.log.events[i].state_after, **{field: value})
    with pytest.raises(ConformanceMismatch, match=message):
        check_trace(_mutated(run, i, state_after=after), run.recorder, run.principals,
                    run.cfg, t0=run.t0)


def test_a_refused_handover_while_the_model_holds_a_key_is_a_mismatch() -> None:
    _, run = demo_run()
    i = _first(run, "send an authenticated FBU")
    checks = tuple(dataclasses.replace(c, passed=False, reason="no-handover-key")
                   for c in run.log.events[i].checks)
    with pytest.raises(ConformanceMismatch, match="sent no FBU"):
        check_trace(_mutated(run, i, verdict="rejected", reason="no-handover-key",
                             checks=checks), run.recorder, run.principals, run.cfg, t0=run.t0)
