"""Benchmark: what the BMC reductions buy on the prover's heaviest jobs.

Run ``python -m rfc5269.proofs.bench [--quick]``. For each of the deep BMC
runs of the default profile that cost the most, it runs the plain encoding
(every event kind, the whole property, incremental) as the baseline and then
each reduction the prover uses, in the same process, and prints CPU seconds
and the ratio to the baseline:

* ``coi`` — the cone of influence (:func:`rfc5269.proofs.engine.relevant_kinds`);
* ``coi+sym`` — and the (MN 0, AR 0) instance of a symmetric invariant
  (``Property.bmc_invariant``; 2 MN / 2 AR only);
* ``...+once`` — one query for a violation at any depth instead of one per depth.

The load average is printed with the figures: on this shared 2-core machine
CPU seconds vary by about 20 % between runs.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import time

from rfc5269.proofs.catalogue import PROPERTIES
from rfc5269.proofs.configs import CONFIGS, POPULATIONS
from rfc5269.proofs.engine import bmc

CASES: tuple[tuple[str, str, str, int], ...] = (
    ("P5", "lifetime-anchor=solicitation+par-keeps-key", "1mn1ar", 10),
    ("P5", "lifetime-anchor=solicitation+par-keeps-key", "2mn2ar", 7),
    ("P3", "rfc", "2mn2ar", 7),
    ("P5", "lifetime-anchor=solicitation", "2mn2ar", 7),
)
"""(property, configuration, population, depth): the default profile's costliest BMC jobs."""


def _cpu(pid: str, config: str, pop: str, depth: int, mode: str) -> tuple[float, str]:
    prop = PROPERTIES[pid]
    if "sym" not in mode:
        prop = dataclasses.replace(prop, symmetric_instance=None)
    cfg = CONFIGS[config].with_population(*POPULATIONS[pop])
    t0 = time.process_time()
    out = bmc(prop, cfg, depth, coi=mode != "plain", incremental="once" not in mode)
    verdict = f"violated at {out.depth}" if out.violated else f"holds to {out.depth}"
    return time.process_time() - t0, verdict


def main(argv: list[str] | None = None) -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="only the 2 MN / 2 AR cases")
    args = parser.parse_args(argv)
    print(f"load average at start: {os.getloadavg()[0]:.2f}")
    for pid, config, pop, depth in CASES:
        if args.quick and pop == "1mn1ar":
            continue
        modes = ["plain", "coi", "coi+once"]
        if PROPERTIES[pid].symmetric_instance is not None and pop != "1mn1ar":
            modes += ["coi+sym", "coi+sym+once"]
        base, verdict = _cpu(pid, config, pop, depth, "plain")
        print(f"{pid} {config} {pop} depth {depth} ({verdict}): plain {base:6.2f} s CPU")
        for mode in modes[1:]:
            cpu, v = _cpu(pid, config, pop, depth, mode)
            assert v == verdict, (mode, v, verdict)
            print(f"    {mode:14} {cpu:6.2f} s CPU   x{base / cpu:5.1f}")
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
