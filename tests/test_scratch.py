"""The NumPy LSTM against ``keras.layers.LSTM`` itself, on random weights and inputs."""

import keras
import numpy as np
import pytest

from helpers import GATE_NAMES, lstm_forward, lstm_step, lstm_steps


def keras_lstm(units, features, activation, return_sequences):
    layer = keras.layers.LSTM(units, activation=activation, return_sequences=return_sequences)
    layer.build((None, None, features))
    rng = np.random.default_rng(units * 100 + features)
    layer.set_weights([rng.normal(scale=0.6, size=w.shape).astype("float32") for w in layer.get_weights()])
    return layer


@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("activation", ["tanh", "relu"])
@pytest.mark.parametrize(
    ("batch", "timesteps", "features", "units"), [(1, 3, 1, 10), (4, 5, 3, 7), (2, 12, 2, 1), (3, 1, 1, 20)]
)
def test_matches_keras(batch, timesteps, features, units, activation, return_sequences):
    layer = keras_lstm(units, features, activation, return_sequences)
    x = np.random.default_rng(batch).normal(size=(batch, timesteps, features)).astype("float32")
    expected = np.asarray(layer(x))
    ours = lstm_forward(x, *layer.get_weights(), activation=activation, return_sequences=return_sequences)
    assert ours.shape == expected.shape
    np.testing.assert_allclose(ours, expected, rtol=1e-5, atol=1e-5)


def test_gate_order_is_input_forget_candidate_output():
    # One unit whose forget gate alone is driven hard negative: the cell forgets every step,
    # so the hidden state depends on the last input only. A wrong gate order would not.
    units = 1
    kernel = np.zeros((1, 4 * units))
    bias = np.array([0.0, -50.0, 0.0, 0.0])  # i, f, g, o
    kernel[0, 2] = 1.0  # the candidate sees the input
    recurrent = np.zeros((units, 4 * units))
    a = lstm_forward([[[5.0], [1.0]]], kernel, recurrent, bias)
    b = lstm_forward([[[-3.0], [1.0]]], kernel, recurrent, bias)
    np.testing.assert_allclose(a, b, atol=1e-12)
    np.testing.assert_allclose(a, 0.5 * np.tanh(0.5 * np.tanh(1.0)), atol=1e-12)
    assert GATE_NAMES == ("input", "forget", "candidate", "output")


def test_steps_expose_the_gates_and_the_last_step_is_the_output():
    layer = keras_lstm(4, 1, "tanh", False)
    x = np.arange(6, dtype="float32").reshape(2, 3, 1) / 6
    steps = lstm_steps(x, *layer.get_weights())
    assert len(steps) == 3
    for step in steps:
        for gate in (step.input_gate, step.forget_gate, step.output_gate):
            assert gate.shape == (2, 4) and np.all((gate > 0) & (gate < 1))
    np.testing.assert_allclose(steps[-1].hidden, np.asarray(layer(x)), atol=1e-5)
    first = lstm_step(x[:, 0], np.zeros((2, 4)), np.zeros((2, 4)), *layer.get_weights())
    np.testing.assert_array_equal(first.cell, steps[0].cell)


def test_sigmoid_does_not_overflow_on_huge_inputs():
    kernel = np.array([[1e4, 1e4, 1e4, 1e4]])
    with np.errstate(all="raise"):
        out = lstm_forward([[[1.0], [-1.0]]], kernel, np.zeros((1, 4)), np.zeros(4))
    assert np.isfinite(out).all()


GOOD = (np.zeros((1, 8)), np.zeros((2, 8)), np.zeros(8))


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ((np.zeros((2, 3)), *GOOD), {}, r"x must have shape \(batch, timesteps, 1\)"),
        ((np.zeros((2, 3, 2)), *GOOD), {}, r"x must have shape \(batch, timesteps, 1\)"),
        ((np.zeros((2, 3, 1)), np.zeros((1, 6)), *GOOD[1:]), {}, r"kernel must have shape \(features, 8\)"),
        ((np.zeros((2, 3, 1)), GOOD[0], np.zeros((2, 6)), GOOD[2]), {}, "recurrent_kernel must have shape"),
        ((np.zeros((2, 3, 1)), *GOOD[:2], np.zeros(7)), {}, r"bias must have shape \(8,\)"),
        ((np.zeros((2, 3, 1)), *GOOD), {"activation": "sigmoid"}, "activation must be one of"),
        ((np.full((2, 3, 1), np.nan), *GOOD), {}, "x must not contain NaN"),
    ],
)
def test_rejects_bad_input(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        lstm_forward(*args, **kwargs)


def test_step_rejects_mismatched_state():
    with pytest.raises(ValueError, match=r"hidden must have shape \(1, 2\)"):
        lstm_step([[1.0]], np.zeros((1, 3)), np.zeros((1, 2)), *GOOD)
