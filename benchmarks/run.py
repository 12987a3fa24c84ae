"""Benchmark: the posts' recipes against the project's, on the four seed tasks, in one process.

For every task and seed it trains the post's recipe exactly as the post wrote it
(``model.fit`` on NumPy arrays, batch size 1) and the project's recipe (``helpers.robust``),
alternating, so both see the same machine load. It writes ``benchmarks/results.md`` (a table
per task and recipe, and the wall time of every notebook) and ``benchmarks/results.png``.

    python benchmarks/run.py            # 10 seeds and the notebook timings (about 15 minutes)
    python benchmarks/run.py --quick    # 2 seeds, no notebook timings: a smoke run
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import helpers
from helpers.tasks import Task, seed_tasks

ROOT = Path(__file__).resolve().parents[1]
TOLERANCE = 0.05


def recipes_for(task: Task) -> dict[str, helpers.Recipe]:
    return {
        "post": dataclasses.replace(task.recipe, pipeline="numpy", unroll=False),
        "ours": helpers.window_relative(task.recipe),
    }


def run_once(task: Task, recipe: helpers.Recipe, seed: int) -> tuple[float, float]:
    """Train one model; return its absolute error (worst output) and the seconds it took."""
    start = time.perf_counter()
    model, _ = helpers.train(recipe, task.x, task.y, seed=seed)
    seconds = time.perf_counter() - start
    prediction = helpers.predict(recipe, model, [task.query])[0]
    return float(helpers.worst_abs_errors([prediction], task.target)[0]), seconds


def summary_rows(results: dict[str, dict[str, list[tuple[float, float]]]]) -> list[list[object]]:
    """One row per task and recipe: errors, seeds within tolerance, seconds, time ratio.

    ``results[task][recipe]`` is a list of ``(abs_error, seconds)``, one per seed.
    """
    rows = []
    for task, by_recipe in results.items():
        post_seconds = statistics.median(seconds for _, seconds in by_recipe["post"])
        for recipe, runs in by_recipe.items():
            errors = [error for error, _ in runs]
            seconds = statistics.median(s for _, s in runs)
            rows.append(
                [
                    task,
                    recipe,
                    statistics.median(errors),
                    max(errors),
                    f"{sum(error <= TOLERANCE for error in errors)} of {len(errors)}",
                    seconds,
                    f"{seconds / post_seconds:.2f} ({post_seconds / seconds:.1f}x faster)"
                    if recipe != "post"
                    else "1.00",
                ]
            )
    return rows


SUMMARY_HEADERS = [
    "task",
    "recipe",
    "median abs error",
    "worst abs error",
    f"within ±{TOLERANCE}",
    "median s/model",
    "time vs post",
]


def markdown_table(headers: list[str], rows: list[list[object]], decimals: int = 3) -> str:
    """A Markdown table; floats rounded to ``decimals`` places."""

    def cell(value: object) -> str:
        return f"{value:.{decimals}f}" if isinstance(value, float) else str(value)

    lines = ["| " + " | ".join(headers) + " |", "|" + " --- |" * len(headers)]
    lines += ["| " + " | ".join(cell(value) for value in row) + " |" for row in rows]
    return "\n".join(lines)


def time_notebooks(python: str) -> list[list[object]]:
    """Wall time of each notebook executed headless, as ``make run`` does, and of the nbval suite."""
    rows: list[list[object]] = []
    with tempfile.TemporaryDirectory() as out:
        for notebook in sorted((ROOT / "notebooks").glob("[0-9]*.ipynb")):
            start = time.perf_counter()
            subprocess.run(
                [python, "-m", "jupyter", "nbconvert", "--execute", "--to", "notebook",
                 "--ExecutePreprocessor.kernel_name=python3", "--output-dir", out, str(notebook)],
                check=True, capture_output=True, cwd=ROOT,
            )  # fmt: skip
            rows.append([notebook.name, time.perf_counter() - start])
            print(f"  {notebook.name}: {rows[-1][1]:.1f} s", flush=True)
    start = time.perf_counter()
    subprocess.run(
        [python, "-m", "pytest", "notebooks", "--nbval", "--nbval-current-env", "-q"],
        check=True, capture_output=True, cwd=ROOT,
    )  # fmt: skip
    rows.append(["whole nbval suite (`pytest notebooks --nbval`)", time.perf_counter() - start])
    print(f"  nbval suite: {rows[-1][1]:.1f} s", flush=True)
    return rows


def plot(results: dict[str, dict[str, list[tuple[float, float]]]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(1, len(results), figsize=(4 * len(results), 3.8), sharey=True)
    for ax, (task, by_recipe) in zip(axes, results.items(), strict=True):
        errors = {recipe: [error for error, _ in runs] for recipe, runs in by_recipe.items()}
        helpers.plot_errors_per_seed(errors, tolerance=TOLERANCE, ax=ax, title=task)
    axes[0].legend()
    figure.tight_layout()
    figure.savefig(path, dpi=100)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seeds", type=int, default=10, help="seeds per task and recipe (default 10)")
    parser.add_argument("--quick", action="store_true", help="2 seeds, skip notebook timings")
    parser.add_argument("--no-notebooks", action="store_true", help="skip the notebook timings")
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks", help="where results go")
    args = parser.parse_args(argv)
    seeds = 2 if args.quick else args.seeds
    if seeds < 1:
        parser.error("--seeds must be >= 1")

    helpers.setup_notebook(seed=0)
    results: dict[str, dict[str, list[tuple[float, float]]]] = {}
    for number, task in enumerate(seed_tasks(), start=1):
        recipes = recipes_for(task)
        results[task.name] = {name: [] for name in recipes}
        for seed in range(seeds):
            line = []
            for name, recipe in recipes.items():
                error, seconds = run_once(task, recipe, seed)
                results[task.name][name].append((error, seconds))
                line.append(f"{name} {seconds:5.1f} s, error {error:.3f}")
            print(f"task {number}/4 seed {seed + 1}/{seeds}: " + " | ".join(line), flush=True)

    notebook_rows = [] if args.quick or args.no_notebooks else time_notebooks(sys.executable)
    args.output.mkdir(parents=True, exist_ok=True)
    report = [
        "# Benchmark: the posts' recipes against ours",
        "",
        f"Written by `make bench` (`python benchmarks/run.py`): {seeds} seeds per task and recipe,",
        "trained alternately in one process on this 2-core machine. `post` is the post's code as",
        "written (`model.fit` on NumPy arrays, batch size 1, `relu`); `ours` is `helpers.robust`",
        "(window-relative inputs, `tanh`, full-batch Adam at 0.01, 200 steps in 10 epochs, unrolled).",
        "Error: the worse output's absolute error on the task's query. Seconds: training only.",
        "",
        markdown_table(SUMMARY_HEADERS, summary_rows(results)),
        "",
        "![absolute error per seed](results.png)",
    ]
    if notebook_rows:
        report += [
            "",
            "## Notebook wall times",
            "",
            "Each notebook executed headless as `make run` does (kernel start included), then the",
            "whole nbval suite as `make test` runs it.",
            "",
            markdown_table(["notebook", "seconds"], notebook_rows, decimals=1),
        ]
    (args.output / "results.md").write_text("\n".join(report) + "\n", encoding="utf-8")
    plot(results, args.output / "results.png")
    print(f"wrote {args.output / 'results.md'} and {args.output / 'results.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
