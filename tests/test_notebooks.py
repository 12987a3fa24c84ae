"""Hygiene of every stored notebook: what nbval and a reader would trip over."""

import ast
import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
ABSOLUTE_PATH = re.compile(r"(/home/|/root/|/work/|/tmp/|/Users/|[A-Za-z]:\\\\)")


def code_cells(path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return notebook, [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]


def test_there_are_notebooks():
    assert NOTEBOOKS, "notebooks/ holds no .ipynb"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_name_is_numbered_snake_case(path):
    assert re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", path.name)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_stored_from_a_clean_restart_and_run_all(path):
    notebook, cells = code_cells(path)
    assert notebook["metadata"]["kernelspec"]["name"] == "python3"
    counts = [cell["execution_count"] for cell in cells]
    assert counts == list(range(1, len(cells) + 1)), "execution counts must be 1..N"
    assert any(cell["outputs"] for cell in cells), "outputs must be stored"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_no_errors_stderr_or_machine_paths_in_outputs(path):
    _, cells = code_cells(path)
    for number, cell in enumerate(cells, start=1):
        for output in cell["outputs"]:
            where = f"code cell {number}"
            assert output["output_type"] != "error", f"{where} stored an error"
            assert output.get("name") != "stderr", f"{where} stored stderr: {output.get('text')}"
            text = json.dumps(
                {key: value for key, value in output.get("data", {}).items() if not key.startswith("image/")}
            ) + "".join(output.get("text", ""))
            assert not ABSOLUTE_PATH.search(text), f"{where} shows a machine path"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_opens_with_title_setup_and_ends_with_summary_and_exercises(path):
    notebook, _ = code_cells(path)
    markdown = [("".join(c["source"])) for c in notebook["cells"] if c["cell_type"] == "markdown"]
    assert markdown[0].startswith("# ")
    headings = re.findall(r"^## (\w+)", "\n".join(markdown), flags=re.MULTILINE)
    assert headings[0] == "Setup"
    assert headings[-2:] == ["Summary", "Exercises"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_outputs_nbval_ignores_are_timings_only(path):
    _, cells = code_cells(path)
    for number, cell in enumerate(cells, start=1):
        source = "".join(cell["source"])
        assert "NBVAL_SKIP" not in source, f"code cell {number}: every cell must run under nbval"
        if "NBVAL_IGNORE_OUTPUT" not in source:
            continue
        statements = ast.parse(source).body
        prints_only = all(
            isinstance(statement, ast.Expr)
            and isinstance(statement.value, ast.Call)
            and getattr(statement.value.func, "id", "") == "print"
            for statement in statements
        )
        assert prints_only, f"code cell {number}: an ignored cell may only print, never compute or check"
        assert "seconds" in source, f"code cell {number}: an ignored cell may only print wall-clock seconds"
