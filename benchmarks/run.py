"""Benchmark: the post's recipe against ours, on the three tasks whose windows differ.

For every task of ``helpers.held_out_tasks()`` and every seed it trains the post's recipe
exactly as the post wrote it (``model.fit`` on NumPy arrays, batch size 1, 100 epochs) and ours
(``helpers.validated``: differenced windows, full batch, early stopping on the validation
windows), alternating, so both see the same machine load, and scores both on the task's
held-out test windows beside the naive and linear baselines. It writes
``benchmarks/results.md`` (a table per task and recipe, and the wall time of every notebook)
and ``benchmarks/results.png``.

    python benchmarks/run.py            # 10 seeds and the notebook timings (about 45 minutes)
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
from helpers.tasks import HeldOutTask, held_out_tasks

ROOT = Path(__file__).resolve().parents[1]
POST = helpers.seed_tasks()[0].recipe  # notebook 01's: LSTM(10, relu), Dense(5), Dense(1), batch 1


def recipes() -> dict[str, helpers.Recipe]:
    return {
        "post": dataclasses.replace(POST, pipeline="numpy", unroll=False),
        "ours": helpers.validated(POST),
    }


def test_windows(task: HeldOutTask) -> helpers.Windows:
    """The task's first test set: the later values of the series it trains on."""
    return next(iter(task.tests.values()))


def baseline_rmse(task: HeldOutTask) -> dict[str, float]:
    test = test_windows(task)
    forecasts = helpers.baseline_forecasts(task.train, test.x)
    return {name: float(helpers.rmse_per_seed(values[None], test.y)[0]) for name, values in forecasts.items()}


def run_once(task: HeldOutTask, recipe: helpers.Recipe, seed: int) -> tuple[float, float]:
    """Train one model; return its test RMSE and the seconds its training took."""
    validation = (task.val.x, task.val.y) if recipe.early_stopping_monitor == "val_loss" else None
    start = time.perf_counter()
    model, _ = helpers.train(recipe, task.train.x, task.train.y, seed=seed, validation=validation)
    seconds = time.perf_counter() - start
    test = test_windows(task)
    prediction = helpers.predict(recipe, model, test.x)
    return float(helpers.rmse_per_seed(prediction[None], test.y[:, None])[0]), seconds


def summary_rows(
    results: dict[str, dict[str, list[tuple[float, float]]]], naive: dict[str, float]
) -> list[list[object]]:
    """One row per task and recipe: test RMSE, seeds beating the naive forecast, seconds, ratio.

    ``results[task][recipe]`` is a list of ``(rmse, seconds)``, one per seed; ``naive[task]`` is
    the naive forecast's test RMSE.
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
                    f"{sum(error < naive[task] for error in errors)} of {len(errors)}",
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
    "median test RMSE",
    "worst test RMSE",
    "seeds beating naive",
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


def plot(
    results: dict[str, dict[str, list[tuple[float, float]]]],
    baselines: dict[str, dict[str, float]],
    path: Path,
) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(1, len(results), figsize=(4.5 * len(results), 3.8))
    for ax, (task, by_recipe) in zip(axes, results.items(), strict=True):
        for recipe, runs in by_recipe.items():
            ax.plot([error for error, _ in runs], marker="o", linestyle="none", label=recipe)
        for name, color in (("naive (last value)", "tab:red"), ("linear regression", "tab:green")):
            ax.axhline(baselines[task][name], color=color, linestyle="--", label=name)
        ax.set_yscale("log")
        ax.set_xlabel("seed")
        ax.set_title(task, fontsize=10)
    axes[0].set_ylabel("test RMSE")
    axes[0].legend(fontsize=8)
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
    tasks = held_out_tasks()
    baselines = {task.name: baseline_rmse(task) for task in tasks}
    for number, task in enumerate(tasks, start=1):
        results[task.name] = {name: [] for name in recipes()}
        for seed in range(seeds):
            line = []
            for name, recipe in recipes().items():
                error, seconds = run_once(task, recipe, seed)
                results[task.name][name].append((error, seconds))
                line.append(f"{name} {seconds:5.1f} s, test RMSE {error:.3f}")
            print(f"task {number}/{len(tasks)} seed {seed + 1}/{seeds}: " + " | ".join(line), flush=True)

    notebook_rows = [] if args.quick or args.no_notebooks else time_notebooks(sys.executable)
    args.output.mkdir(parents=True, exist_ok=True)
    report = [
        "# Benchmark: the posts' recipes against ours",
        "",
        f"Written by `make bench` (`python benchmarks/run.py`): {seeds} seeds per task and recipe,",
        "trained alternately in one process on this 2-core machine, on the three tasks of",
        "`helpers.held_out_tasks()` (windows that differ, split in time order). `post` is notebook",
        "01's post code as written (`model.fit` on NumPy arrays, batch size 1, 100 epochs, `relu`);",
        "`ours` is `helpers.validated` (differenced windows, full-batch Adam at 0.01, up to 2,000",
        "steps stopped on the validation windows). Score: RMSE on the test span (the later values",
        "of each series). Seconds: training only.",
        "",
        markdown_table(
            SUMMARY_HEADERS, summary_rows(results, {t: b["naive (last value)"] for t, b in baselines.items()})
        ),
        "",
        "Baselines on the same test windows (no training):",
        "",
        markdown_table(
            ["task", *next(iter(baselines.values()))], [[t, *b.values()] for t, b in baselines.items()]
        ),
        "",
        "![test RMSE per seed](results.png)",
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
    plot(results, baselines, args.output / "results.png")
    print(f"wrote {args.output / 'results.md'} and {args.output / 'results.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
