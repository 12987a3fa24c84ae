"""Hostile inputs an independent evaluator found: each now gives a correct result or a clear error.

Expected values are worked out by hand (in the comments) or taken from scikit-learn.
"""

import keras
import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LinearRegression
from sklearn.metrics import mean_absolute_error, mean_squared_error, root_mean_squared_error

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


# 7. The second round (issue 27): silent wrong answers, obscure errors, wrongly refused inputs


def test_input_gradients_reports_every_feature():
    model = keras.Sequential([keras.Input((3, 2)), keras.layers.Flatten(), keras.layers.Dense(1)])
    kernel = np.arange(6.0).reshape(6, 1)  # flattened (t, feature) pairs: weight 2t + feature
    model.layers[1].set_weights([kernel, np.zeros(1)])
    gradients = helpers.input_gradients(model, np.ones((4, 3, 2)))
    assert gradients.tolist() == [[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]]


def test_regression_report_gives_nan_r2_for_a_constant_target():
    report = helpers.regression_report([5, 5], [5, 6])
    assert np.isnan(report["r2"]) and np.isnan(report["explained_variance"])
    assert report["mse"] == mean_squared_error([5, 5], [5, 6]) == 0.5


def test_a_learning_rate_that_blows_up_training_is_named():
    recipe = helpers.Recipe(units=(2,), dense_units=(1,), epochs=30, learning_rate=1e30)
    with pytest.raises(ArgumentError, match=r"training diverged on seed 0: .* Lower learning_rate"):
        helpers.train(recipe, [[1, 2, 3], [2, 3, 4]], [4, 5], seed=0)


def test_layer_param_table_reads_an_embedding_as_vocabulary_by_vector_size():
    model = keras.Sequential([keras.Input((7,)), keras.layers.Embedding(50, 4), keras.layers.LSTM(3)])
    embedding = helpers.layer_param_table(model)[0]
    assert (embedding.input_dim, embedding.units, embedding.keras_count, embedding.formula_count) == (
        50,
        4,
        200,
        200,
    )


def test_layer_param_table_refuses_a_subclassed_model_clearly():
    class Subclassed(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(1)

        def call(self, x):
            return self.dense(x)

    model = Subclassed()
    model(np.ones((1, 3)))
    with pytest.raises(ArgumentError, match="subclassed model"):
        helpers.layer_param_table(model)


def test_plot_history_draws_a_loss_of_exactly_zero():
    ax = helpers.plot_history({"loss": [4.0, 1.0, 0.0]})
    assert ax.get_yscale() == "symlog" and len(ax.get_lines()[0].get_ydata()) == 3


def test_conformal_rank_is_exact_for_every_level_and_size():
    # ceil((n + 1) p / 100) in integers, for p = 1..99 and n = 1..200 (19,800 pairs)
    for percent in range(1, 100):
        for n in range(1, 201):
            rank = -(-(n + 1) * percent // 100)
            residuals = np.arange(1.0, n + 1)
            if rank > n:
                with pytest.raises(ValueError, match="at least"):
                    helpers.conformal_halfwidth(residuals, percent / 100)
            else:
                assert helpers.conformal_halfwidth(residuals, percent / 100)[0] == rank, (percent, n)


def test_conformal_halfwidth_says_how_many_residuals_a_high_level_needs():
    with pytest.raises(ValueError, match="at least 9999999 windows"):
        helpers.conformal_halfwidth(np.arange(10.0), level=0.9999999)


def test_interval_coverage_counts_a_float32_value_on_its_bound_as_inside():
    assert helpers.interval_coverage(np.float32([0.1]), lower=[0.0], upper=[0.1]) == 1.0


def test_interval_coverage_takes_bounds_with_a_trailing_output_axis():
    assert helpers.interval_coverage([1.0, 5.0], lower=[[0.0], [0.0]], upper=[[2.0], [2.0]]) == 0.5


def test_logistic_task_checks_r_before_printing_it():
    with pytest.raises(ArgumentError, match=r"r must be a number, got str '3\.8'"):
        helpers.logistic_task(r="3.8")


def test_logistic_series_starts_anywhere_in_its_range():
    assert helpers.logistic_series(3, r=4.0, start=0).tolist() == [0.0, 0.0, 0.0]
    assert helpers.logistic_series(2, r=4.0, start=1).tolist() == [1.0, 0.0]


def test_split_in_time_says_a_series_is_too_short_without_asking_for_impossible_sizes():
    with pytest.raises(ValueError, match=r"1 values is too short .* at least 4 values$"):
        helpers.split_in_time([5.0], 1, 1, 1)


def test_split_in_time_suspects_a_transposed_series():
    with pytest.raises(ValueError, match=r"Is it transposed\? Pass sequence.T"):
        helpers.split_in_time(np.zeros((2, 40)), 3, 5, 5)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: helpers.arithmetic_task(length=10, held_out=5), "length=10 is too short .* at least 14"),
        (lambda: helpers.noisy_trend_task(held_out=100), "length=150 is too short .* at least 204"),
        (lambda: helpers.random_walk_task(length=40), "length=40 is too short .* at least 54"),
        (lambda: helpers.cycle_task(held_out=3), "held_out must be at least the 5 values"),
    ],
)
def test_tasks_name_their_own_arguments(make, message):
    with pytest.raises(ValueError, match=message) as raised:
        make()
    assert not any(name in str(raised.value) for name in ("val_size", "test_size", "n_out"))


SERIES = np.arange(100.0)


def test_walk_forward_names_the_first_usable_origin():
    with pytest.raises(ValueError, match=r"use a later origin \(the first usable is 10\)"):
        helpers.walk_forward(SERIES, n_steps=3, horizon=2, origins=[5], val_size=5)


def test_walk_forward_asks_for_a_validation_span_as_long_as_the_horizon():
    with pytest.raises(ValueError, match="val_size must hold at least one window's horizon=6") as raised:
        helpers.walk_forward(SERIES, n_steps=3, horizon=6, origins=[60], val_size=5)
    assert "n_out" not in str(raised.value)


def test_walk_forward_refuses_a_repeated_origin():
    with pytest.raises(ValueError, match=r"origins must be distinct: \[60\]"):
        helpers.walk_forward(SERIES, n_steps=3, horizon=2, origins=[60, 60], val_size=5)


def test_walk_forward_refuses_a_single_number_and_takes_a_pandas_series():
    with pytest.raises(ArgumentError, match="origins must be a list"):
        helpers.walk_forward(SERIES, n_steps=3, horizon=2, origins=np.array(60), val_size=5)
    from_pandas = helpers.walk_forward(SERIES, n_steps=3, horizon=2, origins=pd.Series([60, 70]), val_size=5)
    assert [split.test.y.tolist() for split in from_pandas] == [[[60.0, 61.0]], [[70.0, 71.0]]]


def test_predictions_over_seeds_checks_queries_before_training(monkeypatch):
    def no_training(*args, **kwargs):
        raise AssertionError("trained before checking the queries")

    monkeypatch.setattr(helpers.recipes, "_train_shared", no_training)
    recipe = helpers.Recipe(units=(2,), dense_units=(1,), epochs=1)
    for queries, message in (
        ([[1, 2]], "queries must hold windows of .* got \\(2, 1\\)"),
        ([[1, np.nan, 2]], "queries"),
    ):
        with pytest.raises(ValueError, match=message):
            helpers.predictions_over_seeds(recipe, [[1, 2, 3], [2, 3, 4]], [4, 5], queries, [0])


def test_wait_counting_checks_its_arguments():
    with pytest.raises(ArgumentError, match="jobs must be a dict"):
        helpers.wait_counting([1, 2])
    with pytest.raises(ArgumentError, match="jobs must map futures"):
        helpers.wait_counting({1: 2})


def test_input_gradients_checks_the_model_and_the_sequence_length():
    model = keras.Sequential([keras.Input((3, 1)), keras.layers.Flatten(), keras.layers.Dense(1)])
    with pytest.raises(ArgumentError, match="model must be a keras model"):
        helpers.input_gradients("model", np.ones((2, 3, 1)))
    with pytest.raises(
        ArgumentError, match=r"x must hold sequences of the shape the model reads.*got \(5, 1\)"
    ):
        helpers.input_gradients(model, np.ones((2, 5, 1)))


def test_linear_forecast_takes_a_list_pair():
    windows, targets = [[1, 2, 3], [2, 3, 4], [3, 4, 6]], [4, 5, 7]
    expected = LinearRegression().fit(windows, targets).predict([[4, 5, 6]])
    np.testing.assert_allclose(helpers.linear_forecast([windows, targets], [[4, 5, 6]]), expected)


def test_early_stopping_patience_zero_is_keras_default():
    recipe = helpers.Recipe(units=(2,), dense_units=(1,), epochs=5, early_stopping_patience=0)
    _, history = helpers.train(recipe, [[1, 2, 3], [2, 3, 4]], [4, 5], seed=0)
    assert 1 <= len(history.history["loss"]) <= 5


def test_open_gate_takes_a_subclass_of_lstm():
    class MyLSTM(keras.layers.LSTM):
        pass

    layer = MyLSTM(2)
    layer.build((None, 3, 1))
    helpers.open_gate(layer, 3.0)
    assert layer.get_weights()[2][2:4].tolist() == [3.0, 3.0]


def test_forecast_over_seeds_takes_a_list_pair():
    recipe = helpers.Recipe(units=(2,), dense_units=(1,), epochs=1)
    forecasts = helpers.forecast_over_seeds({"a": [recipe, helpers.arithmetic_task()]}, [0], workers=0)
    assert forecasts["a"].val.shape == (1, 20, 1)


def test_scaled_training_on_values_near_1e39():
    recipe = helpers.Recipe(units=(2,), dense_units=(1,), epochs=1, scale=True)
    windows, targets = np.array([[1.0, 2, 3], [2, 3, 4]]) * 1e39, np.array([4.0, 5]) * 1e39
    model, _ = helpers.train(recipe, windows, targets, seed=0)
    prediction = helpers.predict(recipe, model, windows[:1])[0, 0]
    assert np.isfinite(prediction) and 1e38 < abs(prediction) < 1e41
