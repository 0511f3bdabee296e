"""Boundary tests for the BADF authenticator inputs (RFC 3775 §6.2.7, RFC 5568 §6.4.5).

Added for surviving mutants of ``rfc5269.handover.authenticator`` (see
reference/data/mutation_results.json).
"""

from __future__ import annotations

import pytest
from rfc5269.errors import ConfigurationError
from rfc5269.handover.authenticator import zero_checksum


def test_six_octet_header_is_the_smallest_accepted() -> None:
    """RFC 3775 §6.1.1: octets 4-5 are the Checksum, so 6 octets suffice to zero it.

    Kills ``len(mobility_header) < 6`` -> ``<= 6`` and ``6`` -> ``7``
    (RFC5269-3.4-M3, RFC5269-3.5-M2: the authenticator is computed over the
    header with its checksum zeroed).
    """
    assert zero_checksum(bytes([1, 2, 3, 4, 0xBE, 0xEF])) == bytes([1, 2, 3, 4, 0, 0])
    with pytest.raises(ConfigurationError):
        zero_checksum(bytes(5))
