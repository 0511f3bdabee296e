"""API reference pages: one autodoc page per package, listing every public module found.

The module list is discovered at build time, so a module added to the
reference, the model or the proofs appears here without editing the docs.
Modules whose name starts with an underscore are private and left out.
"""

from __future__ import annotations

import pkgutil

from gen.util import heading, optional_module


def public_modules() -> list[str]:
    """Every importable public module under :mod:`rfc5269`, sorted."""
    root = optional_module("rfc5269")
    if root is None:
        raise RuntimeError("the rfc5269 package is not installed (pip install -e '.[dev]')")
    names = ["rfc5269"]
    roots = [("rfc5269", root)]
    # the model and the proofs live in their own folders (package-dir), so they are
    # not found under rfc5269.__path__ and are walked on their own
    for sub in ("rfc5269.model", "rfc5269.proofs"):
        module = optional_module(sub)
        if module is not None:
            roots.append((sub, module))
            names.append(sub)
    for prefix, package in roots:
        for info in pkgutil.walk_packages(package.__path__, prefix + "."):
            if any(part.startswith("_") for part in info.name.split(".")):
                continue
            names.append(info.name)
    return sorted(set(names))


def group_of(name: str) -> str:
    """The page a module is documented on: its first-level package."""
    parts = name.split(".")
    if len(parts) == 1:
        return "rfc5269"
    first = ".".join(parts[:2])
    return first if len(parts) > 2 or _is_package(first) else "rfc5269"


def _is_package(name: str) -> bool:
    module = optional_module(name)
    return module is not None and hasattr(module, "__path__")


def generate() -> dict[str, str]:
    """``api.inc`` (a toctree) and ``api/<package>.rst`` pages."""
    groups: dict[str, list[str]] = {}
    for name in public_modules():
        groups.setdefault(group_of(name), []).append(name)
    pages: dict[str, str] = {}
    toc = [".. toctree::", "   :maxdepth: 2", ""]
    for group in sorted(groups):
        title = f"{group}" if group != "rfc5269" else "rfc5269 (top-level modules)"
        body = heading(title, "=")
        for name in groups[group]:
            body += heading(name, "-")
            body += f".. automodule:: {name}\n\n"
        pages[f"api/{group}.rst"] = body
        toc.append(f"   _generated/api/{group}")
    pages["api.inc"] = "\n".join(toc) + "\n"
    return pages
