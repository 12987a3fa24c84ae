import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers import (
    format_spreads,
    format_table,
    plot_errors_per_seed,
    plot_history,
    plot_predictions,
    plot_seed_spread,
    seed_spread,
)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_plot_history_draws_every_epoch_and_the_mark():
    ax = plot_history({"loss": [4.0, 2.0, 1.0, 0.5]}, mark_epoch=3, title="loss")
    line = ax.get_lines()[0]
    assert list(line.get_xdata()) == [1, 2, 3, 4]
    assert list(line.get_ydata()) == [4.0, 2.0, 1.0, 0.5]
    assert list(ax.get_lines()[1].get_xdata()) == [3, 3]
    assert ax.get_title() == "loss" and ax.get_ylabel().startswith("loss")


def test_plot_history_rejects_bad_input():
    with pytest.raises(ValueError, match="'loss'"):
        plot_history({"accuracy": [1.0]})
    with pytest.raises(ValueError, match="mark_epoch must be between 1 and 2"):
        plot_history({"loss": [1.0, 0.5]}, mark_epoch=5)
    with pytest.raises(ValueError, match="NaN"):
        plot_history({"loss": [1.0, float("nan")]})


def test_plot_predictions_points_and_labels():
    ax = plot_predictions([8, 9], [[8.5], [9.5]])
    assert ax.collections[0].get_offsets().tolist() == [[8, 8.5], [9, 9.5]]
    with pytest.raises(ValueError, match="must have the same shape"):
        plot_predictions([1, 2, 3], [1, 2])


def test_plot_seed_spread_one_column_per_recipe():
    ax = plot_seed_spread({"post": [11.9, 13.5, 15.3], "ours": [14.0, 14.0, 14.0]}, target=14)
    assert [c.get_offsets()[:, 1].tolist() for c in ax.collections[-2:]] == [
        [11.9, 13.5, 15.3],
        [14.0, 14.0, 14.0],
    ]
    with pytest.raises(ValueError, match="at least one entry"):
        plot_seed_spread({}, target=14)


def test_format_table_aligns_rounds_and_drops_negative_zero():
    text = format_table(["recipe", "error"], [["post", 2.06498], ["ours", -0.0000004]], decimals=3)
    assert text.splitlines() == [
        "recipe  error",
        "------  -----",
        "  post  2.065",
        "  ours  0.000",
    ]


def test_format_table_rounds_numpy_scalars_like_floats():
    text = format_table(["a", "b"], [[np.int64(3), np.float32(3.9459417)]], decimals=2)
    assert text.splitlines()[-1] == "3  3.95"


def test_format_spreads_one_row_per_name_and_one_tolerance():
    text = format_spreads({"post": seed_spread([11.9, 15.3], 14), "ours": seed_spread([14.0], 14)})
    lines = text.splitlines()
    assert lines[0].split() == ["lowest", "highest", "median", "error", "worst", "error", "within", "±0.05"]
    assert lines[2].split() == ["post", "11.900", "15.300", "1.700", "2.100", "0", "of", "2"]
    assert lines[3].split()[-3:] == ["1", "of", "1"]
    with pytest.raises(ValueError, match="share one tolerance"):
        format_spreads({"a": seed_spread([1.0], 1, tolerance=0.1), "b": seed_spread([1.0], 1)})
    with pytest.raises(ValueError, match="at least one entry"):
        format_spreads({})


def test_format_table_rejects_bad_rows():
    with pytest.raises(ValueError, match=r"rows\[0\] has 1 values for 2 headers"):
        format_table(["a", "b"], [[1]])
    with pytest.raises(ValueError, match="headers must be a non-empty list"):
        format_table([], [])


def test_plot_errors_per_seed_draws_each_seed_with_a_floor():
    ax = plot_errors_per_seed({"post": [0.8, 2.1, 0.01], "ours": [0.0, 1e-4, 0.0]}, tolerance=0.1)
    post, ours, line = ax.get_lines()
    assert post.get_ydata().tolist() == [0.8, 2.1, 0.01]
    assert ours.get_ydata().tolist() == [1e-6, 1e-4, 1e-6]
    assert line.get_ydata()[0] == 0.1 and ax.get_yscale() == "log"
    plt.close(ax.figure)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (({},), "must name at least one entry"),
        (({"post": [0.1, -0.2]},), "must be absolute errors"),
        (({"post": [0.1, float("nan")]},), "must not contain NaN"),
        (({"post": [0.1]}, 0), "tolerance must be a finite number > 0"),
    ],
)
def test_plot_errors_per_seed_rejects_bad_input(args, message):
    with pytest.raises(ValueError, match=message):
        plot_errors_per_seed(*args)
