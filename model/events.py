"""The event vocabulary of the model: one event per step of the transition system.

These are the inputs of the concrete step function
(:func:`rfc5269.model.concrete.step`) and the alphabet of the traces the
prover prints. The reference's trace events (``rfc5269.nodes.trace``) map onto
them one to one; all values are abstract indices (see
:mod:`rfc5269.model.config`), so the conformance glue keeps a table from
concrete CGAs, routers, nonces and key fingerprints to indices, assigning
nonces and key generations in order of first appearance (the model requires a
new nonce or key generation to equal the state's ``fresh`` counter).

=====================  ==========================================  ===================
event                  what happens                                RFC
=====================  ==========================================  ===================
MnSendsRtSolPr         MN ``mn`` sends a signed RtSolPr with a      RFC 5269 §3.1
                       Handover Key Request (AT ``at``) and a
                       new ``nonce`` to ``router``
ArReceivesRtSolPr      AR ``ar`` is handed an RtSolPr claiming      RFC 5269 §3.2, §5
                       source CGA ``src``, signed by ``signer``'s
                       CGA key
MnReceivesPrRtAdv      MN ``mn`` is handed a PrRtAdv from router    RFC 5269 §3.3
                       ``src`` signed by ``signer``
MnSendsFbu             MN ``mn`` sends an FBU to PAR ``par``        RFC 5269 §3.4
ParReceivesFbu         PAR ``par`` is handed an FBU for PCoA        RFC 5269 §3.5
                       ``hoa`` with a MAC under ``key``
ArKeyExpires           the record of ``cga`` at ``ar`` passes its   RFC 5269 §3.6
                       HK-LIFETIME
ForwardingTimesOut     forwarding for ``cga`` at ``par`` ends       RFC 5269 §3.6
TimePasses             the clock advances by ``delta``              —
=====================  ==========================================  ===================

Deliveries are made by the network, i.e. the attacker: an event that hands a
node a message is *enabled* only if the message is in the history of honestly
sent messages or the attacker can build it (its own CGA, HKEPK and routers,
keys it knows). The concrete step reports such an event as ``disabled``.

Mapping a reference trace onto these events:

* ``signer`` is the index of the CGA (for an RtSolPr) or router (for a
  PrRtAdv) whose key made the signature. A reference whose SEND check passed
  maps to ``signer == src``; one whose check failed maps to the attacker's
  index (the attacker's CGA ``n_mn``, or the rogue router ``n_ar``).
* ``hkepk`` / ``enc_to`` name the owner of the handover key encryption key.
* ``key`` is (issuer router, owner CGA, generation); the glue numbers
  generations with the nonces, in order of first appearance, from 1.
* A rejection's reason is the name of the first failed check, one of
  ``send_signature_valid``, ``router_certified``, ``nonce_matches_outstanding``,
  ``decrypts_with_own_hkepk``, ``first_answer_from_router``,
  ``key_record_found``, ``authenticator_valid``, ``sequence_number_newer``;
  under the refinements of :mod:`rfc5269.model.faults` also
  ``timestamp_in_window``, ``record_capacity``, ``reply_signed``,
  ``at_not_weaker`` and ``spi_is_handover_key``.
* ``ts``, ``appended``, ``spi`` and an FBU's ``src`` only matter under those
  refinements (and the PAR fault par-looks-up-key-by-source); their defaults
  are what the base model assumes.
* Time is abstract: one unit is any fixed period (the default constants take
  HK-LIFETIME = 6, nonce lifetime = 2 and forwarding time = 3 units); the glue
  scales real times or configures the model with the reference's values.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, fields
from typing import Any


class Kind(enum.IntEnum):
    """Event kinds (their numbers are the symbolic model's ``kind`` values)."""

    MN_SENDS_RTSOLPR = 0
    AR_RECEIVES_RTSOLPR = 1
    MN_RECEIVES_PRRTADV = 2
    MN_SENDS_FBU = 3
    PAR_RECEIVES_FBU = 4
    AR_KEY_EXPIRES = 5
    FORWARDING_TIMES_OUT = 6
    TIME_PASSES = 7


EVENT_FIELDS = (
    "kind", "mn", "ar", "router", "src", "signer", "nonce", "hkepk", "at", "life",
    "iss", "own", "gen", "enc", "ncoa", "seq", "cga", "delta", "ts", "appended", "spi",
)
"""The fields of the symbolic event record; each event kind reads a subset."""


@dataclass(frozen=True)
class Key:
    """A handover key: the router that generated it, the CGA it is for, its generation."""

    issuer: int
    owner: int
    gen: int

    def as_tuple(self) -> tuple[int, int, int]:
        """(issuer, owner, gen)."""
        return (self.issuer, self.owner, self.gen)


@dataclass(frozen=True)
class MnSendsRtSolPr:
    """MN ``mn`` solicits a handover key from ``router`` (RFC 5269 §3.1)."""

    mn: int
    router: int
    at: int
    nonce: int


@dataclass(frozen=True)
class ArReceivesRtSolPr:
    """AR ``ar`` receives an RtSolPr with a Handover Key Request (RFC 5269 §3.2).

    ``ts`` is the SEND Timestamp it carries (read only under the
    ``send-timestamps`` refinement; an honest copy carries its sending time).
    """

    ar: int
    src: int
    signer: int
    nonce: int
    hkepk: int
    at: int
    ts: int = 0


@dataclass(frozen=True)
class MnReceivesPrRtAdv:
    """MN ``mn`` receives a PrRtAdv with a Handover Key Reply (RFC 5269 §3.3).

    ``appended``: the Handover Key Reply sits after the RSA Signature option,
    outside what ``signer`` signed (refinement ``unauthenticated-parts``).
    """

    mn: int
    src: int
    signer: int
    nonce: int
    key: Key
    enc_to: int
    at: int
    lifetime: int
    appended: bool = False


@dataclass(frozen=True)
class MnSendsFbu:
    """MN ``mn`` sends an FBU authenticated with its key for ``par`` (RFC 5269 §3.4)."""

    mn: int
    par: int
    ncoa: int


@dataclass(frozen=True)
class ParReceivesFbu:
    """PAR ``par`` receives an FBU for PCoA ``hoa`` (RFC 5269 §3.5).

    ``spi`` is the BADF's SPI (0: the handover key, RFC 5269 §3.4; another
    value only under ``unauthenticated-parts``); ``src`` the CGA the packet
    comes from (None: the PCoA itself, as an MN's FBU does, RFC 5568 §6.2.2).
    """

    par: int
    hoa: int
    ncoa: int
    seq: int
    key: Key
    at: int
    spi: int = 0
    src: int | None = None


@dataclass(frozen=True)
class ArKeyExpires:
    """The key record of ``cga`` at ``ar`` expires (RFC 5269 §3.6)."""

    ar: int
    cga: int


@dataclass(frozen=True)
class ForwardingTimesOut:
    """FMIPv6 forwarding for ``cga`` at ``par`` times out (RFC 5269 §3.6, RFC 5568)."""

    par: int
    cga: int


@dataclass(frozen=True)
class TimePasses:
    """The clock advances by ``delta`` units."""

    delta: int


Event = (
    MnSendsRtSolPr | ArReceivesRtSolPr | MnReceivesPrRtAdv | MnSendsFbu | ParReceivesFbu
    | ArKeyExpires | ForwardingTimesOut | TimePasses
)

KIND_OF: dict[type, Kind] = {
    MnSendsRtSolPr: Kind.MN_SENDS_RTSOLPR,
    ArReceivesRtSolPr: Kind.AR_RECEIVES_RTSOLPR,
    MnReceivesPrRtAdv: Kind.MN_RECEIVES_PRRTADV,
    MnSendsFbu: Kind.MN_SENDS_FBU,
    ParReceivesFbu: Kind.PAR_RECEIVES_FBU,
    ArKeyExpires: Kind.AR_KEY_EXPIRES,
    ForwardingTimesOut: Kind.FORWARDING_TIMES_OUT,
    TimePasses: Kind.TIME_PASSES,
}


class EventRecord:
    """The flat record the step rules read (a superset of every event's fields).

    Values are ints (concrete model) or Z3 integer terms (symbolic model);
    fields an event kind does not use are 0.
    """

    __slots__ = EVENT_FIELDS
    kind: Any
    mn: Any
    ar: Any
    router: Any
    src: Any
    signer: Any
    nonce: Any
    hkepk: Any
    at: Any
    life: Any
    iss: Any
    own: Any
    gen: Any
    enc: Any
    ncoa: Any
    seq: Any
    cga: Any
    delta: Any
    ts: Any
    appended: Any
    spi: Any

    def __init__(self, **values: Any) -> None:
        for name in EVENT_FIELDS:
            setattr(self, name, values.get(name, 0))

    def get(self, name: str) -> Any:
        """One field."""
        return getattr(self, name)


def to_record(event: Event) -> EventRecord:
    """The flat record of a concrete event."""
    kind = KIND_OF[type(event)]
    values: dict[str, Any] = {"kind": int(kind)}
    for f in fields(event):
        v = getattr(event, f.name)
        if isinstance(v, Key):
            values["iss"], values["own"], values["gen"] = v.as_tuple()
        elif f.name == "par":
            values["ar"] = v
        elif f.name == "hoa":
            values["cga"] = v
        elif f.name == "enc_to":
            values["enc"] = v
        elif f.name == "lifetime":
            values["life"] = v
        elif f.name == "appended":
            values["appended"] = int(v)
        elif f.name == "src" and v is None and isinstance(event, ParReceivesFbu):
            values["src"] = event.hoa  # an MN sends its FBU from the PCoA
        else:
            values[f.name] = v
    if kind is Kind.MN_SENDS_FBU:
        values["router"] = values.pop("ar")
    return EventRecord(**values)


def from_record(rec: EventRecord) -> Event:
    """The concrete event of a (concrete) flat record."""
    g = rec.get
    kind = Kind(int(g("kind")))
    key = Key(int(g("iss")), int(g("own")), int(g("gen")))
    if kind is Kind.MN_SENDS_RTSOLPR:
        return MnSendsRtSolPr(g("mn"), g("router"), g("at"), g("nonce"))
    if kind is Kind.AR_RECEIVES_RTSOLPR:
        return ArReceivesRtSolPr(g("ar"), g("src"), g("signer"), g("nonce"), g("hkepk"), g("at"),
                                 g("ts"))
    if kind is Kind.MN_RECEIVES_PRRTADV:
        return MnReceivesPrRtAdv(
            g("mn"), g("src"), g("signer"), g("nonce"), key, g("enc"), g("at"), g("life"),
            bool(g("appended")))
    if kind is Kind.MN_SENDS_FBU:
        return MnSendsFbu(g("mn"), g("router"), g("ncoa"))
    if kind is Kind.PAR_RECEIVES_FBU:
        src = None if g("src") == g("cga") else g("src")
        return ParReceivesFbu(g("ar"), g("cga"), g("ncoa"), g("seq"), key, g("at"), g("spi"), src)
    if kind is Kind.AR_KEY_EXPIRES:
        return ArKeyExpires(g("ar"), g("cga"))
    if kind is Kind.FORWARDING_TIMES_OUT:
        return ForwardingTimesOut(g("ar"), g("cga"))
    return TimePasses(g("delta"))
