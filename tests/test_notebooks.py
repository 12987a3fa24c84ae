"""Hygiene of every stored notebook: what nbval and a reader would trip over."""

import ast
import json
import re
from pathlib import Path

import pytest
from jupyter_client.kernelspec import KernelSpecManager

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
    _, cells = code_cells(path)
    counts = [cell["execution_count"] for cell in cells]
    assert counts == list(range(1, len(cells) + 1)), "execution counts must be 1..N"
    assert any(cell["outputs"] for cell in cells), "outputs must be stored"
    timed = [number for number, cell in enumerate(cells, start=1) if "execution" in cell["metadata"]]
    assert not timed, f"code cells {timed} store execution timestamps (refresh with `make refresh`)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_kernelspec_is_stored_as_jupyterlab_writes_it(path):
    """Otherwise JupyterLab marks the notebook modified on opening it, and autosave rewrites it."""
    installed = KernelSpecManager().get_kernel_spec("python3")
    stored = json.loads(path.read_text(encoding="utf-8"))["metadata"]["kernelspec"]
    expected = {"display_name": installed.display_name, "language": installed.language, "name": "python3"}
    assert stored == expected


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
        tags = cell["metadata"].get("tags", [])
        assert "NBVAL" not in source, f"code cell {number}: nbval markers belong in cell tags, not in code"
        assert "nbval-skip" not in tags, f"code cell {number}: every cell must run under nbval"
        if "nbval-ignore-output" not in tags:
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


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_every_figure_has_alternative_text(path):
    """`make run` writes HTML; a figure's cell metadata "alt" becomes the image's alt text."""
    _, cells = code_cells(path)
    for number, cell in enumerate(cells, start=1):
        if any("image/png" in output.get("data", {}) for output in cell["outputs"]):
            alt = cell["metadata"].get("alt", "")
            assert len(alt) > 20, f"code cell {number} draws a figure: describe it in its metadata 'alt'"
