"""Completeness of the per-transition tests: every check of every row has its negative test.

The map below names, for each (row, check) of AR_TRANSITIONS, PAR_TRANSITIONS and
MN_TRANSITIONS, the test in which exactly that check fails and the trace names it.
Checks that no input can make fail in a given row are listed apart with the reason.
Adding a row or a check to a table without a test (or a reason) fails this file.
"""

from __future__ import annotations

import importlib

from rfc5269.nodes.ar import AR_TRANSITIONS
from rfc5269.nodes.ar import CHECKS as AR_CHECKS
from rfc5269.nodes.mn import CHECKS as MN_CHECKS
from rfc5269.nodes.mn import MN_TRANSITIONS
from rfc5269.nodes.par import CHECKS as PAR_CHECKS
from rfc5269.nodes.par import PAR_TRANSITIONS
from rfc5269.requirements import REQUIREMENT_IDS

PROVISION = "provision a new handover key"
EXISTING = "return the existing handover key"
PLAIN = "answer a plain RtSolPr"
CPS = "answer a certification path solicitation"
FBU_NO_KEY = "FBU for a PCoA without a key"
FBU_KEYED = "authenticated FBU starts forwarding"
FBU_FWD = "authenticated FBU updates forwarding"

NEGATIVE_TESTS: dict[tuple[str, str], str] = {
    (PROVISION, "hop_limit_255"): "test_ar:test_provision_rejected_hop_limit",
    (PROVISION, "within_rate_limits"): "test_ar:test_provision_rejected_per_source_rate_limit",
    (PROVISION, "send_valid"): "test_ar:test_provision_rejected_send_invalid",
    (PROVISION, "hkepk_fit"): "test_ar:test_provision_rejected_hkepk_fit",
    (PROVISION, "at_resolvable"): "test_ar:test_provision_rejected_at_not_resolvable",
    (PROVISION, "record_capacity"): "test_ar:test_provision_rejected_key_table_full",
    (EXISTING, "hop_limit_255"): "test_ar:test_existing_rejected_hop_limit",
    (EXISTING, "within_rate_limits"): "test_ar:test_existing_rejected_rate_limit",
    (EXISTING, "send_valid"): "test_ar:test_existing_rejected_send_invalid_record_untouched",
    (EXISTING, "hkepk_fit"): "test_ar:test_existing_rejected_hkepk_fit_record_untouched",
    (PLAIN, "hop_limit_255"): "test_ar:test_plain_rtsolpr_rejected_hop_limit",
    (PLAIN, "within_rate_limits"): "test_ar:test_plain_rtsolpr_rejected_rate_limit",
    (CPS, "cps_rate"): "test_ar:test_cps_rejected_rate_limit",
    (FBU_NO_KEY, "coa_routable"): "test_par:test_no_key_row_earlier_checks",
    (FBU_NO_KEY, "spi_zero"): "test_par:test_no_key_row_earlier_checks",
    (FBU_NO_KEY, "key_found"): "test_par:test_fbu_without_key_leaves_forwarding_unchanged",
    (FBU_KEYED, "coa_routable"): "test_par:test_keyed_fbu_rejected_care_of_address_not_routable",
    (FBU_KEYED, "badf_present"): "test_par:test_badf_present_check_guards_a_bfdless_fbu",
    (FBU_KEYED, "spi_zero"): "test_par:test_keyed_fbu_rejected_spi_not_zero",
    (FBU_KEYED, "authenticator_valid"): "test_par:test_keyed_fbu_rejected_wrong_authenticator",
    (FBU_KEYED, "sequence_fresh"):
        "test_par:test_keyed_fbu_rejected_replayed_sequence_after_forwarding_ended_key_kept",
    (FBU_FWD, "coa_routable"): "test_par:test_forwarding_row_rejects_unroutable_care_of_address",
    (FBU_FWD, "spi_zero"): "test_par:test_forwarding_rejects_spi_and_authenticator",
    (FBU_FWD, "key_found"): "test_par:test_forwarding_row_rejects_fbu_once_hk_lifetime_ran_out",
    (FBU_FWD, "authenticator_valid"): "test_par:test_forwarding_rejects_spi_and_authenticator",
    (FBU_FWD, "sequence_fresh"): "test_par:test_forwarding_rejects_replayed_or_older_sequence",
    ("request a handover key", "rtsolpr_rate"): "test_mn:test_request_key_rate_limited",
    ("retransmit the RtSolPr", "solicitation_outstanding"):
        "test_mn:test_retransmission_stops_once_answered",
    ("retransmit the RtSolPr", "retries_left"):
        "test_mn:test_retransmission_keeps_nonce_and_doubles_timeout",
    ("retransmit the RtSolPr", "rtsolpr_rate"): "test_mn:test_retransmission_rate_limited",
    ("accept a handover key", "has_key_reply"): "test_mn:test_prrtadv_without_reply_is_not_a_key",
    ("accept a handover key", "send_valid"): "test_mn:test_prrtadv_failing_send_is_dropped",
    ("accept a handover key", "reply_signed"):
        "test_mn:test_prrtadv_reply_after_signature_is_not_used",
    ("accept a handover key", "at_supported"):
        "test_mn:test_prrtadv_with_unsupported_at_is_dropped",
    ("accept a handover key", "at_not_weaker"): "test_mn:test_prrtadv_with_weaker_at_is_dropped",
    ("accept a handover key", "key_decrypts"):
        "test_mn:test_prrtadv_whose_key_does_not_decrypt_is_dropped",
    ("complete a certification path", "path_complete"):
        "test_mn:test_prrtadv_from_router_certified_under_another_anchor_never_yields_a_key",
    ("retransmit the CPS", "cps_time_left"):
        "test_mn:test_cps_retried_with_doubling_wait_then_abandoned",
    ("send an authenticated FBU", "key_for_par"): "test_mn:test_no_fbu_without_a_key",
    ("FBack acknowledges the FBU", "fback_expected"):
        "test_mn:test_fback_with_unknown_sequence_is_ignored",
    ("FBack acknowledges the FBU", "fback_authentic"):
        "test_mn:test_fback_with_bad_authenticator_is_ignored",
    ("refresh the key before HK-LIFETIME ends", "rtsolpr_rate"):
        "test_mn:test_key_refresh_rate_limited",
}

UNREACHABLE: dict[tuple[str, str], str] = {
    (EXISTING, "at_resolvable"):
        "in KEYED the record exists, and an existing key keeps its recorded AT "
        "(test_ar:test_existing_key_keeps_its_at_even_if_a_stronger_one_is_asked)",
    (FBU_NO_KEY, "badf_present"): "the strict codec refuses an FBU without BADF (malformed)",
    (FBU_FWD, "badf_present"): "the strict codec refuses an FBU without BADF (malformed)",
    (FBU_NO_KEY, "authenticator_valid"): "key_found always fails before it in NO_KEY",
    (FBU_NO_KEY, "sequence_fresh"): "key_found always fails before it in NO_KEY",
    (FBU_KEYED, "key_found"): "the KEYED state means a record valid at this instant",
}


def _all_pairs() -> set[tuple[str, str]]:
    return {(row.name, check) for table in (AR_TRANSITIONS, PAR_TRANSITIONS, MN_TRANSITIONS)
            for row in table for check in row.checks}


def test_every_check_of_every_row_has_a_negative_test_or_a_reason():
    pairs = _all_pairs()
    assert set(NEGATIVE_TESTS) | set(UNREACHABLE) == pairs, (
        f"missing: {sorted(pairs - set(NEGATIVE_TESTS) - set(UNREACHABLE))}; "
        f"stale: {sorted((set(NEGATIVE_TESTS) | set(UNREACHABLE)) - pairs)}")
    assert not set(NEGATIVE_TESTS) & set(UNREACHABLE)


def test_named_tests_exist():
    for where in NEGATIVE_TESTS.values():
        module_name, function = where.split(":")
        module = importlib.import_module(f"{__package__}.{module_name}")
        assert callable(getattr(module, function, None)), where


def test_every_row_and_check_cites_catalogued_requirements():
    """Transitions and checks cite only IDs that exist in the catalogue."""
    for table in (AR_TRANSITIONS, PAR_TRANSITIONS, MN_TRANSITIONS):
        for row in table:
            assert row.requirements, row.name
            assert set(row.requirements) <= REQUIREMENT_IDS, row.name
    for checks in (AR_CHECKS, PAR_CHECKS, MN_CHECKS):
        for spec in checks.values():
            assert set(spec.requirements) <= REQUIREMENT_IDS, spec.name
