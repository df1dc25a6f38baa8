import os
import sys

# The resilience tests use the end-to-end suite's helpers (tests/e2e) and this folder's.
HERE = os.path.dirname(__file__)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
