"""Interpretation switches: one named choice for every ambiguity in the RFCs.

Wherever RFC 5269 or an RFC it relies on can be read in more than one way,
the reference implements every reading and selects one with a switch below.
The Z3 model (:mod:`rfc5269.model`) uses the same names and values, so a
property's result can be reported per reading. Each switch carries the
clarification ID under which the documentation discusses it.

This module holds data only; it imports nothing from the protocol logic, so
both the reference and the model may import it.
"""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass
from typing import Any


class CertificateRequirement(enum.Enum):
    """Must the AR's PrRtAdv be signed with a certified router key?

    RFC 5269 §3.2–§3.3 as published (the IESG note's text) requires a SEND
    router certificate and MN trust anchors; draft-ietf-mipshop-handover-key-03
    only required a CGA-signed PrRtAdv.
    """

    RFC = "rfc"  # certified router key required (default)
    DRAFT = "draft"  # any valid CGA signature accepted


class ExistingKeyLifetime(enum.Enum):
    """Key Lifetime sent when the AR returns an existing key (RFC 5269 §3.2, §3.6)."""

    REMAINING = "remaining"  # the record's remaining lifetime (default)
    FULL_REFRESH = "full-refresh"  # HK-LIFETIME, and the record's expiry restarts
    FULL_NO_REFRESH = "full-no-refresh"  # HK-LIFETIME, record expiry unchanged


class AlgorithmTypeCodepoints(enum.Enum):
    """Numbering of the 4-bit AT field (RFC 5269 §4.1 defers to RFC 5568, which has none)."""

    ZERO_IS_DEFAULT = "zero-is-default"  # 0 HMAC-SHA1-96, 1 HMAC-SHA256-128 (default)
    ONE_BASED = "one-based"  # 1 HMAC-SHA1-96, 2 HMAC-SHA256-128, 0 reserved


class AlgorithmTypeChoice(enum.Enum):
    """How the AR resolves the AT field (RFC 5269 §3.2)."""

    PREFER_REQUESTED = "prefer-requested"  # requested if supported, else stronger (default)
    STRONGEST_SUPPORTED = "strongest-supported"  # always the strongest it supports


class KeyIndexAddress(enum.Enum):
    """Which AR address names a handover key on the MN (RFC 5269 §3.3, §3.4)."""

    PRRTADV_SOURCE = "prrtadv-source"  # the PrRtAdv's source CGA (default)
    CONFIGURED_PAR_ADDRESS = "configured-par-address"  # the address FBUs are sent to


class AuthenticatorCareOfAddress(enum.Enum):
    """Care-of address that enters the BADF authenticator (RFC 5568 §6.4.5, RFC 3775 §6.2.7)."""

    NCOA = "ncoa"  # Alternate CoA if present, else the packet source (default)
    PCOA = "pcoa"  # the previous care-of address (Home Address option)
    PACKET_SOURCE = "packet-source"  # the IPv6 source address as sent


class BadfLength(enum.Enum):
    """Meaning of the BADF Option Length (RFC 5568 §6.4.5)."""

    OPTION_DATA = "option-data"  # SPI + Authenticator, the RFC 3775 §6.2.1 TLV rule (default)
    AUTHENTICATOR_ONLY = "authenticator-only"  # the Authenticator alone, the literal text


class SignedChecksum(enum.Enum):
    """Which checksum value enters the SEND signature (RFC 3971 §5.2 item 4)."""

    BEFORE_SIGNATURE_OPTION = "before-signature-option"  # deployed stacks (default)
    ZERO = "zero"  # checksum field taken as zero
    TRANSMITTED = "transmitted"  # the checksum of the final message (circular)


class NonceRetention(enum.Enum):
    """How many answers an MN accepts on one RtSolPr nonce (RFC 3971 §5.3.4.1, RFC 5269 §3.3)."""

    ONE_PER_ROUTER = "one-per-router"  # one answer per router until expiry (default)
    SINGLE_ANSWER = "single-answer"  # nonce removed at the first accepted answer
    UNLIMITED = "unlimited"  # any number of answers until expiry (unsafe)


class CgaSecRange(enum.Enum):
    """Accepted CGA Sec values (RFC 3972 §2 vs RFC 4982)."""

    RFC3972 = "rfc3972"  # 0..7 (default)
    RFC4982 = "rfc4982"  # 0..2, the values the RFC 4982 registry assigns


@dataclass(frozen=True)
class Interpretations:
    """The complete set of readings a node or the model runs under."""

    certificate_requirement: CertificateRequirement = CertificateRequirement.RFC
    existing_key_lifetime: ExistingKeyLifetime = ExistingKeyLifetime.REMAINING
    at_codepoints: AlgorithmTypeCodepoints = AlgorithmTypeCodepoints.ZERO_IS_DEFAULT
    at_choice: AlgorithmTypeChoice = AlgorithmTypeChoice.PREFER_REQUESTED
    key_index_address: KeyIndexAddress = KeyIndexAddress.PRRTADV_SOURCE
    authenticator_coa: AuthenticatorCareOfAddress = AuthenticatorCareOfAddress.NCOA
    badf_length: BadfLength = BadfLength.OPTION_DATA
    signed_checksum: SignedChecksum = SignedChecksum.BEFORE_SIGNATURE_OPTION
    nonce_retention: NonceRetention = NonceRetention.ONE_PER_ROUTER
    cga_sec_range: CgaSecRange = CgaSecRange.RFC3972
    par_discards_key_at_forwarding_timeout: bool = True
    multiple_outstanding_rtsolpr: bool = True

    def replace(self, **changes: Any) -> Interpretations:
        """A copy with some switches changed."""
        return dataclasses.replace(self, **changes)

    def as_dict(self) -> dict[str, str | bool]:
        """Switch name to value (enum values as their strings)."""
        out: dict[str, str | bool] = {}
        for f in dataclasses.fields(self):
            v = getattr(self, f.name)
            out[f.name] = v.value if isinstance(v, enum.Enum) else bool(v)
        return out


DEFAULT = Interpretations()


@dataclass(frozen=True)
class SwitchInfo:
    """Documentation of one switch: where the ambiguity is and why the default."""

    name: str
    clarification: str  # clarification ID, e.g. "CL-03"
    refs: tuple[str, ...]
    question: str
    default_reason: str


SWITCHES: tuple[SwitchInfo, ...] = (
    SwitchInfo(
        "certificate_requirement", "CL-01", ("RFC 5269 §3.2", "RFC 5269 §3.3", "IESG note"),
        "Is a CGA signature on the PrRtAdv enough, or must the signing key be certified "
        "for a SEND router under an MN trust anchor?",
        "The published RFC carries the IESG note's text: a router certificate is required.",
    ),
    SwitchInfo(
        "existing_key_lifetime", "CL-02", ("RFC 5269 §3.2", "RFC 5269 §3.6"),
        "When the AR returns an existing key, which lifetime does the Key Lifetime field carry, "
        "and does returning the key extend its life on the AR?",
        "The remaining lifetime keeps the MN from believing in a key the AR will discard.",
    ),
    SwitchInfo(
        "at_codepoints", "CL-03", ("RFC 5269 §4.1", "RFC 5568 §6.4.5"),
        "Which AT values name which MAC algorithms? No registry exists.",
        "A zeroed AT field then names the RFC 5568 default, HMAC-SHA1-96.",
    ),
    SwitchInfo(
        "at_choice", "CL-04", ("RFC 5269 §3.2",),
        "May the AR choose another algorithm when it supports the requested one?",
        "The SHOULD favours the MN's preference; the alternative is shown to be harmless "
        "only when the AR's choice is never weaker.",
    ),
    SwitchInfo(
        "key_index_address", "CL-05", ("RFC 5269 §3.3", "RFC 5269 §3.4"),
        "The MN names the key by 'the AR's CGA' and also by 'the AR's IPv6 address to which "
        "the MN later sends the FBU'; these differ when the PrRtAdv comes from a link-local "
        "CGA and the FBU goes to a global address.",
        "The PrRtAdv source is the only address the MN has verified as the key's owner.",
    ),
    SwitchInfo(
        "authenticator_coa", "CL-06", ("RFC 5568 §6.4.5", "RFC 3775 §6.2.7"),
        "Which care-of address enters the FBU authenticator when RFC 3775's formula is "
        "transplanted to the PAR?",
        "RFC 3775's care-of address is the one the binding points to: the NCoA.",
    ),
    SwitchInfo(
        "badf_length", "CL-07", ("RFC 5568 §6.4.5", "RFC 3775 §6.2.1"),
        "Does the BADF Option Length count the 4-octet SPI?",
        "The generic mobility option rule counts all option data; otherwise TLV skipping breaks.",
    ),
    SwitchInfo(
        "signed_checksum", "CL-08", ("RFC 3971 §5.2",),
        "The signature covers the ICMPv6 checksum, which covers the signature option.",
        "Deployed SEND stacks sign the checksum of the message cut before the signature option.",
    ),
    SwitchInfo(
        "nonce_retention", "CL-09", ("RFC 3971 §5.3.4.1", "RFC 5269 §3.3"),
        "How long does the MN keep an RtSolPr nonce and how many PrRtAdvs may match it, "
        "given that several routers may answer?",
        "One answer per router: several routers can be heard, no answer twice.",
    ),
    SwitchInfo(
        "cga_sec_range", "CL-10", ("RFC 3972 §2", "RFC 4982"),
        "Which Sec values does a verifier accept?",
        "RFC 3971 and RFC 3972 define all eight; RFC 4982's registry is offered as a switch.",
    ),
    SwitchInfo(
        "par_discards_key_at_forwarding_timeout", "CL-11", ("RFC 5269 §3.6",),
        "The PAR must discard the key when forwarding times out, yet should keep a still-valid "
        "key after use for a rapid second handover.",
        "The MUST wins; keeping the key is offered as a switch.",
    ),
    SwitchInfo(
        "multiple_outstanding_rtsolpr", "CL-12", ("RFC 5269 §3.3", "RFC 5568 §6.1.1"),
        "May an MN have several RtSolPrs (and nonces) outstanding at once?",
        "The nonce match of §3.3 presumes it may.",
    ),
)
