"""paired_comparison: the mean loss difference of two forecasts of the same windows, with a
Newey-West interval, checked against hand-computed values."""

import numpy as np
import pytest
from scipy import stats

import helpers


def newey_west_interval(differences, lags, level):
    """The textbook interval: Bartlett weights, autocovariances divided by n, normal quantile."""
    n = len(differences)
    centred = differences - differences.mean()
    autocovariance = [np.sum(centred[k:] * centred[: n - k]) / n for k in range(lags + 1)]
    variance = autocovariance[0] + 2 * sum(
        (1 - k / (lags + 1)) * autocovariance[k] for k in range(1, lags + 1)
    )
    half = stats.norm.ppf(0.5 + level / 2) * np.sqrt(variance / n)
    return differences.mean() - half, differences.mean() + half


def test_alternating_differences_with_no_lag_by_hand():
    # squared errors of a: 1, 0, 1, 0; of b: 0, 1, 0, 1; d = 1, -1, 1, -1: mean 0, variance 1
    result = helpers.paired_comparison([0.0] * 4, [1.0, 0.0, 1.0, 0.0], [0.0, 1.0, 0.0, 1.0], lags=0)
    assert (result.mse_a, result.mse_b, result.difference) == (0.5, 0.5, 0.0)
    assert result.high == pytest.approx(1.959964 * 0.5, rel=1e-6) and result.low == pytest.approx(
        -result.high
    )


@pytest.mark.parametrize(("horizon", "lags"), [(1, 0), (1, 3), (6, 5)])
def test_matches_the_newey_west_formula(horizon, lags):
    rng = np.random.default_rng(horizon + lags)
    truth = rng.normal(size=(40, horizon))
    a, b = truth + rng.normal(size=truth.shape), truth + 1.2 * rng.normal(size=truth.shape)
    result = helpers.paired_comparison(truth, a, b, level=0.9, lags=lags)
    differences = np.mean((a - truth) ** 2, axis=1) - np.mean((b - truth) ** 2, axis=1)
    assert result.difference == pytest.approx(differences.mean(), rel=1e-12)
    assert (result.low, result.high) == pytest.approx(newey_west_interval(differences, lags, 0.9), rel=1e-9)


def test_default_lags_cover_the_horizon_and_newey_wests_rule():
    truth = np.zeros((25, 6))
    noise = np.random.default_rng(0).normal(size=(2, 25, 6))
    assert helpers.paired_comparison(truth, noise[0], noise[1]).lags == 5  # horizon - 1
    assert (
        helpers.paired_comparison(truth[:, 0], noise[0, :, 0], noise[1, :, 0]).lags == 2
    )  # 4 (25/100)^(2/9)


def test_a_paired_interval_is_narrower_than_one_mses_uncertainty():
    # two forecasts that share most of their errors: the comparison sees the part they do not share
    rng = np.random.default_rng(1)
    truth, shared = np.zeros(25), rng.normal(size=25)
    a, b = shared + 0.1 * rng.normal(size=25), shared + 0.1 * rng.normal(size=25)
    result = helpers.paired_comparison(truth, a, b)
    one_mse_half_width = 1.96 * np.std(a**2) / np.sqrt(25)
    assert result.high - result.low < one_mse_half_width / 2


def test_identical_forecasts_differ_by_exactly_nothing():
    result = helpers.paired_comparison([1.0, 2.0, 3.0], [1.5, 2.5, 3.5], [[1.5], [2.5], [3.5]])
    assert (result.difference, result.low, result.high) == (0.0, 0.0, 0.0)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (([1.0, 2.0, 3.0], [1.0, 2.0], [1.0, 2.0, 3.0]), r"forecast_a must have y_true's shape \(3,\)"),
        (([1.0, 2.0], [1.0, 2.0], [1.0, 2.0]), "at least 3 windows"),
        (([1.0, 2.0, 3.0], [1.0, np.nan, 3.0], [1.0, 2.0, 3.0]), "forecast_a must not contain NaN"),
    ],
)
def test_bad_inputs_are_named(arguments, message):
    with pytest.raises(ValueError, match=message):
        helpers.paired_comparison(*arguments)


@pytest.mark.parametrize(
    ("options", "message"), [({"level": 1.0}, "level must be below 1"), ({"lags": 3}, "lags")]
)
def test_bad_options_are_named(options, message):
    with pytest.raises(ValueError, match=message):
        helpers.paired_comparison([1.0, 2.0, 3.0], [1.0, 2.0, 3.5], [1.0, 2.5, 3.0], **options)
