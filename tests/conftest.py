"""Shared test configuration: Hypothesis profiles and the doctest namespace.

Choose a profile with ``HYPOTHESIS_PROFILE=dev|ci|thorough``; CI (``CI=true``) uses ``ci``.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# ci: derandomized so a landing never fails by chance; no deadline on shared runners.
settings.register_profile(
    "ci",
    parent=settings.get_profile("ci"),
    derandomize=True,
    deadline=None,
    max_examples=60,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
# dev: quick feedback while editing.
settings.register_profile("dev", max_examples=25, deadline=None)
# thorough: many examples, for a nightly or pre-release run.
settings.register_profile(
    "thorough",
    max_examples=2_000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

_default = "ci" if os.environ.get("CI") else "dev"
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", _default))
