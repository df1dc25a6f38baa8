import os
import sys

import pytest

# The resilience tests use the end-to-end suite's helpers (tests/e2e) and this folder's.
HERE = os.path.dirname(__file__)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))


def pytest_configure(config):
    config.addinivalue_line("markers", "replicated: needs the replicated data tier (AGORA_SWARM_DATA=replicated)")


def pytest_collection_modifyitems(items):
    if os.environ.get("AGORA_SWARM_DATA", "single") == "replicated":
        return
    skip = pytest.mark.skip(reason="needs the replicated data tier (AGORA_SWARM_DATA=replicated)")
    for item in items:
        if item.get_closest_marker("replicated"):
            item.add_marker(skip)
