"""Hypothesis profiles for the adversarial suites.

* ``ci`` (default): fixed seed (derandomized), a modest number of examples —
  the whole adversarial suite finishes in a few minutes on two cores.
* ``long``: selected with ``RFC5269_PROFILE=long``; many more examples and
  longer runs (``RFC5269_EXAMPLES`` overrides the count); the suite prints
  the steps per second it reached.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", derandomize=True, max_examples=int(os.environ.get("RFC5269_EXAMPLES", "25")),
    stateful_step_count=30, deadline=None, database=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
settings.register_profile(
    "long", derandomize=False, max_examples=int(os.environ.get("RFC5269_EXAMPLES", "2000")),
    stateful_step_count=100, deadline=None, database=None, print_blob=True,
    suppress_health_check=list(HealthCheck))

PROFILE = os.environ.get("RFC5269_PROFILE", "ci")
settings.load_profile(PROFILE)
