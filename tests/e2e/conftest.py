import os
import sys

# The journeys import their helpers from this folder.
sys.path.insert(0, os.path.dirname(__file__))
