"""The recall task of notebook 09: how many steps back can a recurrent cell hold a value?

Each input is a sequence of ``length`` numbers drawn uniformly from [-1, 1]; the target is the
first one. Training draws shuffled minibatches from a pool of 8,192 sequences and the score is
taken on 1,024 others, so memorising the training sequences does not score: only carrying the
first value through the whole sequence does.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from helpers._validation import check_choice, check_int, check_real

CELLS = ("SimpleRNN", "LSTM", "GRU")
STEPS_PER_EPOCH = 100
POOL, VALIDATION, BATCH = 8192, 1024, 256


def recall_data(length: int, samples: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``samples`` sequences ``(samples, length, 1)`` of uniform noise and their first values.

    >>> x, y = recall_data(length=4, samples=2, seed=0)
    >>> x.shape, bool(np.all(y == x[:, 0, 0]))
    ((2, 4, 1), True)
    """
    length = check_int(length, "length")
    samples = check_int(samples, "samples")
    seed = check_int(seed, "seed", minimum=0)
    x = np.random.default_rng(seed).uniform(-1, 1, size=(samples, length, 1)).astype(np.float32)
    return x, x[:, 0, 0].copy()


def open_gate(layer: object, bias: float) -> None:
    """Set the bias of the gate that keeps the memory: an LSTM's forget gate, a GRU's update gate.

    Keras stores an LSTM's bias as four blocks (input, forget, candidate, output) and a GRU's
    (with ``reset_after=True``) as two rows of three blocks (update, reset, candidate); the
    update gate ``z`` keeps the old state in ``h = z * h_old + (1 - z) * candidate``.
    ``sigmoid(bias)`` is the gate's value when its other inputs are zero.

    >>> import keras
    >>> lstm = keras.layers.LSTM(2)
    >>> lstm.build((None, 3, 1))
    >>> open_gate(lstm, 5.0)
    >>> lstm.get_weights()[2].tolist()  # input, forget, candidate, output
    [0.0, 0.0, 5.0, 5.0, 0.0, 0.0, 0.0, 0.0]
    """
    kind = type(layer).__name__
    if kind not in ("LSTM", "GRU"):
        raise ValueError(f"layer must be a keras LSTM or GRU (a SimpleRNN has no gate), got {kind}")
    bias = check_real(bias, "bias")
    weights = layer.get_weights()
    units = layer.units
    if kind == "LSTM":
        weights[2][units : 2 * units] = bias
    else:
        weights[2][0, :units] = bias
    layer.set_weights(weights)


class RecallRun(NamedTuple):
    """One trained model: its validation R² after every 100 steps, and the steps it trained."""

    cell: str
    length: int
    seed: int
    gate_bias: float | None
    r2: list[float]

    @property
    def steps(self) -> int:
        return STEPS_PER_EPOCH * len(self.r2)

    def steps_to(self, r2: float) -> int | None:
        """Training steps until the validation R² first reached ``r2`` (``None``: never)."""
        reached = [index for index, value in enumerate(self.r2) if value >= r2]
        return STEPS_PER_EPOCH * (reached[0] + 1) if reached else None


def train_recall(
    cell: str,
    length: int,
    seed: int,
    gate_bias: float | None = None,
    max_steps: int = 2000,
    solved: float = 0.99,
    units: int = 8,
) -> RecallRun:
    """Train ``cell(units) + Dense(1)`` to recall the first of ``length`` values; stop once solved.

    Adam at 0.01 with ``clipnorm=1``, shuffled minibatches of 256 from a pool of 8,192 sequences,
    scored after every 100 steps on 1,024 other sequences (R², 1 = perfect recall). Training
    stops when that R² reaches ``solved`` (nothing is left to learn) or after ``max_steps``.
    ``gate_bias``: open the memory gate at the start (see :func:`open_gate`).

    >>> run = train_recall("GRU", length=3, seed=0, max_steps=200)
    >>> run.steps <= 200, len(run.r2) == run.steps // 100
    (True, True)
    """
    import keras
    import tensorflow as tf

    cell = check_choice(cell, "cell", CELLS)
    length = check_int(length, "length", maximum=10_000)
    max_steps = check_int(max_steps, "max_steps", minimum=STEPS_PER_EPOCH)
    solved = check_real(solved, "solved")
    x, y = recall_data(length, POOL + VALIDATION, seed=length)  # the same data for every cell and seed
    train_x, train_y, val_x, val_y = x[:POOL], y[:POOL], x[POOL:], y[POOL:]
    keras.utils.set_random_seed(check_int(seed, "seed", minimum=0))
    model = keras.Sequential(
        [
            keras.Input((length, 1)),
            getattr(keras.layers, cell)(check_int(units, "units")),
            keras.layers.Dense(1),
        ]
    )
    if gate_bias is not None:
        open_gate(model.layers[0], gate_bias)
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=0.01, clipnorm=1.0),
        loss="mse",
        steps_per_execution=STEPS_PER_EPOCH,
    )
    variance = float(np.var(val_y))

    class StopWhenSolved(keras.callbacks.Callback):
        def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
            if 1 - logs["val_loss"] / variance >= solved:
                self.model.stop_training = True

    minibatches = (
        tf.data.Dataset.from_tensor_slices((train_x, train_y))
        .shuffle(POOL, seed=seed)
        .batch(BATCH, drop_remainder=True)
        .repeat()
    )
    history = model.fit(
        minibatches,
        steps_per_epoch=STEPS_PER_EPOCH,
        epochs=max_steps // STEPS_PER_EPOCH,
        validation_data=tf.data.Dataset.from_tensors((val_x, val_y)),
        callbacks=[StopWhenSolved()],
        shuffle=False,
        verbose=0,
    )
    r2 = [float(1 - loss / variance) for loss in history.history["val_loss"]]
    return RecallRun(cell, length, seed, gate_bias, r2)
