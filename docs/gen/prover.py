"""Run the prover's CI profile at build time, cached by a hash of its inputs.

The proofs page shows what the prover says about the code the docs are built
from, so the prover runs during the build: ``rfc5269 prove --profile ci
--json`` when that command exists, otherwise the same profile through
:mod:`rfc5269.proofs.runner` in a child process. The JSON is kept in
``docs/_build/.prover/<hash>.json``, where the hash covers every source file
of the model and the proofs, the interpretation switches and the profile
name; a rebuild with unchanged sources reads it instead of proving again.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from typing import Any

from gen.util import DOCS, ROOT, optional_module

PROFILE = "ci"
CACHE = DOCS / "_build" / ".prover"
TIMEOUT = 1800

_RUNNER_SNIPPET = """
import json, sys
from rfc5269.proofs import runner
results = runner.run(runner.plan(runner.PROFILES[sys.argv[1]]), processes=2)
json.dump([r.as_dict() for r in results], sys.stdout)
"""


def _inputs_hash() -> str:
    h = hashlib.sha256(PROFILE.encode())
    files = [ROOT / "reference" / "interpretations.py"]
    for folder in ("model", "proofs"):
        files.extend(sorted((ROOT / folder).rglob("*.py")))
    for f in files:
        if "__pycache__" in f.parts or not f.is_file():
            continue
        h.update(str(f.relative_to(ROOT)).encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()[:20]


def _has_prove_command() -> bool:
    cli = optional_module("rfc5269.cli")
    if cli is None:
        return False
    parser = cli.build_parser()
    for action in parser._actions:
        choices = getattr(action, "choices", None)
        if isinstance(choices, dict) and "prove" in choices:
            return True
    return False


def _run() -> tuple[list[dict[str, Any]], str]:
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    if _has_prove_command():
        cmd = [sys.executable, "-m", "rfc5269.cli", "prove", "--profile", PROFILE, "--json"]
        how = f"rfc5269 prove --profile {PROFILE} --json"  # shown as a literal
    else:
        cmd = [sys.executable, "-c", _RUNNER_SNIPPET, PROFILE]
        how = f"rfc5269.proofs.runner, profile {PROFILE}"
    start = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env,
                          timeout=TIMEOUT, check=False)
    seconds = time.monotonic() - start
    data = _parse(proc.stdout)
    if data is None:
        raise RuntimeError(
            f"the prover ({how}) gave no JSON result (exit {proc.returncode}):\n"
            + proc.stderr[-3000:]
        )
    return data, f"``{how}``: {len(data)} jobs in {seconds:.0f} s (wall time, at build time)"


def _parse(stdout: str) -> list[dict[str, Any]] | None:
    """The result list from the prover's JSON (a list, or an object with ``results``)."""
    text = stdout.strip()
    if not text:
        return None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError:
        # JSON lines
        try:
            doc = [json.loads(line) for line in text.splitlines() if line.strip()]
        except json.JSONDecodeError:
            return None
    if isinstance(doc, dict):
        doc = doc.get("results")
    if isinstance(doc, list) and all(isinstance(r, dict) for r in doc):
        return doc
    return None


def results() -> tuple[list[dict[str, Any]], dict[str, Any]] | None:
    """The prover's result dicts and a description of the run, or None when no prover exists."""
    if optional_module("rfc5269.proofs.runner") is None:
        return None
    key = _inputs_hash()
    path = CACHE / f"{key}.json"
    if path.is_file():
        cached = json.loads(path.read_text(encoding="utf-8"))
        return cached["results"], {"how": cached["how"]}
    data, how = _run()
    CACHE.mkdir(parents=True, exist_ok=True)
    for old in CACHE.glob("*.json"):
        old.unlink()
    path.write_text(json.dumps({"how": how, "results": data}), encoding="utf-8")
    return data, {"how": how}
