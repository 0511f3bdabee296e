"""Named configurations: the RFC reading, and one deviation per interpretation switch.

Each name says which switches differ from :data:`rfc5269.interpretations.DEFAULT`
(and from the model's own defaults in :class:`rfc5269.model.config.ModelConfig`).
``+refined`` adds every refinement of :mod:`rfc5269.model.faults` (SEND
timestamps, a bound on AR records, the MN's AT-not-weaker check, unsigned
message parts, the decryption-oracle ghost): the configuration the bug zoo's
faults are judged on (:mod:`rfc5269.proofs.zoo`).
"""

from __future__ import annotations

from rfc5269.interpretations import (
    DEFAULT,
    AlgorithmTypeChoice,
    CertificateRequirement,
    ExistingKeyLifetime,
    KeyIndexAddress,
    NonceRetention,
)
from rfc5269.model.config import LifetimeAnchor, ModelConfig
from rfc5269.model.faults import Refinement

_CONFIGURED = KeyIndexAddress.CONFIGURED_PAR_ADDRESS
_FIX = {"mn_lifetime_anchor": LifetimeAnchor.SOLICITATION}
_KEEP = DEFAULT.replace(par_discards_key_at_forwarding_timeout=False)
REFINED = frozenset(Refinement)
"""Every refinement of :mod:`rfc5269.model.faults`: the model as near the reference as it goes."""

CONFIGS: dict[str, ModelConfig] = {
    "rfc": ModelConfig(),
    "draft": ModelConfig(DEFAULT.replace(certificate_requirement=CertificateRequirement.DRAFT)),
    "rfc+compromised-router": ModelConfig(compromised_router=True),
    "existing-key-lifetime=full-refresh": ModelConfig(
        DEFAULT.replace(existing_key_lifetime=ExistingKeyLifetime.FULL_REFRESH)),
    "existing-key-lifetime=full-no-refresh": ModelConfig(
        DEFAULT.replace(existing_key_lifetime=ExistingKeyLifetime.FULL_NO_REFRESH)),
    "nonce-retention=single-answer": ModelConfig(
        DEFAULT.replace(nonce_retention=NonceRetention.SINGLE_ANSWER)),
    "nonce-retention=unlimited": ModelConfig(
        DEFAULT.replace(nonce_retention=NonceRetention.UNLIMITED)),
    "multiple-outstanding-rtsolpr=false": ModelConfig(
        DEFAULT.replace(multiple_outstanding_rtsolpr=False)),
    "par-discards-key-at-forwarding-timeout=false": ModelConfig(_KEEP),
    "at-choice=strongest-supported": ModelConfig(
        DEFAULT.replace(at_choice=AlgorithmTypeChoice.STRONGEST_SUPPORTED)),
    "key-index=configured-par-address": ModelConfig(DEFAULT.replace(key_index_address=_CONFIGURED)),
    "key-index=configured-par-address+draft": ModelConfig(DEFAULT.replace(
        key_index_address=_CONFIGURED, certificate_requirement=CertificateRequirement.DRAFT)),
    "key-index=configured-par-address+compromised-router": ModelConfig(
        DEFAULT.replace(key_index_address=_CONFIGURED), compromised_router=True),
    "fbu-sequence-unchecked": ModelConfig(par_checks_fbu_sequence=False),
    "lifetime-anchor=solicitation": ModelConfig(**_FIX),  # type: ignore[arg-type]
    "lifetime-anchor=solicitation+par-keeps-key": ModelConfig(_KEEP, **_FIX),  # type: ignore[arg-type]
    "lifetime-anchor=solicitation+par-keeps-key+full-refresh": ModelConfig(
        _KEEP.replace(existing_key_lifetime=ExistingKeyLifetime.FULL_REFRESH), **_FIX),  # type: ignore[arg-type]
    "lifetime-anchor=solicitation+par-keeps-key+full-no-refresh": ModelConfig(
        _KEEP.replace(existing_key_lifetime=ExistingKeyLifetime.FULL_NO_REFRESH), **_FIX),  # type: ignore[arg-type]
    "rfc+refined": ModelConfig(refinements=REFINED),
    "at-choice=strongest-supported+refined": ModelConfig(
        DEFAULT.replace(at_choice=AlgorithmTypeChoice.STRONGEST_SUPPORTED), refinements=REFINED),
}
"""Configuration name to model configuration (population 1 MN / 1 AR; see ``with_population``)."""

POPULATIONS: dict[str, tuple[int, int]] = {"1mn1ar": (1, 1), "2mn2ar": (2, 2)}
