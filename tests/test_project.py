"""The project skeleton: import names, console command, interpretation switches."""

from __future__ import annotations

import importlib
import subprocess
import sys

import rfc5269
from rfc5269 import cli, interpretations


def test_import_names_map_to_source_folders() -> None:
    assert rfc5269.__file__ is not None
    assert "reference" in rfc5269.__file__
    for name in ("rfc5269.model", "rfc5269.proofs"):
        module = importlib.import_module(name)
        assert module.__file__ is not None


def test_console_help_lists_subcommands() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "rfc5269.cli", "--help"], capture_output=True, text=True, check=True
    ).stdout
    assert "decode" in out


def test_every_switch_is_documented_once() -> None:
    names = [s.name for s in interpretations.SWITCHES]
    fields = set(interpretations.DEFAULT.as_dict())
    assert sorted(names) == sorted(fields)
    ids = [s.clarification for s in interpretations.SWITCHES]
    assert len(ids) == len(set(ids))


def test_main_without_command_prints_help() -> None:
    assert cli.main([]) == 2
