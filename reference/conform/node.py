"""Start ``rfc5269 ar`` / ``rfc5269 mn`` with a subclass of the reference node (a test hook).

``python -m rfc5269.conform.node module:Class ar --iface ...`` runs the
reference's node command line with ``Class`` (a subclass of
:class:`~rfc5269.nodes.ar.AccessRouter` or
:class:`~rfc5269.nodes.mn.MobileNode`, e.g. a bug-zoo variant) in place of
the reference class, so that the live tester can be shown to catch faulty
implementations started exactly like the reference. It replaces the class
name :mod:`rfc5269.nodecli` builds nodes with; a ``--node-factory`` option
in that module would make this unnecessary.
"""

from __future__ import annotations

import importlib
import sys

from rfc5269 import nodecli
from rfc5269.cli import main as cli_main
from rfc5269.nodes.ar import AccessRouter
from rfc5269.nodes.mn import MobileNode


def main(argv: list[str]) -> int:
    """``argv``: ``module:Class`` then the arguments of ``rfc5269``."""
    if len(argv) < 2 or ":" not in argv[0]:
        print("usage: python -m rfc5269.conform.node module:Class ar|mn ARGS...",
              file=sys.stderr)
        return 2
    module_name, _, attr = argv[0].partition(":")
    cls = getattr(importlib.import_module(module_name), attr)
    if issubclass(cls, AccessRouter):
        setattr(nodecli, "AccessRouter", cls)  # noqa: B010 - the documented hook
    elif issubclass(cls, MobileNode):
        setattr(nodecli, "MobileNode", cls)  # noqa: B010 - the documented hook
    else:
        print(f"{argv[0]} is not an AccessRouter or MobileNode subclass", file=sys.stderr)
        return 2
    return cli_main(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
