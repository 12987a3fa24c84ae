import numpy as np
import pytest
from sklearn.metrics import (
    explained_variance_score,
    mean_absolute_error,
    mean_squared_error,
    r2_score,
)

import helpers
from helpers import regression_report, seed_spread, seed_spreads, worst_abs_errors


def test_matches_scikit_learn_on_post_002_targets():
    y_true = [8, 9, 12, 14]
    y_pred = np.array([[8.2], [9.1], [11.6], [13.1]])  # model.predict's (n, 1) shape
    report = regression_report(y_true, y_pred)
    flat = y_pred.ravel()
    assert report["mse"] == pytest.approx(mean_squared_error(y_true, flat))
    assert report["rmse"] == pytest.approx(np.sqrt(mean_squared_error(y_true, flat)))
    assert report["mae"] == pytest.approx(mean_absolute_error(y_true, flat))
    assert report["r2"] == pytest.approx(r2_score(y_true, flat))
    assert report["explained_variance"] == pytest.approx(explained_variance_score(y_true, flat))


def test_hand_computed_values_and_bias_separates_r2_from_explained_variance():
    y_true = np.array([8.0, 9.0, 12.0, 14.0])
    report = regression_report(y_true, y_true + 1.0)  # every prediction one too high
    assert report["mse"] == pytest.approx(1.0)
    assert report["mae"] == pytest.approx(1.0)
    assert report["explained_variance"] == pytest.approx(1.0)  # blind to a constant bias
    assert report["r2"] == pytest.approx(1 - 4.0 / 22.75)  # SS_res = 4, SS_tot = 22.75


def test_constant_prediction_has_r2_zero_at_the_mean():
    report = regression_report([8, 9, 12, 14], [10.75] * 4)
    assert report["r2"] == pytest.approx(0.0)


def test_two_outputs_are_averaged_like_scikit_learn():
    y_true = np.array([[3, 5], [11, 13], [19, 21]])
    y_pred = np.array([[3.5, 5.0], [10.0, 13.5], [19.0, 20.0]])
    assert regression_report(y_true, y_pred)["r2"] == pytest.approx(r2_score(y_true, y_pred))


@pytest.mark.parametrize(
    ("y_true", "y_pred", "message"),
    [
        ([1, 2, 3], [1, 2], "matching shapes"),
        ([1], [1], "at least 2 samples"),
        ([1, np.nan], [1, 2], "y_true must not contain NaN"),
        ([1, 2], [1, np.inf], "y_pred must not contain NaN"),
        (["a", "b"], [1, 2], "y_true must hold real numbers"),
        (np.zeros((2, 2, 2)), np.zeros((2, 2, 2)), "1-D or 2-D"),
    ],
)
def test_report_rejects_bad_input(y_true, y_pred, message):
    with pytest.raises(ValueError, match=message):
        regression_report(y_true, y_pred)


def test_seed_spread_counts_seeds_within_tolerance():
    spread = seed_spread([[13.96], [14.04], [14.2], [11.9]], target=14)
    assert spread.runs == 4
    assert spread.within_tolerance == 2
    assert spread.lowest == pytest.approx(11.9)
    assert spread.highest == pytest.approx(14.2)
    assert spread.worst_abs_error == pytest.approx(2.1)
    assert spread.median_abs_error == pytest.approx((0.04 + 0.2) / 2)


def test_seed_spread_uses_the_worse_output_of_two():
    spread = seed_spread([[103.0, 105.2], [103.01, 104.99]], target=[103, 105])
    assert spread.within_tolerance == 1
    assert spread.worst_abs_error == pytest.approx(0.2)


def test_seed_spread_rejects_bad_input():
    with pytest.raises(ValueError, match="tolerance must be a finite number > 0"):
        seed_spread([14.0], target=14, tolerance=0)
    with pytest.raises(ValueError, match="2 value\\(s\\) per seed"):
        seed_spread([14.0, 14.1], target=[103, 105])


def test_seed_spreads_one_entry_per_recipe_and_query():
    predictions = {
        "post": np.array([[[13.0], [1000.0]], [[14.02], [1002.0]]]),
        "ours": np.array([[[14.0], [1002.0]], [[14.0], [1002.01]]]),
    }
    spreads = seed_spreads(predictions, {"near": 14, "far": 1002})
    assert list(spreads) == ["post, near", "post, far", "ours, near", "ours, far"]
    assert spreads["post, near"].within_tolerance == 1
    assert spreads["post, far"].worst_abs_error == pytest.approx(2.0)
    assert spreads["ours, far"].within_tolerance == 2


def test_seed_spreads_rejects_a_column_count_that_does_not_match_the_targets():
    with pytest.raises(ValueError, match=r"shape \(seeds, 2, ...\)"):
        seed_spreads({"post": np.zeros((3, 1))}, {"near": 14, "far": 1002})


def test_worst_abs_errors_by_hand():
    np.testing.assert_allclose(worst_abs_errors([13.9, 14.02, 15.3], 14), [0.1, 0.02, 1.3])
    two_outputs = [[[102.0, 105.5]], [[103.0, 105.0]]]  # (seeds, 1 query, 2 outputs)
    np.testing.assert_allclose(worst_abs_errors(two_outputs, [103, 105]), [1.0, 0.0])


@pytest.mark.parametrize(
    ("predictions", "target", "message"),
    [([[1.0, 2.0]], [1.0], "1 value"), ([float("inf")], [1.0], "NaN or inf"), ([], [1.0], "not be empty")],
)
def test_worst_abs_errors_rejects_bad_input(predictions, target, message):
    with pytest.raises(ValueError, match=message):
        worst_abs_errors(predictions, target)


def test_conformal_halfwidth_by_hand_per_step_ahead():
    residuals = np.array([[0.1, -1.0], [-0.4, 2.0], [0.3, -3.0], [0.2, 4.0], [-0.5, 0.5]])
    # n = 5, level 0.5: the ceil(6 * 0.5) = 3rd smallest |residual| of each column
    np.testing.assert_allclose(helpers.conformal_halfwidth(residuals, level=0.5), [0.3, 2.0])
    # level 0.8: ceil(6 * 0.8) = 5th, the largest
    np.testing.assert_allclose(helpers.conformal_halfwidth(residuals, level=0.8), [0.5, 4.0])


def test_conformal_halfwidth_needs_enough_windows_and_a_level_below_1():
    with pytest.raises(ValueError, match="at least 4 windows for a 80% interval"):
        helpers.conformal_halfwidth(np.ones((3, 2)), level=0.8)
    with pytest.raises(ValueError, match="level must be below 1"):
        helpers.conformal_halfwidth(np.ones((30, 2)), level=1.0)


def test_interval_coverage_by_hand_and_against_a_normal_sample():
    truth = np.array([[1.0, 5.0], [2.0, 6.0]])
    lower, upper = np.array([[0.0, 5.5], [2.0, 5.0]]), np.array([[0.5, 6.0], [3.0, 7.0]])
    assert helpers.interval_coverage(truth, lower, upper) == 0.5  # 1 outside, 5 below, 2 and 6 inside
    sample = np.random.default_rng(0).normal(size=100_000)
    z = 1.2815515655446004  # the standard normal's 90% quantile: +-z holds 80%
    assert helpers.interval_coverage(
        sample, np.full_like(sample, -z), np.full_like(sample, z)
    ) == pytest.approx(0.8, abs=0.005)
    with pytest.raises(ValueError, match="lower must not exceed upper"):
        helpers.interval_coverage([1.0], [2.0], [0.0])
    with pytest.raises(ValueError, match="upper must have y_true's shape"):
        helpers.interval_coverage([1.0, 2.0], [0.0, 0.0], [3.0])
