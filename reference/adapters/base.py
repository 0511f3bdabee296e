"""The implementation-under-test interface (RFC 5269 §3 roles: AR/PAR and MN).

A tester drives a node only through :class:`NodeUnderTest`:

* ``receive(packet, now)`` — a whole IPv6 packet arrived on the node's link;
* ``fire_timer(name, subject, now)`` — a timer the node asked for expired;
* ``request_key(router, new_ap, now)`` and ``start_handover(par, ncoa,
  from_par_link, now)`` — the MN's application requests (RFC 5269 §3.1,
  §3.4); an AR answers them with an empty :class:`StepOutcome`;
* ``observe(now)`` — the state a tester may judge.

Each call returns a :class:`StepOutcome`: the packets the node sends and the
timers it sets. Times are seconds since 1970-01-01 UTC (the SEND Timestamp
epoch). Observed keys are test material: an adapter reveals the handover keys
it holds so that the tester can tell whether an attacker knows them.

Every dataclass here converts to and from plain JSON (``to_json`` /
``from_json``; bytes as hex, addresses as text), which is the payload a
JSON-lines subprocess adapter exchanges.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from enum import Enum
from ipaddress import IPv6Address
from typing import Any


class Role(Enum):
    """Which side of RFC 5269 an implementation plays."""

    AR = "AR"  # Access Router, also Previous AR for FBUs (RFC 5269 §3.2, §3.5)
    MN = "MN"  # Mobile Node (RFC 5269 §3.1, §3.3, §3.4)


@dataclass(frozen=True)
class TimerSet:
    """Call ``fire_timer(name, subject, ...)`` at time ``at`` (replaces one of that name)."""

    at: float
    name: str
    subject: str

    def to_json(self) -> dict[str, Any]:
        return {"at": self.at, "name": self.name, "subject": self.subject}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TimerSet:
        return cls(float(data["at"]), str(data["name"]), str(data["subject"]))


@dataclass(frozen=True)
class StepOutcome:
    """What a node did with one input: packets sent, timers set, and its own verdicts.

    ``rejections`` are free-text reasons the node reports (informative only:
    the tester never trusts them, it judges packets and observed state).
    """

    sent: tuple[bytes, ...] = ()
    timers: tuple[TimerSet, ...] = ()
    rejections: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"sent": [p.hex() for p in self.sent],
                "timers": [t.to_json() for t in self.timers],
                "rejections": list(self.rejections)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StepOutcome:
        return cls(tuple(bytes.fromhex(p) for p in data.get("sent", ())),
                   tuple(TimerSet.from_json(t) for t in data.get("timers", ())),
                   tuple(str(r) for r in data.get("rejections", ())))


@dataclass(frozen=True)
class KeyView:
    """One handover key as a node holds it (RFC 5269 §3.2 AR record, §3.3 MN store)."""

    owner: IPv6Address  # the MN CGA the key belongs to
    peer: IPv6Address  # the AR address naming the key (MN) / the AR itself (AR)
    key: bytes
    at: int
    expires: float

    def to_json(self) -> dict[str, Any]:
        return {"owner": str(self.owner), "peer": str(self.peer), "key": self.key.hex(),
                "at": self.at, "expires": self.expires}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> KeyView:
        return cls(IPv6Address(data["owner"]), IPv6Address(data["peer"]),
                   bytes.fromhex(data["key"]), int(data["at"]), float(data["expires"]))


@dataclass(frozen=True)
class BindingView:
    """PAR forwarding for one PCoA (RFC 5568 §3.1) and its last accepted FBU sequence."""

    pcoa: IPv6Address
    ncoa: IPv6Address
    until: float
    last_sequence: int

    def to_json(self) -> dict[str, Any]:
        return {"pcoa": str(self.pcoa), "ncoa": str(self.ncoa), "until": self.until,
                "last_sequence": self.last_sequence}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BindingView:
        return cls(IPv6Address(data["pcoa"]), IPv6Address(data["ncoa"]), float(data["until"]),
                   int(data["last_sequence"]))


@dataclass(frozen=True)
class Observation:
    """The state a tester judges, at one instant.

    * ``keys`` — AR: its key records (valid or not yet purged); MN: its keys;
    * ``forwarding`` — PAR bindings whose forwarding is active at ``now``;
    * ``bounds`` — for each bounded store, ``(size, capacity)``; a size above
      its capacity breaks RFC 5269 §5 (state depletion defence);
    * ``decryptions`` — OPTIONAL: MN only, how many times the node has tried to
      decrypt a Handover Key Reply's key with an HKEPK private key since it
      was configured (RFC 5269 §3.3 puts SEND validation first). ``None``
      means the adapter cannot tell, which is always allowed: checks that need
      the count then report "not observable", never a pass. In JSON the field
      is simply left out.
    """

    keys: tuple[KeyView, ...] = ()
    forwarding: tuple[BindingView, ...] = ()
    bounds: dict[str, tuple[int, int]] = field(default_factory=dict)
    decryptions: int | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"keys": [k.to_json() for k in self.keys],
                               "forwarding": [b.to_json() for b in self.forwarding],
                               "bounds": {k: list(v) for k, v in self.bounds.items()}}
        if self.decryptions is not None:
            out["decryptions"] = self.decryptions
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Observation:
        count = data.get("decryptions")
        return cls(tuple(KeyView.from_json(k) for k in data.get("keys", ())),
                   tuple(BindingView.from_json(b) for b in data.get("forwarding", ())),
                   {k: (int(v[0]), int(v[1])) for k, v in data.get("bounds", {}).items()},
                   None if count is None else int(count))


class NodeUnderTest(ABC):
    """An AR or MN implementation as the adversarial suites and vectors drive it."""

    name: str
    role: Role

    @abstractmethod
    def addresses(self) -> frozenset[IPv6Address]:
        """Unicast addresses the node receives on."""

    @abstractmethod
    def receive(self, packet: bytes, now: float) -> StepOutcome:
        """A whole IPv6 packet arrived on the node's link at ``now``."""

    @abstractmethod
    def fire_timer(self, name: str, subject: str, now: float) -> StepOutcome:
        """A timer set through :class:`TimerSet` expired."""

    def request_key(self, router: IPv6Address, new_ap: bytes, now: float) -> StepOutcome:
        """MN: obtain a handover key from ``router`` (RFC 5269 §3.1)."""
        return StepOutcome()

    def start_handover(self, par: IPv6Address, ncoa: IPv6Address, from_par_link: bool,
                       now: float) -> StepOutcome:
        """MN: send the authenticated FBU to ``par`` (RFC 5269 §3.4)."""
        return StepOutcome()

    @abstractmethod
    def observe(self, now: float) -> Observation:
        """The keys, forwarding and table sizes the node holds at ``now``."""
