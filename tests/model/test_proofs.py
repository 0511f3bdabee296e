"""The prover's results: every unbounded proof and every counterexample of the CI profile.

The CI profile is run once (two processes, ``conftest.py``); each counterexample is kept as a
regression with its shortest depth, and every (property, configuration) pair
a property module declares must come out as declared.
"""

from __future__ import annotations

import json

import pytest
from rfc5269 import cli
from rfc5269.interpretations import SWITCHES
from rfc5269.proofs.base import Expect, Result, Status
from rfc5269.proofs.catalogue import PROPERTIES
from rfc5269.proofs.clarifications import CLARIFICATIONS, evidence_trace
from rfc5269.proofs.configs import CONFIGS
from rfc5269.proofs.engine import induction

# Shortest counterexamples (1 MN / 1 AR): the regression suite.
EXPECTED_DEPTHS: dict[tuple[str, str], int] = {
    ("P2", "draft"): 2,
    ("P2", "nonce-retention=unlimited"): 4,
    ("P3", "key-index=configured-par-address+draft"): 2,
    ("P3", "key-index=configured-par-address+compromised-router"): 2,
    ("P4", "fbu-sequence-unchecked"): 6,
    ("P5", "rfc"): 5,
    ("P5", "existing-key-lifetime=full-no-refresh"): 5,
    ("P5", "par-discards-key-at-forwarding-timeout=false"): 5,
    ("P5", "lifetime-anchor=solicitation"): 7,
    ("P5", "lifetime-anchor=solicitation+par-keeps-key+full-no-refresh"): 7,
    ("P5", "key-index=configured-par-address+draft"): 2,
    ("P6", "draft"): 2,
    ("P6", "rfc+compromised-router"): 2,
    ("P8", "rfc"): 5,
    ("P8", "multiple-outstanding-rtsolpr=false"): 5,
    ("P12", "rfc+refined"): 4,
}


def _find(results: list[Result], pid: str, config: str, kind: str) -> list[Result]:
    methods = {"search": "BMC (incremental)", "induction": "strengthened 1-induction"}
    return [r for r in results
            if r.property_id == pid and r.config == config and r.method == methods[kind]]


def test_every_result_matches_its_expectation(ci_results: list[Result]) -> None:
    bad = [(r.property_id, r.config, r.population, r.status.value, r.note)
           for r in ci_results if not r.as_expected]
    assert bad == []
    assert not [r for r in ci_results if r.note.startswith("CONCRETE REPLAY DISAGREES")]


def test_every_declared_pair_is_checked(ci_results: list[Result]) -> None:
    for pid, prop in PROPERTIES.items():
        for config, exp in prop.expected.items():
            if exp is Expect.HOLDS:
                rs = _find(ci_results, pid, config, "induction")
                assert {r.population for r in rs} == {"1mn1ar", "2mn2ar"}, (pid, config)
                assert all(r.status is Status.PROVED for r in rs), (pid, config)
            else:
                assert (pid, config) in EXPECTED_DEPTHS, (pid, config)


@pytest.mark.parametrize(("pid", "config"), sorted(EXPECTED_DEPTHS))
def test_counterexample_regression(ci_results: list[Result], pid: str, config: str) -> None:
    (r,) = [r for r in _find(ci_results, pid, config, "search") if r.status is Status.VIOLATED]
    assert r.depth == EXPECTED_DEPTHS[(pid, config)]
    assert len(r.trace) == r.depth
    assert r.msc_mermaid.startswith("sequenceDiagram")
    assert r.note == "confirmed by the concrete model"


def test_induction_does_not_prove_violated_pairs() -> None:
    for (pid, config) in EXPECTED_DEPTHS:
        prop = PROPERTIES[pid]
        if prop.lemmas is None and prop.step is not None:
            continue  # 1-step properties without lemmas: covered by the search above
        assert not induction(prop, CONFIGS[config]).proved, (pid, config)


def test_timing_claims(ci_results: list[Result]) -> None:
    (r,) = [r for r in ci_results if r.property_id == "P7"]
    assert r.status is Status.PROVED
    assert "P7.5[RFC 3971 defaults]: refuted" in r.note


def test_clarifications_cover_switches_and_cite_real_evidence() -> None:
    ids = [c.id for c in CLARIFICATIONS]
    assert len(ids) == len(set(ids))
    switch_ids = {s.name: s.clarification for s in SWITCHES}
    for c in CLARIFICATIONS:
        if c.switch is not None:
            assert switch_ids[c.switch] == c.id
        else:
            assert int(c.id.split("-")[1]) >= 20
        for ev in c.evidence:
            if ev.property_id == "P7":
                continue
            expected = PROPERTIES[ev.property_id].expected[ev.config]
            if ev.depth is None:
                assert expected is Expect.HOLDS
            else:
                assert expected is Expect.VIOLATED
                assert EXPECTED_DEPTHS[(ev.property_id, ev.config)] == ev.depth


def test_evidence_trace_renders() -> None:
    (entry,) = [c for c in CLARIFICATIONS if c.id == "CL-20"]
    text = evidence_trace(entry.evidence[0])
    assert "time passes" in text and "PrRtAdv from AR0" in text


def test_cli_json(capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["prove", "--profile", "ci", "--property", "P6", "--interpretation", "draft",
                     "--json", "--jobs", "1"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    (r,) = out["results"]
    assert (r["property"], r["status"], r["depth"]) == ("P6", "violated", 2)


def test_requirement_ids_exist_in_the_catalogue() -> None:
    from rfc5269 import requirements
    from rfc5269.proofs import p7_send_timing

    ids = [rid for p in PROPERTIES.values() for rid in p.requirements]
    ids += list(p7_send_timing.REQUIREMENTS)
    for rid in ids:
        assert requirements.get(rid).id == rid


def test_cli_writes_charts(tmp_path: object, capsys: pytest.CaptureFixture[str]) -> None:
    import pathlib

    out_dir = pathlib.Path(str(tmp_path)) / "charts"
    code = cli.main(["prove", "--profile", "ci", "--property", "P2", "--interpretation",
                     "nonce-retention=unlimited", "--jobs", "1", "--charts", str(out_dir)])
    table_text = capsys.readouterr().out
    assert code == 0
    assert "violated at depth 4" in table_text
    mmd = (out_dir / "P2_nonce-retention-unlimited_1mn1ar.mmd").read_text()
    assert mmd.startswith("sequenceDiagram") and mmd.count("Net->>MN0: PrRtAdv") == 2
