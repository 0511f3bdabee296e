"""The state the nodes keep: key records, bindings, rate limits.

* :class:`ArKeyRecord` — the AR's handover key for one MN CGA, with the
  algorithm type and lifetime recorded beside it (RFC 5269 §3.2).
* :class:`MnKeyRecord` — the MN's copy, named by (AR address, MN CGA)
  (RFC 5269 §3.3).
* :class:`Binding` — the PAR's forwarding for one previous care-of address
  and the last FBU sequence number accepted for it (RFC 5568 §6.2.2,
  RFC 3775 §9.5.1).
* :class:`TokenBucket` — rate limits with an injected clock (RFC 5269 §5,
  RFC 3971 §9.2.6).

Every store here is bounded; the bound and what happens at it are documented
on the store.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Container
from dataclasses import dataclass
from ipaddress import IPv6Address
from typing import Generic, TypeVar


def key_id(key: bytes) -> str:
    """A short public fingerprint of a handover key, for traces and events (never the key)."""
    return hashlib.sha256(b"rfc5269 key id|" + key).hexdigest()[:12]


@dataclass(frozen=True, slots=True)
class ArKeyRecord:
    """The AR's record for one MN CGA (RFC 5269 §3.2, §3.6).

    ``key_hash`` is the SEND key hash of the CGA public key the record was
    made for; ``expires`` the absolute time HK-LIFETIME runs out.
    """

    cga: IPv6Address
    key: bytes
    at: int
    algorithm: str
    created: float
    expires: float
    cga_key_hash: bytes


@dataclass(frozen=True, slots=True)
class MnKeyRecord:
    """The MN's handover key for one AR, named by (AR address, MN CGA) (RFC 5269 §3.3)."""

    ar: IPv6Address
    cga: IPv6Address
    key: bytes
    at: int
    algorithm: str
    received: float
    expires: float


@dataclass(frozen=True, slots=True)
class Binding:
    """PAR forwarding for one PCoA (RFC 5568 §3.1) and FBU replay state (RFC 3775 §9.5.1)."""

    pcoa: IPv6Address
    ncoa: IPv6Address
    until: float
    last_sequence: int


def sequence_newer(new: int, last: int) -> bool:
    """RFC 3775 §9.5.1: 16-bit sequence numbers compared modulo 2**16 (newer: < 2**15 ahead)."""
    diff = (new - last) & 0xFFFF
    return 0 < diff < 0x8000


K = TypeVar("K")
V = TypeVar("V")


class BoundedTable(Generic[K, V]):
    """An insertion-ordered dict with a fixed capacity.

    :meth:`put` refuses a *new* key when the table is full (existing entries
    are preferred over new ones: an attacker cannot push out established
    state, RFC 3971 §5.3.4 and RFC 5269 §5). Lookups, inserts and deletes are
    O(1).
    """

    def __init__(self, capacity: int) -> None:
        if capacity <= 0:
            raise ValueError("capacity must be positive")
        self.capacity = capacity
        self._items: dict[K, V] = {}  # a plain dict keeps insertion order, in less memory

    def get(self, key: K) -> V | None:
        """The entry for ``key`` or None."""
        return self._items.get(key)

    def put(self, key: K, value: V) -> bool:
        """Insert or replace; False (and nothing stored) when a new key finds the table full."""
        if key not in self._items and len(self._items) >= self.capacity:
            return False
        self._items[key] = value
        return True

    def has_room_for(self, key: K) -> bool:
        """Whether :meth:`put` would succeed for ``key``."""
        return key in self._items or len(self._items) < self.capacity

    def pop(self, key: K) -> V | None:
        """Remove and return the entry for ``key``."""
        return self._items.pop(key, None)

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def items(self) -> list[tuple[K, V]]:
        """A snapshot of the entries."""
        return list(self._items.items())

    def values(self) -> list[V]:
        """A snapshot of the values."""
        return list(self._items.values())


class ArKeyTable(BoundedTable[IPv6Address, ArKeyRecord]):
    """The AR's key records by MN CGA, with an index of the handover keys in use.

    The index answers "is this key already given to some CGA?" in O(1), which
    RFC 5269 §3.6 (a separate key per CGA key) needs on every new key; it is
    kept up to date by :meth:`put` and :meth:`pop`.
    """

    def __init__(self, capacity: int) -> None:
        super().__init__(capacity)
        self._in_use: dict[bytes, int] = {}  # handover key -> number of records holding it

    def put(self, key: IPv6Address, value: ArKeyRecord) -> bool:
        """See :meth:`BoundedTable.put`."""
        old = self._items.get(key)
        if not super().put(key, value):
            return False
        if old is not None:
            self._release(old.key)
        self._in_use[value.key] = self._in_use.get(value.key, 0) + 1
        return True

    def pop(self, key: IPv6Address) -> ArKeyRecord | None:
        """See :meth:`BoundedTable.pop`."""
        record = super().pop(key)
        if record is not None:
            self._release(record.key)
        return record

    def _release(self, handover_key: bytes) -> None:
        left = self._in_use[handover_key] - 1
        if left:
            self._in_use[handover_key] = left
        else:
            del self._in_use[handover_key]

    def handover_keys(self) -> Container[bytes]:
        """The handover keys held by some record (a live, O(1) ``in`` view)."""
        return self._in_use.keys()


class TokenBucket:
    """A token bucket: ``rate`` tokens per second, at most ``burst`` saved up.

    Time is passed in; nothing reads a clock.
    """

    def __init__(self, rate: float, burst: float) -> None:
        self.rate = rate
        self.burst = burst
        self._tokens = burst
        self._last: float | None = None

    def take(self, now: float) -> bool:
        """Take one token at time ``now``; False when none is left."""
        if self._last is not None and now > self._last:
            self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
        if self._last is None or now > self._last:
            self._last = now
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return True
        return False


class PerSourceLimiter:
    """One :class:`TokenBucket` per source address, at most ``max_sources`` tracked.

    When the table of sources is full, the least recently seen source's
    bucket is recycled (a recycled source starts with a full bucket, so the
    per-source limit is a best effort under address flooding; the global
    bucket is what bounds total work).
    """

    def __init__(self, rate: float, burst: float, max_sources: int) -> None:
        self.rate = rate
        self.burst = burst
        self.max_sources = max_sources
        self._buckets: OrderedDict[IPv6Address, TokenBucket] = OrderedDict()

    def take(self, source: IPv6Address, now: float) -> bool:
        """Take one token for ``source``."""
        bucket = self._buckets.get(source)
        if bucket is None:
            if len(self._buckets) >= self.max_sources:
                self._buckets.popitem(last=False)
            bucket = TokenBucket(self.rate, self.burst)
            self._buckets[source] = bucket
        else:
            self._buckets.move_to_end(source)
        return bucket.take(now)

    def __len__(self) -> int:
        return len(self._buckets)
