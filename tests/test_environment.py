"""requirements.txt pins every direct dependency exactly; environment.yml delegates to it."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
REQUIRED = {"tensorflow-cpu", "keras", "numpy", "scikit-learn", "matplotlib", "jupyterlab", "nbval"}


def requirement_lines():
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    return [line.split("#")[0].strip() for line in lines if line.split("#")[0].strip()]


def test_every_requirement_is_pinned_exactly_or_the_project_itself():
    for line in requirement_lines():
        assert line == "-e ." or re.fullmatch(r"[A-Za-z0-9_.\-]+==[0-9][0-9A-Za-z.]*", line), line
    assert "-e ." in requirement_lines()


def test_the_stack_named_in_the_readme_is_pinned():
    pinned = {line.split("==")[0].lower() for line in requirement_lines() if "==" in line}
    assert pinned >= REQUIRED


def test_environment_yml_agrees_with_requirements():
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    dependencies = environment["dependencies"]
    pip_sections = [entry["pip"] for entry in dependencies if isinstance(entry, dict)]
    assert pip_sections == [["-r requirements.txt"]], "environment.yml must delegate to requirements.txt"
    conda_names = {str(entry).split("=")[0] for entry in dependencies if isinstance(entry, str)}
    assert conda_names == {"python", "pip"}, "only python and pip come from conda"
    python = next(str(entry) for entry in dependencies if str(entry).startswith("python"))
    project = (ROOT / "pyproject.toml").read_text()
    minimum = re.search(r'requires-python = ">=(\d+\.\d+)"', project).group(1)
    assert tuple(map(int, python.split("=")[1].split("."))) >= tuple(map(int, minimum.split(".")))
