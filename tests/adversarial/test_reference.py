"""The adversarial suite against the reference AR and MN: every invariant holds."""

from __future__ import annotations

import time

from hypothesis import settings

from .conftest import PROFILE
from .machine import AttackMachine


def test_reference_survives_the_attacker() -> None:
    AttackMachine.steps_taken = 0
    start = time.perf_counter()
    AttackMachine.TestCase.settings = settings(settings.default)
    AttackMachine.TestCase().runTest()
    elapsed = time.perf_counter() - start
    steps = AttackMachine.steps_taken
    print(f"\nadversarial [{PROFILE}]: {steps} steps in {elapsed:.1f} s "
          f"= {steps / elapsed:.1f} steps/s")
    assert steps > 0


def test_unattacked_round_after_held_back_cps_gets_the_key() -> None:
    """Regression: a CPS the attacker held back must not starve the next unattacked round.

    The step sequence below once failed "honest-liveness" because the round
    dropped the MN's CPS retransmission together with the attacker's
    held-back packets (the harness's fault, not the reference's).
    """
    state = AttackMachine()
    state.start()
    state.resign_own(at=0, spoof_mn=False, who=0)
    state.request_key_held_back()
    state.swap_hkepk(i=0, strip=False)
    state.replay(delay=0.0, i=0, redirect=False)
    state.append_unsigned_reply(i=1)
    state.honest_round()  # raises Violation("honest-liveness") on failure
    state.invariants_hold()
    state.teardown()
