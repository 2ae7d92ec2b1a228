"""The documented offline install: `cmake --install BUILD --component python
--prefix VENV` into a venv made with --system-site-packages, then import and
search from the venv's interpreter, outside the build tree."""
import pathlib
import shutil
import subprocess
import sys

import pytest

import portalkb

BUILD = pathlib.Path(portalkb.__file__).resolve().parent.parent.parent.parent


def test_cmake_install_into_a_venv(tmp_path, kb):
    if not (BUILD / "CMakeCache.txt").exists():
        pytest.skip(f"portalkb is not imported from a CMake build tree ({BUILD})")
    cmake = shutil.which("cmake")
    if cmake is None:
        pytest.skip("cmake is not on PATH")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", str(venv)], check=True)
    subprocess.run([cmake, "--install", str(BUILD), "--component", "python", "--prefix", str(venv)], check=True,
                   capture_output=True)
    script = ("import portalkb, sys; kb = portalkb.KnowledgeBase.open(sys.argv[1]); "
              "print(portalkb.__file__); print(kb.search('invoice download', log=False).hits[0].id)")
    out = subprocess.run([str(venv / "bin" / "python"), "-c", script, kb.path], check=True, capture_output=True,
                         text=True, cwd=tmp_path, env={"PATH": "/usr/bin:/bin"}).stdout.splitlines()
    assert out[0].startswith(str(venv))
    assert out[1] == "invoice-download"
