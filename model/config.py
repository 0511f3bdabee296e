"""What the model is run under: population, interpretation switches, scenario, constants.

The RFC ambiguities use the switches of :mod:`rfc5269.interpretations` under the
same names and values. Two further choices the RFCs leave open are model
switches here (they have clarification entries CL-20 and CL-21 in
:mod:`rfc5269.proofs.clarifications`):

* ``mn_lifetime_anchor`` — from which instant the MN counts the Key Lifetime
  of a PrRtAdv (RFC 5269 §3.3 says only that HK-LIFETIME is stored with the key);
* ``par_checks_fbu_sequence`` — whether the PAR rejects an FBU whose Sequence
  Number is not newer than the last one it accepted for the PCoA (RFC 5568
  §6.2.2 only says "see RFC 3775"; RFC 3775 §9.5.1 is written for home agents).

``faults`` switches on bug-zoo variants and ``refinements`` the abstractions
some of them need (:mod:`rfc5269.model.faults`); both default to none, which
is the honest model the proofs and trace conformance use.

Abstract domains (RFC 5269 §3, Dolev–Yao attacker):

* MN ``m`` (``0 <= m < n_mn``) owns the CGA ``m`` and the handover key
  encryption key pair (HKEPK) ``m``; the attacker owns CGA and HKEPK ``n_mn``.
* Honest access routers are ``0 <= r < n_ar`` and hold SEND router certificates.
  ``rogue = n_ar`` is an attacker router with a valid CGA and no certificate;
  ``compromised = n_ar + 1`` is an attacker-held router with a certificate,
  certified only in the compromised-router scenario.
* A handover key is the triple (issuer router, owner CGA, generation); the AR
  draws generations, and the MN draws nonces, from one counter ``fresh``.
* Algorithm types are strengths 1 < 2 < 3; honest ARs support all three.
"""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass, field

from rfc5269.interpretations import (
    AlgorithmTypeChoice,
    CertificateRequirement,
    ExistingKeyLifetime,
    Interpretations,
    KeyIndexAddress,
    NonceRetention,
)
from rfc5269.model.faults import Fault, Refinement

__all__ = [
    "AlgorithmTypeChoice",
    "CertificateRequirement",
    "ExistingKeyLifetime",
    "Fault",
    "Interpretations",
    "KeyIndexAddress",
    "LifetimeAnchor",
    "ModelConfig",
    "NonceRetention",
    "Refinement",
]


class LifetimeAnchor(enum.Enum):
    """From which instant the MN counts a received Key Lifetime (clarification CL-20)."""

    RECEIPT = "receipt"  # arrival of the PrRtAdv (the natural reading; default)
    SOLICITATION = "solicitation"  # sending of the matching RtSolPr (the proposed fix)


AT_MIN = 1
AT_MAX = 3


@dataclass(frozen=True)
class ModelConfig:
    """One configuration of the transition system."""

    interp: Interpretations = field(default_factory=Interpretations)
    n_mn: int = 1
    n_ar: int = 1
    compromised_router: bool = False
    mn_lifetime_anchor: LifetimeAnchor = LifetimeAnchor.RECEIPT
    par_checks_fbu_sequence: bool = True
    hk_lifetime: int = 6  # HK-LIFETIME in abstract time units (RFC 5269 §3.7)
    nonce_ttl: int = 2  # how long the MN keeps a solicitation nonce (RFC 3971 §5.3.4.1)
    forwarding_time: int = 3  # FMIPv6 forwarding period at the PAR (RFC 5568)
    max_tick: int = 6  # largest single time step
    mn_pref_at: int = 2  # each MN's original (weakest acceptable) request
    n_ncoa: int = 2  # distinct new care-of addresses an FBU may name
    faults: frozenset[Fault] = frozenset()  # bug-zoo variants (rfc5269.model.faults)
    refinements: frozenset[Refinement] = frozenset()  # abstractions added for them
    ar_capacity: int = 1  # key records per AR (refinement record-capacity)
    ts_window: int = 3  # RFC 3971 Delta in model units (refinement send-timestamps)

    def has(self, item: Fault | Refinement) -> bool:
        """The fault or refinement is switched on."""
        return item in self.faults or item in self.refinements

    # ---- derived domains
    @property
    def att_cga(self) -> int:
        """The attacker's CGA (and HKEPK) index."""
        return self.n_mn

    @property
    def n_cga(self) -> int:
        """Number of CGAs (honest MNs plus the attacker)."""
        return self.n_mn + 1

    @property
    def rogue(self) -> int:
        """The uncertified attacker router."""
        return self.n_ar

    @property
    def compromised(self) -> int:
        """The certified attacker router (certified only in that scenario)."""
        return self.n_ar + 1

    @property
    def n_routers(self) -> int:
        """Router indices: honest ARs, the rogue router, the compromised router."""
        return self.n_ar + 2

    @property
    def n_slots(self) -> int:
        """Outstanding-solicitation slots per MN (RFC 5269 §3.3; CL-12)."""
        return 2 if self.interp.multiple_outstanding_rtsolpr else 1

    def describe(self) -> dict[str, object]:
        """A JSON-friendly description."""
        return {
            "interpretations": self.interp.as_dict(),
            "n_mn": self.n_mn,
            "n_ar": self.n_ar,
            "compromised_router": self.compromised_router,
            "mn_lifetime_anchor": self.mn_lifetime_anchor.value,
            "par_checks_fbu_sequence": self.par_checks_fbu_sequence,
            "faults": sorted(f.value for f in self.faults),
            "refinements": sorted(r.value for r in self.refinements),
        }

    def with_population(self, n_mn: int, n_ar: int) -> ModelConfig:
        """The same configuration with another population."""
        return dataclasses.replace(self, n_mn=n_mn, n_ar=n_ar)

    def with_faults(self, *faults: Fault) -> ModelConfig:
        """The same configuration with some bug-zoo faults switched on."""
        return dataclasses.replace(self, faults=self.faults | frozenset(faults))
