"""The JSON-lines adapter against an implementation that does not use the project's code."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest
from rfc5269.adapters.subprocess import AdapterProtocolError, SubprocessNode
from rfc5269.vectors.check import check_corpus
from rfc5269.vectors.generate import generate

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "jsonlines_par" / "par.py"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("vectors")
    generate(directory)
    return directory


def test_example_does_not_import_the_project() -> None:
    tree = ast.parse(EXAMPLE.read_text())
    modules = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import)
               for a in n.names}
    modules |= {n.module.split(".")[0] for n in ast.walk(tree)
                if isinstance(n, ast.ImportFrom) and n.module}
    assert "rfc5269" not in modules
    assert modules <= set(sys.stdlib_module_names)


def test_example_par_passes_the_fbu_suite(corpus: Path) -> None:
    from rfc5269.adapters.subprocess import subprocess_factory

    factory = subprocess_factory([sys.executable, str(EXAMPLE)])
    results = check_corpus(corpus, factory, role="AR",
                           select=lambda suite, group, case: suite == "par_fbu")
    assert len(results) >= 25
    failed = [(r.tc_id, r.problems) for r in results if r.status != "pass"]
    assert not failed


def test_example_reports_what_it_cannot_do(corpus: Path) -> None:
    from rfc5269.adapters.subprocess import subprocess_factory

    factory = subprocess_factory([sys.executable, str(EXAMPLE)])
    results = check_corpus(corpus, factory, role="MN",
                           select=lambda suite, group, case: case["tcId"] <= 2)
    assert results and all(r.status == "unsupported" for r in results)
    # and an AR suite it does not implement is failed, not skipped
    results = check_corpus(corpus, factory, role="AR",
                           select=lambda suite, group, case: suite == "ar_rtsolpr" and
                           case["tcId"] == 1)
    assert [r.status for r in results] == ["fail"]


def test_a_program_that_breaks_the_protocol_is_an_error() -> None:
    with pytest.raises(AdapterProtocolError):
        SubprocessNode([sys.executable, "-c", "print('not json')"], "AR", {})
