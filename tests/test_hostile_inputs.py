"""Hostile inputs an independent evaluator found: each now gives a correct result or a clear error.

Expected values are worked out by hand (in the comments) or taken from scikit-learn.
"""

import numpy as np
import pytest
from sklearn.metrics import mean_absolute_error, root_mean_squared_error

import helpers
from helpers._validation import ArgumentError, check_bool, check_int, check_positive, check_real

# 1. format_table: ragged rows and tuple cells (np.ndim on the rows once failed on both)


def test_format_table_prints_a_tuple_cell_with_str():
    text = helpers.format_table(["name", "shape"], [["x", (2, 3)], ["y", (10,)]])
    assert text.splitlines() == [
        "name  shape",
        "----  ------",
        "   x  (2, 3)",
        "   y   (10,)",
    ]


def test_format_table_prints_a_list_cell_beside_numbers():
    text = helpers.format_table(["units", "loss"], [[[2, 1], 0.25], [[10], 1.5]], decimals=1)
    assert text.splitlines()[2:] == ["[2, 1]   0.2", "  [10]   1.5"]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([[1, 2], [3]], r"rows\[1\] has 1 values for 2 headers"),
        ([[1], [2, 3]], r"rows\[0\] has 1 values for 2 headers"),
        ([[1, (2, 3)], [4, 5, 6]], r"rows\[1\] has 3 values for 2 headers"),
        ([(1, 2), [3, (4, 5)], [6]], r"rows\[2\] has 1 values for 2 headers"),
    ],
)
def test_format_table_ragged_rows_name_the_row(rows, message):
    with pytest.raises(ValueError, match=message):
        helpers.format_table(["a", "b"], rows)


# 2. mase: a trailing output axis of size 1 on either side, as regression_report accepts


@pytest.mark.parametrize(
    ("y_true", "y_pred"),
    [
        ([5, 6], [[5.5], [6.5]]),
        ([[5], [6]], [5.5, 6.5]),
        ([[5], [6]], [[5.5], [6.5]]),
    ],
)
def test_mase_accepts_a_trailing_output_axis_on_either_side(y_true, y_pred):
    # scale: mean |1 - 2|, |2 - 4|, |4 - 8| = 7 / 3; MAE 0.5, so MASE = 0.5 / (7 / 3) = 3 / 14
    assert helpers.mase(y_true, y_pred, training_series=[1, 2, 4, 8]) == pytest.approx(3 / 14)


def test_mase_of_multi_step_forecasts_with_an_output_axis_matches_scikit_learn():
    y_true = np.array([[10.0, 11.0, 12.0], [13.0, 14.0, 15.0]])
    y_pred = np.array([[10.5, 11.0, 13.0], [13.0, 13.0, 15.5]])
    training = np.array([1.0, 3.0, 2.0, 6.0])
    expected = mean_absolute_error(y_true, y_pred) / mean_absolute_error(training[1:], training[:-1])
    assert helpers.mase(y_true, y_pred[:, :, np.newaxis], training) == pytest.approx(expected)
    assert helpers.mase(y_true[:, :, np.newaxis], y_pred, training) == pytest.approx(expected)


@pytest.mark.parametrize(("y_true", "y_pred"), [([1, 2], [[1, 2], [3, 4]]), ([[1], [2]], [1, 2, 3])])
def test_mase_still_refuses_shapes_that_differ_otherwise(y_true, y_pred):
    with pytest.raises(ValueError, match="same shape"):
        helpers.mase(y_true, y_pred, [1, 2, 4])


def test_regression_report_and_mase_agree_on_which_shapes_match():
    report = helpers.regression_report([8, 9, 12, 14], [[8], [9], [12], [13]])
    assert report["mae"] == pytest.approx(0.25)
    assert helpers.mase([8, 9, 12, 14], [[8], [9], [12], [13]], [0, 1]) == pytest.approx(0.25)


# 3. rmse_per_seed: every combination of a trailing size-1 axis

Y_TRUE = np.array([1.0, 2.0, 3.0])
PREDICTIONS = np.array([[1.0, 2.0, 3.0], [2.0, 2.0, 5.0]])
# by hand: seed 0 is exact; seed 1 errs by 1, 0, 2, so RMSE = sqrt((1 + 0 + 4) / 3) = sqrt(5 / 3)
RMSE_BY_HAND = [0.0, np.sqrt(5 / 3)]


@pytest.mark.parametrize("prediction_shape", [(2, 3), (2, 3, 1)])
@pytest.mark.parametrize("truth_shape", [(3,), (3, 1)])
def test_rmse_per_seed_ignores_a_size_1_output_axis_on_either_side(prediction_shape, truth_shape):
    rmse = helpers.rmse_per_seed(PREDICTIONS.reshape(prediction_shape), Y_TRUE.reshape(truth_shape))
    np.testing.assert_allclose(rmse, RMSE_BY_HAND)
    np.testing.assert_allclose(rmse, [root_mean_squared_error(Y_TRUE, row) for row in PREDICTIONS])


def test_rmse_per_seed_with_one_sample_and_an_output_axis():
    rmse = helpers.rmse_per_seed([[[4.0]], [[1.0]]], [[2.0]])  # errors 2 and -1
    assert rmse.tolist() == [2.0, 1.0]


@pytest.mark.parametrize(
    ("prediction_shape", "truth_shape"), [((2, 3, 2), (3, 1)), ((2, 3, 1), (3, 2)), ((2, 3), (1, 3))]
)
def test_rmse_per_seed_still_refuses_other_shapes(prediction_shape, truth_shape):
    with pytest.raises(ValueError, match="match y_true"):
        helpers.rmse_per_seed(np.ones(prediction_shape), np.ones(truth_shape))


# 5. split_in_time: a span too big for the series is named, and the hint says to shrink it


@pytest.mark.parametrize(
    ("val_size", "test_size", "message"),
    [
        (2, 20, "test_size=20 leaves no room for a training span in a series of 10 values"),
        (10, 2, "val_size=10 leaves no room for a training span in a series of 10 values"),
        (12, 20, "val_size=12 and test_size=20 leave no room for a training span"),
        (5, 5, r"val_size=5 \+ test_size=5 leaves no room for a training span"),
    ],
)
def test_split_in_time_names_the_span_to_shrink(val_size, test_size, message):
    with pytest.raises(ValueError, match=message) as caught:
        helpers.split_in_time(np.arange(10), n_steps=3, val_size=val_size, test_size=test_size)
    assert str(caught.value).endswith("make test_size or val_size smaller")
    assert "longer" not in str(caught.value)


def test_split_in_time_hints_point_the_right_way():
    with pytest.raises(ValueError, match="the train span holds no window") as caught:
        helpers.split_in_time(np.arange(9), n_steps=3, val_size=3, test_size=3)
    assert "its 3 values" in str(caught.value) and "need at least n_steps + n_out = 4" in str(caught.value)
    assert "val_size/test_size smaller" in str(caught.value)
    with pytest.raises(ValueError, match=r"val span holds no window .*make val_size=1 at least n_out=2"):
        helpers.split_in_time(np.arange(30), n_steps=3, val_size=1, test_size=3, n_out=2)
    with pytest.raises(ValueError, match=r"test span holds no window .*make test_size=1 at least n_out=2"):
        helpers.split_in_time(np.arange(30), n_steps=3, val_size=3, test_size=1, n_out=2)


@pytest.mark.parametrize(
    ("sizes", "name"),
    [
        ({"val_size": 2.0, "test_size": 2}, "val_size must be an int"),
        ({"val_size": 2, "test_size": "2"}, "test_size must be an int"),
        ({"val_size": None, "test_size": 2}, "val_size must be an int"),
        ({"val_size": 2, "test_size": np.bool_(True)}, "test_size must be an int"),
    ],
)
def test_split_in_time_refuses_sizes_that_are_not_ints(sizes, name):
    with pytest.raises(ArgumentError, match=name):
        helpers.split_in_time(np.arange(20), n_steps=3, **sizes)


def test_split_in_time_accepts_numpy_integer_sizes():
    sizes = {"n_steps": np.int64(3), "val_size": np.int32(2), "test_size": np.int64(2)}
    train, val, test = helpers.split_in_time(np.arange(10), **sizes)
    assert (train.y.tolist(), val.y.tolist(), test.y.tolist()) == ([3, 4, 5], [6, 7], [8, 9])


# 6. NumPy scalars are accepted wherever Python numbers are, and come back as plain Python ones


@pytest.mark.parametrize("value", [np.int64(3), np.int32(3), np.uint8(3), 3])
def test_check_int_accepts_numpy_integers_and_returns_an_int(value):
    result = check_int(value, "n_steps")
    assert result == 3 and type(result) is int


@pytest.mark.parametrize("check", [check_positive, check_real])
@pytest.mark.parametrize(
    ("value", "expected"), [(np.float32(0.05), 0.05), (np.float64(0.05), 0.05), (np.int64(2), 2.0)]
)
def test_check_positive_and_real_accept_numpy_numbers_and_return_a_float(check, value, expected):
    result = check(value, "tolerance")
    assert result == expected and type(result) is float  # np.float32(0.05) means 0.05, not 0.0500000007


def test_check_real_accepts_negative_numpy_floats():
    assert check_real(np.float32(-1.5), "target") == -1.5


@pytest.mark.parametrize(("value", "expected"), [(np.bool_(True), True), (np.bool_(False), False)])
def test_check_bool_accepts_numpy_bools_and_returns_a_bool(value, expected):
    assert check_bool(value, "relative") is expected


@pytest.mark.parametrize("check", [check_int, check_positive, check_real])
def test_numpy_bools_are_not_numbers(check):
    with pytest.raises(ArgumentError, match="flag"):
        check(np.bool_(True), "flag")


@pytest.mark.parametrize("check", [check_positive, check_real])
def test_a_python_int_too_big_for_a_float_is_refused_clearly(check):
    with pytest.raises(ValueError, match="huge must be a finite number"):  # once an OverflowError
        check(10**400, "huge")


def test_an_int_too_long_to_print_is_described_not_printed():
    with pytest.raises(ValueError, match="decimals must be <= 15, got an int of about 5001 digits"):
        helpers.format_table(["a"], [[1.0]], decimals=10**5000)


def test_helpers_take_numpy_scalars():
    assert helpers.format_table(["a"], [[1.23456]], decimals=np.int64(2)).splitlines()[-1] == "1.23"
    # 14.05 - 14 is 0.0500000000000007 in floats: outside 0.05, as with a Python float tolerance
    with_numpy = helpers.seed_spread([14.05, 13.96], 14, tolerance=np.float32(0.05))
    assert with_numpy == helpers.seed_spread([14.05, 13.96], 14, tolerance=0.05)
    assert with_numpy.tolerance == 0.05 and with_numpy.within_tolerance == 1
    X, y = helpers.split_sequence([1, 2, 3, 4, 5], n_steps=np.int64(3), n_out=np.int32(1))
    assert (X.tolist(), y.tolist()) == ([[1, 2, 3], [2, 3, 4]], [4, 5])
    ax = helpers.plot_history({"loss": [1.0, 0.5, 0.25]}, mark_epoch=np.int64(2))
    assert ax.get_lines()[-1].get_xdata()[0] == 2
    ax = helpers.plot_seed_spread({"post": [13.9, 14.1]}, target=np.int64(14), tolerance=np.float32(0.05))
    assert ax.patches[0].get_label() == "target 14 ± 0.05"
