"""``rfc5269 vectors generate DIR`` and ``rfc5269 vectors check DIR [--impl ADAPTER]``.

``--impl`` names the implementation under test:

* ``reference`` (default) — the reference AR and MN;
* ``subprocess:CMD`` — a program speaking the JSON-lines protocol of
  :mod:`rfc5269.adapters.subprocess` on its stdin/stdout (CMD is split like
  a shell command line);
* ``module:callable`` — a Python adapter factory ``callable(role, config) ->
  NodeUnderTest`` (with the priming operations if the corpus needs them), or
  a subclass of the reference's ``AccessRouter`` / ``MobileNode``, which is
  then run through the reference adapter (how the bug-zoo variants are run).
"""

from __future__ import annotations

import argparse
import importlib
import json
import shlex
import sys
from pathlib import Path
from typing import Any

from rfc5269.nodes.ar import AccessRouter
from rfc5269.nodes.mn import MobileNode
from rfc5269.vectors.check import CaseResult, check_corpus, requirement_table
from rfc5269.vectors.nodes import AdapterFactory, reference_factory


def resolve_impl(spec: str) -> AdapterFactory:
    """The adapter factory named by an ``--impl`` value."""
    if spec == "reference":
        return reference_factory()
    if spec.startswith("subprocess:"):
        from rfc5269.adapters.subprocess import subprocess_factory

        built: AdapterFactory = subprocess_factory(shlex.split(spec[len("subprocess:"):]))
        return built
    module_name, _, attr = spec.partition(":")
    if not attr:
        raise ValueError(f"--impl {spec!r}: expected reference, subprocess:CMD or "
                         "module:callable")
    target: Any = importlib.import_module(module_name)
    for part in attr.split("."):
        target = getattr(target, part)
    if isinstance(target, type) and issubclass(target, AccessRouter):
        return reference_factory(ar_class=target)
    if isinstance(target, type) and issubclass(target, MobileNode):
        return reference_factory(mn_class=target)
    if not callable(target):
        raise ValueError(f"--impl {spec!r} is not callable")
    factory: AdapterFactory = target
    return factory


def _role_of(spec: str) -> str | None:
    """An AR or MN subclass only plays its own role."""
    module_name, _, attr = spec.partition(":")
    if not attr or spec.startswith("subprocess:") or spec == "reference":
        return None
    target: Any = importlib.import_module(module_name)
    for part in attr.split("."):
        target = getattr(target, part)
    if isinstance(target, type) and issubclass(target, AccessRouter):
        return "AR"
    if isinstance(target, type) and issubclass(target, MobileNode):
        return "MN"
    return None


def format_table(results: list[CaseResult]) -> str:
    """The per-requirement pass/fail table (flags as rows)."""
    lines = [f"{'requirement / clarification':32} {'pass':>5} {'fail':>5} {'unsup':>5} "
             f"{'n/obs':>5}  verdict"]
    for flag, passed, failed, unsupported, unseen in requirement_table(results):
        verdict = "FAIL" if failed else ("not run" if not passed else "pass")
        lines.append(f"{flag:32} {passed:>5} {failed:>5} {unsupported:>5} {unseen:>5}  {verdict}")
    total = len(results)
    ok = sum(r.passed for r in results)
    unsup = sum(r.status == "unsupported" for r in results)
    unseen_n = sum(r.status == "not-observable" for r in results)
    lines.append(f"{total} cases: {ok} passed, {total - ok - unsup - unseen_n} failed, "
                 f"{unsup} unsupported by the adapter, {unseen_n} not observable through it")
    return "\n".join(lines)


def _generate(args: argparse.Namespace) -> int:
    from rfc5269.vectors.generate import generate

    for path in generate(args.directory):
        print(path)
    return 0


def _check(args: argparse.Namespace) -> int:
    factory = resolve_impl(args.impl)
    role = args.role or _role_of(args.impl)
    results = check_corpus(args.directory, factory, role=role)
    print(format_table(results))
    failures = [r for r in results if r.status == "fail"]
    for r in failures if args.verbose else failures[:20]:
        print(f"FAIL {r.suite} tcId {r.tc_id} [{r.result}] {r.comment}")
        for p in r.problems[:4]:
            print(f"     {p}")
    if args.json:
        Path(args.json).write_text(json.dumps({
            "impl": args.impl, "cases": [r.to_json() for r in results],
            "requirements": [{"flag": f, "pass": p, "fail": x, "unsupported": u,
                              "notObservable": n}
                             for f, p, x, u, n in requirement_table(results)]},
            indent=2) + "\n", encoding="utf-8")
    return 1 if failures else 0


def _coverage(args: argparse.Namespace) -> int:
    from rfc5269.vectors.coverage import coverage, format_coverage

    print(format_coverage(coverage(args.directory)))
    return 0


def register(subparsers: Any) -> None:
    """Add ``rfc5269 vectors``."""
    p = subparsers.add_parser("vectors", help="generate or check the test-vector corpus",
                              description=__doc__,
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="vectors_command", metavar="ACTION", required=True)
    gen = sub.add_parser("generate", help="write the corpus to DIR (deterministic)")
    gen.add_argument("directory")
    gen.set_defaults(func=_generate)
    chk = sub.add_parser("check", help="run an implementation against the corpus in DIR")
    chk.add_argument("directory")
    chk.add_argument("--impl", default="reference",
                     help="reference | subprocess:CMD | module:callable (default reference)")
    chk.add_argument("--role", choices=("AR", "MN"), default=None,
                     help="run only the groups of one role")
    chk.add_argument("--json", metavar="FILE", help="write the results as JSON")
    chk.add_argument("-v", "--verbose", action="store_true", help="list every failure")
    chk.set_defaults(func=_check)
    cov = sub.add_parser("coverage", help="which implemented MUSTs the corpus covers")
    cov.add_argument("directory")
    cov.set_defaults(func=_coverage)


def main(argv: list[str] | None = None) -> int:  # pragma: no cover - convenience
    parser = argparse.ArgumentParser(prog="rfc5269")
    register(parser.add_subparsers())
    args = parser.parse_args(argv)
    result: int = args.func(args)
    return result


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
