"""Sphinx configuration of the rfc5269 documentation.

Everything that can be generated is generated at build time from the code and
data (see ``gen/``); nothing is fetched from the network when the pages are
built or read. Build with ``make docs`` (warnings are errors).
"""

from __future__ import annotations

import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS))

project = "rfc5269"
author = "the rfc5269 project"
copyright = "the rfc5269 project"
release = "0.1.0"

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.viewcode",
    "gen.ext",
]

exclude_patterns = ["_build", "gen", "**/__pycache__"]
# Technical text: keep "--option", quotes and "..." exactly as written.
smartquotes = False
templates_path: list[str] = []
html_static_path = ["_static"]
html_css_files = ["rfc5269.css"]
html_theme = "alabaster"
html_theme_options = {
    "page_width": "min(1400px, 96vw)",
    "sidebar_width": "230px",
    "fixed_sidebar": False,
    "show_powered_by": False,
    "description": "RFC 5269 reference, model and conformance tooling",
}
html_title = "rfc5269 documentation"
html_show_sourcelink = False
html_copy_source = False
html_last_updated_fmt = None

# viewcode: attribute each documented object to the module it is documented in
# (following imports makes it link back to pages that do not document it).
viewcode_follow_imported_members = False

autodoc_member_order = "bysource"
# Document each object once, in the module that defines it: a name re-exported
# through a module's __all__ would otherwise be documented twice and make
# cross-references ambiguous.
autodoc_default_options = {"members": True, "show-inheritance": True, "ignore-module-all": True}
autodoc_typehints = "description"
autodoc_class_signature = "separated"
