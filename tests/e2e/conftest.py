import os
import sys

import pytest

# The journeys import their helpers from this folder.
sys.path.insert(0, os.path.dirname(__file__))


# Run after the journeys, in this order: the backup's round trip (its restore rewinds every database and
# restarts the services), the API fuzz (it deletes products at random ids and spends the routes' rate
# limits), then the crash tests (no journey should meet a service still recovering from a kill).
RUN_LAST = ("test_backup.py", "test_api_fuzz.py", "test_crash.py")


def pytest_configure(config):
    config.addinivalue_line("markers", "local: needs the local platform itself (a service's own port, supervisor, "
                            "its files); skipped against a Swarm stack (AGORA_E2E_TARGET=swarm, tests/swarm/run.sh)")


def pytest_collection_modifyitems(items):
    items.sort(key=lambda item: RUN_LAST.index(item.path.name) + 1 if item.path.name in RUN_LAST else 0)
    if os.environ.get("AGORA_E2E_TARGET") == "swarm":
        skip = pytest.mark.skip(reason="needs the local platform; tests/swarm covers the stack's own")
        for item in items:
            if item.get_closest_marker("local"):
                item.add_marker(skip)
