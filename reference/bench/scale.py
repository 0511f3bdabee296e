"""State per MN: bytes per key record and per timestamp-cache entry, and lookup time.

For ``n`` MNs the AR's stores are filled the way the AR fills them — key
records (:class:`~rfc5269.nodes.records.ArKeyTable` of
:class:`~rfc5269.nodes.records.ArKeyRecord`, RFC 5269 §3.2) and the SEND
timestamp cache (:class:`~rfc5269.send.timestamps.TimestampCache`, RFC 3971
§5.3.4.2) — with a distinct CGA, a 20-octet key and a 16-octet key hash per
MN. ``tracemalloc`` counts every byte allocated for them (addresses, keys,
floats, the record objects and the table's share), divided by ``n``.

Lookup time is measured with a fresh address object per lookup (as a
received packet gives), for random MNs, and compared with the same lookups
in a table of 1,000 MNs: a ratio near 1 shows O(1) lookups.
Goal (issue 9): at most 400 bytes per key record; O(1) lookups.
"""

from __future__ import annotations

import gc
import random
import time
import tracemalloc
from collections.abc import Callable
from ipaddress import IPv6Address

from rfc5269.bench.record import Figure, Section
from rfc5269.handover.algorithms import HMAC_SHA1_96
from rfc5269.nodes.records import ArKeyRecord, ArKeyTable
from rfc5269.send.timestamps import TimestampCache, TimestampPolicy, timestamp_now

GOAL_BYTES = 400.0
REFERENCE_SIZE = 1_000
LOOKUPS = 100_000
BASE = int.from_bytes(bytes.fromhex("20010db8000a0000"), "big") << 64
T0 = 1_795_737_600.0


def _addresses(n: int, rng: random.Random) -> list[int]:
    return [BASE | rng.getrandbits(64) for _ in range(n)]


def fill_keys(n: int, rng: random.Random) -> tuple[ArKeyTable, list[int]]:
    """A key table holding ``n`` records."""
    table = ArKeyTable(n)
    iids = _addresses(n, rng)
    name = HMAC_SHA1_96.name
    for i, iid in enumerate(iids):
        now = T0 + i * 1e-3
        cga = IPv6Address(iid)  # the AR keys the record by the very address it records
        table.put(cga, ArKeyRecord(cga, rng.randbytes(20), 0, name, now, now + 43200,
                                   rng.randbytes(16)))
    return table, iids


def fill_timestamps(n: int, rng: random.Random) -> tuple[TimestampCache, list[int]]:
    """A timestamp cache holding ``n`` peers."""
    cache = TimestampCache(TimestampPolicy(capacity=n))
    iids = _addresses(n, rng)
    for i, iid in enumerate(iids):
        now = T0 + i * 1e-4
        verdict = cache.check(IPv6Address(iid), timestamp_now(now), now, 0)
        assert verdict.info is not None
        cache.commit(verdict.info)
    return cache, iids


def bytes_per_entry(fill: Callable[[int, random.Random], tuple[object, list[int]]],
                    n: int, seed: int) -> float:
    """Traced bytes allocated by ``fill(n, rng)`` and still held, per entry."""
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    held = fill(n, random.Random(seed))
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    structure, iids = held
    # the list of integers is the benchmark's own, not the AR's state
    own = iids.__sizeof__() + sum(x.__sizeof__() for x in iids)
    del structure
    return float(after - before - own) / n


def lookup_seconds(get: Callable[[IPv6Address], object], iids: list[int], seed: int) -> float:
    """CPU time per lookup of a random present MN, with a fresh address object each time."""
    rng = random.Random(seed)
    picks = [IPv6Address(iids[rng.randrange(len(iids))]) for _ in range(LOOKUPS)]
    fresh = [IPv6Address(int(a)) for a in picks]
    t0 = time.process_time_ns()
    for a in fresh:
        if get(a) is None:
            raise RuntimeError("lookup missed")
    return (time.process_time_ns() - t0) / 1e9 / LOOKUPS


def run(sizes: tuple[int, ...] = (100_000, 1_000_000)) -> Section:
    """The scale section."""
    section = Section("scale", "State per MN and lookup time")
    ref_keys, ref_iids = fill_keys(REFERENCE_SIZE, random.Random(1))
    ref_ts, ref_ts_iids = fill_timestamps(REFERENCE_SIZE, random.Random(2))
    ref_key_lookup = lookup_seconds(ref_keys.get, ref_iids, 3)
    ref_ts_lookup = lookup_seconds(ref_ts.last, ref_ts_iids, 4)
    rows = []
    for n in sizes:
        key_bytes = bytes_per_entry(fill_keys, n, 5)
        ts_bytes = bytes_per_entry(fill_timestamps, n, 6)
        keys, iids = fill_keys(n, random.Random(7))
        key_lookup = lookup_seconds(keys.get, iids, 8)
        del keys, iids
        ts, ts_iids = fill_timestamps(n, random.Random(9))
        ts_lookup = lookup_seconds(ts.last, ts_iids, 10)
        del ts, ts_iids
        gc.collect()
        section.add(Figure(f"{n:,} MNs: bytes per key record", key_bytes, "B",
                           goal=GOAL_BYTES, goal_kind="max", note="tracemalloc"))
        section.add(Figure(f"{n:,} MNs: bytes per timestamp-cache entry", ts_bytes, "B",
                           note="tracemalloc"))
        section.add(Figure(f"{n:,} MNs: key record lookup", key_lookup * 1e9, "ns",
                           ref_key_lookup * 1e9,
                           note=f"baseline: the same lookup among {REFERENCE_SIZE:,} MNs"))
        section.add(Figure(f"{n:,} MNs: timestamp-cache lookup", ts_lookup * 1e9, "ns",
                           ref_ts_lookup * 1e9,
                           note=f"baseline: the same lookup among {REFERENCE_SIZE:,} MNs"))
        rows.append({"mns": n, "key_record_bytes": key_bytes, "timestamp_entry_bytes": ts_bytes,
                     "key_lookup_ns": key_lookup * 1e9, "timestamp_lookup_ns": ts_lookup * 1e9})
    section.details = {"sizes": rows, "reference_size": REFERENCE_SIZE,
                       "reference_key_lookup_ns": ref_key_lookup * 1e9,
                       "reference_timestamp_lookup_ns": ref_ts_lookup * 1e9}
    return section
