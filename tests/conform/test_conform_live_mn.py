"""``rfc5269 conform mn`` over veth interfaces in network namespaces (root needed; never skipped).

The tester plays the certified AR and a rogue router; the key the MN used is
read from the authenticator of its FBU.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rfc5269.conform.netns import run_conform_mn

pytestmark = pytest.mark.netns
ROOT = str(Path(__file__).resolve().parents[2])


def test_reference_mn_uses_only_the_honest_key() -> None:
    run = run_conform_mn()
    assert run.tester_exit == 0, run.tester_output[-3000:] + run.ar_stderr[-2000:]
    assert run.report["acceptedKey"] == "honest"
    assert run.requirement("RFC5269-3.3-M4") == "pass"
    assert run.requirement("RFC5269-3.4-M3") == "pass"
    assert run.requirement("RFC5269-3.1-M5") == "pass"


@pytest.mark.parametrize(("variant", "key", "requirement"), [
    ("MnAcceptsUncertifiedRouter", "uncertified", "RFC5269-3.3-M4"),
    ("MnSkipsNonceMatch", "unknown-nonce", "RFC5269-3.3-M6"),
])
def test_bug_zoo_variant_is_caught(variant: str, key: str, requirement: str) -> None:
    run = run_conform_mn(f"tests.zoo.variants:{variant}", pythonpath=ROOT)
    assert run.tester_exit == 1, run.tester_output[-3000:]
    assert run.report["acceptedKey"] == key
    assert run.requirement(requirement) == "fail"
