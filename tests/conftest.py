"""Shared test configuration: hypothesis profiles and small notebook sample sizes."""

import os
import tempfile

from hypothesis import HealthCheck, settings

settings.register_profile("dev", deadline=None, max_examples=50)
settings.register_profile(
    "ci",
    deadline=None,
    max_examples=50,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

# The CLI caches preset summaries on disk (brainflops.models.summary): keep the test run's
# cache in a fresh folder of its own, never in the user's.
os.environ["BRAINFLOPS_CACHE_DIR"] = tempfile.mkdtemp(prefix="brainflops-test-cache-")
