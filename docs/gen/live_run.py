"""A recorded run of the in-memory demo, drawn from the link's packet log and the trace.

Pending: the demo scenario builder has not landed yet.
"""

from __future__ import annotations


def render() -> str:
    """The recorded run's section, or an empty string while no demo exists."""
    return ""
