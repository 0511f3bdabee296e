"""Short fuzz campaigns per decoder (the long campaign: ``rfc5269 fuzz --inputs 1000000``)."""

from __future__ import annotations

import pytest
from rfc5269.fuzz import TARGET_NAMES, campaign, exchange_packets, run_one, targets

PACKETS = exchange_packets()


@pytest.mark.parametrize("name", [n for n in TARGET_NAMES if n != "ip-addr-blocks"])
def test_only_typed_errors_escape(name: str) -> None:
    target = targets()[name]
    result = campaign(target, inputs=3000, seeds=target.seeds(PACKETS))
    assert result.inputs == 3000
    assert result.escapes == [], result.escapes[:3]
    assert result.typed_errors > 0 and result.lines_covered > 0


def test_an_escape_is_reported() -> None:
    from rfc5269.fuzz import FuzzTarget

    def broken(data: bytes) -> object:
        return data[100]

    escape = run_one(FuzzTarget("broken", broken, list, "test"), b"\x00")
    assert escape is not None and escape.error.startswith("IndexError")


def test_addr_blocks_huge_length_raises_typed_error() -> None:
    """Regression: pyasn1's OverflowError on a huge BIT STRING length escaped (found by fuzzing)."""
    data = bytes.fromhex("3011300f040211023009038881a1070020010db8000a")
    assert run_one(targets()["ip-addr-blocks"], data) is None
