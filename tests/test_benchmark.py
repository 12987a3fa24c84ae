"""The benchmark script's own logic, on made-up timings (the real run is `make bench`)."""

import importlib.util
import sys
from pathlib import Path

import pytest

import helpers

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "run.py"
spec = importlib.util.spec_from_file_location("benchmark_run", SCRIPT)
bench = importlib.util.module_from_spec(spec)
sys.modules["benchmark_run"] = bench  # dataclasses look their module up while the script loads
spec.loader.exec_module(bench)


def test_tasks_are_the_posts_data_with_consistent_labels():
    tasks = helpers.seed_tasks()
    assert [len(task.x) for task in tasks] == [4, 13, 9, 5]
    assert tasks[1].x[-1] == [63, 64, 65] and tasks[2].x[-1] == [43, 45, 47, 49]
    for task in tasks[:3]:
        assert helpers.find_label_outliers(task.x, task.y).outliers.size == 0
    assert [helpers.build_model(t.recipe, len(t.x[0])).count_params() for t in tasks] == [
        541,
        3011,
        3022,
        491,
    ]
    assert [task.far_target for task in tasks] == [[1002], [1002], [1003, 1005], [1004]]
    assert tasks[3].x == [[1, 2, 3], [2, 3, 4], [3, 4, 5], [4, 5, 6], [5, 6, 7]]


def test_post_recipe_is_the_posts_code_and_ours_is_recommended():
    task = helpers.cycle_task()
    recipes = bench.recipes(task)
    assert recipes["post"].pipeline == "numpy" and recipes["post"].batch_size == 1
    assert not recipes["post"].unroll and recipes["post"].epochs == 100
    assert recipes["post"].dense_units == (5, 5)  # the cycle task forecasts 5 steps
    post = helpers.Recipe(units=(10,), dense_units=(5, 5))
    assert recipes["ours, levels"] == helpers.recommended(post, remove_level=False)
    assert recipes["ours, level removed"] == helpers.recommended(post, remove_level=True)


def test_ours_is_chosen_on_validation_not_on_test():
    runs = {
        "post": [(9.0, 9.0, 4.0)],
        "ours, level removed": [(1.0, 5.0, 1.0), (1.2, 5.0, 1.0), (1.1, 5.0, 1.0)],
        "ours, levels": [(2.0, 0.1, 1.0), (2.0, 0.1, 1.0), (2.0, 0.1, 1.0)],
    }
    assert bench.choose_ours(runs) == "ours, level removed"  # its test RMSE is worse, and unseen


def test_summary_counts_seeds_beating_naive_and_time_ratio():
    results = {
        "task": {
            "post": [(1.0, 1.0, 4.0), (1.0, 3.0, 6.0)],
            "ours, level removed": [(0.5, 0.5, 1.0), (0.5, 2.5, 2.0)],
            "ours, levels": [(0.9, 0.1, 1.0), (0.9, 0.1, 1.0)],
        }
    }
    post, ours = bench.summary_rows(results, {"task": 2.0})
    assert post[1:] == ["post", 2.0, 3.0, "1 of 2", 5.0, "1.00"]
    assert ours[1:] == ["ours, level removed", 1.5, 2.5, "1 of 2", 1.5, "0.30 (3.3x faster)"]


def test_baselines_are_scored_on_the_first_test_set():
    task = helpers.arithmetic_task()
    scores = bench.baseline_rmse(task)
    assert scores["linear regression"] < 1e-9 and scores["naive"] == pytest.approx(3.122, abs=1e-3)


def test_markdown_table_rounds_floats_only():
    table = bench.markdown_table(["a", "b"], [["x", 1.23456], [3, "y"]], decimals=2)
    assert table.splitlines() == ["| a | b |", "| --- | --- |", "| x | 1.23 |", "| 3 | y |"]


def test_quick_run_trains_nothing_when_given_no_seeds():
    with pytest.raises(SystemExit):
        bench.main(["--seeds", "0"])


def test_run_once_reports_validation_and_test_rmse_and_seconds():
    task = helpers.logistic_task()
    val, test, seconds = bench.run_once(task, bench.recipes(task)["ours, levels"], seed=0)
    linear = bench.baseline_rmse(task)["linear regression"]
    assert 0 < val < linear and 0 < test < linear and seconds > 0


def test_a_failing_timed_command_costs_its_row_not_the_run(capsys):
    failing = bench.timed([sys.executable, "-c", "print('the reason'); raise SystemExit(3)"])
    assert isinstance(failing, str) and failing.startswith("failed (exit 3) after ")
    assert "the reason" in capsys.readouterr().out
    assert isinstance(bench.timed([sys.executable, "-c", "pass"]), float)
    table = bench.markdown_table(["what", "seconds"], [["a", 1.25], ["b", failing]], decimals=1)
    assert "| a | 1.2 |" in table and f"| b | {failing} |" in table
