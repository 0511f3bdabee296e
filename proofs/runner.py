"""Jobs, profiles and the parallel runner behind ``rfc5269 prove``.

A profile decides the jobs:

* every (property, configuration) expected to hold gets the strengthened
  induction proof, for both populations (1 MN / 1 AR and 2 MN / 2 AR);
* every pair expected to be violated gets a shortest-counterexample search
  (BMC from depth 0 upwards) on 1 MN / 1 AR, and in the default profile also
  on 2 MN / 2 AR;
* each property's main holding configuration gets a deep BMC run: depth 10 on
  1 MN / 1 AR and 7 on 2 MN / 2 AR in the default profile, 4 and 3 in ``ci``;
* P7 (the SEND timing arithmetic) is one job;
* every bug-zoo fault (:mod:`.zoo`) gets a shortest-counterexample search on
  1 MN / 1 AR for the property that refutes it (``kind="zoo"``), in every
  profile; ``zoo_plan`` gives just these with the proofs of the same
  properties on the faults' base configurations.
"""

from __future__ import annotations

import multiprocessing
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from rfc5269.proofs import p7_send_timing
from rfc5269.proofs.base import Expect, Result, Status
from rfc5269.proofs.catalogue import DEEP_BMC_CONFIG, PROPERTIES, TIMING_ID
from rfc5269.proofs.configs import CONFIGS, POPULATIONS
from rfc5269.proofs.engine import bmc, induction
from rfc5269.proofs.msc import render_mermaid, render_text, trace_dicts
from rfc5269.proofs.zoo import BY_CONFIG_NAME, CONFIRMED, ZOO, ZOO_METHOD


@dataclass(frozen=True)
class Job:
    """One unit of work."""

    kind: str  # "induction" | "bmc" | "search" | "timing" | "zoo"
    property_id: str
    config: str
    population: str
    depth: int

    def label(self) -> str:
        """Short description for progress lines."""
        return f"{self.property_id} {self.config} {self.population} {self.kind}"


@dataclass(frozen=True)
class Profile:
    """Depths for a run."""

    name: str
    deep_depth_small: int
    deep_depth_large: int
    search_depth: int
    search_populations: tuple[str, ...]
    zoo: bool = True


PROFILES: dict[str, Profile] = {
    "default": Profile("default", 10, 7, 10, ("1mn1ar", "2mn2ar")),
    "ci": Profile("ci", 4, 3, 10, ("1mn1ar",)),
}


def plan(
    profile: Profile,
    properties: Iterable[str] | None = None,
    configs: Iterable[str] | None = None,
    depth: int | None = None,
) -> list[Job]:
    """The jobs for a profile, narrowed to some properties and configurations."""
    want_p = set(properties) if properties else None
    want_c = set(configs) if configs else None
    jobs: list[Job] = []
    for pid, prop in PROPERTIES.items():
        if want_p is not None and pid not in want_p:
            continue
        for cname, exp in prop.expected.items():
            if want_c is not None and cname not in want_c:
                continue
            if exp is Expect.HOLDS:
                for pop in POPULATIONS:
                    jobs.append(Job("induction", pid, cname, pop, 0))
            else:
                for pop in profile.search_populations:
                    jobs.append(Job("search", pid, cname, pop, depth or profile.search_depth))
        deep = DEEP_BMC_CONFIG.get(pid)
        if deep is not None and (want_c is None or deep in want_c):
            jobs.append(Job("bmc", pid, deep, "1mn1ar", depth or profile.deep_depth_small))
            jobs.append(Job("bmc", pid, deep, "2mn2ar", depth or profile.deep_depth_large))
    if (want_p is None or TIMING_ID in want_p) and (want_c is None or "rfc" in want_c):
        jobs.append(Job("timing", TIMING_ID, "rfc3971-arithmetic", "-", 0))
    if profile.zoo:
        jobs += [j for j in _zoo_jobs(profile, depth)
                 if (want_p is None or j.property_id in want_p)
                 and (want_c is None or j.config in want_c)]
    return _longest_first(jobs)


def _longest_first(jobs: list[Job]) -> list[Job]:
    """Deep BMC first, so the pool stays busy."""
    return sorted(jobs, key=lambda j: (j.kind != "bmc", -j.depth))


def _zoo_jobs(profile: Profile, depth: int | None) -> list[Job]:
    return [Job("zoo", z.property_id, z.config_name, "1mn1ar", depth or profile.search_depth)
            for z in ZOO]


def zoo_plan(profile: Profile, depth: int | None = None) -> list[Job]:
    """The bug-zoo jobs and the proofs of their properties on their base configurations."""
    jobs = _zoo_jobs(profile, depth)
    seen = set()
    for z in ZOO:
        if (z.property_id, z.base) in seen:
            continue
        seen.add((z.property_id, z.base))
        for pop in POPULATIONS:
            jobs.append(Job("induction", z.property_id, z.base, pop, 0))
    return _longest_first(jobs)


def run_job(job: Job) -> Result:
    """Execute one job (in a worker process), recording wall and CPU time."""
    c0 = time.process_time()
    result = _run_job(job)
    result.cpu_seconds = time.process_time() - c0
    return result


def _run_job(job: Job) -> Result:
    t0 = time.perf_counter()
    if job.kind == "timing":
        claims = p7_send_timing.check_all()
        ok = all(c.as_expected for c in claims)
        note = "; ".join(
            f"{c.claim}[{c.params}]: {'valid' if c.valid else 'refuted ' + c.witness}"
            for c in claims)
        return Result(TIMING_ID, job.config, job.population,
                      Status.PROVED if ok else Status.UNKNOWN, None,
                      time.perf_counter() - t0, "holds", "z3 real arithmetic", note=note)
    prop = PROPERTIES[job.property_id]
    n_mn, n_ar = POPULATIONS[job.population]
    if job.kind == "zoo":
        cfg = BY_CONFIG_NAME[job.config].config().with_population(n_mn, n_ar)
        expected = Expect.VIOLATED.value
    else:
        cfg = CONFIGS[job.config].with_population(n_mn, n_ar)
        expected = prop.expected.get(job.config, Expect.HOLDS).value
    if job.kind == "induction":
        out = induction(prop, cfg)
        status = Status.PROVED if out.proved else Status.UNKNOWN
        return Result(prop.id, job.config, job.population, status, None,
                      time.perf_counter() - t0, expected, "strengthened 1-induction", note=out.note)
    at_once = job.kind == "bmc" and job.population in prop.deep_bmc_at_once
    b = bmc(prop, cfg, job.depth, incremental=not at_once)
    seconds = time.perf_counter() - t0
    method = ZOO_METHOD if job.kind == "zoo" else (
        "BMC (at once)" if at_once else "BMC (incremental)")
    if b.violated:
        title = f"{prop.id} violated under {job.config} ({job.population}), depth {b.depth}"
        res = Result(prop.id, job.config, job.population, Status.VIOLATED, b.depth, seconds,
                     expected, method, trace=trace_dicts(b.events),
                     msc_text=render_text(cfg, b.events, title),
                     msc_mermaid=render_mermaid(cfg, b.events, title))
        if not b.replay_ok:
            res.note = "CONCRETE REPLAY DISAGREES: " + b.replay_note
        else:
            res.note = CONFIRMED
        return res
    status = Status.UNKNOWN if b.unknown else Status.BOUNDED
    return Result(prop.id, job.config, job.population, status, b.depth, seconds, expected,
                  method)


def run(
    jobs: list[Job], processes: int = 2,
    progress: Callable[[int, int, Result], None] | None = None,
) -> list[Result]:
    """Run jobs in parallel; call ``progress(done, total, result)`` as each finishes."""
    results: list[Result] = []
    if processes <= 1:
        for i, job in enumerate(jobs, 1):
            r = run_job(job)
            results.append(r)
            if progress:
                progress(i, len(jobs), r)
        return results
    ctx = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
    with ctx.Pool(processes) as pool:
        for i, r in enumerate(pool.imap_unordered(run_job, jobs), 1):
            results.append(r)
            if progress:
                progress(i, len(jobs), r)
    order = {"P7": 99}
    results.sort(key=lambda r: (order.get(r.property_id, 0), r.property_id, r.config,
                                r.population, r.method))
    return results


def status_text(r: Result) -> str:
    """Status column."""
    if r.status is Status.PROVED:
        return "proved (unbounded)"
    if r.status is Status.BOUNDED:
        return f"holds to depth {r.depth}"
    if r.status is Status.VIOLATED:
        return f"violated at depth {r.depth}"
    return "unknown"


def table(results: list[Result]) -> str:
    """The summary table."""
    rows = [("property", "interpretation", "pop.", "status", "method", "expected", "time",
             "cpu")]
    for r in results:
        rows.append((r.property_id, r.config, r.population, status_text(r), r.method,
                     r.expected + ("" if r.as_expected else " (MISMATCH)"), f"{r.seconds:.2f}s",
                     f"{r.cpu_seconds:.2f}s"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
