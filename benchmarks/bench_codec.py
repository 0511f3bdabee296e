#!/usr/bin/env python3
"""Codec throughput against scapy, measured in the same run.

Decodes and re-encodes a signed PrRtAdv and an FBU (Home Address option,
Alternate CoA, BADF) taken from samples/pcap/, once with the strict codec
(``IPv6Packet.decode`` then ``encode``: checksums verified and recomputed,
every option decoded and checked) and with scapy (``raw(IPv6(b))``) twice:

* "scapy generic": scapy as shipped, which knows no ICMPv6 type 154 and
  keeps the whole message as one opaque payload (much less work);
* "scapy + layers": scapy with :mod:`rfc5269.scapy_layers` loaded, which
  dissects every option as the codec does (the same work, no checks).

Prints packets per second and the ratios. Run:
``python benchmarks/bench_codec.py [--seconds S]``.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

from rfc5269.wire.ipv6 import IPv6Packet
from rfc5269.wire.pcap import ipv6_of, read_pcap
from scapy.layers.inet6 import IPv6
from scapy.packet import Packet, raw

ROOT = Path(__file__).resolve().parent.parent
GOAL = 20.0


def sample(name: str) -> bytes:
    (record,) = read_pcap((ROOT / "samples" / "pcap" / f"{name}.pcap").read_bytes())
    packet = ipv6_of(record)
    assert packet is not None
    return packet


def codec_round_trip(data: bytes) -> bytes:
    return IPv6Packet.decode(data).encode()


def scapy_round_trip(data: bytes) -> bytes:
    p: Packet = IPv6(data)
    return raw(p)


def rate(func: Callable[[bytes], bytes], data: bytes, seconds: float) -> float:
    """Best packets-per-second over five timing runs of about ``seconds`` / 5 each."""
    n = 1
    while True:  # calibrate
        t0 = time.perf_counter()
        for _ in range(n):
            func(data)
        dt = time.perf_counter() - t0
        if dt > 0.05:
            break
        n *= 2
    per_run = max(1, int(n * (seconds / 5) / dt))
    best = 0.0
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(per_run):
            func(data)
        best = max(best, per_run / (time.perf_counter() - t0))
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="timing budget per case")
    args = parser.parse_args()
    names = ("prrtadv", "fbu")
    data = {name: sample(name) for name in names}
    ours, generic, layered = {}, {}, {}
    for name in names:
        assert codec_round_trip(data[name]) == data[name]
        assert scapy_round_trip(data[name]) == data[name]
        ours[name] = rate(codec_round_trip, data[name], args.seconds)
        generic[name] = rate(scapy_round_trip, data[name], args.seconds)
    import rfc5269.scapy_layers  # noqa: F401  (binds the project's layers into scapy)

    for name in names:
        assert scapy_round_trip(data[name]) == data[name]
        layered[name] = rate(scapy_round_trip, data[name], args.seconds)
    print(f"{'message':<8} {'octets':>6} {'codec/s':>9} {'scapy generic/s':>16} {'ratio':>6} "
          f"{'scapy+layers/s':>15} {'ratio':>6}")
    lowest = {"generic": GOAL * 10, "layers": GOAL * 10}
    for name in names:
        rg, rl = ours[name] / generic[name], ours[name] / layered[name]
        lowest["generic"] = min(lowest["generic"], rg)
        lowest["layers"] = min(lowest["layers"], rl)
        print(f"{name:<8} {len(data[name]):>6} {ours[name]:>9.0f} {generic[name]:>16.0f} "
              f"{rg:>5.1f}x {layered[name]:>15.0f} {rl:>5.1f}x")
    for base, low in lowest.items():
        verdict = "met" if low >= GOAL else "NOT met"
        print(f"goal codec >= {GOAL:.0f}x scapy ({base}): {verdict} (lowest {low:.1f}x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
