"""Runs the binding tests with pytest for CTest.

Exits 77 (which CTest reports as skipped) after printing why, when pytest is
not installed for this interpreter.
"""
import os
import sys

try:
    import pytest
except ImportError:
    print(f"SKIP python_bindings: pytest is not installed for {sys.executable} "
          "(Debian package python3-pytest)")
    sys.exit(77)

sys.exit(pytest.main(["-q", "-p", "no:cacheprovider", os.path.dirname(os.path.abspath(__file__))]))
