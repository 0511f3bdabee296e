"""Sphinx extension: regenerate ``docs/_generated`` from the code before every build.

Each generator module has ``generate() -> dict[str, str]`` mapping a path under
``_generated`` to its text. Files are rewritten only when their text changes,
so Sphinx's incremental build re-reads only what moved; files no generator
produced any more are removed.
"""

from __future__ import annotations

import fcntl
import importlib
import shutil
import time
import traceback
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging

from gen.util import OUT, write_if_changed

logger = logging.getLogger(__name__)

GENERATORS: tuple[str, ...] = (
    "gen.quickstart",
    "gen.walkthrough",
    "gen.messages",
    "gen.state_machines",
    "gen.traceability",
    "gen.proofs",
    "gen.clarifications",
    "gen.findings",
    "gen.conformance",
    "gen.bugzoo",
    "gen.performance",
    "gen.api",
    "gen.source_pages",
    "gen.glance",
)


def generate_all() -> tuple[dict[str, str], list[str]]:
    """Run every generator; the union of their outputs and the generators that failed.

    A generator that raises is reported as a Sphinx warning (an error under
    ``-W``) naming the exception, and the other generators still run.
    """
    pages: dict[str, str] = {}
    failed: list[str] = []
    for name in GENERATORS:
        start = time.monotonic()
        try:
            module = importlib.import_module(name)
            produced: dict[str, str] = module.generate()
        except Exception as exc:  # reported, and fails a -W build
            logger.warning("[gen] %s failed: %s: %s\n%s", name, type(exc).__name__, exc,
                           "".join(traceback.format_exception(exc)[-6:]))
            failed.append(name)
            continue
        clash = set(produced) & set(pages)
        if clash:
            raise RuntimeError(f"{name} produced files another generator produced: {clash}")
        pages.update(produced)
        logger.info("[gen] %s: %d file(s) in %.1fs", name, len(produced), time.monotonic() - start)
    return pages, failed


def _lock(app: Sphinx) -> None:
    """Serialise builds of this tree: hold an exclusive lock until the build finishes.

    Two builds at once (``make docs`` and the docs tests, say) would otherwise
    rewrite ``_generated`` and the output folder under each other.
    """
    path = Path(app.outdir).parent / ".build.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "w")  # held until build-finished
    fcntl.flock(handle, fcntl.LOCK_EX)
    app._rfc5269_lock = handle  # type: ignore[attr-defined]


def _unlock(app: Sphinx, exception: BaseException | None) -> None:
    handle = getattr(app, "_rfc5269_lock", None)
    if handle is not None:
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


def _on_builder_inited(app: Sphinx) -> None:
    _lock(app)
    # sphinx.ext.viewcode rewrites a module's source page only when the module file is
    # newer than the page, so back-links to documentation that moved would go stale:
    # let it write every source page afresh.
    shutil.rmtree(Path(app.outdir) / "_modules", ignore_errors=True)
    pages, failed = generate_all()
    changed = 0
    for relpath, text in pages.items():
        if write_if_changed(OUT / relpath, text):
            changed += 1
    if failed:  # keep earlier output of the failed generators; the build fails anyway
        return
    wanted = {(OUT / p).resolve() for p in pages}
    for path in sorted(OUT.rglob("*")):
        if path.is_file() and path.resolve() not in wanted:
            path.unlink()
    logger.info("[gen] %d generated file(s), %d changed", len(pages), changed)


def _drop_unfound_viewcode_modules(app: Sphinx) -> list[Any]:
    """Keep viewcode's module index to the pages it writes.

    sphinx.ext.viewcode lists in ``_modules/index.html`` every module name it
    met, including ones it found no source for (such as the synthetic
    ``namedtuple_X`` module of a ``typing.NamedTuple``), which would be broken
    links. This runs just before viewcode's own page collection.
    """
    modules = getattr(app.env, "_viewcode_modules", None)
    if isinstance(modules, dict):
        for name in [n for n, entry in modules.items() if not entry]:
            del modules[name]
    return []


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the generation step."""
    app.connect("builder-inited", _on_builder_inited)
    app.connect("build-finished", _unlock)
    app.connect("html-collect-pages", _drop_unfound_viewcode_modules, priority=400)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
