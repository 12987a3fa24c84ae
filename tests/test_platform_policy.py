"""Where `make test` compares stored outputs digit for digit, and where it checks the asserts only."""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "tools" / "nbval_mode.py"
spec = importlib.util.spec_from_file_location("nbval_mode", SCRIPT)
nbval_mode = importlib.util.module_from_spec(spec)
spec.loader.exec_module(nbval_mode)


@pytest.mark.parametrize(
    ("system", "machine", "flags", "expected"),
    [
        ("Linux", "x86_64", {"sse4_2", "avx2", "avx512f"}, "--nbval"),
        ("Linux", "x86_64", {"sse4_2", "avx2"}, "--nbval"),
        ("Linux", "x86_64", {"sse4_2"}, "--nbval-lax"),
        ("Linux", "aarch64", {"asimd"}, "--nbval-lax"),
        ("Darwin", "arm64", set(), "--nbval-lax"),
        ("Windows", "AMD64", set(), "--nbval-lax"),
    ],
)
def test_outputs_are_compared_on_the_reference_platform_only(system, machine, flags, expected):
    option, notice = nbval_mode.nbval_option(None, system, machine, flags)
    assert option == expected
    assert (notice is None) == (expected == "--nbval")
    if notice:
        assert "STRICT=1" in notice and "assert" in notice


@pytest.mark.parametrize(("strict", "expected"), [("1", "--nbval"), ("0", "--nbval-lax")])
def test_strict_forces_either_mode_on_any_platform(strict, expected):
    for platform in [("Linux", "x86_64", {"avx2"}), ("Darwin", "arm64", set())]:
        assert nbval_mode.nbval_option(strict, *platform)[0] == expected


def run_script(strict):
    env = {key: value for key, value in os.environ.items() if key != "STRICT"}
    if strict is not None:
        env["STRICT"] = strict
    return subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True, env=env, timeout=60)


def test_the_script_obeys_strict_both_ways():
    strict, lax = run_script("1"), run_script("0")
    assert (strict.stdout, strict.stderr) == ("--nbval\n", "")
    assert lax.stdout == "--nbval-lax\n" and lax.stderr.count("\n") == 1 and "Note:" in lax.stderr


def test_the_script_refuses_a_strict_it_does_not_understand():
    result = run_script("yes")
    assert result.returncode == 2 and result.stdout == "" and "STRICT must be 1" in result.stderr


def test_cpu_flags_reads_the_flags_line(tmp_path):
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx2 fma\nbugs\t\t: none\n")
    assert nbval_mode.cpu_flags(cpuinfo) == {"fpu", "sse2", "avx2", "fma"}


def test_every_nbval_target_of_the_makefile_goes_through_the_platform_policy():
    makefile = (ROOT / "Makefile").read_text()
    pytest_lines = [line for line in makefile.splitlines() if "-m pytest" in line and "notebooks" in line]
    assert len(pytest_lines) == 4  # test, nbval, nbval-perturbed, nbval-portability
    assert all(line.lstrip().startswith("$(NBVAL_MODE)") and "$(NBVAL)" in line for line in pytest_lines)
