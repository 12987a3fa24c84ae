import numpy as np
import pytest

import helpers
from helpers import find_label_outliers, from_relative, split_sequence, to_3d, to_relative


def reference_split_sequence(sequence, n_steps_in, n_steps_out):
    """The loop from the well-known LSTM forecasting tutorials, written independently."""
    X, y = [], []
    for i in range(len(sequence)):
        end_ix = i + n_steps_in
        out_end_ix = end_ix + n_steps_out
        if out_end_ix > len(sequence):
            break
        X.append(sequence[i:end_ix])
        y.append(sequence[end_ix] if n_steps_out == 1 else sequence[end_ix:out_end_ix])
    return np.array(X), np.array(y)


def test_post_002_windows_by_hand():
    X, y = split_sequence([1, 2, 3, 4, 5, 6, 7, 8], n_steps=3)
    assert X.tolist() == [[1, 2, 3], [2, 3, 4], [3, 4, 5], [4, 5, 6], [5, 6, 7]]
    assert y.tolist() == [4, 5, 6, 7, 8]


@pytest.mark.parametrize("n_steps", [1, 2, 3, 5])
@pytest.mark.parametrize("n_out", [1, 2, 3])
def test_matches_tutorial_loop(n_steps, n_out):
    sequence = [10, 20, 30, 40, 50, 60, 70, 80, 90]
    X, y = split_sequence(sequence, n_steps, n_out)
    X_ref, y_ref = reference_split_sequence(sequence, n_steps, n_out)
    np.testing.assert_array_equal(X, X_ref)
    np.testing.assert_array_equal(y, y_ref)
    assert y.shape == ((len(X),) if n_out == 1 else (len(X), n_out))


def test_windows_do_not_share_memory_with_input():
    series = np.arange(6.0)
    X, _ = split_sequence(series, 3)
    X[0, 0] = 99
    assert series[0] == 0


def test_shortest_valid_sequence_gives_one_window():
    X, y = split_sequence([1, 2, 3, 4], n_steps=2, n_out=2)
    assert X.tolist() == [[1, 2]] and y.tolist() == [[3, 4]]


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"sequence": [1, 2, 3], "n_steps": 3}, ValueError, "too short"),
        ({"sequence": [1, 2, 3], "n_steps": 0}, ValueError, "n_steps must be >= 1"),
        ({"sequence": [1, 2, 3], "n_steps": 1, "n_out": 0}, ValueError, "n_out must be >= 1"),
        ({"sequence": [1, 2, 3], "n_steps": 1.5}, TypeError, "n_steps must be an int"),
        ({"sequence": [1, 2, 3], "n_steps": True}, TypeError, "n_steps must be an int"),
        ({"sequence": [1, np.nan, 3, 4], "n_steps": 2}, ValueError, "NaN or inf"),
        ({"sequence": [1, np.inf, 3, 4], "n_steps": 2}, ValueError, "NaN or inf"),
        ({"sequence": ["a", "b", "c"], "n_steps": 1}, ValueError, "must hold real numbers"),
        ({"sequence": [[1, 2], [3, 4]], "n_steps": 1}, ValueError, "target must name the column"),
        (
            {"sequence": np.zeros((4, 2, 2)), "n_steps": 1},
            ValueError,
            r"must be 1-D, or 2-D \(time, features\)",
        ),
        ({"sequence": [1, 2, 3, 4], "n_steps": 1, "target": 0}, ValueError, "target applies to a series of"),
        (
            {"sequence": [[1, 2], [3, 4], [5, 6]], "n_steps": 1, "target": 2},
            ValueError,
            "target must be <= 1",
        ),
        ({"sequence": [], "n_steps": 1}, ValueError, "must not be empty"),
    ],
)
def test_split_sequence_rejects_bad_input(kwargs, error, message):
    with pytest.raises(error, match=message):
        split_sequence(**kwargs)


def test_to_3d_adds_feature_axis_and_passes_3d_through():
    x = np.array([[1, 2, 3], [4, 5, 6]])
    assert to_3d(x).shape == (2, 3, 1)
    np.testing.assert_array_equal(to_3d(x)[:, :, 0], x)
    three_d = np.zeros((4, 3, 2))
    assert to_3d(three_d) is three_d


@pytest.mark.parametrize("bad", [[1, 2, 3], np.zeros((1, 2, 3, 4))])
def test_to_3d_rejects_other_ranks(bad):
    with pytest.raises(ValueError, match=r"x must be 2-D \(samples, timesteps\) or 3-D"):
        to_3d(bad)


def test_relative_round_trip_and_shift_invariance():
    x = np.array([[1, 2, 3], [13, 14, 15], [1001, 1002, 1003]])
    y = np.array([2, 14, 1002])
    x_rel, y_rel = to_relative(x, y)
    assert x_rel.tolist() == [[-2, -1, 0]] * 3
    assert y_rel.tolist() == [-1, -1, -1]
    np.testing.assert_array_equal(from_relative(x, y_rel), y)


def test_relative_keeps_3d_shape_and_handles_two_outputs():
    x = to_3d([[1, 3, 5, 7], [101, 103, 105, 107]])
    x_rel, y_rel = to_relative(x, [[3, 5], [103, 105]])
    assert x_rel.shape == (2, 4, 1)
    assert y_rel.tolist() == [[-4, -2], [-4, -2]]
    assert from_relative(x, y_rel).tolist() == [[3, 5], [103, 105]]
    assert from_relative(x, [[-4.0], [-4.0]]).tolist() == [[3.0], [103.0]]


def test_relative_rejects_mismatched_lengths_and_multivariate_windows():
    with pytest.raises(ValueError, match="y must have one row per window"):
        to_relative([[1, 2, 3]], [2, 3])
    with pytest.raises(ValueError, match="y_rel must have shape"):
        from_relative([[1, 2, 3]], [2, 3])
    with pytest.raises(ValueError, match="x must be univariate"):
        to_relative(np.zeros((2, 3, 2)))


POST_000_IMPL_2_X = [[1, 2, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12], [13, 14, 15], [16, 17, 18],
                     [19, 20, 21], [22, 23, 24], [25, 26, 27], [28, 29, 30], [50, 51, 52],
                     [60, 61, 62], [63, 64, 65]]  # fmt: skip


def test_label_check_finds_the_posts_wrong_label():
    y = [2, 5, 8, 1, 14, 17, 20, 23, 26, 29, 51, 61, 64]
    check = find_label_outliers(POST_000_IMPL_2_X, y)
    assert check.positions == (1,)
    assert check.outliers.tolist() == [3]


def test_label_check_passes_clean_two_output_labels_and_flags_either_output():
    x = np.array([[1, 3, 5, 7], [9, 11, 13, 15], [17, 19, 21, 23], [25, 27, 29, 31]])
    y = x[:, 1:3].copy()
    check = find_label_outliers(x, y)
    assert check.positions == (1, 2) and check.outliers.tolist() == []
    y[2, 1] = 0
    assert find_label_outliers(x, y).outliers.tolist() == [2]


def test_label_check_rejects_labels_without_a_rule_and_bad_shapes():
    with pytest.raises(ValueError, match="no window position matches more than half"):
        find_label_outliers([[1, 2, 3], [2, 3, 4]], [4, 5])  # labels are the next value
    with pytest.raises(ValueError, match=r"one label .* per window"):
        find_label_outliers([[1, 2, 3], [2, 3, 4]], [2])
    with pytest.raises(ValueError, match="x must be 2-D"):
        find_label_outliers([1, 2, 3], [2])


def test_windows_of_several_features_by_hand():
    series = np.array([[1, 10], [2, 20], [3, 30], [4, 40], [5, 50]])  # (time, features)
    x, y = split_sequence(series, n_steps=2, n_out=2, target=0)
    assert x.shape == (2, 2, 2)
    assert x.tolist() == [[[1, 10], [2, 20]], [[2, 20], [3, 30]]]
    assert y.tolist() == [[3, 4], [4, 5]]
    x, y = split_sequence(series, n_steps=3, target=1)
    assert x[-1].tolist() == [[2, 20], [3, 30], [4, 40]] and y.tolist() == [40, 50]


def test_split_in_time_of_several_features_keeps_every_feature_as_input():
    series = np.column_stack([np.arange(20.0), 100 + np.arange(20.0)])
    split = helpers.split_in_time(series, n_steps=3, val_size=4, test_size=4, n_out=2, target=1)
    assert split.train.x.shape[1:] == (3, 2)
    assert split.test.y.tolist() == [[116, 117], [117, 118], [118, 119]]
    np.testing.assert_array_equal(split.test.x[0], series[13:16])
