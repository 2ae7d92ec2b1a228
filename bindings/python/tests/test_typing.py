"""The type stubs: mypy --strict accepts the package and typical use, reports
misuse, and stubtest finds the stubs consistent with the built module."""
import pathlib
import subprocess
import sys

import pytest

import portalkb

HERE = pathlib.Path(__file__).resolve().parent
PACKAGE_PARENT = pathlib.Path(portalkb.__file__).resolve().parent.parent

pytest.importorskip("mypy", reason="mypy (Debian package mypy) is not installed")


def mypy(tmp_path, *targets):
    return subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-error-summary",
                           "--cache-dir", str(tmp_path / "mypy-cache"), *map(str, targets)],
                          capture_output=True, text=True, cwd=PACKAGE_PARENT)


def test_package_and_typical_use_type_check(tmp_path):
    r = mypy(tmp_path, "portalkb", HERE / "typing" / "good_usage.py")
    assert r.returncode == 0, r.stdout + r.stderr


def test_misuse_is_reported(tmp_path):
    bad = HERE / "typing" / "bad_usage.py"
    r = mypy(tmp_path, bad)
    flagged = {int(line.split(":")[1]) for line in r.stdout.splitlines() if ": error:" in line}
    expected = {i for i, text in enumerate(bad.read_text().splitlines(), 1) if "# BAD" in text}
    assert flagged == expected, r.stdout


def test_stubs_match_the_module(tmp_path):
    r = subprocess.run([sys.executable, "-m", "mypy.stubtest", "portalkb", "--allowlist",
                        str(HERE / "stubtest_allowlist.txt"), "--mypy-config-file", "/dev/null"],
                       capture_output=True, text=True, cwd=PACKAGE_PARENT)
    assert r.returncode == 0, r.stdout + r.stderr
