"""Time-ordered splits, the tasks whose windows differ, baselines and forecast metrics."""

import numpy as np
import pytest
from sklearn.linear_model import LinearRegression
from sklearn.metrics import mean_absolute_error, root_mean_squared_error

import helpers
from helpers import Windows


def target_positions(split_windows, series):
    """Where in ``series`` each window's targets sit (the series holds distinct values)."""
    position = {value: index for index, value in enumerate(series)}
    targets = np.reshape(split_windows.y, (len(split_windows.y), -1))
    return np.vectorize(position.get)(targets)


@pytest.mark.parametrize("n_out", [1, 2, 3])
def test_split_in_time_leaks_nothing_from_later_spans(n_out):
    series = np.arange(100.0, 140.0)
    split = helpers.split_in_time(series, n_steps=4, val_size=6, test_size=5, n_out=n_out)
    train, val, test = (target_positions(part, series) for part in split)
    assert train.max() < 40 - 11 <= val.min() and val.max() < 40 - 5 <= test.min()
    assert test.max() == 39
    for part in split:  # every window is the n_steps values just before its targets
        first_target = target_positions(part, series)[:, 0]
        np.testing.assert_array_equal(part.x[:, -1], series[first_target - 1])


def test_split_in_time_drops_windows_that_straddle_two_spans():
    split = helpers.split_in_time(np.arange(20), n_steps=3, val_size=4, test_size=4, n_out=2)
    assert split.val.y.tolist() == [[12, 13], [13, 14], [14, 15]]  # not [11, 12] nor [15, 16]
    assert split.train.y[-1].tolist() == [10, 11]
    assert split.test.y.tolist() == [[16, 17], [17, 18], [18, 19]]


def test_split_in_time_names_an_empty_span():
    with pytest.raises(ValueError, match="the train span holds no window"):
        helpers.split_in_time(np.arange(9), n_steps=3, val_size=3, test_size=3)
    with pytest.raises(ValueError, match="the test span holds no window"):
        helpers.split_in_time(np.arange(30), n_steps=3, val_size=3, test_size=1, n_out=2)


def test_arithmetic_task_is_four_series_split_in_time_with_two_unseen_steps():
    task = helpers.arithmetic_task()
    for windows in [task.train, task.val, *task.tests.values()]:
        steps = np.diff(windows.x, axis=1)
        assert np.all(steps == steps[:, :1])  # each window is one arithmetic series
        np.testing.assert_array_equal(windows.y, windows.x[:, -1] + steps[:, 0])
    assert set(np.diff(task.train.x, axis=1)[:, 0]) == {1, 2, 3, 5}
    assert set(np.diff(task.tests["step 4 (not trained)"].x, axis=1)[:, 0]) == {4}
    assert set(np.diff(task.tests["step 8 (beyond)"].x, axis=1)[:, 0]) == {8}
    # time order within each step: every training target precedes every validation target
    for step in (1, 2, 3, 5):
        train_y = task.train.y[task.train.x[:, 1] - task.train.x[:, 0] == step]
        val_y = task.val.y[task.val.x[:, 1] - task.val.x[:, 0] == step]
        assert train_y.max() < val_y.min()
    assert task.distinct_training_pairs() == 4


def test_noisy_trend_and_logistic_tasks_have_windows_that_differ():
    trend, logistic = helpers.noisy_trend_task(), helpers.logistic_task()
    assert trend.distinct_training_pairs() == len(trend.train.x) == 97
    assert logistic.distinct_training_pairs() == len(logistic.train.x)
    np.testing.assert_allclose(
        logistic.train.y, 3.8 * logistic.train.x[:, -1] * (1 - logistic.train.x[:, -1])
    )
    noise = trend.train.y - 0.5 * (np.arange(len(trend.train.y)) + 3)
    assert 0.8 < noise.std() < 1.2  # unit noise around the line 0.5 t
    assert helpers.noisy_trend_task(seed=1).train.y[0] != trend.train.y[0]


def test_a_logistic_task_from_another_start_is_another_draw_of_the_same_map():
    task = helpers.logistic_task(start=0.5)
    assert task.train.x[0, 0] == 0.5 and task.train.x[0, 1] == 3.8 * 0.5 * 0.5
    np.testing.assert_allclose(task.train.x[:, 1], 3.8 * task.train.x[:, 0] * (1 - task.train.x[:, 0]))
    assert not np.allclose(task.val.y, helpers.logistic_task().val.y)
    with pytest.raises(ValueError, match=r"start in \[0, 1\]"):
        helpers.logistic_task(start=1.5)


def test_logistic_series_by_hand_and_bad_parameters():
    np.testing.assert_allclose(helpers.logistic_series(3, r=2.0, start=0.25), [0.25, 0.375, 0.46875])
    with pytest.raises(ValueError, match="r must be <= 4"):
        helpers.logistic_series(5, r=4.5)
    with pytest.raises(ValueError, match="length must be >= 2"):
        helpers.logistic_series(1)


def test_baselines_by_hand():
    x = [[1, 2, 4], [10, 9, 7]]
    np.testing.assert_array_equal(helpers.naive_forecast(x), [4, 7])
    np.testing.assert_array_equal(helpers.naive_forecast(x, horizon=2), [[4, 4], [7, 7]])
    # drift: the mean change over the window, (4 - 1) / 2 and (7 - 10) / 2
    np.testing.assert_array_equal(helpers.drift_forecast(x), [5.5, 5.5])
    np.testing.assert_array_equal(helpers.drift_forecast(x, horizon=3), [[5.5, 7, 8.5], [5.5, 4, 2.5]])
    # last-difference extrapolation: the last change, 2 and -2
    np.testing.assert_array_equal(helpers.last_difference_forecast(x), [6, 5])
    np.testing.assert_array_equal(helpers.last_difference_forecast(x, horizon=3), [[6, 8, 10], [5, 3, 1]])
    months = [[1, 2, 3, 4, 5, 6]]
    np.testing.assert_array_equal(helpers.seasonal_naive_forecast(months, season=4, horizon=3), [[3, 4, 5]])
    np.testing.assert_array_equal(helpers.seasonal_naive_forecast(months, season=4), [3])


def test_linear_forecast_is_scikit_learns_linear_regression():
    rng = np.random.default_rng(0)
    train = Windows(rng.normal(size=(30, 4)), rng.normal(size=(30, 2)))
    x = rng.normal(size=(5, 4))
    expected = LinearRegression().fit(train.x, train.y).predict(x)
    np.testing.assert_allclose(helpers.linear_forecast(train, x), expected)
    np.testing.assert_allclose(helpers.linear_forecast((train.x, train.y), x), expected)


def test_baseline_forecasts_on_an_arithmetic_series():
    task = helpers.arithmetic_task()
    test = task.tests["step 8 (beyond)"]
    forecasts = helpers.baseline_forecasts(task.train, test.x)
    np.testing.assert_allclose(forecasts["linear regression"], test.y, atol=1e-9)
    np.testing.assert_array_equal(forecasts["drift"], test.y)
    np.testing.assert_array_equal(forecasts["last difference"], test.y)
    np.testing.assert_array_equal(test.y - forecasts["naive"], 8)


def test_drift_is_the_mean_change_and_beats_last_difference_on_noise():
    """On a noisy line, one change is noisier than the mean of several: drift's error is smaller."""
    rng = np.random.default_rng(0)
    series = 0.5 * np.arange(3000) + rng.normal(size=3000)
    x, y = helpers.split_sequence(series, n_steps=5)
    drift_error = np.std(helpers.drift_forecast(x) - y)
    last_error = np.std(helpers.last_difference_forecast(x) - y)
    # by hand: e[t+1] - e[t] - (e[t] - e[t-4]) / 4 has variance 1 + (5/4)^2 + 1/16 = 2.625; last
    # difference, e[t+1] - 2 e[t] + e[t-1], has variance 6
    assert drift_error == pytest.approx(np.sqrt(2.625), rel=0.05)
    assert last_error == pytest.approx(np.sqrt(6), rel=0.05)


def test_baseline_forecasts_follow_the_horizon_of_the_training_targets():
    split = helpers.split_in_time(np.arange(40.0), n_steps=4, val_size=6, test_size=6, n_out=3)
    forecasts = helpers.baseline_forecasts(split.train, split.test.x)
    assert {name: values.shape for name, values in forecasts.items()} == dict.fromkeys(forecasts, (4, 3))
    for values in forecasts.values():
        if values is not forecasts["naive"]:
            np.testing.assert_allclose(values, split.test.y, atol=1e-9)


def test_rmse_per_seed_is_scikit_learns_rmse_per_row():
    rng = np.random.default_rng(1)
    truth, predictions = rng.normal(size=(6, 2)), rng.normal(size=(3, 6, 2))
    expected = [root_mean_squared_error(truth.ravel(), row.ravel()) for row in predictions]
    np.testing.assert_allclose(helpers.rmse_per_seed(predictions, truth), expected)
    flat = predictions[:, :, :1]  # (seeds, samples, 1) against (samples,)
    np.testing.assert_allclose(
        helpers.rmse_per_seed(flat, truth[:, 0]),
        [root_mean_squared_error(truth[:, 0], r[:, 0]) for r in flat],
    )


def test_mase_by_hand_and_against_the_naive_forecast():
    # scale: mean |differences 12 apart| of the training series
    training = np.arange(36.0) + np.tile(np.arange(12.0), 3)
    assert helpers.mase([1, 2], [1.5, 2.5], training, season=12) == pytest.approx(0.5 / 12)
    # a forecast as good as the in-sample seasonal naive scores exactly 1
    history = np.array([3.0, 5.0, 4.0, 8.0])
    assert helpers.mase([10.0], [8.0], history, season=1) == pytest.approx(
        2 / mean_absolute_error([5, 4, 8], [3, 5, 4])
    )


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: helpers.mase([1, 2], [1], [1, 2, 3]), "same shape"),
        (lambda: helpers.mase([1], [1], [1, 2], season=2), "longer than season"),
        (lambda: helpers.mase([1], [1], [4, 4, 4]), "its seasonal naive error is 0"),
        (lambda: helpers.rmse_per_seed([[1.0, 2.0]], [1, 2, 3]), "match y_true"),
        (lambda: helpers.seasonal_naive_forecast([[1, 2, 3]], season=4), "at least season=4"),
        (
            lambda: helpers.seasonal_naive_forecast([[1, 2, 3, 4]], season=2, horizon=3),
            "horizon must be <= season",
        ),
        (lambda: helpers.drift_forecast([[1], [2]]), "at least 2 values"),
        (lambda: helpers.last_difference_forecast([[1], [2]]), "at least 2 values"),
        (lambda: helpers.naive_forecast([[1, 2]], horizon=0), "horizon must be >= 1"),
        (lambda: helpers.linear_forecast("train", [[1, 2]]), "train must be Windows"),
        (
            lambda: helpers.linear_forecast(Windows([[1, 2], [3, 4]], [1, 2]), [[1, 2, 3]]),
            "2 values per window",
        ),
    ],
)
def test_baselines_and_metrics_reject_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize("horizon", [1, 3, 12])
def test_walk_forward_leaks_nothing_from_the_future(horizon):
    series = np.arange(1000.0, 1100.0)  # value = 1000 + its index, so a value names its position
    origins = [60, 72, 84]
    splits = helpers.walk_forward(series, n_steps=5, horizon=horizon, origins=origins, val_size=12)
    assert len(splits) == len(origins)
    for origin, split in zip(origins, splits, strict=True):
        for part in (split.train, split.val):  # every input and target lies before the origin
            assert max(part.x.max(), np.max(part.y)) < 1000 + origin
        assert split.val.y.max() == 1000 + origin - 1 and np.min(split.val.y) >= 1000 + origin - 12
        np.testing.assert_array_equal(split.test.x, [series[origin - 5 : origin]])
        np.testing.assert_array_equal(np.reshape(split.test.y, -1), series[origin : origin + horizon])
    sizes = [len(split.train.x) for split in splits]
    assert sizes == sorted(sizes) and sizes[0] < sizes[-1]  # an expanding window


def test_walk_forward_refuses_origins_it_cannot_forecast():
    with pytest.raises(ValueError, match=r"use an earlier origin \(the last usable is 98\)"):
        helpers.walk_forward(np.arange(100.0), n_steps=3, horizon=2, origins=[99], val_size=4)
    with pytest.raises(ValueError, match="origins must name at least one index"):
        helpers.walk_forward(np.arange(100.0), n_steps=3, horizon=2, origins=[], val_size=4)
    with pytest.raises(ValueError, match=r"use a later origin \(the first usable is 9\)"):
        helpers.walk_forward(np.arange(100.0), n_steps=3, horizon=2, origins=[8], val_size=4)
    assert len(helpers.walk_forward(np.arange(100.0), n_steps=3, horizon=2, origins=[9], val_size=4)) == 1
