"""The recall task of notebook 09, against plain Keras and hand-checked gate layouts."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import helpers
from helpers.memory import BATCH, POOL


def test_recall_data_targets_are_the_first_values_and_fixed_by_the_seed():
    x, y = helpers.recall_data(length=5, samples=3, seed=1)
    np.testing.assert_array_equal(y, x[:, 0, 0])
    assert x.min() >= -1 and x.max() <= 1
    np.testing.assert_array_equal(helpers.recall_data(5, 3, seed=1)[0], x)


def test_open_gate_sets_the_lstm_forget_block_and_the_gru_update_block():
    lstm, gru = keras.layers.LSTM(3), keras.layers.GRU(3)
    lstm.build((None, 4, 1))
    gru.build((None, 4, 1))
    helpers.open_gate(lstm, 5.0)
    helpers.open_gate(gru, 4.0)
    np.testing.assert_array_equal(lstm.get_weights()[2], [0, 0, 0, 5, 5, 5, 0, 0, 0, 0, 0, 0])
    gru_bias = gru.get_weights()[2]
    np.testing.assert_array_equal(gru_bias[0], [4, 4, 4, 0, 0, 0, 0, 0, 0])
    np.testing.assert_array_equal(gru_bias[1], 0)


def test_open_gate_refuses_a_cell_without_gates():
    rnn = keras.layers.SimpleRNN(2)
    rnn.build((None, 3, 1))
    with pytest.raises(ValueError, match="SimpleRNN has no gate"):
        helpers.open_gate(rnn, 5.0)


def test_train_recall_is_the_plain_keras_model_of_notebook_09():
    run = helpers.train_recall("LSTM", length=6, seed=3, gate_bias=2.0, max_steps=200, solved=2.0)
    x, y = helpers.recall_data(6, POOL + 1024, seed=6)
    keras.utils.set_random_seed(3)
    model = keras.Sequential([keras.Input((6, 1)), keras.layers.LSTM(8, unroll=False), keras.layers.Dense(1)])
    weights = model.layers[0].get_weights()
    weights[2][8:16] = 2.0
    model.layers[0].set_weights(weights)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01, clipnorm=1.0), loss="mse")
    batches = tf.data.Dataset.from_tensor_slices((x[:POOL], y[:POOL])).shuffle(POOL, seed=3)
    history = model.fit(
        batches.batch(BATCH, drop_remainder=True).repeat(),
        steps_per_epoch=100,
        epochs=2,
        validation_data=(x[POOL:], y[POOL:]),
        shuffle=False,
        verbose=0,
    )
    expected = [1 - loss / np.var(y[POOL:]) for loss in history.history["val_loss"]]
    np.testing.assert_allclose(run.r2, expected, rtol=1e-4, atol=1e-5)
    assert run.steps == 200 and run.steps_to(-10.0) == 100 and run.steps_to(2.0) is None


def test_train_recall_stops_once_solved():
    run = helpers.train_recall("GRU", length=2, seed=0, max_steps=3000, solved=0.9)
    assert run.r2[-1] >= 0.9 and run.steps < 3000


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"cell": "lstm", "length": 5, "seed": 0}, "cell must be one of"),
        ({"cell": "LSTM", "length": 0, "seed": 0}, "length must be >= 1"),
        ({"cell": "LSTM", "length": 5, "seed": 0, "max_steps": 50}, "max_steps must be >= 100"),
        ({"cell": "LSTM", "length": 5, "seed": 0, "gate_bias": "open"}, "bias must be a number"),
    ],
)
def test_train_recall_rejects_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        helpers.train_recall(**kwargs)
