"""``rfc5269 prove``: run the property catalogue against the model.

Examples::

    rfc5269 prove                          # default profile, everything, 2 processes
    rfc5269 prove --profile ci --json      # what the tests run, as JSON
    rfc5269 prove --property P5 --interpretation rfc --depth 8
    rfc5269 prove --show-traces            # print every counterexample as a chart
    rfc5269 prove --zoo --zoo-table reference/data/model_zoo.json
                                           # only the bug zoo: each faulty variant refuted,
                                           # its property proved without the fault

The default and ci profiles include the bug-zoo refutations (one shallow BMC
search per fault, :mod:`rfc5269.proofs.zoo`).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any

from rfc5269.proofs.base import Result
from rfc5269.proofs.catalogue import ALL_IDS
from rfc5269.proofs.configs import CONFIGS
from rfc5269.proofs.runner import PROFILES, plan, run, status_text, table, zoo_plan
from rfc5269.proofs.zoo import table as zoo_table


def register(subparsers: Any) -> None:
    """Add the ``prove`` subcommand."""
    p = subparsers.add_parser(
        "prove", help="prove or refute the RFC 5269 security properties on the Z3 model",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--property", action="append", choices=ALL_IDS,
                   help="only this property (repeatable)")
    p.add_argument("--interpretation", action="append", choices=sorted(CONFIGS),
                   help="only this configuration (repeatable)")
    p.add_argument("--depth", type=int, help="BMC depth for every BMC job")
    p.add_argument("--profile", choices=sorted(PROFILES), default="default")
    p.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1),
                   help="worker processes (default: 2)")
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    p.add_argument("--show-traces", action="store_true",
                   help="print every counterexample as a message sequence chart")
    p.add_argument("--charts", metavar="DIR",
                   help="write each counterexample to DIR as .txt and Mermaid .mmd")
    p.add_argument("--zoo", action="store_true",
                   help="only the bug-zoo faults and the proofs of their properties without them")
    p.add_argument("--zoo-table", metavar="PATH",
                   help="write the bug-zoo table (variant, property, depth, status) as JSON")
    p.add_argument("--list", action="store_true", help="list the jobs and exit")
    p.set_defaults(func=main)


def write_charts(results: list[Result], directory: str) -> None:
    """One .txt and one .mmd file per counterexample."""
    os.makedirs(directory, exist_ok=True)
    for r in results:
        if not r.msc_text:
            continue
        stem = f"{r.property_id}_{r.config}_{r.population}".replace("=", "-").replace(
            "+", "_").replace(":", "-")
        with open(os.path.join(directory, stem + ".txt"), "w", encoding="utf-8") as f:
            f.write(r.msc_text + "\n")
        with open(os.path.join(directory, stem + ".mmd"), "w", encoding="utf-8") as f:
            f.write(r.msc_mermaid + "\n")


def main(args: argparse.Namespace) -> int:
    """Run the jobs; exit 0 when every result matches its expectation."""
    if args.zoo:
        jobs = zoo_plan(PROFILES[args.profile], args.depth)
    else:
        jobs = plan(PROFILES[args.profile], args.property, args.interpretation, args.depth)
    if args.list:
        for j in jobs:
            print(j.label(), j.depth)
        return 0
    t0 = time.perf_counter()

    def progress(done: int, total: int, r: Result) -> None:
        if not args.json:
            print(f"[{done}/{total}] {r.property_id} {r.config} {r.population}: "
                  f"{status_text(r)} ({r.seconds:.2f}s)", file=sys.stderr, flush=True)

    results = run(jobs, processes=max(1, args.jobs), progress=progress)
    wall = time.perf_counter() - t0
    if args.charts:
        write_charts(results, args.charts)
    if args.zoo_table:
        with open(args.zoo_table, "w", encoding="utf-8") as f:
            f.write(json.dumps(zoo_table(results), indent=2) + "\n")
    mismatches = [r for r in results if not r.as_expected]
    disagreements = [r for r in results if r.note.startswith("CONCRETE REPLAY DISAGREES")]
    if args.json:
        print(json.dumps({
            "profile": args.profile,
            "wall_seconds": round(wall, 2),
            "cpu_seconds": round(sum(r.cpu_seconds for r in results), 2),
            "results": [r.as_dict() for r in results],
            "mismatches": len(mismatches),
        }, indent=2))
    else:
        print(table(results))
        if args.show_traces:
            for r in results:
                if r.msc_text:
                    print()
                    print(r.msc_text)
        cpu = sum(r.cpu_seconds for r in results)
        print(f"\n{len(results)} jobs in {wall:.1f}s wall ({cpu:.1f}s CPU in workers); "
              f"{len(mismatches)} differ from the expected outcome; "
              f"{len(disagreements)} counterexamples disagree with the concrete model.")
    return 0 if not mismatches and not disagreements else 1
