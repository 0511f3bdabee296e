"""A recorded run of ``rfc5269 demo``, drawn from the link's packet log and the nodes' trace.

The demo (:func:`rfc5269.demo.run_demo`) runs at build time with its default
seed. While it runs, every packet put on the in-memory link and every trace
event a node records are appended, in the order they happen, to one
timeline; each part of the demo becomes a sequence chart in which arrows are
the packets (with the link's own description) and notes are the nodes'
decisions (transition, verdict, and for a rejection the failed check with
its requirement IDs). Nothing in these charts is written by hand.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from gen.msc import Chart, Message, Note, render_svg
from gen.util import diagram_block, esc, heading, list_table, optional_module


class _Recorder(list):  # type: ignore[type-arg]
    """A list that also appends each new item to a shared timeline."""

    def __init__(self, timeline: list[tuple[str, Any]], kind: str, items: Any = ()) -> None:
        super().__init__(items)
        self._timeline = timeline
        self._kind = kind

    def append(self, item: Any) -> None:
        self._timeline.append((self._kind, item))
        super().append(item)


@contextmanager
def _recording(demo: Any, timeline: list[tuple[str, Any]]) -> Iterator[None]:
    original = demo.make_exchange

    def make_exchange(*args: Any, **kwargs: Any) -> Any:
        ex = original(*args, **kwargs)
        ex.link.wire = _Recorder(timeline, "packet", ex.link.wire)
        ex.log.events = _Recorder(timeline, "event", ex.log.events)
        return ex

    demo.make_exchange = make_exchange
    try:
        yield
    finally:
        demo.make_exchange = original


def _event_note(e: Any) -> Note:
    failed = e.failed_check()
    if failed is not None:
        reqs = ", ".join(failed.requirements)
        text = f"{e.transition}: rejected by {failed.name} ({e.reason})" + (
            f" [{reqs}]" if reqs else "")
        return Note(e.node, text, kind="fail")
    checks = ", ".join(c.name for c in e.checks)
    text = f"{e.transition}: {e.verdict}" + (f" (passed: {checks})" if checks else "")
    return Note(e.node, text, kind="check" if e.checks else "state")


def _chart(title: str, items: list[tuple[str, Any]], actors: list[str]) -> Chart:
    chart = Chart(title, list(actors))
    for kind, item in items:
        if kind == "event":
            chart.add_actor(item.node)
            chart.steps.append(_event_note(item))
            continue
        sender = item.sender
        chart.add_actor(sender)
        style = "attack" if sender in ("attacker", "adversary") else "solid"
        if item.dropped:
            receivers = [a for a in chart.actors if a != sender][:1]
            for r in receivers:
                chart.steps.append(Message(sender, r, f"{item.description} (dropped)", "lost"))
            continue
        if not item.receivers:
            chart.steps.append(Note(sender, f"sent {item.description}: no node receives it",
                                    kind="state"))
        for r in item.receivers:
            chart.add_actor(r)
            chart.steps.append(Message(sender, r, item.description, style))
    return chart


def render() -> str:
    """The recorded run's section (empty when the demo module does not exist)."""
    demo = optional_module("rfc5269.demo")
    if demo is None or not hasattr(demo, "run_demo"):
        return ""
    timeline: list[tuple[str, Any]] = []
    with _recording(demo, timeline):
        run = demo.run_demo(0)
    out = heading("A recorded run", "-")
    out += (
        "The charts below are not drawn by hand: they are the run of ``rfc5269 demo`` "
        "(seed 0) made while these pages were built. Arrows are the packets the in-memory "
        "link carried, in order, with the link's description; notes are the decisions the "
        "nodes recorded in their trace: the transition taken, its verdict and the checks "
        "that passed, or, for a rejection, the check that failed with its requirement "
        f"IDs. The demo {'succeeded' if run.ok else 'FAILED'}: "
        f"{len(run.wire)} packets.\n\n"
    )
    position = {id(item): i for i, (_, item) in enumerate(timeline)}
    start = 0
    actors = ["MN", "AR"]
    for n, step in enumerate(run.steps, 1):
        if step.events:
            end = max(position[id(e)] for e in step.events) + 1
        else:
            end = start
        items = timeline[start:end]
        start = end
        title = f"{n}. {step.title}"
        out += heading(title, "~")
        if not items:
            out += "Nothing happened on the link in this part.\n\n"
            continue
        chart = _chart(title, items, actors)
        out += diagram_block("msc", f"demo-{n}", render_svg(chart, f"msc-demo-{n}"), title)
        outcome = {k: v for k, v in step.outcome.items() if k != "key"}
        if outcome:
            out += "".join(f"* ``{k}``: {esc(v)}\n" for k, v in outcome.items()) + "\n"
    if run.attempts:
        out += heading("What the attacker tried", "~")
        out += list_table(
            ["attempt", "target", "rejected", "reason", "requirements", "state unchanged"],
            [[esc(a.name), esc(a.target), "yes" if a.rejected else "**NO**", esc(a.reason),
              esc(", ".join(a.requirements)), "yes" if a.state_unchanged else "**NO**"]
             for a in run.attempts],
        )
    return out
