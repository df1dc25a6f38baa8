import os
import sys

# The journeys import their helpers from this folder.
sys.path.insert(0, os.path.dirname(__file__))


# Run after the journeys, in this order: the backup's round trip (its restore rewinds every database and
# restarts the services), the API fuzz (it deletes products at random ids and spends the routes' rate
# limits), then the crash tests (no journey should meet a service still recovering from a kill).
RUN_LAST = ("test_backup.py", "test_api_fuzz.py", "test_crash.py")


def pytest_collection_modifyitems(items):
    items.sort(key=lambda item: RUN_LAST.index(item.path.name) + 1 if item.path.name in RUN_LAST else 0)
