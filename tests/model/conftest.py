"""One run of the prover's CI profile, shared by the proof and bug-zoo tests."""

from __future__ import annotations

import pytest
from rfc5269.proofs.base import Result
from rfc5269.proofs.runner import PROFILES, plan, run


@pytest.fixture(scope="session")
def ci_results() -> list[Result]:
    """Every job of the CI profile (bug-zoo refutations included), two processes."""
    return run(plan(PROFILES["ci"]), processes=2)
