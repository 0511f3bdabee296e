"""``rfc5269 conform ar`` over veth interfaces in network namespaces (root needed; never skipped).

The reference's ``rfc5269 ar`` must pass every probe; bug-zoo variants started
the same way (through :mod:`rfc5269.conform.node`) must be caught.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rfc5269.conform.netns import run_conform_ar

pytestmark = pytest.mark.netns
ROOT = str(Path(__file__).resolve().parents[2])


def test_reference_ar_passes_every_probe() -> None:
    run = run_conform_ar()
    assert run.tester_exit == 0, run.tester_output[-3000:]
    assert run.report["probes"] and not run.failed_probes
    assert run.requirement("RFC5269-3.2-M4") == "pass"
    assert run.requirement("RFC5269-3.2-M6") == "pass"
    assert run.requirement("RFC5269-3.2-M16") == "not-observable"
    assert "| RFC5269-3.2-M13 | pass |" in run.report["markdown"]


@pytest.mark.parametrize(("variant", "probe", "requirement"), [
    ("ArSkipsSignatureCheck", "tampered", "RFC3971-5.2.2-M8"),
    ("ArOmitsNonce", "valid", "RFC5269-3.2-M13"),
    ("ArNewKeyOnEveryRequest", "same-cga-again", "RFC5269-3.2-M6"),
])
def test_bug_zoo_variant_is_caught(variant: str, probe: str, requirement: str) -> None:
    run = run_conform_ar(f"tests.zoo.variants:{variant}", pythonpath=ROOT)
    assert run.tester_exit == 1, run.tester_output[-3000:]
    assert probe in run.failed_probes
    assert run.requirement(requirement) == "fail"
