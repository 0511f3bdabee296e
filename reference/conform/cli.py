"""``rfc5269 conform``: registered from :mod:`rfc5269.conform.live`."""

from __future__ import annotations

from typing import Any

from rfc5269.conform.live import register as _register


def register(subparsers: Any) -> None:
    """Add ``rfc5269 conform``."""
    _register(subparsers)
