"""The bug zoo in the model: every variant is a fault, refuted by a property with its trace.

Each zoo variant (tests/zoo/variants.py) must have a model fault of the same
name (so a new variant without one fails here), whose refutation in the CI
profile is kept as a regression with its shortest depth; the same property
must be proved on the same base configuration without the fault. The
refinements the faults need are checked one check at a time on the concrete
model, honest and faulty. The table in reference/data/model_zoo.json is
regenerated with ``rfc5269 prove --zoo --zoo-table reference/data/model_zoo.json``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import z3
from rfc5269.model.concrete import run, step
from rfc5269.model.config import ModelConfig
from rfc5269.model.events import (
    ArReceivesRtSolPr,
    Event,
    Key,
    MnReceivesPrRtAdv,
    MnSendsRtSolPr,
    ParReceivesFbu,
    TimePasses,
)
from rfc5269.model.faults import NEEDS, NO_SIGNER, Fault
from rfc5269.model.state import State, initial_state
from rfc5269.model.symbolic import (
    symbolic_event,
    symbolic_state,
    transition,
)
from rfc5269.proofs.base import Result, Status
from rfc5269.proofs.configs import CONFIGS, REFINED
from rfc5269.proofs.zoo import BY_FAULT, CONFIRMED, ZOO, ZOO_METHOD, check_consistency

from tests.zoo.variants import VARIANTS

from .test_symbolic_agrees import assert_symbolic_step_agrees

TABLE = Path(__file__).resolve().parents[2] / "reference" / "data" / "model_zoo.json"

# Shortest counterexample per fault (1 MN / 1 AR): the regression suite.
EXPECTED_DEPTHS: dict[str, int] = {
    "ar-skips-signature-check": 1,
    "ar-skips-cga-check": 1,
    "ar-installs-key-before-validation": 1,
    "ar-overwrites-key-on-invalid-request": 3,
    "ar-omits-nonce": 2,
    "ar-new-key-on-every-request": 4,
    "ar-answers-weaker-algorithm": 3,
    "ar-ignores-timestamp-window": 3,
    "ar-unbounded-key-records": 3,
    "par-accepts-fbu-without-handover-key-badf": 3,
    "par-ignores-sequence-number": 6,
    "par-looks-up-key-by-source": 2,
    "par-forwards-without-key": 1,
    "mn-accepts-uncertified-router": 2,
    "mn-skips-nonce-match": 5,
    "mn-reaccepts-answered-nonce": 4,
    "mn-decrypts-before-verifying": 2,
    "mn-accepts-weaker-algorithm": 5,
    "mn-processes-options-after-signature": 3,
}


def test_every_zoo_variant_has_a_model_fault() -> None:
    faults = {f.value for f in Fault}
    missing = sorted(v.name for v in VARIANTS if v.name not in faults)
    assert missing == [], f"zoo variants without a model fault: {missing}"
    assert {v.name for v in VARIANTS} == faults
    assert check_consistency() == []
    assert set(EXPECTED_DEPTHS) == faults


def _zoo_result(results: list[Result], fault: str) -> Result:
    (r,) = [r for r in results if r.method == ZOO_METHOD and r.config == f"zoo:{fault}"]
    return r


@pytest.mark.parametrize("variant", [v.name for v in VARIANTS])
def test_variant_is_refuted_in_the_model(ci_results: list[Result], variant: str) -> None:
    entry = BY_FAULT[Fault(variant)]
    r = _zoo_result(ci_results, variant)
    assert r.property_id == entry.property_id
    assert r.status is Status.VIOLATED
    assert r.depth == EXPECTED_DEPTHS[variant]
    assert len(r.trace) == r.depth
    assert r.note == CONFIRMED
    assert r.msc_mermaid.startswith("sequenceDiagram")
    # without the fault the same property is proved on the same base, both populations
    proofs = [x for x in ci_results if (x.property_id, x.config) == (entry.property_id, entry.base)
              and x.method == "strengthened 1-induction"]
    assert {x.population for x in proofs} == {"1mn1ar", "2mn2ar"}
    assert all(x.status is Status.PROVED for x in proofs), [x.note for x in proofs]


@pytest.mark.parametrize("fault", sorted(NEEDS, key=lambda f: f.value))
def test_faults_needing_a_refinement_change_nothing_without_it(fault: Fault) -> None:
    """Without its refinement the fault's transition relation is the honest one (Z3-checked)."""
    cfg = CONFIGS[BY_FAULT[fault].base]
    without = ModelConfig(cfg.interp, refinements=cfg.refinements - {NEEDS[fault]})
    s, s2, e, acc = symbolic_state(without, "a"), symbolic_state(without, "b"), \
        symbolic_event("a"), z3.Bool("acc")
    solver = z3.Solver()
    solver.add(transition(without, s, e, acc, s2)
               != transition(without.with_faults(fault), s, e, acc, s2))
    assert solver.check() == z3.unsat
    # and with it, it is not
    solver = z3.Solver()
    solver.add(transition(cfg, s, e, acc, s2) != transition(cfg.with_faults(fault), s, e, acc, s2))
    assert solver.check() == z3.sat


def test_model_zoo_table_is_current() -> None:
    data = json.loads(TABLE.read_text())
    rows = {r["variant"]: r for r in data["variants"]}
    assert set(rows) == {v.name for v in VARIANTS}
    assert data["refuted"] == len(VARIANTS)
    for name, row in rows.items():
        entry = BY_FAULT[Fault(name)]
        assert (row["property"], row["base"]) == (entry.property_id, entry.base)
        assert row["refuted"] and row["depth"] == EXPECTED_DEPTHS[name]
        assert row["holds_without_fault"] == {"1mn1ar": "proved", "2mn2ar": "proved"}
        assert len(row["trace"]) == row["depth"]


# ---------------------------------------------------------------- refinements, one check at a time

REF = ModelConfig(refinements=REFINED)
K = Key(0, 0, 2)
REQUEST = [MnSendsRtSolPr(0, 0, 2, 1), ArReceivesRtSolPr(0, 0, 0, 1, 0, 2, 0)]
EXCHANGE = [*REQUEST, MnReceivesPrRtAdv(0, 0, 0, 1, K, 0, 2, 6)]


def _after(cfg: ModelConfig, events: list[Event]) -> State:
    results = run(cfg, events)
    assert all(r.verdict == "accepted" for r in results), [(r.verdict, r.reason) for r in results]
    return results[-1].state if results else initial_state(cfg)


def _verdicts(ev: Event, state_events: list[Event], fault: Fault) -> tuple[str | None, str]:
    """(honest reason, faulty verdict) for one event after the same prefix."""
    honest = step(REF, _after(REF, state_events), ev)
    faulty_cfg = REF.with_faults(fault)
    faulty = step(faulty_cfg, _after(faulty_cfg, state_events), ev)
    assert honest.verdict == "rejected", (honest.verdict, honest.reason)
    return honest.reason, faulty.verdict


def test_unsigned_rtsolpr_is_rejected_unless_the_signature_is_skipped() -> None:
    unsigned = ArReceivesRtSolPr(0, 0, NO_SIGNER, 0, 1, 1, 0)
    assert _verdicts(unsigned, [], Fault.AR_SKIPS_SIGNATURE_CHECK) == (
        "send_signature_valid", "accepted")
    # skipping only the CGA check still needs a valid signature by some key
    assert _verdicts(unsigned, [], Fault.AR_SKIPS_CGA_CHECK) == (
        "send_signature_valid", "rejected")
    attacker_signed = ArReceivesRtSolPr(0, 0, 1, 0, 1, 1, 0)
    assert _verdicts(attacker_signed, [], Fault.AR_SKIPS_CGA_CHECK) == (
        "send_signature_valid", "accepted")


def test_stale_timestamp_is_rejected_unless_the_window_is_ignored() -> None:
    prefix = [MnSendsRtSolPr(0, 0, 2, 1), TimePasses(REF.ts_window)]
    stale = ArReceivesRtSolPr(0, 0, 0, 1, 0, 2, 0)
    assert _verdicts(stale, prefix, Fault.AR_IGNORES_TIMESTAMP_WINDOW) == (
        "timestamp_in_window", "accepted")
    # one unit earlier the same copy is fresh
    fresh = step(REF, _after(REF, [MnSendsRtSolPr(0, 0, 2, 1), TimePasses(REF.ts_window - 1)]),
                 stale)
    assert fresh.accepted
    # an honest copy must carry its real sending time
    assert step(REF, _after(REF, prefix[:1]), ArReceivesRtSolPr(0, 0, 0, 1, 0, 2, 1)).verdict \
        == "disabled"


def test_full_record_table_refuses_a_new_cga_unless_unbounded() -> None:
    second = ArReceivesRtSolPr(0, 1, 1, 0, 1, 1, 0)  # the attacker's own CGA, signed by it
    assert _verdicts(second, REQUEST, Fault.AR_UNBOUNDED_KEY_RECORDS) == (
        "record_capacity", "accepted")
    # the CGA that holds the record is still served
    again = [*REQUEST, MnSendsRtSolPr(0, 0, 2, 3)]
    assert step(REF, _after(REF, again), ArReceivesRtSolPr(0, 0, 0, 3, 0, 2, 0)).accepted


def test_reply_after_the_signature_is_ignored_unless_processed() -> None:
    appended = MnReceivesPrRtAdv(0, 0, 0, 1, Key(1, 0, 1), 0, 3, 1, appended=True)
    assert _verdicts(appended, REQUEST, Fault.MN_PROCESSES_OPTIONS_AFTER_SIGNATURE) == (
        "reply_signed", "accepted")
    # without an honest router's signed PrRtAdv for that nonce there is nothing to append to
    assert step(REF, _after(REF, REQUEST[:1]), appended).verdict == "disabled"


def test_weaker_at_is_refused_unless_accepted_by_the_fault() -> None:
    prefix = [MnSendsRtSolPr(0, 0, 2, 1), MnSendsRtSolPr(0, 0, 3, 2),
              ArReceivesRtSolPr(0, 0, 0, 1, 0, 2, 0), ArReceivesRtSolPr(0, 0, 0, 2, 0, 3, 0)]
    weaker = MnReceivesPrRtAdv(0, 0, 0, 2, Key(0, 0, 3), 0, 2, 6)  # the existing key, AT 2
    assert _verdicts(weaker, prefix, Fault.MN_ACCEPTS_WEAKER_ALGORITHM) == (
        "at_not_weaker", "accepted")


def test_badf_under_another_spi_is_refused_unless_taken_unverified() -> None:
    other_spi = ParReceivesFbu(0, 0, 1, 0, Key(0, 0, 0), 1, spi=1, src=1)
    assert _verdicts(other_spi, REQUEST, Fault.PAR_ACCEPTS_FBU_WITHOUT_HANDOVER_KEY_BADF) == (
        "spi_is_handover_key", "accepted")


def test_decryption_before_verification_is_recorded_even_when_rejected() -> None:
    forged = MnReceivesPrRtAdv(0, 0, 1, 1, Key(1, 0, 1), 0, 2, 1)  # rogue signs as AR0
    honest = step(REF, _after(REF, REQUEST[:1]), forged)
    assert (honest.verdict, honest.reason, honest.state.mn_oracle) == (
        "rejected", "send_signature_valid", (False,))
    faulty_cfg = REF.with_faults(Fault.MN_DECRYPTS_BEFORE_VERIFYING)
    faulty = step(faulty_cfg, _after(faulty_cfg, REQUEST[:1]), forged)
    assert (faulty.verdict, faulty.reason, faulty.state.mn_oracle) == (
        "rejected", "send_signature_valid", (True,))
    # an honest answer decrypted in the honest order leaves no trace
    assert _after(REF, EXCHANGE).mn_oracle == (False,)


def test_faults_that_change_state_on_rejection() -> None:
    forged = ArReceivesRtSolPr(0, 0, 1, 0, 1, 1)  # attacker-signed, claims MN0's CGA
    cfg = ModelConfig().with_faults(Fault.AR_INSTALLS_KEY_BEFORE_VALIDATION)
    res = step(cfg, initial_state(cfg), forged)
    assert (res.verdict, res.state.ar_gen[0][0], res.state.ar_at[0][0]) == ("rejected", 1, 1)
    assert step(ModelConfig(), initial_state(ModelConfig()), forged).state.ar_gen[0][0] == 0
    cfg = ModelConfig().with_faults(Fault.AR_OVERWRITES_KEY_ON_INVALID_REQUEST)
    s = _after(cfg, [*REQUEST[:1], ArReceivesRtSolPr(0, 0, 0, 1, 0, 2)])
    res = step(cfg, s, forged)
    assert res.verdict == "rejected" and res.state.ar_gen[0][0] != s.ar_gen[0][0]


def test_par_fault_lookups() -> None:
    cfg = ModelConfig()
    s = _after(cfg, [ArReceivesRtSolPr(0, 1, 1, 0, 1, 1)])  # the attacker's own record
    own_key = Key(0, 1, 1)
    fbu = ParReceivesFbu(0, 0, 1, 0, own_key, 1, src=1)  # for MN0's PCoA, from the attacker
    assert step(cfg, s, fbu).reason == "key_record_found"
    assert step(cfg.with_faults(Fault.PAR_LOOKS_UP_KEY_BY_SOURCE), s, fbu).accepted
    keyless = ParReceivesFbu(0, 0, 1, 0, Key(1, 0, 1), 1)  # MAC under a rogue key
    assert step(cfg, initial_state(cfg), keyless).reason == "key_record_found"
    assert step(cfg.with_faults(Fault.PAR_FORWARDS_WITHOUT_KEY), initial_state(cfg),
                keyless).accepted
    # a real key record is still checked by the faulty PAR
    s2 = _after(cfg, [*REQUEST[:1], ArReceivesRtSolPr(0, 0, 0, 1, 0, 2)])
    res = step(cfg.with_faults(Fault.PAR_FORWARDS_WITHOUT_KEY), s2, keyless)
    assert res.reason == "authenticator_valid"


AGREE_CONFIGS = [
    REF,
    REF.with_faults(Fault.AR_INSTALLS_KEY_BEFORE_VALIDATION,
                    Fault.AR_OVERWRITES_KEY_ON_INVALID_REQUEST,
                    Fault.MN_DECRYPTS_BEFORE_VERIFYING, Fault.MN_SKIPS_NONCE_MATCH,
                    Fault.PAR_LOOKS_UP_KEY_BY_SOURCE, Fault.MN_PROCESSES_OPTIONS_AFTER_SIGNATURE,
                    Fault.AR_OMITS_NONCE),
]


@pytest.mark.parametrize("cfg_index", range(len(AGREE_CONFIGS)))
def test_symbolic_step_agrees_under_refinements_and_faults(cfg_index: int) -> None:
    assert_symbolic_step_agrees(AGREE_CONFIGS[cfg_index], 5568 + cfg_index)


def test_cli_writes_the_zoo_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from rfc5269 import cli

    out = tmp_path / "model_zoo.json"
    code = cli.main(["prove", "--zoo", "--profile", "ci", "--jobs", "2", "--json",
                     "--zoo-table", str(out)])
    summary = json.loads(capsys.readouterr().out)
    assert code == 0 and summary["mismatches"] == 0
    data = json.loads(out.read_text())
    assert data["refuted"] == len(VARIANTS) == len(ZOO)
    assert {r["variant"]: r["depth"] for r in data["variants"]} == EXPECTED_DEPTHS
