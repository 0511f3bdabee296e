"""Counterpart cases: which existing case shows the other side of a requirement.

A case is written for the rule it breaks, and flagged with it. The issue's bar
(a positive and a negative case for every wire-observable MUST) also needs
the *other* side of each rule shown, and the corpus usually already holds
that case:

* for a check a receiver performs, the positive side is a valid input that
  goes through the check and passes it — typically the group's baseline
  valid case, which goes through every check of its role;
* for a rule on what a node sends, the negative side is the case where the
  receiving node is handed a message breaking that rule and must refuse it
  (the cost of breaking the rule, as a black box sees it).

:data:`COUNTERPARTS` lists those pairings as data, so that a reader can check
each one; :func:`apply` adds the flags when the corpus is generated. A case is
named by its suite and the start of its comment (unique within the suite).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

AR_BASE = "A correctly signed RtSolPr with a Handover Key Request gets a PrRtAdv"
AR_UNSIGNED = "No RSA Signature option: the RtSolPr is unsecured"
AR_BITFLIP = "One bit of the digital signature flipped."
AR_NO_CGA = "No CGA option: an RtSolPr from a specified source"
AR_ATTACKER_CGA = "The CGA Parameters are the attacker's"
AR_NO_REQUEST = "An RtSolPr without Handover Key Request gets a PrRtAdv without key."
AR_HKEPK_IS_CGA = "The HKEPK is the CGA key itself"
AR_SAME_CGA = "The same CGA asks again: the AR returns the same key"
AR_KNOWN_PEER = "Known peer, 10 s later: the smallest timestamp passing"
CPS_BASE = "A CPS from the MN's address naming the AR's anchor"
PAR_BASE = "FBU from the new link (source NCoA), HAO = PCoA, BADF under the key"
PAR_FROM_PAR_LINK = "FBU from the PAR's link (source PCoA) with an Alternate CoA option"
PAR_NO_BADF = "No BADF option."
PAR_BITFLIP = "BADF authenticator with one bit flipped."
PAR_OTHER_KEY = "BADF computed with another key."
PAR_NO_KEY = "No handover key is held for the PCoA"
PAR_OTHER_CGA = "The key is held for another CGA, which is the FBU's source"
PAR_NO_HAO = "No Home Address option."
PAR_EXPIRED = "The handover key's lifetime ended before the FBU arrived."
PAR_LINK_LOCAL_COA = "Alternate CoA is link-local (not unicast routable)."
PAR_MULTICAST_HAO = "Home Address option holds a multicast address."
PAR_MH_LENGTH = "Mobility Header length not a multiple of 8 octets."
PAR_REPLAY = "Replay of an accepted FBU (sequence 10) after sequence 11"
PAR_WRAP = "Sequence numbers compare modulo 2**16"
MN_BASE = "A PrRtAdv from the certified AR (path received in CPAs)"
MN_UNSIGNED = "Unsigned PrRtAdv"
MN_BITFLIP = "Signature bit flipped"
MN_REPLY_AFTER_SIG = "The Handover Key Reply is placed after the RSA Signature option"
MN_UNKNOWN_NONCE = "The nonce matches no outstanding RtSolPr."
MN_NO_NONCE = "No Nonce option: an unsolicited PrRtAdv"
MN_FOREIGN_ANCHOR = "Signed by a router whose path ends at an anchor the MN does not trust."
MN_OTHER_HKEPK = "The key does not decrypt under the HKEPK"
MN_AT9 = "AT 9 names no algorithm the MN supports."
MN_REPLY_LENGTH0 = "The Handover Key Reply has Length 0."
MN_SECOND_ROUTER = "A second router with a valid path"
MN_MALFORMED_CPA = "One CPA of the path is malformed"
MN_BLOCKS_OUTSIDE = "The router certificate's address blocks lie outside"
MN_SENDS_RTSOLPR = "Asked for a key, the MN sends a signed RtSolPr"
MN_SENDS_FBU = "Handover from the new link: the FBU carries"
MN_NO_KEY_FOR_PAR = "No key is held for the PAR"

COUNTERPARTS: tuple[tuple[str, str, str], ...] = (
    # --- a receiver's check: the valid input that passes it -------------------
    ("RFC5269-3.2-M2", "ar_rtsolpr", AR_BASE),
    ("RFC5269-3.2-M4", "ar_rtsolpr", AR_BASE),
    ("RFC5269-3.2-M3", "ar_rtsolpr", AR_SAME_CGA),
    ("RFC5269-4.1-M1", "ar_rtsolpr", AR_BASE),
    ("RFC3971-5-M1", "ar_rtsolpr", AR_BASE),
    ("RFC3971-5-M1", "ar_rtsolpr", AR_NO_CGA),
    ("RFC3971-5.1-M1", "ar_rtsolpr", AR_BASE),
    ("RFC3971-5.1-M4", "ar_rtsolpr", AR_BASE),
    ("RFC3971-5.1-M5", "ar_rtsolpr", AR_BASE),
    ("RFC3971-5.1.1-M4", "ar_rtsolpr", AR_BASE),
    ("RFC3971-5.1.2-M2", "ar_rtsolpr", AR_BASE),
    ("RFC3971-5.1.2-M3", "ar_rtsolpr", AR_BASE),
    ("RFC3971-5.2.2-M2", "ar_rtsolpr", AR_BASE),
    ("RFC3971-5.2.2-M3", "ar_rtsolpr", AR_BASE),
    ("RFC3971-5.2.2-M3", "ar_rtsolpr", AR_BITFLIP),
    ("RFC3971-5.2.2-M5", "ar_rtsolpr", AR_BASE),
    ("RFC3971-5.2.2-M6", "ar_rtsolpr", AR_BASE),
    ("RFC3971-5.2.2-M7", "ar_rtsolpr", AR_BASE),
    ("RFC3971-5.2.2-M8", "ar_rtsolpr", AR_BASE),
    ("RFC3971-5.2.2-M10", "ar_rtsolpr", AR_BASE),
    ("RFC3971-5.2.2-M11", "ar_rtsolpr", AR_BASE),
    ("RFC3971-5.2.2-M11", "ar_rtsolpr", AR_UNSIGNED),
    ("RFC3971-5.3.4-M1", "ar_rtsolpr", AR_BASE),
    ("RFC3971-5.3.4-M2", "ar_rtsolpr", AR_BASE),
    ("RFC3971-5.3.4-M3", "ar_rtsolpr", AR_BASE),
    ("RFC3971-5.3.4.2-M1", "ar_rtsolpr", AR_KNOWN_PEER),
    ("RFC3971-6.4.1-M4", "ar_rtsolpr", CPS_BASE),
    ("RFC3971-6.4.1-M5", "ar_rtsolpr", CPS_BASE),
    ("RFC3971-6.4.5-M1", "ar_rtsolpr", CPS_BASE),
    ("RFC5269-3.5-M3", "par_fbu", PAR_BASE),
    ("RFC5269-3.6-M4", "par_fbu", PAR_BASE),
    ("RFC3775-6.1.1-M4", "par_fbu", PAR_BASE),
    ("RFC3775-6.1.1-M6", "par_fbu", PAR_BASE),
    ("RFC3775-6.1.1-M6", "par_fbu", PAR_MH_LENGTH),
    ("RFC3775-6.1.7-M13", "par_fbu", PAR_FROM_PAR_LINK),
    ("RFC3775-6.3-M2", "par_fbu", PAR_BASE),
    ("RFC3775-6.3-M6", "par_fbu", PAR_BASE),
    ("RFC3775-6.3-M6", "par_fbu", PAR_NO_KEY),
    ("RFC3775-6.3-M7", "par_fbu", PAR_BASE),
    ("RFC3775-6.3-M7", "par_fbu", PAR_NO_KEY),
    ("RFC3775-9.3.1-M1", "par_fbu", PAR_BASE),
    ("RFC3775-9.3.1-M5", "par_fbu", PAR_BASE),
    ("RFC3775-9.3.1-M5", "par_fbu", PAR_MULTICAST_HAO),
    ("RFC3775-9.5.1-M14", "par_fbu", PAR_WRAP),
    ("RFC3775-9.5.1-M18", "par_fbu", PAR_BASE),
    ("RFC5269-3.3-M4", "mn", MN_BASE),
    ("RFC5269-4.2-M1", "mn", MN_BASE),
    ("RFC3971-5.2.2-M1", "mn", MN_BASE),
    ("RFC3971-5.3.4.1-M2", "mn", MN_BASE),
    ("RFC3971-6.3.1-M5", "mn", MN_SECOND_ROUTER),
    ("RFC3971-6.3.1-M6", "mn", MN_SECOND_ROUTER),
    ("RFC3971-6.4.6-M1", "mn", MN_SECOND_ROUTER),
    ("RFC5269-3.6-M3", "mn", MN_SENDS_FBU),
    ("RFC3775-6.1.7-M11", "mn", MN_SENDS_FBU),
    # --- a receiver's check: the input that fails it ----------------------------
    ("RFC5269-3.2-M7", "ar_rtsolpr", AR_UNSIGNED),
    ("RFC5269-3.3-M8", "mn", MN_AT9),
    ("RFC5269-3.3-M9", "mn", MN_NO_KEY_FOR_PAR),
    ("RFC5269-3.2-M16", "par_fbu", PAR_OTHER_CGA),
    ("RFC5269-3.6-M2", "par_fbu", PAR_OTHER_CGA),
    ("RFC5269-3.2-M17", "par_fbu", PAR_EXPIRED),
    ("RFC3971-5.3.3-M2", "mn", MN_UNKNOWN_NONCE),
    ("RFC3971-6.3.1-M2", "mn", MN_BLOCKS_OUTSIDE),
    ("RFC3971-6.4.2-M7", "mn", MN_MALFORMED_CPA),
    ("RFC5568-6.2.2-M8", "par_fbu", PAR_LINK_LOCAL_COA),
    ("RFC3775-9.5.1-M1", "par_fbu", PAR_BITFLIP),
    ("RFC3775-9.5.1-M2", "par_fbu", PAR_MULTICAST_HAO),
    ("RFC3775-9.5.1-M3", "par_fbu", PAR_REPLAY),
    ("RFC3775-9.5.1-M21", "par_fbu", PAR_LINK_LOCAL_COA),
    ("RFC3775-9.5.1-M22", "par_fbu", PAR_OTHER_CGA),
    # --- a rule on what a node sends: the receiver refusing a message breaking it
    ("RFC5269-3.1-M2", "mn", MN_SENDS_RTSOLPR),
    ("RFC5269-3.1-M3", "ar_rtsolpr", AR_NO_REQUEST),
    ("RFC5269-3.2-M8", "mn", MN_OTHER_HKEPK),
    ("RFC5269-3.2-M9", "mn", MN_REPLY_LENGTH0),
    ("RFC5269-3.2-M10", "mn", MN_REPLY_AFTER_SIG),
    ("RFC5269-3.2-M13", "mn", MN_NO_NONCE),
    ("RFC5269-3.2-M15", "mn", MN_FOREIGN_ANCHOR),
    ("RFC5269-3.4-M4", "par_fbu", PAR_NO_BADF),
    ("RFC3971-5.1.1-M3", "mn", MN_SENDS_RTSOLPR),
    ("RFC3971-5.1.1-M3", "ar_rtsolpr", AR_ATTACKER_CGA),
    ("RFC3971-5.2.1-M1", "mn", MN_UNSIGNED),
    ("RFC3971-5.2.1-M3", "mn", MN_BITFLIP),
    ("RFC3971-5.2.1-M3", "ar_rtsolpr", AR_BITFLIP),
    ("RFC3971-5.3.3-M3", "mn", MN_NO_NONCE),
    ("RFC5568-10-M2", "par_fbu", PAR_OTHER_KEY),
    ("RFC5568-10-M3", "par_fbu", PAR_NO_BADF),
    ("RFC3775-6.1.1-M5", "par_fbu", PAR_BASE),
    ("RFC3775-6.1.1-M5", "mn", MN_SENDS_FBU),
    ("RFC3775-11.7.2-M5", "par_fbu", PAR_LINK_LOCAL_COA),
    ("RFC3775-11.7.2-M7", "par_fbu", PAR_NO_HAO),
    ("RFC3775-11.7.2-M9", "par_fbu", PAR_REPLAY),
    ("RFC5568-6.4.3-M1", "mn", MN_SENDS_RTSOLPR),
    ("RFC5568-6.4.3-M1", "ar_rtsolpr", AR_BASE),
    ("RFC3775-6.1.7-M1", "mn", MN_SENDS_FBU),
    ("RFC3775-6.1.7-M12", "mn", MN_SENDS_FBU),
    ("RFC3971-6.4.4-M1", "ar_rtsolpr", CPS_BASE),
    ("RFC5568-6.1.1-M6", "mn", MN_SENDS_RTSOLPR),
    ("RFC3971-5.3.4.2-M3", "ar_rtsolpr", "Replay of an older RtSolPr after a newer one"),
    ("RFC3971-6.3.1-M8", "mn", MN_SECOND_ROUTER),
    ("RFC3775-6.3-M5", "par_fbu", PAR_BASE),
    ("RFC3775-6.3-M4", "mn", MN_SENDS_FBU),
    # --- what a node sends, judged by the checks of its valid case ----------------
    ("RFC5269-4.2-M2", "ar_rtsolpr", AR_BASE),
    ("RFC5269-4.2-M3", "ar_rtsolpr", AR_BASE),
    ("RFC5568-6.1.2-M2", "ar_rtsolpr", AR_BASE),
    ("RFC3971-6.4.3-M1", "ar_rtsolpr", CPS_BASE),
)
"""(requirement, suite, comment prefix): add the requirement to that case's flags."""


class _Case(Protocol):
    comment: str
    flags: list[str]


def apply(suite: str, cases: Iterable[_Case],
          table: Sequence[tuple[str, str, str]] = COUNTERPARTS) -> None:
    """Add the counterpart flags of ``table`` to the cases of ``suite`` (in place).

    Raises ``LookupError`` when a prefix names no case or several, so that a
    renamed comment cannot silently drop a pairing.
    """
    listed = list(cases)
    for requirement, where, prefix in table:
        if where != suite:
            continue
        found = [c for c in listed if c.comment.startswith(prefix)]
        if len(found) != 1:
            raise LookupError(f"{suite}: {len(found)} cases start with {prefix!r}")
        if requirement not in found[0].flags:
            found[0].flags.append(requirement)
