"""``rfc5269 decode``: print the decoded structure of packets in a pcap."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    """Add the ``decode`` subcommand."""
    p: argparse.ArgumentParser = sub.add_parser("decode", help="decode packets of a pcap file")
    p.add_argument("pcap")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Not yet implemented."""
    raise NotImplementedError
