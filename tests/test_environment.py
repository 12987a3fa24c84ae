"""requirements.txt pins every direct dependency exactly, installs on every supported platform,
and environment.yml delegates to it."""

import re
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
REQUIRED = {"keras", "numpy", "scikit-learn", "matplotlib", "jupyterlab", "nbval"}
TENSORFLOW = {"tensorflow", "tensorflow-cpu"}

# What pip and conda's pip see on each platform a learner may have (PEP 508 marker variables).
PLATFORMS = {
    "Linux x86-64": {"sys_platform": "linux", "platform_system": "Linux", "platform_machine": "x86_64"},
    "Windows x86-64": {"sys_platform": "win32", "platform_system": "Windows", "platform_machine": "AMD64"},
    "macOS Apple silicon": {
        "sys_platform": "darwin",
        "platform_system": "Darwin",
        "platform_machine": "arm64",
    },
    "Linux ARM": {"sys_platform": "linux", "platform_system": "Linux", "platform_machine": "aarch64"},
}
INTEL_MAC = {"sys_platform": "darwin", "platform_system": "Darwin", "platform_machine": "x86_64"}


def requirement_lines():
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    return [line.split("#")[0].strip() for line in lines if line.split("#")[0].strip()]


def requirements():
    return [Requirement(line) for line in requirement_lines() if line != "-e ."]


def applying(environment, python="3.12"):
    full = {"python_version": python, "python_full_version": f"{python}.0", "os_name": "posix"}
    full |= environment
    return [req for req in requirements() if req.marker is None or req.marker.evaluate(full)]


def test_every_requirement_is_pinned_exactly_or_the_project_itself():
    assert "-e ." in requirement_lines()
    for requirement in requirements():
        assert re.fullmatch(r"==[0-9][0-9A-Za-z.]*", str(requirement.specifier)), requirement


def test_the_stack_named_in_the_readme_is_pinned():
    pinned = {requirement.name.lower() for requirement in requirements()}
    assert pinned >= REQUIRED | {"pytest"}
    assert pinned & TENSORFLOW


@pytest.mark.parametrize("python", ["3.11", "3.12", "3.13"])
@pytest.mark.parametrize("platform", PLATFORMS, ids=str)
def test_exactly_one_tensorflow_applies_on_every_supported_platform(platform, python):
    names = [req.name for req in applying(PLATFORMS[platform], python) if req.name in TENSORFLOW]
    assert len(names) == 1, names
    expected = "tensorflow" if platform in ("macOS Apple silicon", "Linux ARM") else "tensorflow-cpu"
    assert names == [expected]
    versions = {str(req.specifier) for req in requirements() if req.name in TENSORFLOW}
    assert len(versions) == 1, "both TensorFlow builds must be the same release"


def test_no_tensorflow_applies_on_an_intel_mac_which_the_makefile_refuses():
    """TensorFlow 2.21 ships no Intel-Mac wheel; `tools/venv.sh` says so instead of pip failing."""
    assert not [req for req in applying(INTEL_MAC) if req.name in TENSORFLOW]
    assert "Intel Mac" in (ROOT / "tools" / "venv.sh").read_text()


def test_every_other_requirement_applies_everywhere():
    for requirement in requirements():
        if requirement.name not in TENSORFLOW:
            assert requirement.marker is None, requirement


def test_environment_yml_agrees_with_requirements():
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    dependencies = environment["dependencies"]
    pip_sections = [entry["pip"] for entry in dependencies if isinstance(entry, dict)]
    assert pip_sections == [["-r requirements.txt"]], "environment.yml must delegate to requirements.txt"
    conda_names = {str(entry).split("=")[0] for entry in dependencies if isinstance(entry, str)}
    assert conda_names == {"python", "pip"}, "only python and pip come from conda"
    python = next(str(entry) for entry in dependencies if str(entry).startswith("python"))
    project = (ROOT / "pyproject.toml").read_text()
    minimum = re.search(r'requires-python = ">=(\d+\.\d+)', project).group(1)
    assert tuple(map(int, python.split("=")[1].split("."))) >= tuple(map(int, minimum.split(".")))
