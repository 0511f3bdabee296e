"""``rfc5269 fuzz``: a fuzz entry point per decoder, and a campaign runner.

The promise under test: untrusted bytes never raise anything but
:class:`rfc5269.errors.DecodeError` from a decoder of :mod:`rfc5269.wire`
(the codec contract), nor from :func:`rfc5269.nodes.packets.open_packet`,
which the nodes call on every received packet.

Each :class:`FuzzTarget` is one decoder with a seed corpus cut from a real
exchange on the in-memory link (:mod:`rfc5269.scenario`): the RtSolPr,
PrRtAdv, CPS, CPAs, FBU and FBack, their ICMPv6 bodies, option areas, CGA
Parameters and Mobility Headers. The campaign is a deterministic mutational
fuzzer (bit flips, interesting bytes, inserted, deleted, duplicated and
spliced ranges, truncation) that is *coverage guided by sampling*: one input
in ``trace_every`` runs under a line tracer, and an input that reaches a new
line of the project is added to the corpus. The report gives inputs per
second (measured without the tracer's cost attributed to all inputs) and the
line coverage reached in the modules the target exercised.

Nothing here is imported by the protocol logic.
"""

from __future__ import annotations

import argparse
import functools
import json
import random
import sys
import time
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rfc5269.errors import DecodeError

Decoder = Callable[[bytes], object]


@dataclass(frozen=True)
class FuzzTarget:
    """One decoder under fuzzing and how to cut its seeds from whole packets."""

    name: str
    decode: Decoder
    seeds: Callable[[list[bytes]], list[bytes]]
    description: str
    allowed: tuple[type[Exception], ...] = (DecodeError,)
    """The typed errors the decoder documents; anything else is an escape."""


@dataclass
class Escape:
    """An exception other than DecodeError escaped the decoder."""

    target: str
    data: str
    error: str


@dataclass
class CampaignResult:
    """What one target's campaign did."""

    target: str
    inputs: int
    seconds: float
    inputs_per_second: float
    typed_errors: int
    accepted: int
    corpus: int
    lines_covered: int
    lines_total: int
    escapes: list[Escape] = field(default_factory=list)

    @property
    def coverage(self) -> float:
        """Fraction of executable lines of the touched project modules that ran."""
        return self.lines_covered / self.lines_total if self.lines_total else 0.0


# ------------------------------------------------------------------ seeds


def exchange_packets(seed: int = 0) -> list[bytes]:
    """Every packet of a full exchange and handover on the in-memory link (the seed corpus)."""
    from ipaddress import IPv6Address

    from rfc5269.nodes.events import RequestHandoverKey, StartHandover
    from rfc5269.scenario import NEW_AP, make_exchange

    ex = make_exchange(seed)
    ex.link.give(ex.mn.name, RequestHandoverKey(ex.ar.address, NEW_AP))
    ex.link.advance(1)
    ex.link.give(ex.mn.name, StartHandover(ex.ar.address, IPv6Address("2001:db8:b::1234")))
    return [d.packet for d in ex.link.wire if not d.dropped]


def _upper(packet: bytes) -> bytes:
    from rfc5269.interpretations import BadfLength
    from rfc5269.nodes.packets import open_packet

    return open_packet(packet, BadfLength.OPTION_DATA).upper_layer


def _icmp_bodies(packets: list[bytes]) -> list[bytes]:
    return [_upper(p) for p in packets if p[6] == 58]


def _mh_bodies(packets: list[bytes]) -> list[bytes]:
    return [_upper(p) for p in packets if p[6] != 58]


def _option_areas(packets: list[bytes]) -> list[bytes]:
    # RtSolPr, PrRtAdv (RFC 5568 §6.1) and CPS have an 8-octet header before
    # their options, a CPA (type 149, RFC 3971 §6.4.2) a 12-octet one.
    return [icmp[12:] if icmp[0] == 149 else icmp[8:] for icmp in _icmp_bodies(packets)]


def _cga_parameters(packets: list[bytes]) -> list[bytes]:
    from rfc5269.wire.ndopt import CgaOption, decode_options

    found = []
    for area in _option_areas(packets):
        for option in decode_options(area):
            if isinstance(option, CgaOption):
                found.append(option.parameters.encode())
    return found


def _addr_blocks(packets: list[bytes]) -> list[bytes]:
    from cryptography import x509
    from rfc5269.scenario import make_exchange

    ex = make_exchange(0)
    values = []
    for cert in ex.pki.path:
        for ext in cert.extensions:
            if ext.oid.dotted_string == "1.3.6.1.5.5.7.1.7":
                assert isinstance(ext.value, x509.UnrecognizedExtension)
                values.append(ext.value.value)
    return values or [b"\x30\x00"]


def _pcap(packets: list[bytes]) -> list[bytes]:
    import struct

    out = bytearray(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 229))
    for p in packets[:3]:
        out += struct.pack("<IIII", 1, 0, len(p), len(p)) + p
    return [bytes(out)]


def _targets() -> dict[str, FuzzTarget]:
    from rfc5269.interpretations import BadfLength
    from rfc5269.nodes.packets import open_packet
    from rfc5269.send.addrblocks import AddressBlocksError, decode_ipv6_blocks
    from rfc5269.wire.cga_params import CgaParameters
    from rfc5269.wire.icmpv6 import decode_icmpv6
    from rfc5269.wire.ipv6 import IPv6Packet
    from rfc5269.wire.mobility import decode_mobility_header
    from rfc5269.wire.ndopt import decode_options
    from rfc5269.wire.pcap import read_pcap
    from rfc5269.wire.send_ranges import signed_portion

    def ipv6(data: bytes) -> object:
        return IPv6Packet.decode(data, verify_checksum=False)

    def ipv6_header_length_reading(data: bytes) -> object:
        return IPv6Packet.decode(data, verify_checksum=False,
                                 badf_length=BadfLength.AUTHENTICATOR_ONLY)

    def node_packet(data: bytes) -> object:
        return open_packet(data, BadfLength.OPTION_DATA)

    def icmpv6(data: bytes) -> object:
        return decode_icmpv6(data, verify_checksum=False)

    def pcap(data: bytes) -> object:
        return list(read_pcap(data))

    targets = (
        FuzzTarget("ipv6-packet", ipv6, list, "IPv6Packet.decode, checksums not verified"),
        FuzzTarget("ipv6-packet-badf-auth", ipv6_header_length_reading, list,
                   "IPv6Packet.decode under the other BADF length reading (CL-07)"),
        FuzzTarget("open-packet", node_packet, list,
                   "nodes.packets.open_packet: what every node runs on a received packet"),
        FuzzTarget("icmpv6", icmpv6, _icmp_bodies,
                   "decode_icmpv6 (RtSolPr, PrRtAdv, CPS, CPA), checksum not verified"),
        FuzzTarget("nd-options", decode_options, _option_areas, "ndopt.decode_options"),
        FuzzTarget("cga-parameters", CgaParameters.decode, _cga_parameters,
                   "CgaParameters.decode (RFC 3972 §3)"),
        FuzzTarget("mobility-header", decode_mobility_header, _mh_bodies,
                   "decode_mobility_header (FBU, FBack), checksum not verified"),
        FuzzTarget("send-ranges", signed_portion, _icmp_bodies,
                   "send_ranges.signed_portion (RFC 3971 §5.2 byte ranges)"),
        # AddressBlocksError is what this decoder documents (and pkix catches);
        # it is a ValueError, not an Rfc5269Error (reported as a finding).
        FuzzTarget("ip-addr-blocks", decode_ipv6_blocks, _addr_blocks,
                   "addrblocks.decode_ipv6_blocks (RFC 3779 extension value; "
                   "AddressBlocksError allowed)", (AddressBlocksError,)),
        FuzzTarget("pcap", pcap, _pcap, "wire.pcap.read_pcap"),
    )
    return {t.name: t for t in targets}


TARGET_NAMES = ("ipv6-packet", "ipv6-packet-badf-auth", "open-packet", "icmpv6", "nd-options",
                "cga-parameters", "mobility-header", "send-ranges", "ip-addr-blocks", "pcap")


def targets() -> dict[str, FuzzTarget]:
    """Every fuzz target by name."""
    return _targets()


# ------------------------------------------------------------------ one input


def run_one(target: FuzzTarget, data: bytes) -> Escape | None:
    """The fuzz entry point: decode ``data``; anything but the allowed typed error escapes."""
    outcome = _classify(target, data)
    return outcome if isinstance(outcome, Escape) else None


# ------------------------------------------------------------------ mutation

_INTERESTING = (0x00, 0x01, 0x02, 0x03, 0x04, 0x07, 0x08, 0x0F, 0x10, 0x1F, 0x20, 0x3F, 0x40,
                0x7F, 0x80, 0x81, 0xFE, 0xFF, 11, 12, 13, 14, 15, 16, 17, 19, 27, 28, 58, 60,
                135, 154)


def mutate(data: bytes, rng: random.Random, corpus: list[bytes]) -> bytes:
    """One to four random mutations of ``data`` (deterministic for a given ``rng``)."""
    buf = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(9)
        n = len(buf)
        if op == 0 and n:
            bit = rng.randrange(n * 8)
            buf[bit // 8] ^= 0x80 >> (bit % 8)
        elif op == 1 and n:
            buf[rng.randrange(n)] = rng.choice(_INTERESTING)
        elif op == 2 and n:
            buf[rng.randrange(n)] = rng.randrange(256)
        elif op == 3:
            at = rng.randrange(n + 1)
            buf[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
        elif op == 4 and n:
            at = rng.randrange(n)
            del buf[at:at + rng.randint(1, 16)]
        elif op == 5 and n:
            del buf[rng.randrange(n + 1):]
        elif op == 6 and n:
            at = rng.randrange(n)
            chunk = buf[at:at + rng.randint(1, 16)]
            to = rng.randrange(n + 1)
            buf[to:to] = chunk
        elif op == 7 and corpus:
            other = rng.choice(corpus)
            cut = rng.randrange(len(buf) + 1)
            buf = buf[:cut] + other[rng.randrange(len(other) + 1):]
        elif op == 8 and n >= 2:
            at = rng.randrange(n - 1)
            value = rng.choice((0, 1, 0x7F, 0x80, 0xFF, 0xFFFF, n, n // 8, rng.randrange(65536)))
            buf[at:at + 2] = (value & 0xFFFF).to_bytes(2, "big")
    return bytes(buf)


# ------------------------------------------------------------------ coverage


def _project_root() -> str:
    return str(Path(__file__).resolve().parent)


def executable_lines(filename: str) -> set[int]:
    """Line numbers that carry code in a source file (from its compiled code objects)."""
    source = Path(filename).read_text(encoding="utf-8")
    code = compile(source, filename, "exec")
    lines: set[int] = set()
    stack: list[types.CodeType] = [code]
    while stack:
        c = stack.pop()
        lines.update(line for _, _, line in c.co_lines() if line is not None)
        stack.extend(k for k in c.co_consts if isinstance(k, types.CodeType))
    return lines


class LineTracer:
    """Collects (file, line) pairs executed inside the project while active."""

    def __init__(self) -> None:
        self.root = _project_root()
        self.hits: set[tuple[str, int]] = set()

    def _local(self, frame: types.FrameType, event: str, arg: Any) -> Any:
        if event == "line":
            self.hits.add((frame.f_code.co_filename, frame.f_lineno))
        return self._local

    def _global(self, frame: types.FrameType, event: str, arg: Any) -> Any:
        if frame.f_code.co_filename.startswith(self.root):
            self.hits.add((frame.f_code.co_filename, frame.f_code.co_firstlineno))
            return self._local
        return None

    def run(self, func: Callable[[], object]) -> int:
        """Run ``func`` traced; return how many new lines it reached."""
        before = len(self.hits)
        sys.settrace(self._global)
        try:
            func()
        except Exception:  # noqa: S110 - outcomes are judged by run_one
            pass
        finally:
            sys.settrace(None)
        return len(self.hits) - before

    def coverage(self) -> tuple[int, int]:
        """(lines hit, executable lines) over the project files that were touched."""
        files = {f for f, _ in self.hits}
        total = covered = 0
        for f in files:
            lines = executable_lines(f)
            total += len(lines)
            covered += len({ln for ff, ln in self.hits if ff == f} & lines)
        return covered, total


# ------------------------------------------------------------------ campaign


def campaign(target: FuzzTarget, *, inputs: int | None = None, seconds: float | None = None,
             seed: int = 0, trace_every: int = 64,
             seeds: list[bytes] | None = None) -> CampaignResult:
    """Fuzz one target until ``inputs`` inputs or ``seconds`` seconds, whichever comes first."""
    if inputs is None and seconds is None:
        raise ValueError("give inputs or seconds")
    rng = random.Random(f"fuzz/{target.name}/{seed}")
    corpus = list(dict.fromkeys(seeds if seeds is not None else target.seeds(exchange_packets())))
    corpus = [c for c in corpus if c] or [b"\x00"]
    tracer = LineTracer()
    for c in corpus:
        tracer.run(functools.partial(target.decode, c))
    escapes: list[Escape] = []
    typed = accepted = count = 0
    traced_time = 0.0
    start = time.perf_counter()
    deadline = start + seconds if seconds is not None else None
    while (inputs is None or count < inputs) and \
            (deadline is None or count % 256 or time.perf_counter() < deadline):
        data = mutate(rng.choice(corpus), rng, corpus)
        count += 1
        if count % trace_every == 0:
            t0 = time.perf_counter()
            if tracer.run(functools.partial(target.decode, data)) > 0 and len(corpus) < 4096:
                corpus.append(data)
            traced_time += time.perf_counter() - t0
        outcome = _classify(target, data)
        if isinstance(outcome, Escape):
            if len(escapes) < 20:
                escapes.append(outcome)
        elif outcome:
            accepted += 1
        else:
            typed += 1
    elapsed = time.perf_counter() - start
    covered, total = tracer.coverage()
    untraced = max(elapsed - traced_time, 1e-9)
    return CampaignResult(target.name, count, elapsed, count / untraced, typed, accepted,
                          len(corpus), covered, total, escapes)


def _classify(target: FuzzTarget, data: bytes) -> Escape | bool:
    """True: decoded; False: DecodeError; an Escape otherwise."""
    try:
        target.decode(data)
    except target.allowed:
        return False
    except Exception as exc:
        return Escape(target.name, data.hex(), f"{type(exc).__name__}: {exc}")
    return True


def iter_results(names: list[str], **kwargs: Any) -> Iterator[CampaignResult]:
    """Run the campaign for each named target in turn."""
    all_targets = targets()
    packets = exchange_packets()
    for name in names:
        target = all_targets[name]
        yield campaign(target, seeds=target.seeds(packets), **kwargs)


# ------------------------------------------------------------------ CLI


def _cmd(args: argparse.Namespace) -> int:
    if args.list:
        for name, t in targets().items():
            print(f"{name:24} {t.description}")
        return 0
    names = args.target or list(TARGET_NAMES)
    unknown = [n for n in names if n not in TARGET_NAMES]
    if unknown:
        print(f"unknown target(s): {', '.join(unknown)}", file=sys.stderr)
        return 2
    results = []
    print(f"{'target':24} {'inputs':>10} {'inputs/s':>9} {'typed':>10} {'decoded':>9} "
          f"{'corpus':>6} {'coverage':>14} escapes", flush=True)
    for r in iter_results(names, inputs=args.inputs, seconds=args.seconds, seed=args.seed,
                          trace_every=args.trace_every):
        results.append(r)
        print(f"{r.target:24} {r.inputs:>10} {r.inputs_per_second:>9.0f} {r.typed_errors:>10} "
              f"{r.accepted:>9} {r.corpus:>6} {r.lines_covered:>5}/{r.lines_total:<5} "
              f"{100 * r.coverage:3.0f}% {len(r.escapes)}", flush=True)
        for e in r.escapes[:3]:
            print(f"    escape: {e.error} on {e.data[:120]}", flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps([{
            **{k: v for k, v in vars(r).items() if k != "escapes"},
            "coverage": round(r.coverage, 4),
            "escapes": [vars(e) for e in r.escapes]} for r in results], indent=2) + "\n")
    return 1 if any(r.escapes for r in results) else 0


def register(subparsers: Any) -> None:
    """Add ``rfc5269 fuzz``."""
    p = subparsers.add_parser(
        "fuzz", help="fuzz the decoders: only DecodeError may escape",
        description="Run a deterministic, coverage-sampled mutational fuzz campaign against "
                    "each decoder; print inputs per second and line coverage.")
    p.add_argument("target", nargs="*", help="targets to fuzz (default: all; see --list)")
    p.add_argument("--list", action="store_true", help="list the targets")
    p.add_argument("--inputs", type=int, default=None, help="inputs per target")
    p.add_argument("--seconds", type=float, default=None,
                   help="time per target (default 10 s when --inputs is not given)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--trace-every", type=int, default=64,
                   help="trace one input in N for coverage feedback")
    p.add_argument("--json", metavar="FILE", help="write the results as JSON")

    def run(args: argparse.Namespace) -> int:
        if args.inputs is None and args.seconds is None:
            args.seconds = 10.0
        return _cmd(args)

    p.set_defaults(func=run)
