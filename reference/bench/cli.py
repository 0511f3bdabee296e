"""``rfc5269 bench``: run the benchmarks, print figures and ratios, write JSON and plots.

Examples::

    rfc5269 bench                              # every sub-benchmark, full size
    rfc5269 bench exchange rejection --quick   # two of them, small
    rfc5269 bench --json > bench.json          # the JSON record on stdout
    rfc5269 bench --plot out/                  # PNG plots and bench.json in out/
    rfc5269 bench --docs-record                # also write docs/_data/bench.json

Figures are CPU times of this process; protocol time is simulated. The load
average is recorded before and after: on a shared machine, compare ratios,
not absolute times.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rfc5269.bench import exchange, fbu, flood, model, rejection, scale
from rfc5269.bench.record import Record, Section, format_section, machine

BENCHMARKS = ("exchange", "rejection", "flood", "scale", "fbu", "model")
DOCS_RECORD = Path("docs") / "_data" / "bench.json"


def register(subparsers: Any) -> None:
    """Add the ``bench`` subcommand."""
    p = subparsers.add_parser(
        "bench", help="performance and behaviour under load, against baselines",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("benchmarks", nargs="*",
                   metavar="BENCHMARK",
                   help=f"which to run (default: all of {', '.join(BENCHMARKS)})")
    p.add_argument("--quick", action="store_true", help="small sizes (a smoke run)")
    p.add_argument("--rounds", type=int, help="exchange/rejection rounds (default 300)")
    p.add_argument("--key-sizes", type=int, nargs="+", default=[1024, 2048],
                   help="RSA key sizes for the exchange benchmark")
    p.add_argument("--legit-rate", type=float, default=50.0,
                   help="legitimate key requests per simulated second in the flood")
    p.add_argument("--flood-duration", type=float, help="simulated seconds per flood run")
    p.add_argument("--flood-rate", action="append", metavar="KIND=RATE[,RATE...]",
                   help="attack rates for one kind (garbage, unsigned, signed)")
    p.add_argument("--scale-sizes", type=int, nargs="+", help="numbers of MNs (default 1e5 1e6)")
    p.add_argument("--model-profile", default="ci", help="prover profile (default ci)")
    p.add_argument("--json", action="store_true", help="print the JSON record, not the text")
    p.add_argument("--plot", type=Path, metavar="DIR",
                   help="write PNG plots and bench.json into DIR")
    p.add_argument("--docs-record", action="store_true",
                   help=f"also write the record to {DOCS_RECORD} (run from the repository root)")
    p.set_defaults(func=main)


def _rates(specs: list[str] | None, quick: bool) -> dict[str, tuple[float, ...]]:
    rates = dict(flood.DEFAULT_RATES)
    if quick:
        rates = {"garbage": (100.0, 5_000.0), "unsigned": (100.0, 5_000.0),
                 "signed": (50.0, 500.0)}
    for spec in specs or ():
        kind, _, values = spec.partition("=")
        if kind not in flood.KINDS or not values:
            raise SystemExit(f"--flood-rate {spec!r}: expected KIND=RATE[,RATE...] with KIND "
                             f"one of {', '.join(flood.KINDS)}")
        rates[kind] = tuple(float(v) for v in values.split(","))
    return rates


def plan(args: argparse.Namespace) -> list[tuple[str, Callable[[dict[str, Any]], Section]]]:
    """The sections to run, as (name, function of the results so far)."""
    quick = args.quick
    rounds = args.rounds or (40 if quick else 300)
    chosen = args.benchmarks or list(BENCHMARKS)
    unknown = sorted(set(chosen) - set(BENCHMARKS))
    if unknown:
        raise SystemExit(f"rfc5269 bench: unknown benchmark(s) {', '.join(unknown)}; "
                         f"choose from {', '.join(BENCHMARKS)}")
    duration = args.flood_duration or (0.5 if quick else 2.0)
    sizes = tuple(args.scale_sizes or ((10_000, 50_000) if quick else (100_000, 1_000_000)))
    table: dict[str, Callable[[dict[str, Any]], Section]] = {
        "exchange": lambda _: exchange.run(rounds, tuple(args.key_sizes)),
        "rejection": lambda _: rejection.run(rounds),
        "flood": lambda _: flood.run(_rates(args.flood_rate, quick), legit_rate=args.legit_rate,
                                     duration=duration),
        "scale": lambda _: scale.run(sizes),
        "fbu": lambda _: fbu.run(200 if quick else 2_000),
        "model": lambda done: model.run(
            args.model_profile, steps=200 if quick else 2_000,
            ar_exchange_seconds=_ar_exchange(done)),
    }
    return [(name, table[name]) for name in BENCHMARKS if name in chosen]


def _ar_exchange(done: dict[str, Any]) -> float | None:
    section = done.get("exchange")
    if section is None:
        return None
    rows = section.details.get("sizes", [])
    return rows[0]["ar_new_us"]["median"] / 1e6 if rows else None


def main(args: argparse.Namespace) -> int:
    """Run the chosen sub-benchmarks."""
    command = "rfc5269 bench " + " ".join(sys.argv[2:]) if sys.argv[1:2] == ["bench"] else \
        "rfc5269 bench"
    record = Record(command.strip())
    done: dict[str, Section] = {}
    out = sys.stderr if args.json else sys.stdout
    print(f"machine: {json.dumps(record.machine_before)}", file=out)
    for name, run in plan(args):
        t0 = time.perf_counter()
        section = run(done)
        section.seconds = time.perf_counter() - t0
        done[name] = section
        record.sections.append(section)
        print(format_section(section), file=out, flush=True)
    record.machine_after = machine()
    print(f"load average after: {record.machine_after['load_average']}", file=out)
    data = record.as_dict()
    text = json.dumps(data, indent=2, default=str)
    if args.json:
        print(text)
    if args.plot is not None:
        from rfc5269.bench.plots import write_plots

        for path in write_plots(record, args.plot):
            print(f"wrote {path}", file=out)
        (args.plot / "bench.json").write_text(text + "\n", encoding="utf-8")
        print(f"wrote {args.plot / 'bench.json'}", file=out)
    if args.docs_record:
        DOCS_RECORD.parent.mkdir(parents=True, exist_ok=True)
        DOCS_RECORD.write_text(text + "\n", encoding="utf-8")
        print(f"wrote {DOCS_RECORD}", file=out)
    return 0
