"""Model variants: the bug zoo's faults as step-relation switches, and the refinements they need.

Each :class:`Fault` is one deliberately faulty variant of the bug zoo
(``tests/zoo/variants.py``), under the zoo variant's name, expressed as the
smallest change to one rule of :mod:`rfc5269.model.rules`. A fault is off
unless listed in :attr:`rfc5269.model.config.ModelConfig.faults`; with no
fault the step relation is the honest one the properties are proved for.

Some faults break a requirement about something the base model abstracts
away. A :class:`Refinement` adds the smallest abstraction that makes it
visible; every refinement is off by default, so the honest model, its proofs
and trace conformance are unchanged, and it is switched on (with the honest
nodes' matching check) in the configurations the zoo is judged on
(:mod:`rfc5269.proofs.configs`, ``rfc+refined``).

=================================================  ===========================================
fault (zoo variant)                                what changes in the step relation
=================================================  ===========================================
ar-skips-signature-check                           AR: ``send_signature_valid`` always passes
ar-skips-cga-check                                 AR: any valid signature passes, whoever's
                                                   key made it (the CGA binding is not checked)
ar-installs-key-before-validation                  AR: a record (weakest AT) is created for the
                                                   claimed source before any check
ar-overwrites-key-on-invalid-request               AR: an RtSolPr failing SEND validation
                                                   replaces the existing record's key
ar-omits-nonce                                     AR: the PrRtAdv carrying the key has no nonce
ar-new-key-on-every-request                        AR: a new key even when a valid record exists
ar-answers-weaker-algorithm                        AR: new keys get the weakest AT
ar-ignores-timestamp-window                        AR: no timestamp check (needs send-timestamps)
ar-unbounded-key-records                           AR: no record-capacity check (needs
                                                   record-capacity)
par-accepts-fbu-without-handover-key-badf          PAR: a BADF under another SPI is taken
                                                   unverified (needs unauthenticated-parts)
par-ignores-sequence-number                        PAR: no Sequence Number check
par-looks-up-key-by-source                         PAR: the key is found by the packet source,
                                                   not the Home Address option
par-forwards-without-key                           PAR: with no valid record for the PCoA, the
                                                   key and MAC checks are skipped
mn-accepts-uncertified-router                      MN: no ``router_certified`` check
mn-skips-nonce-match                               MN: an unknown nonce is taken as answering
                                                   its latest live solicitation
mn-reaccepts-answered-nonce                        MN: an accepted answer does not use up the
                                                   nonce
mn-decrypts-before-verifying                       MN: decryption is its first check (needs
                                                   decryption-oracle)
mn-accepts-weaker-algorithm                        MN: no AT-not-weaker check (needs
                                                   mn-at-not-weaker)
mn-processes-options-after-signature               MN: a Handover Key Reply after the RSA
                                                   Signature option is used (needs
                                                   unauthenticated-parts)
=================================================  ===========================================
"""

from __future__ import annotations

import enum


class Fault(enum.Enum):
    """One bug-zoo variant as a change to the model's step relation (see the module table)."""

    AR_SKIPS_SIGNATURE_CHECK = "ar-skips-signature-check"
    AR_SKIPS_CGA_CHECK = "ar-skips-cga-check"
    AR_INSTALLS_KEY_BEFORE_VALIDATION = "ar-installs-key-before-validation"
    AR_OVERWRITES_KEY_ON_INVALID_REQUEST = "ar-overwrites-key-on-invalid-request"
    AR_OMITS_NONCE = "ar-omits-nonce"
    AR_NEW_KEY_ON_EVERY_REQUEST = "ar-new-key-on-every-request"
    AR_ANSWERS_WEAKER_ALGORITHM = "ar-answers-weaker-algorithm"
    AR_IGNORES_TIMESTAMP_WINDOW = "ar-ignores-timestamp-window"
    AR_UNBOUNDED_KEY_RECORDS = "ar-unbounded-key-records"
    PAR_ACCEPTS_FBU_WITHOUT_HANDOVER_KEY_BADF = "par-accepts-fbu-without-handover-key-badf"
    PAR_IGNORES_SEQUENCE_NUMBER = "par-ignores-sequence-number"
    PAR_LOOKS_UP_KEY_BY_SOURCE = "par-looks-up-key-by-source"
    PAR_FORWARDS_WITHOUT_KEY = "par-forwards-without-key"
    MN_ACCEPTS_UNCERTIFIED_ROUTER = "mn-accepts-uncertified-router"
    MN_SKIPS_NONCE_MATCH = "mn-skips-nonce-match"
    MN_REACCEPTS_ANSWERED_NONCE = "mn-reaccepts-answered-nonce"
    MN_DECRYPTS_BEFORE_VERIFYING = "mn-decrypts-before-verifying"
    MN_ACCEPTS_WEAKER_ALGORITHM = "mn-accepts-weaker-algorithm"
    MN_PROCESSES_OPTIONS_AFTER_SIGNATURE = "mn-processes-options-after-signature"


class Refinement(enum.Enum):
    """An abstraction the base model leaves out, added for the faults that need it.

    * ``send-timestamps`` — RFC 3971 §5.3.4.2 in its simplest form: an RtSolPr
      carries its sending time (the attacker stamps its own messages as it
      likes); the AR accepts it only while ``|now - ts| < ts_window``
      (the new-peer rule; P7 treats the cache arithmetic).
    * ``record-capacity`` — RFC 5269 §5: an AR holds at most ``ar_capacity``
      key records; a new CGA finding the table full is refused (existing
      records are never evicted, as in the reference).
    * ``mn-at-not-weaker`` — RFC 5269 §3.3 (SHOULD): the MN drops a reply whose
      AT is weaker than the one it asked for (the reference does this check).
    * ``unauthenticated-parts`` — the attacker can also send what no key
      authenticates: an RtSolPr with no valid signature (signer
      :data:`NO_SIGNER`), a PrRtAdv whose Handover Key Reply sits after the
      RSA Signature option (RFC 3971 §5.2.2: unsigned), an FBU whose BADF is
      under another SPI than the handover key's (RFC 5568 §6.2.2, §6.4.5).
      The honest nodes check each.
    * ``decryption-oracle`` — a ghost per MN recording that it ran its HKEPK
      private key over a Handover Key Reply whose PrRtAdv had not passed its
      SEND checks: a decryption oracle for the attacker (RSAES-PKCS1-v1_5,
      RFC 5269 §3.3, §5).
    """

    SEND_TIMESTAMPS = "send-timestamps"
    RECORD_CAPACITY = "record-capacity"
    MN_AT_NOT_WEAKER = "mn-at-not-weaker"
    UNAUTHENTICATED_PARTS = "unauthenticated-parts"
    DECRYPTION_ORACLE = "decryption-oracle"


NO_SIGNER = -1
"""The ``signer`` of an RtSolPr with no valid signature (refinement ``unauthenticated-parts``)."""

NEEDS: dict[Fault, Refinement] = {
    Fault.AR_IGNORES_TIMESTAMP_WINDOW: Refinement.SEND_TIMESTAMPS,
    Fault.AR_UNBOUNDED_KEY_RECORDS: Refinement.RECORD_CAPACITY,
    Fault.PAR_ACCEPTS_FBU_WITHOUT_HANDOVER_KEY_BADF: Refinement.UNAUTHENTICATED_PARTS,
    Fault.MN_DECRYPTS_BEFORE_VERIFYING: Refinement.DECRYPTION_ORACLE,
    Fault.MN_ACCEPTS_WEAKER_ALGORITHM: Refinement.MN_AT_NOT_WEAKER,
    Fault.MN_PROCESSES_OPTIONS_AFTER_SIGNATURE: Refinement.UNAUTHENTICATED_PARTS,
}
"""Faults that only change something a refinement adds (without it they change nothing)."""
