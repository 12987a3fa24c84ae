"""tools/venv.sh: the Makefile's Python guard, run against fake interpreters on a bare PATH."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "tools" / "venv.sh"

pytestmark = pytest.mark.skipif(
    os.name == "nt", reason="the Makefile's guard; Windows has the README's steps"
)


def fake_python(folder: Path, name: str, version: str | None) -> Path:
    """An executable ``name`` that answers the guard's version query with ``version`` (or fails)."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    body = f'echo "{version}"' if version else "exit 127"
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)
    return path


def bare_path(folder: Path) -> str:
    """A PATH holding ``folder`` and just the tools the guard needs, no real Python."""
    tools = folder / "tools"
    tools.mkdir(exist_ok=True)
    for tool in ("sh", "uname", "rm"):
        (tools / tool).symlink_to(shutil.which(tool))
    return f"{folder / 'bin'}{os.pathsep}{tools}"


def run_guard(*args, path):
    return subprocess.run(
        ["sh", str(SCRIPT), *args], capture_output=True, text=True, timeout=60, env={"PATH": path}
    )


def test_an_unsupported_python3_alone_stops_with_one_line(tmp_path):
    fake_python(tmp_path / "bin", "python3", "3.10")
    result = run_guard("find", path=bare_path(tmp_path))
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert "no Python 3.11, 3.12 or 3.13 found (python3 is 3.10)" in result.stderr


def test_a_supported_python_later_on_path_is_found(tmp_path):
    fake_python(tmp_path / "bin", "python3", "3.10")
    fake_python(tmp_path / "bin", "python3.13", None)  # a pyenv shim for an inactive version
    wanted = fake_python(tmp_path / "bin", "python3.12", "3.12")
    result = run_guard("find", path=bare_path(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(wanted)


def test_python3_is_preferred_when_supported(tmp_path):
    wanted = fake_python(tmp_path / "bin", "python3", "3.11")
    fake_python(tmp_path / "bin", "python3.13", "3.13")
    result = run_guard("find", path=bare_path(tmp_path))
    assert result.stdout.strip() == str(wanted)


def test_an_explicit_unsupported_python_is_refused(tmp_path):
    fake_python(tmp_path / "bin", "python3.13", "3.13")
    old = fake_python(tmp_path / "bin", "python3.10", "3.10")
    result = run_guard("find", str(old), path=bare_path(tmp_path))
    assert result.returncode == 1 and "is 3.10; this course needs Python 3.11, 3.12 or 3.13" in result.stderr


def test_a_venv_made_with_an_unsupported_python_is_removed_and_said_so(tmp_path):
    fake_python(tmp_path / "bin", "python3", "3.12")
    venv = tmp_path / "venv"
    fake_python(venv / "bin", "python", "3.10")
    result = run_guard("check", str(venv), path=bare_path(tmp_path))
    assert result.returncode == 0, result.stderr
    assert not venv.exists()
    assert "was made with Python 3.10" in result.stderr and "rebuilding" in result.stderr


def test_a_venv_of_another_python_than_requested_is_removed(tmp_path):
    requested = fake_python(tmp_path / "bin", "python3.13", "3.13")
    venv = tmp_path / "venv"
    fake_python(venv / "bin", "python", "3.11")
    result = run_guard("check", str(venv), str(requested), path=bare_path(tmp_path))
    assert not venv.exists() and "PYTHON=" in result.stderr


def test_a_supported_venv_is_kept_when_no_python_is_requested(tmp_path):
    fake_python(tmp_path / "bin", "python3", "3.13")
    venv = tmp_path / "venv"
    fake_python(venv / "bin", "python", "3.11")
    result = run_guard("check", str(venv), path=bare_path(tmp_path))
    assert result.returncode == 0 and venv.exists() and result.stderr == ""


def test_check_stops_when_there_is_no_python_to_rebuild_with(tmp_path):
    fake_python(tmp_path / "bin", "python3", "3.9")
    result = run_guard("check", str(tmp_path / "no-venv"), path=bare_path(tmp_path))
    assert result.returncode == 1 and "no Python 3.11, 3.12 or 3.13 found" in result.stderr
