"""The recall task of notebook 09, against plain Keras, hand-computed gradients and gate layouts."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from sklearn.metrics import r2_score

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
    helpers.open_gate(gru, np.float32(4.0))
    np.testing.assert_array_equal(lstm.get_weights()[2], [0, 0, 0, 5, 5, 5, 0, 0, 0, 0, 0, 0])
    gru_bias = gru.get_weights()[2]
    np.testing.assert_array_equal(gru_bias[0], [4, 4, 4, 0, 0, 0, 0, 0, 0])
    np.testing.assert_array_equal(gru_bias[1], 0)


def test_open_gate_sets_a_gru_with_one_bias_row():
    gru = keras.layers.GRU(2, reset_after=False)
    gru.build((None, 4, 1))
    helpers.open_gate(gru, 3.0)
    np.testing.assert_array_equal(gru.get_weights()[2], [3, 3, 0, 0, 0, 0])


@pytest.mark.parametrize(
    ("layer", "message"),
    [
        (keras.layers.SimpleRNN(2), "SimpleRNN has no gate"),
        (keras.layers.LSTM(2), "layer must be built"),
        (keras.layers.LSTM(2, use_bias=False), "use_bias=False"),
        ("LSTM", "layer must be a keras LSTM or GRU"),
    ],
)
def test_open_gate_refuses_what_it_cannot_open(layer, message):
    if message in ("SimpleRNN has no gate", "use_bias=False"):
        layer.build((None, 3, 1))
    with pytest.raises(ValueError, match=message):
        helpers.open_gate(layer, 5.0)


def test_input_gradients_of_a_linear_recurrence_match_the_hand_computed_powers():
    """h_t = u h_(t-1) + w x_t and ŷ = v h_T give ∂ŷ/∂x_t = v w u^(T - t)."""
    model = keras.Sequential(
        [keras.Input((4, 1)), keras.layers.SimpleRNN(1, activation="linear"), keras.layers.Dense(1)]
    )
    w, u, v = 0.5, 0.8, 2.0
    model.layers[0].set_weights([np.array([[w]]), np.array([[u]]), np.zeros(1)])
    model.layers[1].set_weights([np.array([[v]]), np.zeros(1)])
    sequences = np.random.default_rng(0).normal(size=(3, 4, 1))
    expected = [v * w * u**power for power in (3, 2, 1, 0)]
    np.testing.assert_allclose(helpers.input_gradients(model, sequences), expected, rtol=1e-6)


def test_input_gradients_agree_with_finite_differences_of_an_lstm():
    keras.utils.set_random_seed(1)
    model = helpers.recall_model("LSTM", length=5)
    sequences = helpers.recall_data(5, 8, seed=2)[0].astype(np.float64)
    step = 1e-2
    differences = []
    for t in range(5):
        shifted_up, shifted_down = sequences.copy(), sequences.copy()
        shifted_up[:, t] += step
        shifted_down[:, t] -= step
        change = np.asarray(model(shifted_up.astype("float32"))) - np.asarray(
            model(shifted_down.astype("float32"))
        )
        differences.append(np.abs(change[:, 0] / (2 * step)).mean())
    np.testing.assert_allclose(helpers.input_gradients(model, sequences), differences, rtol=2e-2, atol=1e-6)


def test_train_recall_is_the_plain_keras_model_of_notebook_09():
    run = helpers.train_recall("LSTM", length=6, seed=3, gate_bias=2.0, max_steps=200, solved=1.0)
    x, y = helpers.recall_data(6, POOL + 2048, seed=6)
    keras.utils.set_random_seed(3)
    model = keras.Sequential([keras.Input((6, 1)), keras.layers.LSTM(8, unroll=True), keras.layers.Dense(1)])
    weights = model.layers[0].get_weights()
    weights[2][8:16] = 2.0
    model.layers[0].set_weights(weights)
    first_gradient = helpers.input_gradients(model, x[POOL : POOL + 256])[0]
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01, clipnorm=1.0), loss="mse")
    batches = tf.data.Dataset.from_tensor_slices((x[:POOL], y[:POOL])).shuffle(POOL, seed=3)
    history = model.fit(
        batches.batch(BATCH, drop_remainder=True).repeat(),
        steps_per_epoch=100,
        epochs=2,
        validation_data=(x[POOL : POOL + 1024], y[POOL : POOL + 1024]),
        shuffle=False,
        verbose=0,
    )
    expected = [1 - loss / np.var(y[POOL : POOL + 1024]) for loss in history.history["val_loss"]]
    np.testing.assert_allclose(run.r2, expected, rtol=1e-4, atol=1e-5)
    test_predictions = np.asarray(model.predict(x[POOL + 1024 :], verbose=0))[:, 0]
    assert run.test_r2 == pytest.approx(r2_score(y[POOL + 1024 :], test_predictions), abs=1e-5)
    assert run.first_gradient[0] == pytest.approx(first_gradient, rel=1e-5)
    assert run.first_gradient[-1] == pytest.approx(
        helpers.input_gradients(model, x[POOL : POOL + 256])[0], rel=1e-3
    )
    assert run.steps == 200 and run.steps_to(-10.0) == 100 and run.steps_to(2.0) is None


def test_an_identity_start_is_le_jaitly_and_hintons_simple_rnn():
    keras.utils.set_random_seed(0)
    model = helpers.recall_model("SimpleRNN", length=40, units=3, identity=True)
    layer = model.layers[0]
    np.testing.assert_array_equal(layer.get_weights()[1], np.eye(3))
    assert layer.activation is keras.activations.relu and not layer.unroll
    run = helpers.train_recall("SimpleRNN", length=3, seed=0, max_steps=100, solved=1.0, identity=True)
    assert run.identity and run.steps == 100


def test_seeds_sharing_one_compiled_model_get_what_each_gets_alone():
    together = helpers.train_recall_seeds("GRU", length=4, seeds=[2, 0], max_steps=200, solved=1.0)
    for run in together:
        alone = helpers.train_recall("GRU", length=4, seed=run.seed, max_steps=200, solved=1.0)
        assert run.r2 == alone.r2 and run.first_gradient == alone.first_gradient


def test_train_recall_stops_once_solved():
    run = helpers.train_recall("GRU", length=2, seed=0, max_steps=3000, solved=0.9)
    assert run.r2[-1] >= 0.9 and max(run.r2[:-1], default=0) < 0.9 and run.steps < 3000


def test_recall_sweep_trains_every_combination_in_workers_and_counts_them(capsys):
    runs = helpers.recall_sweep(["GRU"], [3, 4], [1], max_steps={3: 100, 4: 200}, solved=1.0, workers=1)
    assert list(runs) == [("GRU", 3, 1), ("GRU", 4, 1)]
    assert [run.steps for run in runs.values()] == [100, 200]
    assert runs["GRU", 4, 1].r2 == helpers.train_recall("GRU", 4, seed=1, max_steps=200, solved=1.0).r2
    printed = capsys.readouterr().out
    assert printed.endswith("\rtrained 2 of 2 models\n") and "\rtrained 1 of 2 models" in printed


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"cell": "lstm", "length": 5, "seed": 0}, "cell must be one of"),
        ({"cell": "LSTM", "length": 0, "seed": 0}, "length must be >= 1"),
        ({"cell": "LSTM", "length": 5, "seed": 0, "max_steps": 50}, "max_steps must be >= 100"),
        ({"cell": "LSTM", "length": 5, "seed": 0, "max_steps": 150}, "max_steps must be a multiple of 100"),
        ({"cell": "LSTM", "length": 5, "seed": 0, "solved": 2.0}, r"solved must be an R² in \(0, 1\]"),
        ({"cell": "LSTM", "length": 5, "seed": 0, "gate_bias": "open"}, "gate_bias must be a number"),
        ({"cell": "SimpleRNN", "length": 5, "seed": 0, "gate_bias": 5.0}, "no gate to open"),
        ({"cell": "LSTM", "length": 5, "seed": 0, "identity": True}, "use cell='SimpleRNN', not 'LSTM'"),
        ({"cell": "SimpleRNN", "length": 5, "seed": 0, "identity": "yes"}, "identity must be True or False"),
    ],
)
def test_train_recall_rejects_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        helpers.train_recall(**kwargs)


def test_recall_sweep_rejects_a_budget_missing_a_length():
    with pytest.raises(ValueError, match=r"max_steps must give a budget for every length, missing \[30\]"):
        helpers.recall_sweep(["LSTM"], [10, 30], [0], max_steps={10: 100})


def test_recall_sweep_rejects_an_identity_start_for_a_gated_cell_before_training():
    with pytest.raises(ValueError, match="use cell='SimpleRNN', not 'GRU'"):
        helpers.recall_sweep(["SimpleRNN", "GRU"], [10], [0], max_steps=100, identity=True)


def test_recall_sweep_splits_the_seeds_when_there_are_fewer_jobs_than_workers(capsys):
    runs = helpers.recall_sweep(["GRU"], [3], [0, 1, 2], max_steps=100, solved=1.0, workers=2)
    assert list(runs) == [("GRU", 3, 0), ("GRU", 3, 1), ("GRU", 3, 2)]
    for (_, _, seed), run in runs.items():
        alone = helpers.train_recall("GRU", 3, seed=seed, max_steps=100, solved=1.0)
        assert run.r2 == alone.r2 and run.test_r2 == alone.test_r2
    assert capsys.readouterr().out.endswith("\rtrained 3 of 3 models\n")
