#!/usr/bin/env python3
"""Codec throughput against scapy, measured in the same run.

Takes a signed PrRtAdv and an FBU (Home Address option, Alternate CoA,
BADF) from samples/pcap/ and measures, in packets per second, three kinds of
work for each side:

(a) decode only;
(b) decode, then encode the decoded packet again;
(c) decode, then a forced fresh build of the packet.

The strict codec is ``IPv6Packet.decode`` (checksums verified, every option
decoded and checked) and ``IPv6Packet.encode``. A decoded packet keeps the
octets it came from; in (b) ``encode()`` returns them when they are proved
canonical (every reserved field and padding octet zero, padding where the
encoder puts it, prefix bits clear: ``IPv6Packet.received_is_canonical``).
The decoder works that proof out as it goes, from the octets it reads anyway,
so its cost is in (a) and (b) alike; non-canonical input is rebuilt from its
fields. In (c) ``encode(fresh=True)`` builds every option, header and
checksum from the decoded fields.

Scapy keeps the bytes each layer was dissected from (``raw_packet_cache``,
see ``Packet.do_dissect`` and ``Packet.self_build`` in scapy/packet.py) and
returns them, unchanged, when an unmodified layer is built again: its (b) does
no field encoding and no checksum. Its (c) first calls ``Packet.clear_cache()``
so that every layer is built from its fields. Scapy is measured twice:

* "scapy generic": scapy as shipped, which knows no ICMPv6 type 154 and keeps
  the whole PrRtAdv as one opaque payload (much less work than the codec);
* "scapy + layers": scapy with :mod:`rfc5269.scapy_layers` loaded, which
  dissects every option as the codec does (the same work, without the
  checks). The goal is judged against this one.

"floor" is the least Python work any decoder of these packets must do: one
``struct`` call for the IPv6 header, the checksum over the pseudo-header and
the upper layer, and a bare walk over every option TLV that keeps each option
as a (type, octets) tuple; for (b)/(c) the same again to build the packet
(join the options, checksum, pack the header). No field is checked and no
object is built. If the floor's own ratio is under the goal, no Python codec
can reach the goal. "floor + one frozen dataclass per option" adds the cost
of the codec's kind of result objects, to show what share of the codec's
time they take.

The floor leaves out every check. Two checked floors for the PrRtAdv decode
(:mod:`prrtadv_floors`, beside this script) put them back: both make every
check ``IPv6Packet.decode`` makes on the sample and build objects equal to the
codec's, with the same canonical proof, and the run first proves it (equal
results, and a typed error on each of a dozen mutations the codec rejects).
"one decoder function per option class" is the least a codec needs that
states each option's rules in one place; "every option type inlined in one
loop" writes them all out again inside a single loop, the shape this project
does not take, and is shown for what it would buy.

``--breakdown`` prints instead where one decode of each packet spends its time,
part by part (best of nine runs each), beside scapy's time and the goal's budget.

Nothing is cached between calls: every call decodes from the octets.

Run: ``python benchmarks/bench_codec.py [--seconds S] [--breakdown]``.
"""

from __future__ import annotations

import argparse
import dataclasses
import ipaddress
import os
import struct
import time
import timeit
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import prrtadv_floors  # beside this script
import scapy
from rfc5269.wire import fmip, icmpv6, ipv6, mobility, ndopt
from rfc5269.wire.describe import fast_init, fixed_layout
from rfc5269.wire.icmpv6 import ones_complement_checksum
from rfc5269.wire.ipv6 import IPv6Packet
from rfc5269.wire.pcap import ipv6_of, read_pcap
from scapy.layers.inet6 import IPv6
from scapy.packet import Packet, raw

ROOT = Path(__file__).resolve().parent.parent
GOAL = 20.0
NAMES = ("prrtadv", "fbu")
MODES = {"a": "decode", "b": "decode+encode", "c": "decode+fresh build"}


def sample(name: str) -> bytes:
    (record,) = read_pcap((ROOT / "samples" / "pcap" / f"{name}.pcap").read_bytes())
    packet = ipv6_of(record)
    assert packet is not None
    return packet


# --------------------------------------------------------------------------- the codec


def codec_decode(data: bytes) -> object:
    return IPv6Packet.decode(data)


def codec_round_trip(data: bytes) -> bytes:
    return IPv6Packet.decode(data).encode()


def codec_fresh_build(data: bytes) -> bytes:
    return IPv6Packet.decode(data).encode(fresh=True)


# --------------------------------------------------------------------------- scapy


def scapy_decode(data: bytes) -> object:
    return IPv6(data)


def scapy_round_trip(data: bytes) -> bytes:
    p: Packet = IPv6(data)
    return raw(p)


def scapy_fresh_build(data: bytes) -> bytes:
    p: Packet = IPv6(data)
    p.clear_cache()
    return raw(p)


# --------------------------------------------------------------------------- floor

_HEADER = struct.Struct("!4xHBx16s16s")
_PSEUDO_TAIL = struct.Struct("!IxxxB")
_MH_OPTIONS_AT = 12  # FBU: mobility options after 12 octets


def _walk_nd(data: bytes, pos: int, end: int) -> list[tuple[int, bytes]]:
    """ND options: Length in units of 8 octets (RFC 4861 §4.6)."""
    out = []
    while pos < end:
        size = data[pos + 1] * 8
        if size == 0:
            raise ValueError("Length 0")
        out.append((data[pos], data[pos:pos + size]))
        pos += size
    return out


def _walk_tlv(data: bytes, pos: int, end: int) -> list[tuple[int, bytes]]:
    """Destination / mobility options: Pad1 is one octet, others 2 + Length octets."""
    out = []
    while pos < end:
        if data[pos] == 0:
            pos += 1
            continue
        size = 2 + data[pos + 1]
        out.append((data[pos], data[pos:pos + size]))
        pos += size
    return out


def floor_decode(data: bytes) -> tuple[int, list[tuple[int, bytes]]]:
    """The least work of a decoder: header, TLV walk, checksum."""
    length, nh, src, dst = _HEADER.unpack_from(data)
    if length != len(data) - 40:
        raise ValueError("Payload Length")
    pos = 40
    options: list[tuple[int, bytes]] = []
    if nh == 60:
        end = pos + (data[pos + 1] + 1) * 8
        options += _walk_tlv(data, pos + 2, end)
        nh, pos = data[pos], end
        src = options[-1][1][2:18]  # the home address stands in for the source
    upper = data[pos:]
    if nh == 58:
        options += _walk_nd(data, pos + 8, len(data))
    else:
        options += _walk_tlv(data, pos + _MH_OPTIONS_AT, len(data))
    checksum = ones_complement_checksum(src + dst + _PSEUDO_TAIL.pack(len(upper), nh) + upper)
    return checksum, options


_HEADER_OUT = struct.Struct("!IHBB16s16s")


@fast_init
@dataclass(frozen=True)
class _Option:
    type: int
    octets: bytes


@fast_init
@dataclass(frozen=True)
class _Packet:
    header: tuple[int, int, bytes, bytes]
    options: tuple[_Option, ...]
    checksum: int


def floor_objects_decode(data: bytes) -> _Packet:
    """The floor decode, keeping its result as the codec's kind of objects: one frozen
    dataclass per option and one for the packet (how the codec builds them, no checks)."""
    checksum, options = floor_decode(data)
    return _Packet(_HEADER.unpack_from(data), tuple([_Option(t, o) for t, o in options]),
                   checksum)


def floor_round_trip(data: bytes) -> bytes:
    """The least work of a decode and a fresh build: the floor decode, then join the option
    octets, checksum them, and pack a header (not a faithful packet: a lower bound)."""
    _, options = floor_decode(data)
    _, nh, src, dst = _HEADER.unpack_from(data)
    body = b"".join([o for _, o in options])
    ones_complement_checksum(src + dst + _PSEUDO_TAIL.pack(len(body), nh) + body)
    return _HEADER_OUT.pack(0x60000000, len(body), nh, 255, src, dst) + body


# --------------------------------------------------------------------------- timing


def _calibrate(func: Callable[[bytes], object], data: bytes, seconds: float) -> int:
    """Calls that take about ``seconds``."""
    n = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(n):
            func(data)
        dt = time.perf_counter() - t0
        if dt > 0.05:
            return max(1, int(n * seconds / dt))
        n *= 2


def rates(funcs: dict[str, Callable[[bytes], object]], data: bytes,
          seconds: float) -> dict[str, float]:
    """Best packets-per-second of each function over five rounds of about ``seconds`` / 5
    each; the functions take turns within a round, so that a change in the machine's load
    falls on all of them."""
    counts = {k: _calibrate(f, data, seconds / 5) for k, f in funcs.items()}
    best = dict.fromkeys(funcs, 0.0)
    for _ in range(5):
        for k, f in funcs.items():
            n = counts[k]
            t0 = time.perf_counter()
            for _ in range(n):
                f(data)
            best[k] = max(best[k], n / (time.perf_counter() - t0))
    return best


CODEC = {"a": codec_decode, "b": codec_round_trip, "c": codec_fresh_build}
FLOOR = {"a": floor_decode, "b": floor_round_trip, "c": floor_round_trip}
SCAPY = {"a": scapy_decode, "b": scapy_round_trip, "c": scapy_fresh_build}


def measure(scapy_name: str, data: dict[str, bytes], seconds: float,
            ) -> dict[tuple[str, str], dict[str, float]]:
    """Codec, floor and scapy, interleaved, for each message and mode."""
    return {(name, mode): rates({"codec": CODEC[mode], "floor": FLOOR[mode],
                                 scapy_name: SCAPY[mode]}, data[name], seconds)
            for name in NAMES for mode in MODES}


# --------------------------------------------------------------------------- breakdown


def _us(func: Callable[[], object], number: int = 2000) -> float:
    """Best microseconds per call of ``func`` over nine runs of ``number`` calls."""
    return min(timeit.repeat(func, number=number, repeat=9)) / number * 1e6


def _options(area: bytes) -> list[bytes]:
    out, pos = [], 0
    while pos < len(area):
        out.append(area[pos:pos + area[pos + 1] * 8])
        pos += len(out[-1])
    return out


def _rebuild(obj: Any) -> Callable[[], object]:
    """A call that builds an object like ``obj`` from its field values (the construction
    cost the decoder pays for it)."""
    cls = type(obj)
    values = [getattr(obj, f.name) for f in dataclasses.fields(obj)]
    return lambda: cls(*values)


def breakdown_prrtadv(data: bytes) -> list[tuple[str, float]]:
    """Where ``IPv6Packet.decode`` of the PrRtAdv spends its time, part by part."""
    upper, src, dst = data[40:], data[8:24], data[24:40]
    packet = IPv6Packet.decode(data)
    msg = packet.payload
    rows = [("whole IPv6Packet.decode", _us(lambda: IPv6Packet.decode(data))),
            ("  IPv6 header (struct, 2 IPv6Address, object)",
             _us(lambda: ipv6.IPv6Header.decode(data))),
            ("  ICMPv6 checksum (pseudo-header, 648 octets)",
             _us(lambda: icmpv6.verify_icmpv6_checksum(upper, src, dst, "PrRtAdv"))),
            ("  PrRtAdv fixed part (read)", _us(lambda: fixed_layout(fmip.PrRtAdv).read(upper))),
            ("  options area, all options",
             _us(lambda: ndopt.decode_options_with_proof(upper[8:], True)))]
    raws = _options(upper[8:])
    total = 0.0
    for octets, option in zip(raws, msg.options, strict=True):
        cls = type(option)
        spent = _us(lambda cls=cls, octets=octets: cls.decode_with_proof(octets))
        build = _us(_rebuild(option))
        total += spent
        rows.append((f"    {cls.__name__} (of which building the object {build:.2f})", spent))
    rows.append(("    option loop: framing, dispatch, proof bookkeeping",
                 rows[4][1] - total))
    rows.append(("  PrRtAdv option-combination check (RFC 5568 §6.1.2)",
                 _us(lambda: msg.check(ValueError))))
    rows.append(("  IPv6Packet check (Home Address rules)", _us(lambda: packet.check(ValueError))))
    rows.append(("one IPv6Address from 16 octets (4 in this packet)",
                 _us(lambda: ipaddress.IPv6Address(src))))
    return rows


def breakdown_fbu(data: bytes) -> list[tuple[str, float]]:
    """Where ``IPv6Packet.decode`` of the FBU spends its time, part by part."""
    size = (data[41] + 1) * 8
    dstopts, mh = data[40:40 + size], data[40 + size:]
    packet = IPv6Packet.decode(data)
    home, dst = packet.home_address, data[24:40]
    assert home is not None
    hoa = home.packed
    rows = [("whole IPv6Packet.decode", _us(lambda: IPv6Packet.decode(data))),
            ("  IPv6 header (struct, 2 IPv6Address, object)",
             _us(lambda: ipv6.IPv6Header.decode(data))),
            ("  Destination Options header, padding proof",
             _us(lambda: ipv6.DestinationOptionsHeader.decode(dstopts))),
            ("    of which the Home Address option",
             _us(lambda: ipv6.HomeAddressOption.decode(dstopts[6:24]))),
            ("  Mobility Header: FBU decode", _us(lambda: mobility.decode_mobility_header(
                mh, hoa, dst))),
            ("    MH length and checksum", _us(lambda: mobility._mh_frame("FBU", mh, hoa, dst))),
            ("    FBU fixed part (read)",
             _us(lambda: fixed_layout(mobility.FastBindingUpdate).read(mh))),
            ("    mobility options, padding proof",
             _us(lambda: mobility.decode_mobility_options_with_proof(mh[12:], 12, "FBU")))]
    for option in packet.payload.options:
        rows.append((f"      {type(option).__name__} object", _us(_rebuild(option))))
    rows.append(("    FBU check (A, H, BADF)", _us(lambda: packet.payload.check(ValueError))))
    rows.append(("  IPv6Packet check (Home Address rules)", _us(lambda: packet.check(ValueError))))
    return rows


def print_breakdown(data: dict[str, bytes]) -> None:
    import rfc5269.scapy_layers  # noqa: F401  (binds the project's layers into scapy)

    for name, parts in (("prrtadv", breakdown_prrtadv), ("fbu", breakdown_fbu)):
        theirs = _us(lambda name=name: scapy_decode(data[name]), number=200)
        print(f"{name}: scapy+layers decode {theirs:.1f} us, so {GOAL:.0f}x needs "
              f"{theirs / GOAL:.2f} us; floor {_us(lambda name=name: floor_decode(data[name])):.2f}"
              f" us, floor + objects {_us(lambda name=name: floor_objects_decode(data[name])):.2f}"
              " us")
        if name == "prrtadv":
            octets = data[name]
            prrtadv_floors.self_check(octets)
            print("  checked floors (every check, the same objects): one decoder per option "
                  f"class {_us(partial(prrtadv_floors.per_class_decode, octets)):.2f} us, "
                  "every option inlined in one loop "
                  f"{_us(partial(prrtadv_floors.inlined_decode, octets)):.2f} us")
        for label, us in parts(data[name]):
            print(f"  {label:<62} {us:6.2f} us")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="timing budget per figure")
    parser.add_argument("--breakdown", action="store_true",
                        help="only print where a decode spends its time, part by part")
    args = parser.parse_args()
    data = {name: sample(name) for name in NAMES}
    if args.breakdown:
        print_breakdown(data)
        return 0
    for name in NAMES:
        assert IPv6Packet.decode(data[name]).received_is_canonical
        assert codec_round_trip(data[name]) == data[name]
        assert codec_fresh_build(data[name]) == data[name]
        assert scapy_round_trip(data[name]) == data[name]
        assert scapy_fresh_build(data[name]) == data[name]
        assert floor_decode(data[name])[1]
    prrtadv_floors.self_check(data["prrtadv"])
    load_before = os.getloadavg()
    first = measure("generic", data, args.seconds)
    import rfc5269.scapy_layers  # noqa: F401  (binds the project's layers into scapy)

    for name in NAMES:
        assert scapy_round_trip(data[name]) == data[name]
        assert scapy_fresh_build(data[name]) == data[name]
    second = measure("layers", data, args.seconds)
    objects = {name: rates({"objects": floor_objects_decode, "layers": SCAPY["a"]},
                           data[name], args.seconds) for name in NAMES}
    checked = rates({"codec": codec_decode, "per class": prrtadv_floors.per_class_decode,
                     "inlined": prrtadv_floors.inlined_decode, "layers": SCAPY["a"]},
                    data["prrtadv"], args.seconds)
    load_after = os.getloadavg()

    print(f"scapy {scapy.__version__}; load average {load_before[0]:.2f} before, "
          f"{load_after[0]:.2f} after; best of 5 interleaved runs of {args.seconds / 5:.2f} s "
          "per figure; the codec column is from the run beside scapy+layers, its ratio to "
          "scapy generic from the run beside that")
    print("(a) decode  (b) decode + encode (both sides may return the received octets: "
          "scapy's raw_packet_cache; the codec when its decoder proved them canonical)  "
          "(c) decode + forced fresh build (scapy clear_cache(); codec encode(fresh=True))")
    print(f"{'message':<8} {'mode':<4} {'codec/s':>9} {'scapy generic/s':>16} {'ratio':>6} "
          f"{'scapy+layers/s':>15} {'ratio':>6} {'floor/s':>9} {'floor ratio':>12}")
    lowest = {"generic": GOAL * 10, "layers": GOAL * 10, "floor": GOAL * 10}
    for name in NAMES:
        for mode in MODES:
            one, two = first[(name, mode)], second[(name, mode)]
            rg, rl = one["codec"] / one["generic"], two["codec"] / two["layers"]
            rf = two["floor"] / two["layers"]
            lowest["generic"] = min(lowest["generic"], rg)
            lowest["layers"] = min(lowest["layers"], rl)
            lowest["floor"] = min(lowest["floor"], rf)
            print(f"{name:<8} ({mode}) {two['codec']:>9.0f} {one['generic']:>16.0f} {rg:>5.1f}x "
                  f"{two['layers']:>15.0f} {rl:>5.1f}x {two['floor']:>9.0f} {rf:>11.1f}x")
    print(f"octets: {', '.join(f'{n} {len(data[n])}' for n in NAMES)}")
    print("scapy generic keeps ICMPv6 type 154 as one opaque payload (not the same work); "
          "ratios against it are shown for reference only")
    print("floor ratio: floor/s over scapy+layers/s, the most any Python codec could reach")
    for name in NAMES:
        o = objects[name]
        print(f"{name:<8} (a) floor + one frozen dataclass per option: {o['objects']:.0f}/s, "
              f"{o['objects'] / o['layers']:.1f}x scapy+layers (the object model's share; "
              "the codec adds the field checks)")
    layers = checked["layers"]
    print(f"prrtadv  (a) every check the codec makes, the same objects (prrtadv_floors.py), "
          f"beside scapy+layers at {layers:.0f}/s and the codec at {checked['codec']:.0f}/s "
          f"({checked['codec'] / layers:.1f}x):")
    for key, label in (("per class", "one decoder function per option class"),
                       ("inlined", "every option type inlined in one loop")):
        print(f"         {label:<40} {checked[key]:>9.0f}/s {checked[key] / layers:>5.1f}x")
    for base in ("generic", "layers"):
        low = lowest[base]
        verdict = "met" if low >= GOAL else "NOT met"
        print(f"goal codec >= {GOAL:.0f}x scapy ({base}), all of (a)(b)(c): {verdict} "
              f"(lowest {low:.1f}x)")
    verdict = "below" if lowest["floor"] < GOAL else "above"
    print(f"floor: lowest {lowest['floor']:.1f}x scapy+layers, {verdict} the goal")
    ratio = checked["per class"] / layers
    verdict = "below" if ratio < GOAL else "above"
    print(f"checked floor, one decoder per option class: {ratio:.1f}x scapy+layers, {verdict} "
          "the goal")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
