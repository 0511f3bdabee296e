"""Temporary."""
from typing import Any


def register(subparsers: Any) -> None:
    subparsers.add_parser("conform", help="live black-box conformance tester (in progress)")
