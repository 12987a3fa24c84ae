"""Benchmark: the post's recipe against the course's, on the tasks whose windows differ.

For every task of notebook 07 and every seed it trains the post's recipe exactly as the post
wrote it (``model.fit`` on NumPy arrays, batch size 1, 100 epochs) and ours
(``helpers.recommended``, with and without level removal), alternating, so both see the same
machine load. Ours is chosen as earlier versions of notebook 07 chose it, on one draw of each
series (07 now chooses per draw, on rolling-origin folds): for each task, level removal or not by
the median RMSE on the validation windows; only then is the test span scored, once. It writes
``benchmarks/results.md`` (a table per task and recipe, and the wall time of every notebook, of
the unit tests and of the nbval suite) and ``benchmarks/results.png``.

    python benchmarks/run.py            # 10 seeds and the timings (about 45 minutes)
    python benchmarks/run.py --quick    # 2 seeds, no timings: a smoke run
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

import numpy as np

import helpers
from helpers.recipes import RECOMMENDED_STEPS
from helpers.tasks import HeldOutTask

ROOT = Path(__file__).resolve().parents[1]
POST = helpers.seed_tasks()[0].recipe  # notebook 01's: LSTM(10, relu), Dense(5), Dense(1), batch 1


def tasks() -> list[HeldOutTask]:
    """Notebook 07's five tasks."""
    return [*helpers.held_out_tasks(), helpers.random_walk_task(), helpers.cycle_task()]


def recipes(task: HeldOutTask) -> dict[str, helpers.Recipe]:
    """The post's recipe and ours with and without level removal, sized for the task's outputs."""
    outputs = 1 if task.train.y.ndim == 1 else task.train.y.shape[1]
    post = dataclasses.replace(POST, dense_units=(5, outputs))
    return {
        "post": dataclasses.replace(post, pipeline="numpy", unroll=False),
        "ours, level removed": helpers.recommended(post, remove_level=True),
        "ours, levels": helpers.recommended(post, remove_level=False),
    }


def test_windows(task: HeldOutTask) -> helpers.Windows:
    """The task's first test set: the later values of the series it trains on."""
    return next(iter(task.tests.values()))


def rmse(prediction: np.ndarray, windows: helpers.Windows) -> float:
    return float(helpers.rmse_per_seed(prediction[np.newaxis], windows.y)[0])


def baseline_rmse(task: HeldOutTask) -> dict[str, float]:
    test = test_windows(task)
    forecasts = helpers.baseline_forecasts(task.train, test.x)
    return {name: rmse(values, test) for name, values in forecasts.items()}


def run_once(task: HeldOutTask, recipe: helpers.Recipe, seed: int) -> tuple[float, float, float]:
    """Train one model; return its validation RMSE, its test RMSE and the seconds training took."""
    validation = (task.val.x, task.val.y) if recipe.early_stopping_monitor == "val_loss" else None
    start = time.perf_counter()
    model, _ = helpers.train(recipe, task.train.x, task.train.y, seed=seed, validation=validation)
    seconds = time.perf_counter() - start
    test = test_windows(task)
    val_rmse = rmse(helpers.predict(recipe, model, task.val.x), task.val)
    return val_rmse, rmse(helpers.predict(recipe, model, test.x), test), seconds


Runs = dict[str, list[tuple[float, float, float]]]  # recipe -> one (val RMSE, test RMSE, seconds) per seed


def choose_ours(runs: Runs) -> str:
    """The variant of ours with the lower median validation RMSE: the only choice made, on validation."""
    variants = [name for name in runs if name.startswith("ours")]
    return min(variants, key=lambda name: statistics.median(val for val, _, _ in runs[name]))


def summary_rows(results: dict[str, Runs], naive: dict[str, float]) -> list[list[object]]:
    """One row for the post's recipe and one for ours (the variant chosen on validation) per task.

    ``results[task][recipe]`` is a list of ``(val RMSE, test RMSE, seconds)``, one per seed;
    ``naive[task]`` is the naive forecast's test RMSE.
    """
    rows = []
    for task, runs in results.items():
        post_seconds = statistics.median(seconds for _, _, seconds in runs["post"])
        for name in ("post", choose_ours(runs)):
            errors = [test for _, test, _ in runs[name]]
            seconds = statistics.median(s for _, _, s in runs[name])
            rows.append(
                [
                    task,
                    name,
                    statistics.median(errors),
                    max(errors),
                    f"{sum(error < naive[task] for error in errors)} of {len(errors)}",
                    seconds,
                    f"{seconds / post_seconds:.2f} ({post_seconds / seconds:.1f}x faster)"
                    if name != "post"
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

    lines = ["| " + " | ".join(headers) + " |", "|" + " --- |" * len(headers)]
    lines += ["| " + " | ".join(markdown_cell(value, decimals) for value in row) + " |" for row in rows]
    return "\n".join(lines)


def markdown_cell(value: object, decimals: int) -> str:
    return f"{value:.{decimals}f}" if isinstance(value, float) else str(value)


def timed(command: list[str]) -> float | str:
    """Seconds the command took, or a short failure text (with the end of its output printed),
    so one failing notebook costs its row, not the hour of training before it."""
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - start
    if done.returncode == 0:
        return seconds
    print("\n".join((done.stdout + done.stderr).splitlines()[-15:]), flush=True)
    return f"failed (exit {done.returncode}) after {seconds:.1f}"


def time_suite(python: str) -> list[list[object]]:
    """Wall time of each notebook executed headless (as ``make run`` does), of the unit tests and
    of the nbval suite in one process and in two (as ``make test`` runs it)."""
    rows: list[list[object]] = []
    with tempfile.TemporaryDirectory() as out:
        for notebook in sorted((ROOT / "notebooks").glob("[0-9]*.ipynb")):
            seconds = timed(
                [python, "-m", "jupyter", "nbconvert", "--execute", "--to", "notebook",
                 "--ExecutePreprocessor.kernel_name=python3", "--output-dir", out, str(notebook)]
            )  # fmt: skip
            rows.append([notebook.name, seconds])
            print(f"  {notebook.name}: {markdown_cell(seconds, 1)} s", flush=True)
    parallel = ["-n", "2", "--dist", "loadscope"]  # as `make test` runs them
    nbval = [python, "-m", "pytest", "notebooks", "--nbval", "--nbval-current-env", "-q"]
    for name, command in (
        ("unit tests (`make unit`, two processes)", [python, "-m", "pytest", "-q", *parallel]),
        ("nbval suite, one process", nbval),
        ("nbval suite, two processes (as `make test` runs it)", [*nbval, *parallel]),
    ):
        rows.append([name, timed(command)])
        print(f"  {name}: {markdown_cell(rows[-1][1], 1)} s", flush=True)
    return rows


def plot(results: dict[str, Runs], baselines: dict[str, dict[str, float]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(1, len(results), figsize=(3.6 * len(results), 3.8))
    for ax, (task, runs) in zip(axes, results.items(), strict=True):
        for name in ("post", choose_ours(runs)):
            ax.plot([test for _, test, _ in runs[name]], marker="o", linestyle="none", label=name)
        for baseline, color in (("naive", "tab:red"), ("linear regression", "tab:green")):
            ax.axhline(baselines[task][baseline], color=color, linestyle="--", label=baseline)
        ax.set_yscale("log")
        ax.set_xlabel("seed")
        ax.set_title(task, fontsize=10)
        ax.legend(fontsize=7)
    axes[0].set_ylabel("test RMSE")
    figure.tight_layout()
    figure.savefig(path, dpi=100)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seeds", type=int, default=10, help="seeds per task and recipe (default 10)")
    parser.add_argument("--quick", action="store_true", help="2 seeds, no timings")
    parser.add_argument("--no-timings", action="store_true", help="skip the notebook and test timings")
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks", help="where results go")
    args = parser.parse_args(argv)
    seeds = 2 if args.quick else args.seeds
    if seeds < 1:
        parser.error("--seeds must be >= 1")

    helpers.setup_notebook(seed=0)
    results: dict[str, Runs] = {}
    all_tasks = tasks()
    baselines = {task.name: baseline_rmse(task) for task in all_tasks}
    for number, task in enumerate(all_tasks, start=1):
        results[task.name] = {name: [] for name in recipes(task)}
        for seed in range(seeds):
            line = []
            for name, recipe in recipes(task).items():
                val, test, seconds = run_once(task, recipe, seed)
                results[task.name][name].append((val, test, seconds))
                line.append(f"{name} {seconds:5.1f} s, val {val:.3f}, test {test:.3f}")
            print(f"task {number}/{len(all_tasks)} seed {seed + 1}/{seeds}: " + " | ".join(line), flush=True)

    args.output.mkdir(parents=True, exist_ok=True)
    chosen = [
        [
            task,
            choose_ours(runs),
            *(statistics.median(v for v, _, _ in runs[name]) for name in list(runs)[1:]),
        ]
        for task, runs in results.items()
    ]
    baseline_rows = [[task, *scores.values()] for task, scores in baselines.items()]
    report = [
        "# Benchmark: the post's recipe against the course's",
        "",
        f"Written by `make bench` (`python benchmarks/run.py`): {seeds} seeds per task and recipe,",
        "trained alternately in one process on this 2-core machine, on notebook 07's five tasks",
        "(windows that differ, split in time order). `post` is notebook 01's post code as written",
        "(`model.fit` on NumPy arrays, batch size 1, 100 epochs, `relu`); `ours` is",
        f"`helpers.recommended` (`tanh`, scaled, full-batch Adam at 0.01, up to {RECOMMENDED_STEPS:,}",
        "steps stopped on the validation windows), with level removal or not as the validation",
        "windows choose.",
        "Score: RMSE on the test span (the later values of each series). Seconds: training only.",
        "",
        "The one choice, made on the validation windows (median validation RMSE of ours):",
        "",
        markdown_table(["task", "chosen", "with the level removed", "on levels"], chosen),
        "",
        "Then the test span, once:",
        "",
        markdown_table(SUMMARY_HEADERS, summary_rows(results, {t: b["naive"] for t, b in baselines.items()})),
        "",
        "Baselines on the same test windows (no training):",
        "",
        markdown_table(["task", *baselines[all_tasks[0].name]], baseline_rows),
        "",
        "![test RMSE per seed](results.png)",
    ]  # fmt: skip
    write_report(report, args.output)
    plot(results, baselines, args.output / "results.png")
    print(f"wrote {args.output / 'results.md'} and {args.output / 'results.png'}", flush=True)
    if args.quick or args.no_timings:
        return 0
    timing_rows = time_suite(sys.executable)
    report += [
        "",
        "## Wall times",
        "",
        "Each notebook executed headless as `make run` does (kernel start included), then the",
        "unit tests as `make unit` runs them and the nbval suite in one process and in two.",
        "",
        markdown_table(["what", "seconds"], timing_rows, decimals=1),
    ]
    write_report(report, args.output)
    print(f"added the wall times to {args.output / 'results.md'}")
    return 0 if all(isinstance(seconds, float) for _, seconds in timing_rows) else 1


def write_report(lines: list[str], folder: Path) -> None:
    (folder / "results.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
