"""The property catalogue: every property module, by ID."""

from __future__ import annotations

from rfc5269.proofs import (
    p1_ar_key_records,
    p2_mn_key_acceptance,
    p3_key_secrecy,
    p4_fbu_authorisation,
    p5_key_agreement,
    p6_at_downgrade,
    p7_send_timing,
    p8_at_honoured,
    p9_fresh_requests,
    p10_bounded_records,
    p11_no_decryption_oracle,
    p12_honest_answers,
)
from rfc5269.proofs.base import Property

PROPERTIES: dict[str, Property] = {
    p.id: p
    for p in (
        p1_ar_key_records.PROPERTY,
        p2_mn_key_acceptance.PROPERTY,
        p3_key_secrecy.PROPERTY,
        p4_fbu_authorisation.PROPERTY,
        p5_key_agreement.PROPERTY,
        p6_at_downgrade.PROPERTY,
        p8_at_honoured.PROPERTY,
        p9_fresh_requests.PROPERTY,
        p10_bounded_records.PROPERTY,
        p11_no_decryption_oracle.PROPERTY,
        p12_honest_answers.PROPERTY,
    )
}
"""Transition-system properties by ID (P7 is the separate timing sub-model)."""

TIMING_ID = p7_send_timing.ID

DEEP_BMC_CONFIG: dict[str, str] = {
    "P1": "rfc",
    "P2": "rfc",
    "P3": "rfc",
    "P4": "rfc",
    "P5": "lifetime-anchor=solicitation+par-keeps-key",
    "P6": "rfc",
    "P8": "at-choice=strongest-supported",
    "P9": "rfc+refined",
    "P10": "rfc+refined",
    "P11": "rfc+refined",
    "P12": "rfc",
}
"""For each property, the holding configuration that gets the deep BMC run."""

ALL_IDS: tuple[str, ...] = (*PROPERTIES, TIMING_ID)
