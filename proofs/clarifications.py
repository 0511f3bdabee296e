"""Clarification entries the model supports with a proof or a counterexample.

Each entry names the text concerned (by section, paraphrased), the possible
readings and what the model shows under each, the evidence (a property and a
configuration from :mod:`rfc5269.proofs.configs`; the trace is reproduced by
:func:`evidence_trace`, and tests/model keeps its depth as a regression), and
a proposed resolution worded as an erratum. CL-01..CL-12 are the IDs of the
switches in :mod:`rfc5269.interpretations`; CL-20 onwards are new.
"""

from __future__ import annotations

from dataclasses import dataclass

from rfc5269.proofs.catalogue import PROPERTIES
from rfc5269.proofs.configs import CONFIGS
from rfc5269.proofs.engine import bmc
from rfc5269.proofs.msc import render_mermaid, render_text


@dataclass(frozen=True)
class Evidence:
    """A (property, configuration) pair and what the prover finds there."""

    property_id: str
    config: str
    outcome: str  # "violated at depth N" or "proved"
    depth: int | None = None


@dataclass(frozen=True)
class Clarification:
    """One clarification entry."""

    id: str
    title: str
    refs: tuple[str, ...]
    text: str
    readings: tuple[tuple[str, str], ...]
    evidence: tuple[Evidence, ...]
    resolution: str
    switch: str | None = None
    witness: tuple[str, ...] = ()
    """Witnesses outside the model: tests, vectors, findings on other software."""


def _v(pid: str, config: str, depth: int) -> Evidence:
    return Evidence(pid, config, f"violated at depth {depth}", depth)


def _p(pid: str, config: str) -> Evidence:
    return Evidence(pid, config, "proved")


CLARIFICATIONS: tuple[Clarification, ...] = (
    Clarification(
        "CL-01", "A CGA signature alone does not authenticate the router",
        ("RFC 5269 §3.2", "RFC 5269 §3.3", "IESG approval note"),
        "The draft text had the AR sign the PrRtAdv with the key of its CGA; the approved text "
        "requires a SEND router certificate and MN trust anchors.",
        (("rfc", "the MN accepts only PrRtAdvs signed by a certified router key: P2 and P6 hold"),
         ("draft", "any CGA-signed PrRtAdv answering the nonce is accepted: a rogue router with "
          "its own CGA hands the MN a key it knows and the weakest AT")),
        (_v("P2", "draft", 2), _v("P6", "draft", 2), _p("P2", "rfc"), _p("P6", "rfc")),
        "In §3.3, after 'the router's certified public key', add: 'that is, a key certified for "
        "a SEND router under one of the MN's configured trust anchors; a valid CGA signature "
        "alone is not sufficient.'",
        "certificate_requirement",
    ),
    Clarification(
        "CL-02", "Lifetime sent with an existing key",
        ("RFC 5269 §3.2", "RFC 5269 §3.6"),
        "When the CGA already has a key, the AR returns it and includes HK-LIFETIME; the text "
        "does not say whether that is the full lifetime or what remains, nor whether the record "
        "is extended.",
        (("remaining", "MN and AR expire the key together (P5 proved with CL-20's fix)"),
         ("full-refresh", "the AR restarts the record: P5 proved with CL-20's fix"),
         ("full-no-refresh", "the MN believes the key valid after the AR has dropped it")),
        (_v("P5", "lifetime-anchor=solicitation+par-keeps-key+full-no-refresh", 7),
         _p("P5", "lifetime-anchor=solicitation+par-keeps-key"),
         _p("P5", "lifetime-anchor=solicitation+par-keeps-key+full-refresh")),
        "In §3.2 replace 'The lifetime of the key, HK-LIFETIME, MUST also be included' with "
        "'The remaining lifetime of the key (HK-LIFETIME for a new key) MUST also be included'.",
        "existing_key_lifetime",
    ),
    Clarification(
        "CL-04", "Algorithm choice when the requested AT is supported",
        ("RFC 5269 §3.2",),
        "The AR SHOULD use the requested algorithm if it supports it, else one at least as "
        "strong.",
        (("prefer-requested", "combined with 'return the existing key' (CL-23) an MN that asks "
          "again for a stronger AT keeps the weaker one"),
         ("strongest-supported", "the AR's choice is never weaker than any request: P8 proved")),
        (_v("P8", "rfc", 5), _p("P8", "at-choice=strongest-supported"),
         _p("P6", "rfc"), _p("P6", "at-choice=strongest-supported")),
        "See CL-23.",
        "at_choice",
    ),
    Clarification(
        "CL-05", "Which AR address names the key on the MN",
        ("RFC 5269 §3.3", "RFC 5269 §3.4"),
        "The MN names the key with the AR's CGA and also indexes it by the AR address it later "
        "sends the FBU to.",
        (("prrtadv-source", "the key is filed under the router that signed it: P3 proved"),
         ("configured-par-address", "the key is filed under the router the RtSolPr went to, so "
          "an answer from another router that the MN accepts (a rogue one under the draft rule, "
          "a compromised certified one under the RFC rule) replaces the key for the MN's AR with "
          "one the attacker knows")),
        (_v("P3", "key-index=configured-par-address+draft", 2),
         _v("P3", "key-index=configured-par-address+compromised-router", 2),
         _v("P5", "key-index=configured-par-address+draft", 2),
         _p("P3", "rfc"), _p("P3", "key-index=configured-par-address")),
        "In §3.3 add: 'The key MUST be stored under the address of the router whose certified "
        "key signed the PrRtAdv; an MN MUST NOT file a key under another router's address.'",
        "key_index_address",
    ),
    Clarification(
        "CL-09", "How many answers one nonce may receive",
        ("RFC 3971 §5.3.4.1", "RFC 5269 §3.3"),
        "Several routers may answer one RtSolPr; nothing limits how many PrRtAdvs may match a "
        "nonce while it is remembered.",
        (("one-per-router", "a replayed PrRtAdv is dropped: P2 proved"),
         ("single-answer", "the nonce is consumed: P2 proved"),
         ("unlimited", "a replayed PrRtAdv is accepted again")),
        (_v("P2", "nonce-retention=unlimited", 4), _p("P2", "rfc"),
         _p("P2", "nonce-retention=single-answer")),
        "In §3.3 add: 'The MN MUST NOT accept more than one PrRtAdv from the same router for one "
        "nonce.'",
        "nonce_retention",
    ),
    Clarification(
        "CL-11", "Discarding the key at forwarding time-out",
        ("RFC 5269 §3.6",),
        "The PAR must discard the key when forwarding for the PCoA times out, yet should keep a "
        "still-valid key after use; the MN is not told either way.",
        (("discard", "after one handover the MN holds a key its PAR has already dropped"),
         ("keep", "MN and AR agree (P5 proved with CL-20's fix)")),
        (_v("P5", "lifetime-anchor=solicitation", 7),
         _p("P5", "lifetime-anchor=solicitation+par-keeps-key")),
        "In §3.6 replace the last sentence with: 'The PAR MUST discard the key when HK-LIFETIME "
        "expires. It MAY discard it earlier, after FMIPv6 forwarding for the previous Care-of "
        "Address times out, in which case the MN MUST treat the key as expired after a "
        "successful FBU.'",
        "par_discards_key_at_forwarding_timeout",
    ),
    Clarification(
        "CL-12", "Several outstanding RtSolPrs",
        ("RFC 5269 §3.3", "RFC 5568 §6.1.1"),
        "The nonce match presumes the MN may have several RtSolPrs outstanding.",
        (("allowed", "P2 and P6 proved; P8 fails as under a single one (CL-23)"),
         ("single", "P2 and P6 proved; P8 fails the same way")),
        (_p("P2", "rfc"), _p("P2", "multiple-outstanding-rtsolpr=false"),
         _p("P6", "multiple-outstanding-rtsolpr=false"),
         _v("P8", "multiple-outstanding-rtsolpr=false", 5)),
        "None needed: no checked property depends on this reading.",
        "multiple_outstanding_rtsolpr",
    ),
    Clarification(
        "CL-20", "From when does the MN count the Key Lifetime?",
        ("RFC 5269 §3.3", "RFC 5269 §4.2"),
        "The MN stores HK-LIFETIME with the key; the PrRtAdv may reach it any time while the "
        "nonce is remembered, and the AR's record started counting when the AR answered.",
        (("receipt", "a PrRtAdv delayed by the network (or held back by the attacker) makes the "
          "MN's copy outlive the AR's record: the MN later sends FBUs the PAR cannot verify"),
         ("solicitation", "counting from the moment the RtSolPr was sent never outlives the "
          "AR's record (P5 proved, with CL-11 keep and CL-02 remaining or full-refresh)")),
        (_v("P5", "rfc", 5), _v("P5", "par-discards-key-at-forwarding-timeout=false", 5),
         _p("P5", "lifetime-anchor=solicitation+par-keeps-key")),
        "In §3.3 add: 'The MN MUST count the Key Lifetime from the time it sent the RtSolPr "
        "whose nonce the PrRtAdv carries.'",
    ),
    Clarification(
        "CL-21", "Sequence Number check on FBUs at the PAR",
        ("RFC 5568 §6.2.2", "RFC 3775 §9.5.1", "RFC 5269 §3.5"),
        "RFC 5568 only says 'see RFC 3775' for the FBU Sequence Number; RFC 3775 §9.5.1 is "
        "written for home agents and RFC 5269 §3.5 mentions only the key lookup and the MAC.",
        (("checked", "an FBU is applied once: P4 proved"),
         ("unchecked", "the attacker replays the MN's FBU, e.g. to re-establish forwarding after "
          "it ended")),
        (_v("P4", "fbu-sequence-unchecked", 6), _p("P4", "rfc")),
        "In RFC 5269 §3.5 add: 'The PAR MUST keep, with the key, the Sequence Number of the last "
        "FBU it accepted for the care-of CGA and MUST discard an FBU whose Sequence Number is "
        "not greater (modulo 2^16, RFC 3775 §9.5.1).'",
    ),
    Clarification(
        "CL-22", "Bidding down by a compromised certified router",
        ("RFC 5269 §3.3",),
        "The MN must use the returned AT; against compromised routers it is only told not to "
        "ask for less than its original request, which does not stop it from accepting less.",
        (("as written", "a compromised certified router answers the MN's nonce with the weakest "
          "AT and is accepted"),
         ("proposed", "the MN drops a reply with an AT weaker than requested")),
        (_v("P6", "rfc+compromised-router", 2), _p("P6", "rfc")),
        "In §3.3 add: 'The MN MUST drop a PrRtAdv whose AT names an algorithm weaker than the "
        "one it requested.'",
    ),
    Clarification(
        "CL-23", "Re-requesting a stronger AT while a key exists",
        ("RFC 5269 §3.2", "RFC 5269 §3.3"),
        "The MN may re-send the RtSolPr asking for another algorithm; the AR must return the "
        "existing key if the CGA has one, and the text does not say whether its recorded AT "
        "changes.",
        (("existing record kept", "the MN asks for a stronger AT and receives the existing key "
          "with the weaker one (no attacker needed)"),
         ("strongest-supported (CL-04)", "never weaker than any request: P8 proved"),
         ("MN drops weaker answers (§3.3 SHOULD, as the reference does)", "the MN refuses the "
          "honest AR's answer, and asking again changes nothing until the record expires: "
          "the exchange cannot complete (P12 violated; with strongest-supported it holds)"),
         ("replace on AT change", "not modelled: the AR would issue a new key")),
        (_v("P8", "rfc", 5), _p("P8", "at-choice=strongest-supported"),
         _v("P12", "rfc+refined", 4), _p("P12", "rfc"),
         _p("P12", "at-choice=strongest-supported+refined")),
        "In §3.2 add: 'If the CGA has a key whose algorithm is weaker than the one requested, "
        "the AR MUST construct a new key for the requested algorithm and replace the record.'",
    ),
    Clarification(
        "CL-24", "Timestamp cache lifetime",
        ("RFC 3971 §5.3.4.2", "RFC 5269 §5"),
        "RFC 3971 lets a receiver drop cache entries but does not say for how long an entry must "
        "be kept for the timestamp check to stop replays.",
        (("kept 2*Delta", "no replay passes after eviction (P7.3)"),
         ("kept Delta (sendd)", "a sender whose clock runs ahead lets a replay through after "
          "eviction (P7.5 refuted with a witness)")),
        (Evidence("P7", "rfc3971-arithmetic", "P7.3 proved; P7.4 proved; P7.5 refuted"),),
        "In RFC 3971 §5.3.4.2 add: 'A cache entry SHOULD be kept for at least twice the allowed "
        "Delta after its last update.'",
    ),
    Clarification(
        "CL-25", "Exact replays inside the fuzz window",
        ("RFC 3971 §5.3.4.2", "RFC 5269 §5"),
        "With a cache entry, a copy carrying the same timestamp passes the known-peer check when "
        "it arrives less than 2*fuzz/(1-drift) after the original (about 2.02 s by default).",
        (("as written", "a replayed RtSolPr within about 2 s is processed again; under "
          "existing_key_lifetime=full-refresh it restarts the key's lifetime"),
         ("proposed", "a message whose timestamp equals TSlast is discarded")),
        (Evidence("P7", "rfc3971-arithmetic", "P7.1 proved"),),
        "In RFC 3971 §5.3.4.2 add: 'A message whose timestamp does not exceed TSlast and whose "
        "signature equals that of the last accepted message MUST be discarded.'",
    ),
)


_W_BADF = ("tests/nodes/test_interpretations.py: an FBU written under one BadfLength "
           "reading is malformed under the other",
           "finding TSHARK-01 and TSHARK-02: tshark handles neither reading")

REFERENCE_CLARIFICATIONS: tuple[Clarification, ...] = (
    Clarification(
        "CL-03", "No code points for the AT field",
        ("RFC 5269 §4.1", "RFC 5269 §4.2", "RFC 5568 §6.4.5"),
        "RFC 5269 defines a 4-bit AT field naming the FBU authenticator algorithm and refers to "
        "RFC 5568, which names HMAC-SHA1 truncated to 96 bits as the default and HMAC-SHA256 as "
        "possible, but assigns no numbers; no IANA registry exists.",
        (("zero-is-default", "AT 0 = HMAC-SHA1-96, AT 1 = HMAC-SHA256-128: a zeroed field "
          "means the RFC 5568 default"),
         ("one-based", "AT 1 = HMAC-SHA1-96, AT 2 = HMAC-SHA256-128, AT 0 reserved")),
        (),
        "Add to RFC 5269 §6: 'IANA is requested to create a registry for the AT field; value 0 "
        "denotes HMAC-SHA1 truncated to 96 bits as specified by RFC 5568 §6.4.5, value 1 "
        "HMAC-SHA256 truncated to 128 bits; further values by Specification Required.'",
        "at_codepoints",
        ("tests/handover: resolve_at tables under both readings",
         "two implementations with different numberings agree on no key: the MN rejects the "
         "AR's answer as unsupported or weaker"),
    ),
    Clarification(
        "CL-06", "Which care-of address enters the FBU authenticator",
        ("RFC 5568 §6.4.5", "RFC 3775 §6.2.7", "RFC 5269 §3.4"),
        "The BADF authenticator is RFC 3775's with the correspondent replaced by the PAR's "
        "address; RFC 3775's formula also takes the care-of address, which for an FBU could be "
        "the NCoA (Alternate CoA or source), the PCoA (Home Address option) or the packet source.",
        (("ncoa", "the address the binding points to; equals the source in reactive mode and "
          "the Alternate CoA in predictive mode"),
         ("pcoa", "the address the key is named by"),
         ("packet-source", "whatever the IPv6 source is: the PCoA in predictive mode")),
        (),
        "In RFC 5568 §6.4.5 add: 'The care-of address used in the authenticator is the NCoA: "
        "the Alternate Care-of Address option when present, otherwise the IPv6 source address.'",
        "authenticator_coa",
        ("tests/nodes/test_interpretations.py: an MN authenticating over the PCoA or the "
         "packet source is refused by a PAR using the NCoA (authenticator-mismatch)",),
    ),
    Clarification(
        "CL-07", "BADF Option Length",
        ("RFC 5568 §6.4.5", "RFC 3775 §6.2.1"),
        "The BADF option's Length is described as the length of the Authenticator, while the "
        "option also carries a 4-octet SPI and the generic mobility option rule counts all "
        "option data.",
        (("option-data", "Length = 4 + authenticator length (16 for HMAC-SHA1-96): generic "
          "option parsing skips it correctly"),
         ("authenticator-only", "Length = authenticator length (12): a parser applying the "
          "generic rule overruns by 4 octets")),
        (),
        "In RFC 5568 §6.4.5 replace the Option Length text with: 'Option Length: the length of "
        "the option in octets, excluding the Type and Option Length fields (4 plus the length "
        "of the Authenticator).'",
        "badf_length",
        _W_BADF,
    ),
    Clarification(
        "CL-08", "The checksum inside the SEND signature",
        ("RFC 3971 §5.2", "RFC 5269 §3.1", "RFC 5269 §3.2"),
        "The signature covers the ICMPv6 checksum, and the checksum covers the RSA Signature "
        "option that carries the signature: read literally the definition is circular.",
        (("before-signature-option", "the checksum of the message cut at the signature option "
          "(sendd, NDprotector, veripy)"),
         ("zero", "the checksum field taken as zero"),
         ("transmitted", "the final checksum; satisfiable only by forcing it through padding")),
        (),
        "In RFC 3971 §5.2 item 4 say: 'the Checksum computed over the message as it stands "
        "before the RSA Signature option is appended, with the IPv6 length of that message'.",
        "signed_checksum",
        ("tests/send/test_signature.py::test_each_checksum_reading_round_trips",
         "tests/send/test_thc_ipv6.py: thc-ipv6's signatures verify under none of the three "
         "readings (finding recorded there)"),
    ),
    Clarification(
        "CL-10", "Accepted CGA Sec values",
        ("RFC 3972 §2", "RFC 4982"),
        "RFC 3972 defines Sec 0-7; RFC 4982 turned Sec into an algorithm selector whose "
        "registry assigns only 0-2.",
        (("rfc3972", "Sec 0-7 accepted"), ("rfc4982", "Sec 3-7 rejected as unassigned")),
        (),
        "In RFC 5269 §5 add: 'Verifiers follow the CGA Sec registry of RFC 4982.'",
        "cga_sec_range",
        ("tests/send/test_cga.py: Sec outside the configured range is rejected "
         "(cga-sec-not-accepted)",),
    ),
    Clarification(
        "CL-26", "The PAR discards a key the MN still holds",
        ("RFC 5269 §3.6",),
        "The PAR must discard the handover key when FMIPv6 forwarding for the PCoA ends, but "
        "nothing tells the MN, which keeps the key until HK-LIFETIME and may use it for a "
        "second, rapid handover that §3.6 itself anticipates.",
        (("as written", "the MN's next FBU to that PAR is refused (no-handover-key) although "
          "the MN believes its key valid"),
         ("proposed", "the PAR keeps the key until HK-LIFETIME, or the FBack's Lifetime tells "
          "the MN when the key goes")),
        (),
        "In RFC 5269 §3.6 add: 'The MN MUST treat the handover key for a PAR as expired when "
        "the forwarding lifetime granted in the FBack runs out.'",
        None,
        ("rfc5269 demo, step 4: par_key_discarded True while mn_still_holds_key True",
         "P5 violated under the RFC reading (CL-11 entry)"),
    ),
    Clarification(
        "CL-27", "Nonce lifetime versus certification path retrieval",
        ("RFC 5269 §3.3", "RFC 3971 §5.3.4.1", "RFC 3971 §6.4.6"),
        "The MN must obtain the router's certification path with CPS/CPA before it can accept "
        "a PrRtAdv, and may take up to CPS_RETRY_MAX (15 s) to do so, while deployed SEND "
        "stacks forget a solicitation's nonce after 2-10 s.",
        (("nonce kept 10 s", "a PrRtAdv whose path arrives after 10 s fails with "
          "nonce-unknown and the exchange starts again"),
         ("nonce kept while a PrRtAdv awaits its path", "the held PrRtAdv is judged against "
          "the nonce it arrived with")),
        (),
        "In RFC 5269 §3.3 add: 'An MN holding a PrRtAdv while it obtains the router's "
        "certification path MUST keep the RtSolPr's nonce until that retrieval ends.'",
        None,
        ("reference/nodes/mn.py: CPS retried with doubling waits up to CPS_RETRY_MAX; nonce "
         "lifetime 10 s (rfc5269.send.nonces.DEFAULT_NONCE_LIFETIME)",),
    ),
    Clarification(
        "CL-28", "Answering an RtSolPr that fails SEND validation",
        ("RFC 5269 §3.2", "RFC 3971 §5.2.2", "RFC 5269 §5"),
        "RFC 5269 says the AR should still answer an RtSolPr that fails validation; RFC 3971 "
        "says a node accepting only secured messages silently discards it; every answer costs "
        "the AR an RSA signature, which a flood of invalid requests can exploit.",
        (("answer", "a keyless PrRtAdv to every invalid request: the AR signs for free"),
         ("answer within a budget", "the reference's default: keyless answers rate-limited "
          "separately (global rate / 10)"),
         ("drop", "RFC 3971's secured-only behaviour")),
        (),
        "In RFC 5269 §3.2 replace 'SHOULD respond' with 'MAY respond, subject to a rate limit "
        "on unauthenticated requests'.",
        None,
        ("rfc5269 bench flood: answers to unsigned floods stay within the budget "
         "(no amplification)",),
    ),
    Clarification(
        "CL-29", "Units of the FBU and FBack Lifetime",
        ("RFC 5568 §6.2.2", "RFC 5568 §6.2.3", "RFC 3775 §6.1.7"),
        "RFC 5568 counts the Lifetime of FBU and FBack in seconds; RFC 3775, whose Binding "
        "Update format the FBU reuses, counts in units of 4 seconds.",
        (("seconds", "RFC 5568's text (the reference)"),
         ("4-second units", "RFC 3775 and tshark's dissector: the same field means 4 times "
          "longer")),
        (),
        "In RFC 5568 §6.2.2 add: 'Unlike RFC 3775, the Lifetime is in units of seconds.'",
        None,
        ("finding TSHARK-05",),
    ),
    Clarification(
        "CL-30", "FBack for a stale Sequence Number",
        ("RFC 3775 §9.5.1", "RFC 5568 §6.2.3"),
        "RFC 3775 answers a Binding Update whose Sequence Number is not newer with status 135 "
        "and the last accepted number; RFC 5568's list of FBack status values omits 135.",
        (("status 135", "the reference's PAR: the MN can resynchronise"),
         ("silent discard", "the MN retries with the same stale number until it gives up")),
        (),
        "In RFC 5568 §6.2.3 add status 135 (Sequence number out of window) with the RFC 3775 "
        "meaning.",
        None,
        ("tests/nodes/test_par.py: a replayed authentic FBU gets FBack status 135 and changes "
         "no forwarding",),
    ),
    Clarification(
        "CL-31", "New Router Prefix Information in a PrRtAdv",
        ("RFC 5568 §6.1.2", "RFC 5568 §6.4.1", "RFC 4861 §4.6.2"),
        "The PrRtAdv must carry a 'New Router Prefix Information Option' for codes 0 and 1; "
        "this may mean the IP Address/Prefix option with code 4 or the Neighbor Discovery "
        "Prefix Information option (type 3).",
        (("IP Address/Prefix, code 4", "the reference's AR and codec"),
         ("Prefix Information (type 3)", "kept as an unknown option by the reference's codec")),
        (),
        "In RFC 5568 §6.1.2 name the option: 'the IP Address/Prefix option (Section 6.4.1) "
        "with Option-Code 4'.",
        None,
        ("reference/nodes/ar.py: _router_information",),
    ),
    Clarification(
        "CL-32", "Address blocks below the issuer's: subset or intersection",
        ("RFC 3971 §6.3.1", "RFC 3779 §2.3"),
        "RFC 3971 first lets a client use the intersection of a certificate's prefixes with "
        "its issuer's (MAY), then requires them to be a subset (MUST).",
        (("subset", "the reference's default (RFC 3779)"),
         ("intersection", "available as rfc5269.send.addrblocks.DelegationPolicy.INTERSECT")),
        (),
        "In RFC 3971 §6.3.1 delete the sentence allowing the intersection.",
        None,
        ("tests/send/test_pkix.py: a router certificate wider than its issuer is rejected "
         "(cert-address-blocks-not-delegated)",),
    ),
    Clarification(
        "CL-33", "'Exactly the same parameters' for the HKEPK",
        ("RFC 5269 §3.1", "RFC 5269 §4.1"),
        "The Handover Key Encryption key pair must use exactly the CGA key's algorithm and "
        "parameters; for RSA it is unsaid whether the public exponent counts as a parameter.",
        (("modulus size and exponent", "the reference's AR refuses a different exponent"),
         ("modulus size only", "require_same_exponent=False in rfc5269.handover.check_hkepk")),
        (),
        "In RFC 5269 §4.1 say: 'the same modulus length and public exponent'.",
        None,
        ("tests/handover: hkepk-exponent-mismatch refused",),
    ),
)

CLARIFICATIONS = CLARIFICATIONS + REFERENCE_CLARIFICATIONS


def by_id(cid: str) -> Clarification:
    """Look up an entry."""
    for c in CLARIFICATIONS:
        if c.id == cid:
            return c
    raise KeyError(cid)


def evidence_trace(ev: Evidence, mermaid: bool = False) -> str:
    """Reproduce a counterexample of an entry as a chart (empty for proved evidence)."""
    if ev.depth is None:
        return ""
    prop = PROPERTIES[ev.property_id]
    cfg = CONFIGS[ev.config]
    out = bmc(prop, cfg, ev.depth)
    title = f"{prop.id} under {ev.config}"
    render = render_mermaid if mermaid else render_text
    return render(cfg, out.events, title)
