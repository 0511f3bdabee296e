"""The main job: ``rfc5269 demo`` on the in-memory link (issue: demo outcomes, not text).

RFC5269-3.2-M6 and RFC5269-3.3-M7 are observed end to end here: the MN stores
the very key the AR recorded, and a repeated request returns the same key.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from rfc5269.demo import run_demo


def test_demo_exchange_handover_and_every_attack_rejected() -> None:
    run = run_demo(seed=0)
    exchange, handover, _attacks, timeout = run.steps
    assert exchange.outcome["same_key"] is True
    assert exchange.outcome["mn_key_id"] == exchange.outcome["ar_key_id"]
    assert handover.outcome["forwarding_to"] == "2001:db8:b::1234"
    assert handover.outcome["fback_accepted"] is True
    assert len(run.attempts) == 7
    for attempt in run.attempts:
        assert attempt.rejected, attempt
        assert attempt.state_unchanged, attempt
        assert attempt.reason and attempt.reason != "no answer", attempt
        assert attempt.requirements, attempt
    reasons = {a.name: a.reason for a in run.attempts}
    assert reasons["replay the MN's FBU to the PAR"] == "sequence-not-newer"
    assert reasons["replay the AR's PrRtAdv to the MN"] == "nonce-already-answered"
    assert reasons["replay the MN's RtSolPr 3 s later"] == "timestamp-not-fresh"
    assert reasons["answer with a PrRtAdv signed by an uncertified router key"] == "not-certified"
    assert timeout.outcome["par_key_discarded"] is True
    assert run.ok


def test_demo_is_deterministic() -> None:
    a, b = run_demo(seed=3), run_demo(seed=3)
    assert [d.packet for d in a.wire] == [d.packet for d in b.wire]


def test_demo_cli_json_and_pcap(tmp_path: Path) -> None:
    pcap = tmp_path / "demo.pcap"
    out = subprocess.run([sys.executable, "-m", "rfc5269.cli", "demo", "--json", "--pcap",
                          str(pcap)], capture_output=True, text=True, check=True).stdout
    record = json.loads(out)
    assert record["ok"] is True
    assert all("key" not in step["outcome"] for step in record["steps"])
    assert pcap.stat().st_size > 24 + 16 * len(record["packets"])


def test_demo_transcript_redacts_keys_unless_asked() -> None:
    plain = subprocess.run([sys.executable, "-m", "rfc5269.cli", "demo"], capture_output=True,
                           text=True, check=True).stdout
    shown = subprocess.run([sys.executable, "-m", "rfc5269.cli", "demo", "--show-keys"],
                           capture_output=True, text=True, check=True).stdout
    assert "redacted" in plain and "redacted" not in shown
    assert "demo succeeded" in plain
