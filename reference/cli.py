"""The ``rfc5269`` command.

Each subcommand lives in its own module, which provides
``register(subparsers) -> None``; the module adds one parser and sets
``func`` on it (a callable taking the parsed namespace and returning an exit
code). Add a module here to add a subcommand.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

SUBCOMMAND_MODULES: tuple[str, ...] = (
    "rfc5269.wire.cli",
    "rfc5269.demo",
    "rfc5269.proofs.cli",
    "rfc5269.bench.cli",
    "rfc5269.nodecli",
    "rfc5269.fuzz",
    "rfc5269.vectors.cli",
    "rfc5269.conform.cli",
)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every available subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="rfc5269",
        description="Reference implementation, model and conformance tools for RFC 5269.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMAND_MODULES:
        module = importlib.import_module(name)
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 2
    result: int = func(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
