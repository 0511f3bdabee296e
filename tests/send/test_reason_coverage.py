"""Every verdict reason has a test in which that check alone fails."""

from __future__ import annotations

from rfc5269.send.verdict import Reason

from . import (  # noqa: F401 - imported for their @covers registrations
    test_certpath,
    test_cga,
    test_nonces,
    test_pkix,
    test_signature,
    test_timestamps,
)
from .registry import COVERED


def test_every_reason_is_covered() -> None:
    missing = [r.name for r in Reason if r not in COVERED]
    assert not missing, f"reasons without a negative test: {missing}"


def test_every_reason_names_its_rfc_section() -> None:
    for r in Reason:
        assert r.ref.startswith("RFC "), r
        assert r.summary
