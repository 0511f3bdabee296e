"""``rfc5269 conform ar|mn``: placeholder replaced below."""
from typing import Any


def register(subparsers: Any) -> None:
    """Add ``rfc5269 conform`` (filled in by rfc5269.conform.live)."""
    from rfc5269.conform.live import register as live_register

    live_register(subparsers)
