#!/usr/bin/env python3
"""Mutation testing of the security-critical modules (issue 6, "Mutation score").

Why a runner of our own: the source folders do not carry the import names
(``reference/`` is imported as ``rfc5269`` through setuptools' package-dir and
an editable install), so tools that copy the tree (mutmut 3) import the
unmutated package, and tools that rewrite the file in place (cosmic-ray)
would break the other people working in the same tree. This runner never
touches a source file: each mutant is compiled from the module's AST and put
in front of the editable finder by an import hook, in a forked child process
(and, through a generated ``sitecustomize``, in any Python subprocess a test
starts).

How it runs:

1. Mutants are enumerated from each module's AST (operators below).
2. One traced pytest run over the test selection records, per test, which
   lines of the target modules it executes (and how long it takes).
3. Each mutant runs only the tests that execute its line (fastest first,
   ``-x``), in a forked child with a timeout. A mutant whose line no test
   executes is counted as *survived* without being run (no test can see it).
   Lines executed while a module is imported (module level, ``def`` lines,
   defaults, class bodies) select every test.

Operators: comparison flips (``<``/``<=``, ``>``/``>=``, ``==``/``!=``, ``in``/
``not in``, ``is``/``is not``); ``and``/``or`` swap; removed ``not`` and removed
unary minus; negated ``if``/``while``/conditional-expression tests (not when
the test is a single ``==``/``!=``/``in``/``is`` comparison, whose flip is the
same mutant); integer ``n`` -> ``n + 1``; ``True``/``False`` swap; bytes
constants with the low bit of the first octet flipped (``b""`` -> ``b"\\x00"``);
arithmetic and bitwise operator swaps (also in augmented assignments);
``return X`` -> ``return None``; ``raise ...`` -> ``pass``; a call statement
removed. Not mutated: str constants and f-strings (messages), annotations,
decorators, docstrings, ``if TYPE_CHECKING`` blocks, ``__all__``, type-alias
unions, and ``assert`` statements (they narrow types for mypy and state
internal invariants; a mutated assert either fails on every run or never).

Score = (killed + timed out) / all mutants; the strict score (killed only)
is printed too. Results go to ``reference/data/mutation_results.json`` with,
per module, every survivor and the verdict recorded for it (equivalent, with
the reason, or test-added, with the test). Verdicts are written by hand in
``scripts/mutation_verdicts.toml``, matched by a key that does not depend on
line numbers (scope, operator, original and mutated text, occurrence).

Usage::

    python scripts/mutation.py                      # all modules, prints the score
    python scripts/mutation.py --module nodes/par.py --module send/nonces.py
    python scripts/mutation.py --survivors-only     # re-run last run's survivors
    python scripts/mutation.py --list --module handover/authenticator.py
    python scripts/mutation.py --module send/cga.py --scope cga_verify   # part of a module

Not in CI: a full run takes about 15 minutes on two shared cores for the
nine node/SEND/handover modules, and much longer for the CGA modifier search
(its mutants mostly loop until the timeout).
"""

from __future__ import annotations

import argparse
import ast
import copy
import hashlib
import json
import marshal
import os
import signal
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "reference" / "data" / "mutation_results.json"
# Verdicts on survivors, written by hand: one [[survivor]] table per examined
# mutant with its key, and verdict = "equivalent" (reason), "test-added" (test), or
# "open" (reason: a real gap examined but not closed by a test yet).
VERDICTS = ROOT / "scripts" / "mutation_verdicts.toml"

MODULES = (
    "nodes/par.py",
    "handover/authenticator.py",
    "send/timestamps.py",
    "send/nonces.py",
    "nodes/ar.py",
    "nodes/mn.py",
    "send/signature.py",
    "send/cga.py",
    "send/receiver.py",
    "handover/encryption.py",
)

TEST_PATHS = (
    "tests/send", "tests/nodes", "tests/requirements", "tests/handover", "tests/demo",
    "tests/adversarial", "tests/zoo", "tests/mutation_kills",
)

# Left out: it times a KeyboardInterrupt of a subprocess against a 20 s limit,
# which the traced run (and a loaded machine) cannot meet; it checks signal
# handling, not a security rule.
DESELECT = ("tests/send/test_cga.py::test_keyboard_interrupt_stops_the_workers",)
DESELECT_ARGS = tuple(arg for d in DESELECT for arg in ("--deselect", d))

# Third-party modules the parent imports once, so each forked child starts warm.
WARM_IMPORTS = (
    "pytest", "_pytest.python", "_pytest.fixtures", "hypothesis", "hypothesis.strategies",
    "hypothesis.stateful", "cryptography.x509", "cryptography.hazmat.primitives.hashes",
    "cryptography.hazmat.primitives.asymmetric.rsa",
    "cryptography.hazmat.primitives.asymmetric.padding", "pyasn1.codec.der.decoder",
    "pyasn1_modules.rfc5280", "fractions", "ipaddress", "hmac",
)


# --------------------------------------------------------------------------- mutants

@dataclass(frozen=True)
class Mutant:
    """One mutation of one module: where, what, and a line-independent key."""

    module: str          # e.g. "nodes/par.py"
    index: int           # position in ast.walk order of the mutated node
    op: str              # operator name
    line: int
    col: int
    end_line: int
    stmt_line: int       # first line of the enclosing statement
    scope: str           # enclosing qualname, "<module>" at top level
    original: str
    mutated: str
    key: str = ""


CMP_FLIP: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Lt: ast.LtE, ast.LtE: ast.Lt,
    ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.In: ast.NotIn, ast.NotIn: ast.In,
    ast.Is: ast.IsNot, ast.IsNot: ast.Is,
}
BIN_SWAP: dict[type[ast.operator], type[ast.operator]] = {
    ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.FloorDiv, ast.Div: ast.Mult,
    ast.FloorDiv: ast.Mult, ast.Mod: ast.FloorDiv, ast.Pow: ast.Mult,
    ast.LShift: ast.RShift, ast.RShift: ast.LShift, ast.BitAnd: ast.BitOr,
    ast.BitOr: ast.BitAnd, ast.BitXor: ast.BitAnd,
}
NEGATION_IS_FLIP = (ast.Eq, ast.NotEq, ast.In, ast.NotIn, ast.Is, ast.IsNot)


def _module_name(rel: str) -> str:
    return "rfc5269." + rel.removesuffix(".py").replace("/", ".")


def _excluded_ids(tree: ast.Module) -> set[int]:
    """ids of nodes that are never mutated (annotations, decorators, f-strings, ...)."""
    skip: set[int] = set()

    def drop(node: ast.AST | None) -> None:
        if node is not None:
            skip.update(id(n) for n in ast.walk(node))

    for node in ast.walk(tree):
        if isinstance(node, ast.arg):
            drop(node.annotation)
        elif isinstance(node, ast.AnnAssign):
            drop(node.annotation)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            drop(node.returns)
            for d in node.decorator_list:
                drop(d)
        elif isinstance(node, ast.ClassDef):
            for d in node.decorator_list:
                drop(d)
            for b in node.bases:
                drop(b)
        elif isinstance(node, ast.JoinedStr | ast.Assert):
            drop(node)
        elif isinstance(node, ast.If) and isinstance(node.test, ast.Name) \
                and node.test.id == "TYPE_CHECKING":
            drop(node)
        elif isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            drop(node)
        elif isinstance(node, ast.Assign) and _is_type_union(node.value):
            drop(node)  # a type alias such as ``Address = IPv6Address | bytes``
    return skip


def _is_type_union(node: ast.AST) -> bool:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _is_type_union(node.left) and _is_type_union(node.right)
    return isinstance(node, ast.Name | ast.Attribute | ast.Subscript) or (
        isinstance(node, ast.Constant) and node.value is None)


def _parents(tree: ast.AST) -> dict[int, ast.AST]:
    return {id(child): node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def _scope(node: ast.AST, parents: dict[int, ast.AST]) -> str:
    names: list[str] = []
    cur: ast.AST | None = node
    while cur is not None:
        if isinstance(cur, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.append(cur.name)
        cur = parents.get(id(cur))
    return ".".join(reversed(names)) or "<module>"


def _stmt_line(node: ast.AST, parents: dict[int, ast.AST]) -> int:
    cur: ast.AST | None = node
    while cur is not None and not isinstance(cur, ast.stmt):
        cur = parents.get(id(cur))
    return getattr(cur, "lineno", getattr(node, "lineno", 0))


def _bytes_flip(value: bytes) -> bytes:
    return bytes([value[0] ^ 1]) + value[1:] if value else b"\x00"


Rewrite = Callable[[ast.AST], ast.AST]


def _rewrites(node: ast.AST, parents: dict[int, ast.AST]) -> Iterator[tuple[str, Rewrite]]:
    """The mutations that apply to ``node``: (operator name, node -> replacement)."""
    if isinstance(node, ast.Compare):
        for i, cmp in enumerate(node.ops):
            if type(cmp) in CMP_FLIP:
                def flip(n: ast.AST, i: int = i) -> ast.AST:
                    assert isinstance(n, ast.Compare)
                    n.ops[i] = CMP_FLIP[type(n.ops[i])]()
                    return n
                yield "compare-flip", flip
    elif isinstance(node, ast.BoolOp):
        def swap(n: ast.AST) -> ast.AST:
            assert isinstance(n, ast.BoolOp)
            n.op = ast.Or() if isinstance(n.op, ast.And) else ast.And()
            return n
        yield "and-or-swap", swap
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        yield "not-removed", lambda n: n.operand  # type: ignore[attr-defined, no-any-return]
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        yield "minus-removed", lambda n: n.operand  # type: ignore[attr-defined, no-any-return]
    elif isinstance(node, ast.BinOp) and type(node.op) in BIN_SWAP:
        def binswap(n: ast.AST) -> ast.AST:
            assert isinstance(n, ast.BinOp)
            n.op = BIN_SWAP[type(n.op)]()
            return n
        yield "operator-swap", binswap
    elif isinstance(node, ast.AugAssign) and type(node.op) in BIN_SWAP:
        def augswap(n: ast.AST) -> ast.AST:
            assert isinstance(n, ast.AugAssign)
            n.op = BIN_SWAP[type(n.op)]()
            return n
        yield "operator-swap", augswap
    elif isinstance(node, ast.Constant):
        v = node.value
        if isinstance(v, bool):
            yield "bool-swap", lambda n: ast.Constant(not v)
        elif isinstance(v, int):
            yield "int-plus-one", lambda n: ast.Constant(v + 1)
        elif isinstance(v, float):
            yield "float-plus-one", lambda n: ast.Constant(v + 1.0)
        elif isinstance(v, bytes):
            yield "bytes-changed", lambda n: ast.Constant(_bytes_flip(v))
    elif isinstance(node, ast.Return) and node.value is not None and not (
            isinstance(node.value, ast.Constant) and node.value.value is None):
        def ret_none(n: ast.AST) -> ast.AST:
            assert isinstance(n, ast.Return)
            n.value = ast.Constant(None)
            return n
        yield "return-none", ret_none
    elif isinstance(node, ast.Raise):
        yield "raise-removed", lambda n: ast.Pass()
    elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
        yield "call-removed", lambda n: ast.Pass()
    if isinstance(node, ast.If | ast.While | ast.IfExp):
        test = node.test
        trivial = isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not)
        flip_same = (isinstance(test, ast.Compare) and len(test.ops) == 1
                     and isinstance(test.ops[0], NEGATION_IS_FLIP))
        if not trivial and not flip_same:
            def negate(n: ast.AST) -> ast.AST:
                assert isinstance(n, ast.If | ast.While | ast.IfExp)
                n.test = ast.UnaryOp(ast.Not(), n.test)
                return n
            yield "condition-negated", negate


def _source_of(node: ast.AST) -> str:
    text = ast.unparse(node)
    first = text.splitlines()[0] if text else text
    return first if len(first) <= 90 else first[:87] + "..."


def _short(node: ast.AST) -> ast.AST:
    """A node small enough to show: statements show only their header line."""
    if isinstance(node, ast.If | ast.While):
        return node.test
    return node


def _describe(new: ast.AST) -> str:
    return "pass" if isinstance(new, ast.Pass) else _source_of(_short(new))


def _replace(tree: ast.AST, target: ast.AST, new: ast.AST, parents: dict[int, ast.AST]) -> None:
    parent = parents[id(target)]
    for fname, value in ast.iter_fields(parent):
        if value is target:
            setattr(parent, fname, new)
            return
        if isinstance(value, list):
            for i, item in enumerate(value):
                if item is target:
                    value[i] = new
                    return
    raise RuntimeError("mutation target not found in its parent")


def enumerate_mutants(rel: str) -> list[Mutant]:
    """Every mutant of ``reference/<rel>``, in a stable order, with its key."""
    source = (ROOT / "reference" / rel).read_text()
    SOURCES.setdefault(rel, source)
    tree = ast.parse(source)
    skip = _excluded_ids(tree)
    parents = _parents(tree)
    out: list[Mutant] = []
    seen: dict[str, int] = {}
    for index, node in enumerate(ast.walk(tree)):
        if id(node) in skip or not hasattr(node, "lineno"):
            continue
        for op, rewrite in _rewrites(node, parents):
            before = _source_of(_short(node))
            after = _describe(rewrite(copy.deepcopy(node)))
            scope = _scope(node, parents)
            base = f"{scope}|{op}|{before}|{after}"
            seen[base] = seen.get(base, 0) + 1
            out.append(Mutant(
                module=rel, index=index, op=op, line=node.lineno,  # type: ignore[attr-defined]
                col=node.col_offset, end_line=node.end_lineno or node.lineno,  # type: ignore[attr-defined]
                stmt_line=_stmt_line(node, parents), scope=scope, original=before,
                mutated=after, key=f"{base}|{seen[base]}"))
    return out


SOURCES: dict[str, str] = {}
"""The source each module's mutants were enumerated from (a change mid-run is an error)."""


def mutant_code(m: Mutant) -> Any:
    """The compiled code object of the module with mutant ``m`` applied."""
    path = ROOT / "reference" / m.module
    if path.read_text() != SOURCES.get(m.module, path.read_text()):
        raise SystemExit(f"reference/{m.module} changed during the run; run again")
    tree = ast.parse(path.read_text())
    parents = _parents(tree)
    node = list(ast.walk(tree))[m.index]
    ops = dict(_rewrites(node, parents))
    matching = [rw for op, rw in _rewrites(node, parents) if op == m.op]
    # Compare nodes can carry several flips; pick the one whose text matches.
    for rewrite in matching or [ops[m.op]]:
        tree = ast.parse(path.read_text())
        parents = _parents(tree)
        node = list(ast.walk(tree))[m.index]
        new = rewrite(node)
        if new is not node:
            _replace(tree, node, new, parents)
        if _describe(new) == m.mutated:
            ast.fix_missing_locations(tree)
            return compile(tree, str(path), "exec")
    raise RuntimeError(f"cannot rebuild mutant {m.key}")


# --------------------------------------------------------------------------- import hook

HOOK_SOURCE = '''\
"""Generated by scripts/mutation.py: loads one mutated module in place of the real one."""
import importlib.abc, importlib.util, marshal, os, sys


class _MutantLoader(importlib.abc.Loader):
    def __init__(self, code):
        self.code = code

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        exec(self.code, module.__dict__)


class _MutantFinder(importlib.abc.MetaPathFinder):
    def __init__(self, name, path, origin):
        self.name, self.path, self.origin = name, path, origin

    def find_spec(self, fullname, path=None, target=None):
        if fullname != self.name:
            return None
        with open(self.path, "rb") as fh:
            code = marshal.load(fh)
        return importlib.util.spec_from_loader(
            fullname, _MutantLoader(code), origin=self.origin)


def install():
    name = os.environ.get("RFC5269_MUTANT_MODULE")
    if name and not any(isinstance(f, _MutantFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _MutantFinder(
            name, os.environ["RFC5269_MUTANT_CODE"], os.environ["RFC5269_MUTANT_ORIGIN"]))


install()
'''


# --------------------------------------------------------------------------- tracing run

def trace_main(out: str, targets: list[str], tests: list[str]) -> int:
    """Run pytest once, recording per test the target lines it executes."""
    import threading

    import pytest

    files = {str(ROOT / "reference" / t): t for t in targets}
    lines: dict[str, set[tuple[str, int]]] = {}
    durations: dict[str, float] = {}
    current = ["<import>"]

    tests_root = str(ROOT / "tests") + os.sep

    def importer(frame: Any) -> str:
        """Who runs a target function outside any test: the test file importing it."""
        found = "<import>"
        f = frame
        while f is not None:
            name = f.f_code.co_filename
            if name.startswith(tests_root):
                base = os.path.basename(name)
                if base.startswith("test_"):
                    return "file:" + os.path.relpath(name, ROOT)
                if base == "conftest.py":
                    found = "file:" + os.path.relpath(os.path.dirname(name), ROOT) + "/"
            f = f.f_back
        return found

    def make_local(fixed: str | None) -> Any:
        def local(frame: Any, event: str, arg: Any) -> Any:
            if event == "line":
                lines.setdefault(fixed or current[0], set()).add(
                    (files[frame.f_code.co_filename], frame.f_lineno))
            return local
        return local

    def tracer(frame: Any, event: str, arg: Any) -> Any:
        if frame.f_code.co_filename not in files:
            return None
        fixed = None
        if current[0] == "<import>" and frame.f_code.co_name != "<module>" \
                and frame.f_code.co_flags & 0x02:  # a function frame (CO_NEWLOCALS)
            fixed = importer(frame)
        key = fixed or current[0]
        lines.setdefault(key, set()).add((files[frame.f_code.co_filename], frame.f_lineno))
        return make_local(fixed)

    def install() -> None:
        # Re-installed before every test phase: a test (or hypothesis) that sets
        # or clears the trace function must not blind the rest of the run.
        if sys.gettrace() is not tracer:
            sys.settrace(tracer)
        threading.settrace(tracer)

    class Recorder:
        @pytest.hookimpl(tryfirst=True)
        def pytest_runtest_setup(self, item: Any) -> None:
            current[0] = item.nodeid
            install()

        @pytest.hookimpl(tryfirst=True)
        def pytest_runtest_call(self, item: Any) -> None:
            install()

        def pytest_runtest_logreport(self, report: Any) -> None:
            durations[report.nodeid] = durations.get(report.nodeid, 0.0) + report.duration

        @pytest.hookimpl(tryfirst=True)
        def pytest_runtest_teardown(self, item: Any) -> None:
            install()

        def pytest_runtest_logfinish(self, nodeid: str) -> None:
            current[0] = "<import>"

    sys.settrace(tracer)
    threading.settrace(tracer)
    code = pytest.main(["-q", "-p", "no:cacheprovider", *DESELECT_ARGS, *tests],
                       plugins=[Recorder()])
    sys.settrace(None)
    data = {
        "exit": int(code),
        "durations": durations,
        "lines": {k: sorted([list(x) for x in v]) for k, v in lines.items()},
    }
    Path(out).write_text(json.dumps(data))
    return int(code)


@dataclass
class Coverage:
    """Which tests execute which target line, and how long each test takes."""

    by_line: dict[tuple[str, int], set[str]] = field(default_factory=dict)
    import_lines: set[tuple[str, int]] = field(default_factory=set)
    durations: dict[str, float] = field(default_factory=dict)

    def tests_for(self, m: Mutant) -> list[str]:
        spots = {(m.module, ln) for ln in range(m.line, m.end_line + 1)} | {
            (m.module, m.stmt_line)}
        if spots & self.import_lines:
            chosen = set(self.durations)
        else:
            chosen = set()
            for s in spots:
                for who in self.by_line.get(s, set()):
                    if who.startswith("file:"):  # run while a test file was imported
                        chosen |= {t for t in self.durations if t.startswith(who[5:])}
                    else:
                        chosen.add(who)
        return sorted(chosen, key=lambda t: (self.durations.get(t, 0.0), t))


def run_trace(targets: list[str], tests: list[str], workdir: Path) -> Coverage:
    out = workdir / "trace.json"
    started = time.monotonic()
    print(f"tracing {len(tests)} test paths over {len(targets)} module(s) ...", flush=True)
    module_args = [arg for t in targets for arg in ("--module", t)]
    rc = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--_trace", str(out),
                         *module_args, "--", *tests], check=False).returncode
    if rc != 0:
        raise SystemExit(f"the unmutated test selection does not pass (exit {rc}); fix that first")
    data = json.loads(out.read_text())
    cov = Coverage(durations=data["durations"])
    for test, hits in data["lines"].items():
        for mod, ln in hits:
            if test == "<import>":
                cov.import_lines.add((mod, ln))
            else:
                cov.by_line.setdefault((mod, ln), set()).add(test)
    # A line seen at import time only counts as import-time if no test runs it
    # (a def line is executed at import; calling the function does not re-run it).
    print(f"traced in {time.monotonic() - started:.0f} s", flush=True)
    return cov


# --------------------------------------------------------------------------- running

@dataclass
class Outcome:
    status: str          # killed | survived | timeout | error
    detail: str = ""     # killing test, or why
    seconds: float = 0.0
    tests_run: int = 0


def _child(m: Mutant, tests: list[str], workdir: Path, code_file: Path, result: Path) -> None:
    """Body of the forked child: install the mutant, run the tests, write the result."""
    os.setsid()
    os.environ["RFC5269_MUTANT_MODULE"] = _module_name(m.module)
    os.environ["RFC5269_MUTANT_CODE"] = str(code_file)
    os.environ["RFC5269_MUTANT_ORIGIN"] = str(ROOT / "reference" / m.module)
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(workdir / "hook"), *filter(None, [os.environ.get("PYTHONPATH")])])
    sys.path.insert(0, str(workdir / "hook"))
    import pytest
    import sitecustomize  # noqa: F401  (the generated hook: installs the finder)
    from hypothesis.configuration import set_hypothesis_home_dir

    set_hypothesis_home_dir(workdir / "hypothesis")
    log = os.open(str(result) + ".log", os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    os.dup2(log, 1)
    os.dup2(log, 2)
    failed: list[str] = []

    class FirstFailure:
        def pytest_runtest_logreport(self, report: Any) -> None:
            if report.failed and not failed:
                failed.append(report.nodeid)

        def pytest_collectreport(self, report: Any) -> None:
            if report.failed and not failed:
                failed.append(f"collection of {report.nodeid}")

    code = pytest.main(["-x", "-q", "-p", "no:cacheprovider", *tests], plugins=[FirstFailure()])
    result.write_text(json.dumps({"exit": int(code), "failed": failed[0] if failed else ""}))
    sys.stdout.flush()
    os._exit(0)


def run_mutants(mutants: list[Mutant], cov: Coverage, workdir: Path, workers: int,
                progress: Callable[[Mutant, Outcome], None]) -> dict[str, Outcome]:
    """Run every mutant (at most ``workers`` at a time) and classify it."""
    for name in WARM_IMPORTS:
        __import__(name)
    assert not any(k == "rfc5269" or k.startswith("rfc5269.") for k in sys.modules), \
        "the parent must not import the package under test"
    queue = list(mutants)
    running: dict[int, tuple[Mutant, float, float, Path]] = {}
    results: dict[str, Outcome] = {}
    n = 0
    while queue or running:
        while queue and len(running) < workers:
            m = queue.pop(0)
            tests = cov.tests_for(m)
            if not tests:
                results[m.key] = Outcome("survived", "no test executes this line")
                progress(m, results[m.key])
                continue
            n += 1
            code_file = workdir / f"m{n}.code"
            code_file.write_bytes(marshal.dumps(mutant_code(m)))
            result = workdir / f"m{n}.json"
            budget = 10.0 + 2.0 * sum(cov.durations.get(t, 0.0) for t in tests)
            pid = os.fork()
            if pid == 0:  # pragma: no cover - child
                try:
                    _child(m, tests, workdir, code_file, result)
                finally:
                    os._exit(70)
            running[pid] = (m, time.monotonic(), budget, result)
        time.sleep(0.05)
        for pid, (m, start, budget, result) in list(running.items()):
            done, _ = os.waitpid(pid, os.WNOHANG)
            elapsed = time.monotonic() - start
            if done == 0 and elapsed > budget:
                try:
                    os.killpg(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                os.waitpid(pid, 0)
                out = Outcome("timeout", f"over {budget:.0f} s", elapsed)
            elif done == 0:
                continue
            else:
                try:
                    os.killpg(pid, signal.SIGKILL)  # stray subprocesses of the tests
                except (ProcessLookupError, PermissionError):
                    pass
                out = _classify(result, elapsed)
            del running[pid]
            results[m.key] = out
            progress(m, out)
            for extra in (result, Path(str(result) + ".log")):
                if out.status in ("killed", "timeout"):
                    extra.unlink(missing_ok=True)
    return results


def _classify(result: Path, elapsed: float) -> Outcome:
    if not result.exists():
        return Outcome("killed", "the test process crashed", elapsed)
    data = json.loads(result.read_text())
    code = data["exit"]
    if code == 0:
        return Outcome("survived", "", elapsed)
    if data["failed"]:  # a test failed, or a test module no longer imports
        return Outcome("killed", data["failed"], elapsed)
    if code in (1, 2, 3):  # tests failed / collection interrupted / internal error
        return Outcome("killed", data["failed"] or f"pytest exit {code}", elapsed)
    log = Path(str(result) + ".log")
    tail = log.read_text(errors="replace").strip().splitlines()[-3:] if log.exists() else []
    return Outcome("error", f"pytest exit {code}: {' / '.join(tail)}", elapsed)


# --------------------------------------------------------------------------- report

def _location(m: Mutant) -> str:
    return f"reference/{m.module}:{m.line}:{m.col + 1}"


def load_verdicts(path: Path = VERDICTS) -> dict[str, dict[str, Any]]:
    """The hand-written verdicts on survivors, by mutant key (see VERDICTS)."""
    if not path.exists():
        return {}
    entries = tomllib.loads(path.read_text()).get("survivor", [])
    out: dict[str, dict[str, Any]] = {}
    for e in entries:
        if e.get("verdict") not in ("equivalent", "test-added", "open"):
            raise SystemExit(f"{path}: bad verdict in {e}")
        if e["verdict"] == "test-added" and not e.get("test"):
            raise SystemExit(f"{path}: a test-added verdict names its test: {e['key']}")
        if e["verdict"] != "test-added" and not e.get("reason"):
            raise SystemExit(f"{path}: say why: {e['key']}")
        out[e["key"]] = e
    return out


def build_report(mutants: list[Mutant], outcomes: dict[str, Outcome],
                 old: dict[str, Any], verdicts: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The results document: per module counts, survivors and verdicts."""
    modules: dict[str, Any] = dict(old.get("modules", {}))
    by_module: dict[str, list[Mutant]] = {}
    for m in mutants:
        by_module.setdefault(m.module, []).append(m)
    for rel, ms in by_module.items():
        counts = {"killed": 0, "survived": 0, "timeout": 0, "error": 0}
        survivors = []
        examined = []
        for m in ms:
            o = outcomes[m.key]
            counts[o.status] += 1
            v = verdicts.get(m.key)
            row = {"key": m.key, "location": _location(m), "scope": m.scope, "operator": m.op,
                   "original": m.original, "mutated": m.mutated}
            if o.status in ("survived", "error"):
                survivors.append({**row, "status": o.status, "detail": o.detail,
                                  "verdict": v["verdict"] if v else "unexamined",
                                  "reason": v.get("reason", "") if v else "",
                                  "test": v.get("test", "") if v else ""})
            if v is not None:
                examined.append({**row, "verdict": v["verdict"], "reason": v.get("reason", ""),
                                 "test": v.get("test", ""), "status_now": o.status,
                                 "killed_by": o.detail if o.status == "killed" else ""})
        total = len(ms)
        detected = counts["killed"] + counts["timeout"]
        modules[rel] = {
            "module": _module_name(rel),
            "source_sha256": hashlib.sha256(
                (ROOT / "reference" / rel).read_bytes()).hexdigest(),
            "mutants": total, **counts,
            "score": round(detected / total, 4) if total else None,
            "strict_score": round(counts["killed"] / total, 4) if total else None,
            "by_operator": _by_operator(ms, outcomes),
            "survivors": survivors,
            "timeouts": [m.key for m in ms if outcomes[m.key].status == "timeout"],
            "examined": examined,
        }
    allm = list(modules.values())
    total = sum(x["mutants"] for x in allm)
    detected = sum(x["killed"] + x["timeout"] for x in allm)
    return {
        "tool": "scripts/mutation.py (AST mutants, per-line test selection, forked pytest)",
        "command": "python scripts/mutation.py",
        "verdicts": str(VERDICTS.relative_to(ROOT)),
        "test_paths": list(TEST_PATHS),
        "deselected": list(DESELECT),
        "modules_not_run": [m for m in MODULES if m not in modules],
        "total": {"mutants": total, "killed": sum(x["killed"] for x in allm),
                  "survived": sum(x["survived"] for x in allm),
                  "timeout": sum(x["timeout"] for x in allm),
                  "error": sum(x["error"] for x in allm),
                  "score": round(detected / total, 4) if total else None,
                  "strict_score": round(sum(x["killed"] for x in allm) / total, 4)
                  if total else None},
        "modules": dict(sorted(modules.items())),
    }


def _by_operator(ms: list[Mutant], outcomes: dict[str, Outcome]) -> dict[str, list[int]]:
    table: dict[str, list[int]] = {}
    for m in ms:
        row = table.setdefault(m.op, [0, 0])
        row[0] += 1
        row[1] += outcomes[m.key].status in ("killed", "timeout")
    return dict(sorted(table.items()))


def print_scores(report: dict[str, Any]) -> None:
    print(f"\n{'module':30} {'mutants':>7} {'killed':>7} {'timeout':>7} {'survived':>8} "
          f"{'error':>5} {'score':>7}")
    for rel, x in report["modules"].items():
        print(f"{rel:30} {x['mutants']:7} {x['killed']:7} {x['timeout']:7} {x['survived']:8} "
              f"{x['error']:5} {x['score']:7.1%}")
    t = report["total"]
    print(f"{'TOTAL':30} {t['mutants']:7} {t['killed']:7} {t['timeout']:7} {t['survived']:8} "
          f"{t['error']:5} {t['score']:7.1%}")
    if report["modules_not_run"]:
        print("not run:", ", ".join(report["modules_not_run"]))
    for rel, x in report["modules"].items():
        if x.get("scopes_run"):
            print(f"{rel}: only {', '.join(x['scopes_run'])} run; "
                  f"{x['mutants_not_run']} mutants of the module not run")
    unexamined = [(rel, s) for rel, x in report["modules"].items() for s in x["survivors"]
                  if s["verdict"] == "unexamined"]
    print(f"survivors without a verdict: {len(unexamined)}")


# --------------------------------------------------------------------------- main

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    ap.add_argument("--module", action="append", help="module under reference/, e.g. nodes/par.py")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", default=str(RESULTS))
    ap.add_argument("--survivors-only", action="store_true",
                    help="re-run only the survivors of the previous results file")
    ap.add_argument("--list", action="store_true", help="list the mutants and stop")
    ap.add_argument("--scope", action="append",
                    help="only mutants in this function/class (and what it contains); the "
                         "results then say which scopes were run and how many were not")
    ap.add_argument("--_trace", help=argparse.SUPPRESS)
    ap.add_argument("tests", nargs="*", default=list(TEST_PATHS))
    args = ap.parse_args(argv)
    targets = args.module or list(MODULES)
    for t in targets:
        if not (ROOT / "reference" / t).is_file():
            ap.error(f"no such module: reference/{t}")
    tests = [t for t in args.tests if (ROOT / t.split("::")[0]).exists()]
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))  # as ``python -m pytest`` does: tests import ``tests.*``
    if args._trace:
        return trace_main(args._trace, targets, tests)

    mutants = [m for t in targets for m in enumerate_mutants(t)]
    all_count = {t: sum(m.module == t for m in mutants) for t in targets}
    if args.scope:
        mutants = [m for m in mutants if any(
            m.scope == sc or m.scope.startswith(sc + ".") for sc in args.scope)]
    if args.list:
        for m in mutants:
            print(f"{_location(m):45} {m.op:18} {m.original!r} -> {m.mutated!r}\n    key: {m.key}")
        print(f"{len(mutants)} mutants")
        return 0
    out_path = Path(args.out)
    old = json.loads(out_path.read_text()) if out_path.exists() else {}
    outcomes: dict[str, Outcome] = {}
    to_run = mutants
    if args.survivors_only:
        prev_survivors = {s["key"] for rel in targets
                          for s in old.get("modules", {}).get(rel, {}).get("survivors", [])}
        to_run = [m for m in mutants if m.key in prev_survivors]
        # Mutants that were detected before stay detected: tests were only added.
        prev_modules = old.get("modules", {})
        for m in mutants:
            if m.key not in prev_survivors:
                if m.module not in prev_modules:
                    raise SystemExit(f"no previous results for {m.module}; run it fully first")
                timed_out = m.key in prev_modules[m.module].get("timeouts", [])
                outcomes[m.key] = Outcome("timeout" if timed_out else "killed",
                                          "detected in the previous full run")
    print(f"{len(to_run)} mutants to run ({len(mutants)} in {len(targets)} module(s))",
          flush=True)

    os.chdir(ROOT)
    with tempfile.TemporaryDirectory(prefix="rfc5269-mutation-") as tmp:
        workdir = Path(tmp)
        (workdir / "hook").mkdir()
        (workdir / "hook" / "sitecustomize.py").write_text(HOOK_SOURCE)
        cov = run_trace(targets, tests, workdir)
        started = time.monotonic()
        done = [0]

        def progress(m: Mutant, o: Outcome) -> None:
            done[0] += 1
            mark = {"killed": ".", "timeout": "T", "survived": "S", "error": "E"}[o.status]
            if o.status in ("survived", "error"):
                print(f"\n{mark} {_location(m)} {m.op}: {m.original!r} -> {m.mutated!r} "
                      f"{o.detail}", flush=True)
            else:
                print(mark, end="", flush=True)
            if done[0] % 50 == 0:
                print(f" {done[0]}/{len(to_run)} ({time.monotonic() - started:.0f} s)",
                      flush=True)

        outcomes.update(run_mutants(to_run, cov, workdir, args.workers, progress))
    # Re-read: another run may have written other modules' results meanwhile.
    latest = json.loads(out_path.read_text()) if out_path.exists() else {}
    report = build_report(mutants, outcomes, latest, load_verdicts())
    if args.scope:
        for t in targets:
            entry = report["modules"][t]
            entry["scopes_run"] = sorted(args.scope)
            entry["mutants_not_run"] = all_count[t] - entry["mutants"]
    out_path.write_text(json.dumps(report, indent=1) + "\n")
    print_scores(report)
    print(f"results: {out_path.relative_to(ROOT) if out_path.is_relative_to(ROOT) else out_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
