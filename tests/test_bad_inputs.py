"""Hostile and edge inputs: every helper refuses what it cannot handle, naming the argument.

Each case once gave a silent wrong result or an obscure crash ("len() of unsized object",
"'list' object has no attribute 'shape'"). The errors are ValueErrors; those about a wrong
type are also TypeErrors.
"""

import matplotlib.pyplot as plt
import numpy as np
import pytest

import helpers
import helpers._validation
from helpers import Recipe

SMALL = Recipe(units=(2,), dense_units=(1,), epochs=1)
X, Y = [[1, 2, 3], [4, 5, 6]], [2, 5]


def trained_small_model():
    return helpers.train(SMALL, X, Y, seed=0)[0]


SILENT_BEFORE = [
    (lambda: Recipe(units=(2,), dense_units=(1,), remove_level="no"), "remove_level must be True or False"),
    (lambda: Recipe(units=(2,), dense_units=(1,), scale=1), "scale must be True or False"),
    (
        lambda: Recipe(units=(2,), dense_units=(1,), early_stopping_patience=3, restore_best_weights="False"),
        "restore_best_weights must be True or False",
    ),
    (
        lambda: Recipe(units=(2,), dense_units=(1,), learning_rate=float("inf")),
        "learning_rate must be a finite",
    ),
    (
        lambda: Recipe(units=(2,), dense_units=(1,), learning_rate="0.01"),
        "learning_rate must be a number",
    ),
    (lambda: Recipe(units=(2,), dense_units=(1,), clipnorm=0), "clipnorm must be a finite number > 0"),
    (
        lambda: Recipe(units=(2,), dense_units=(1,), restore_best_weights=True),
        "need early_stopping_patience",
    ),
    (
        lambda: Recipe(units=(2,), dense_units=(1,), early_stopping_patience=2, early_stopping_monitor="acc"),
        "early_stopping_monitor must be one of",
    ),
    (
        lambda: helpers.lstm_forward(
            np.ones((1, 2, 1)), np.zeros((1, 4)), np.zeros((1, 4)), np.zeros(4), return_sequences="False"
        ),
        "return_sequences must be True or False",
    ),
    (
        lambda: helpers.seed_spread([14.0, 14.1], 14, tolerance=float("nan")),
        "tolerance must be a finite number",
    ),
    (lambda: helpers.seed_spread([14.0, 14.1], 14, tolerance=True), "tolerance must be a number"),
    (lambda: helpers.train(SMALL, X, [[2, 3], [5, 6]], seed=0), r"y must have 1 value\(s\) per window"),
    (
        lambda: helpers.predict(SMALL, trained_small_model(), [[1, 2, 3, 4]]),
        "windows of the shape the model was trained on",
    ),
    (lambda: helpers.regression_report([1 + 1j, 2], [1, 2]), "y_true must hold real numbers"),
    (
        lambda: helpers.plot_predictions([[1, 2], [3, 4], [5, 6]], [[1, 3, 5], [2, 4, 6]]),
        "must have the same shape",
    ),
    (lambda: helpers.seed_spreads({}, {"q": 1}), "predictions must name at least one entry"),
    (lambda: helpers.format_table("ab", [[1, 2]]), "headers must be a non-empty list"),
    (lambda: helpers.format_table(["a"], "rows"), "rows must be a list of rows"),
    (lambda: helpers.plot_history({"loss": [1.0]}, title=3), "title must be a string"),
    (lambda: helpers.plot_history({"loss": [1.0, 0.5]}, mark_epoch=1.5), "mark_epoch must be an int"),
    (lambda: helpers.plot_seed_spread({"a": [1.0]}, target=float("nan")), "target must be a finite number"),
    (lambda: helpers.noisy_trend_task(seed=True), "seed must be an int"),
]

OBSCURE_BEFORE = [
    (lambda: helpers.to_relative(5), "x must be 2-D .* or 3-D"),
    (lambda: helpers.to_relative([[1, 2, 3]], 4), "y must be 1-D or 2-D"),
    (lambda: helpers.regression_report(3, 4), "y_true must be 1-D or 2-D"),
    (lambda: helpers.seed_spread(14.0, 14), "predictions must be 1-D, 2-D or 3-D"),
    (lambda: helpers.worst_abs_errors(3, 3), "predictions must be 1-D, 2-D or 3-D"),
    (lambda: helpers.split_sequence("12345", 2), "sequence must hold numbers, got the string"),
    (lambda: helpers.split_sequence([1, 2, 3, 4], "2"), "n_steps must be an int"),
    (lambda: helpers.lstm_param_count("1", 10), "input_dim must be an int"),
    (lambda: helpers.seed_spreads("post", {"q": 1}), "predictions must be a dict"),
    (lambda: helpers.format_spreads({"a": 1.0}), r"spreads\['a'\] must be a SeedSpread"),
    (lambda: helpers.format_param_table(None), "rows must be a non-empty list"),
    (lambda: helpers.format_table(["a"], [[1.0]], decimals=10**30), "decimals must be <= 15"),
    (lambda: helpers.plot_history({"loss": [1.0]}, ax="left"), "ax must be a Matplotlib Axes"),
    (lambda: helpers.plot_errors_per_seed("post"), "errors_by_recipe must be a dict"),
    (
        lambda: helpers.lstm_step(
            [[1.0]], [[0.0]], [[0.0]], [[0, 0, 1, 0]], [[0, 0, 0, 0]], [0] * 4, activation=[]
        ),
        "activation must be one of",
    ),
    (lambda: helpers.build_model("recipe", 3), "recipe must be a helpers.Recipe"),
    (lambda: helpers.recommended(None, remove_level=True), "recipe must be a helpers.Recipe"),
    (lambda: helpers.window_relative("post"), "recipe must be a helpers.Recipe"),
    (lambda: helpers.build_model(SMALL, 3, scaling=(0, 1, 2)), "scaling must be a helpers.Scaling"),
    (lambda: helpers.linear_forecast(None, [[1, 2, 3]]), "train must be Windows"),
    (lambda: helpers.naive_forecast([[1, 2]], horizon=10**30), "horizon must be <="),
    (lambda: helpers.logistic_series(10**30), "length must be <="),
    (lambda: helpers.arithmetic_task(held_out="5"), "held_out must be an int"),
    (lambda: helpers.predictions_over_seeds(SMALL, X, Y, X, seeds="012"), "seeds must be a list or range"),
    (
        lambda: helpers.predictions_over_seeds(SMALL, X, Y, X, [0], pool="two"),
        "pool must be a helpers.SeedWorkers",
    ),
    (lambda: helpers.layer_param_table("model"), "model must be a Keras model"),
]


@pytest.mark.parametrize(("call", "message"), SILENT_BEFORE + OBSCURE_BEFORE)
def test_bad_input_raises_a_value_error_naming_the_argument(call, message):
    with pytest.raises(ValueError, match=message):
        call()
    plt.close("all")


def test_wrong_types_are_also_type_errors():
    with pytest.raises(TypeError, match="remove_level must be True or False"):
        Recipe(units=(2,), dense_units=(1,), remove_level="no")
    with pytest.raises(TypeError, match="n_steps must be an int"):
        helpers.split_sequence([1, 2, 3, 4], 2.0)


class _NotAHistory:
    """Has a ``history`` attribute, as a keras History does, but it holds a list, not a dict."""

    def __init__(self):
        self.history = [1.0, 0.5]


# Wrong TYPE or kind of argument, once a plain ValueError (or a silent wrong table): now an
# ArgumentError (a TypeError and a ValueError) whose message names the argument.
WRONG_KIND = [
    (lambda: helpers._validation.check_choice(["tanh"], "activation", ("relu", "tanh")), "activation"),
    (
        lambda: helpers.lstm_step(
            [[1.0]], [[0.0]], [[0.0]], [[0, 0, 1, 0]], [[0, 0, 0, 0]], [0] * 4, activation=None
        ),
        "activation",
    ),
    (lambda: helpers._validation.as_finite_array([[1, 2], [3]], "values"), "values"),
    (lambda: helpers.regression_report([[1, 2], [3]], [1, 2]), "y_true"),
    (lambda: helpers.mase([1, 2], [1, [2, 3]], [1, 2, 4]), "y_pred"),
    (lambda: helpers.split_sequence([1, [2, 3], 4, 5], 2), "sequence"),
    (lambda: helpers.worst_abs_errors([[1.0, 2.0], [3.0]], [1, 2]), "predictions"),
    (lambda: helpers.plot_history([1.0, 0.5]), "history"),
    (lambda: helpers.plot_history("loss"), "history"),
    (lambda: helpers.plot_history(None), "history"),
    (lambda: helpers.plot_history(_NotAHistory()), "history"),
    (lambda: helpers.split_in_time(np.arange(20), n_steps=3, val_size=2.0, test_size=2), "val_size"),
    (lambda: helpers.split_in_time(np.arange(20), n_steps=3, val_size=2, test_size="2"), "test_size"),
    (lambda: helpers.split_in_time(np.arange(20), n_steps=3, val_size=True, test_size=2), "val_size"),
    (lambda: helpers.format_table(["a", "b"], [b"xy"]), r"rows\[0\]"),
    (lambda: helpers.format_table(["a"], [np.array(3)]), r"rows\[0\]"),
    (lambda: helpers._validation.check_int(np.bool_(True), "n_steps"), "n_steps"),
    (lambda: helpers._validation.check_positive(np.bool_(True), "tolerance"), "tolerance"),
]


@pytest.mark.parametrize(("call", "name"), WRONG_KIND)
def test_wrong_kind_of_argument_is_an_argument_error_naming_it(call, name):
    with pytest.raises(helpers._validation.ArgumentError, match=name):
        call()
    plt.close("all")


# The type is right but the value is not: these stay plain ValueErrors, not ArgumentErrors.
WRONG_VALUE = [
    (lambda: helpers._validation.check_choice("sigmoid", "activation", ("relu", "tanh")), "activation"),
    (lambda: helpers.format_table(["a", "b"], [[1, 2], [3]]), r"rows\[1\] has 1 values for 2 headers"),
    (lambda: helpers.plot_history({"accuracy": [1.0]}), "history"),
    (lambda: helpers.split_in_time(np.arange(10), n_steps=3, val_size=2, test_size=20), "test_size=20"),
    (lambda: helpers._validation.check_int(np.int64(0), "n_steps"), "n_steps must be >= 1"),
    (lambda: helpers._validation.check_positive(np.float32(-1), "tolerance"), "tolerance must be a finite"),
]


@pytest.mark.parametrize(("call", "message"), WRONG_VALUE)
def test_wrong_value_of_the_right_type_stays_a_plain_value_error(call, message):
    with pytest.raises(ValueError, match=message) as caught:
        call()
    assert not isinstance(caught.value, helpers._validation.ArgumentError)
    plt.close("all")
