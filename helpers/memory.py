"""The recall task of notebook 09: how many steps back can a recurrent cell hold a value?

Each input is a sequence of ``length`` numbers drawn uniformly from [-1, 1]; the target is the
first one. Training draws shuffled minibatches from a pool of 8,192 sequences, is stopped on
1,024 others (validation) and is reported on 1,024 more (test), so memorising the training
sequences does not score: only carrying the first value through the whole sequence does.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from helpers._validation import (
    ArgumentError,
    as_finite_array,
    check_choice,
    check_instance,
    check_int,
    check_real,
)

if TYPE_CHECKING:
    import keras

CELLS = ("SimpleRNN", "LSTM", "GRU")
STEPS_PER_EPOCH = 100
POOL, VALIDATION, TEST, BATCH = 8192, 1024, 1024, 256
GRADIENT_SEQUENCES = 256
SOLVED = 0.95  # R² on held-out sequences that counts as recalled
UNROLL_UP_TO = 30  # unrolled loops are faster for short sequences, slower to trace for long ones


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

    Keras stores an LSTM's bias as four blocks (input, forget, candidate, output) and a GRU's as
    three blocks (update, reset, candidate): in two rows with Keras' default ``reset_after=True``
    (one added to the input's part, one to the recurrent part; the first is set), in one row with
    ``reset_after=False``. The update gate ``z`` keeps the old state in
    ``h = z * h_old + (1 - z) * candidate``. ``sigmoid(bias)`` is the gate's value when its other
    inputs are zero.

    >>> import keras
    >>> lstm = keras.layers.LSTM(2)
    >>> lstm.build((None, 3, 1))
    >>> open_gate(lstm, 5.0)
    >>> lstm.get_weights()[2].tolist()  # input, forget, candidate, output
    [0.0, 0.0, 5.0, 5.0, 0.0, 0.0, 0.0, 0.0]
    """
    import keras

    if not isinstance(layer, keras.layers.LSTM | keras.layers.GRU):
        raise ArgumentError(
            f"layer must be a keras LSTM or GRU (a SimpleRNN has no gate), got {type(layer).__name__}"
        )
    kind = "LSTM" if isinstance(layer, keras.layers.LSTM) else "GRU"
    bias = check_real(bias, "bias")
    if not getattr(layer, "built", False):
        raise ValueError(
            "layer must be built: put it in a model that starts with keras.Input, or call layer.build"
        )
    if not getattr(layer, "use_bias", True):
        raise ValueError(f"layer has no bias to set (use_bias=False): build the {kind} with use_bias=True")
    weights = layer.get_weights()
    units = layer.units
    if kind == "LSTM":
        weights[2][units : 2 * units] = bias
    elif weights[2].ndim == 2:  # reset_after=True: the input's row
        weights[2][0, :units] = bias
    else:
        weights[2][:units] = bias
    layer.set_weights(weights)


def input_gradients(model: keras.Model, x: object) -> np.ndarray:
    """How much the prediction moves per unit of each input: mean ``|∂ŷ/∂x_t|`` over the sequences.

    ``x`` holds sequences ``(samples, length, features)`` of the shape the model reads; the
    result has one value per time step ``t`` for one feature, ``(length, features)`` for
    several. A model that recalls the first value perfectly has 1 at ``t = 0`` and 0 elsewhere.

    >>> import keras
    >>> model = keras.Sequential([keras.Input((3, 1)), keras.layers.Flatten(), keras.layers.Dense(1)])
    >>> model.layers[1].set_weights([np.array([[0.0], [0.0], [2.0]]), np.zeros(1)])
    >>> input_gradients(model, np.ones((4, 3, 1))).tolist()  # ŷ = 2 x_3
    [0.0, 0.0, 2.0]
    """
    import keras
    import tensorflow as tf

    check_instance(model, "model", keras.Model, "a keras model, such as one from recall_model")
    sequences = as_finite_array(x, "x", ndim=(3,))
    expected = tuple(getattr(model, "input_shape", (None,))[1:])
    if len(expected) == 2 and any(
        want is not None and got != want for got, want in zip(sequences.shape[1:], expected, strict=True)
    ):
        raise ArgumentError(
            f"x must hold sequences of the shape the model reads, (length, features) = {expected}, "
            f"got {sequences.shape[1:]}"
        )
    inputs = tf.constant(sequences.astype(model.compute_dtype))
    gradient = _mean_absolute_gradient(model, inputs).numpy().astype(np.float64)
    return gradient[:, 0] if gradient.shape[1] == 1 else gradient


def _mean_absolute_gradient(model: keras.Model, inputs: Any) -> Any:
    import tensorflow as tf

    with tf.GradientTape() as tape:
        tape.watch(inputs)
        prediction = model(inputs, training=False)
    gradient = tape.gradient(prediction, inputs)  # of the predictions' sum: each reads its own row
    return tf.reduce_mean(tf.abs(gradient), axis=0)


def recall_model(
    cell: str, length: int, units: int = 8, gate_bias: float | None = None, identity: bool = False
) -> keras.Sequential:
    """``cell(units)`` and a ``Dense(1)`` for sequences of ``length``; ``gate_bias`` opens the gate.

    ``identity=True`` starts a ``SimpleRNN`` as Le, Jaitly and Hinton (2015) do to carry values far:
    ``relu`` activation, recurrent weights the identity matrix. Sequences of up to 30 steps run
    through an unrolled loop (the same computation, faster).

    >>> recall_model("GRU", length=5).count_params()  # 3 ((1 + 2) 8 + 8²) + 9
    273
    >>> recall_model("SimpleRNN", length=5, units=2, identity=True).layers[0].get_weights()[1].tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    import keras

    cell = check_choice(cell, "cell", CELLS)
    length = check_int(length, "length", maximum=10_000)
    options = {"unroll": length <= UNROLL_UP_TO}
    if _checked_identity(identity, cell):
        options.update(activation="relu", recurrent_initializer="identity")
    recurrent = getattr(keras.layers, cell)(check_int(units, "units"), **options)
    model = keras.Sequential([keras.Input((length, 1)), recurrent, keras.layers.Dense(1)])
    if gate_bias is not None:
        open_gate(recurrent, gate_bias)
    return model


class RecallRun(NamedTuple):
    """One trained model: after every 100 steps its validation R² and ``|∂ŷ/∂x_1|``; at the end, its test R².

    ``first_gradient[0]`` is the gradient at initialisation, ``first_gradient[k]`` after ``100 k``
    steps, measured on 256 validation sequences. ``test_r2`` scores the model where training
    stopped on the test sequences, which never decided when to stop.
    """

    cell: str
    length: int
    seed: int
    gate_bias: float | None
    identity: bool
    r2: list[float]
    first_gradient: list[float]
    test_r2: float

    @property
    def steps(self) -> int:
        return STEPS_PER_EPOCH * len(self.r2)

    def steps_to(self, r2: float) -> int | None:
        """Training steps until the validation R² first reached ``r2`` (``None``: never)."""
        reached = [index for index, value in enumerate(self.r2) if value >= r2]
        return STEPS_PER_EPOCH * (reached[0] + 1) if reached else None


def _checked_identity(identity: object, cell: str) -> bool:
    if not isinstance(identity, bool | np.bool_):
        raise ArgumentError(f"identity must be True or False, got {type(identity).__name__} {identity!r:.40}")
    if identity and cell != "SimpleRNN":
        raise ArgumentError(
            f"identity=True starts a SimpleRNN at the identity matrix: use cell='SimpleRNN', not {cell!r}"
        )
    return bool(identity)


def _checked_budget(max_steps: object, solved: object) -> tuple[int, float]:
    max_steps = check_int(max_steps, "max_steps", minimum=STEPS_PER_EPOCH, maximum=1_000_000)
    if max_steps % STEPS_PER_EPOCH:
        raise ValueError(
            f"max_steps must be a multiple of {STEPS_PER_EPOCH} (R² is scored then), got {max_steps}"
        )
    solved = check_real(solved, "solved")
    if not 0 < solved <= 1:
        raise ValueError(f"solved must be an R² in (0, 1], got {solved}")
    return max_steps, solved


def train_recall_seeds(
    cell: str,
    length: int,
    seeds: Iterable[int],
    gate_bias: float | None = None,
    max_steps: int = 2000,
    solved: float = SOLVED,
    units: int = 8,
    identity: bool = False,
) -> list[RecallRun]:
    """Train :func:`recall_model` once per seed to recall the first of ``length`` values.

    Adam at 0.01 with ``clipnorm=1``, shuffled minibatches of 256 from a pool of 8,192 sequences,
    scored after every 100 steps on 1,024 other sequences (validation R², 1 = perfect recall).
    Training stops when that R² reaches ``solved`` (it has learned to recall) or after
    ``max_steps``; the model it stopped at is then scored on 1,024 test sequences.
    Every seed gets the model :func:`train_recall` gives it; the seeds share one compiled
    training step (tracing it is much of a short run's time), re-initialised for each seed.

    >>> [run.steps <= 200 for run in train_recall_seeds("GRU", length=3, seeds=[0, 1], max_steps=200)]
    [True, True]
    """
    import keras
    import tensorflow as tf

    cell = check_choice(cell, "cell", CELLS)
    length = check_int(length, "length", maximum=10_000)
    units = check_int(units, "units", maximum=10_000)
    if gate_bias is not None:
        if cell == "SimpleRNN":
            raise ArgumentError("gate_bias must be None for a SimpleRNN: it has no gate to open")
        gate_bias = check_real(gate_bias, "gate_bias")
    identity = _checked_identity(identity, cell)
    max_steps, solved = _checked_budget(max_steps, solved)
    seeds = [check_int(seed, "seed", minimum=0) for seed in _as_list(seeds, "seeds")]
    x, y = recall_data(length, POOL + VALIDATION + TEST, seed=length)  # the same data for every cell and seed
    train_x, train_y = x[:POOL], y[:POOL]
    val_x, val_y = x[POOL : POOL + VALIDATION], y[POOL : POOL + VALIDATION]
    test = tf.data.Dataset.from_tensors((x[POOL + VALIDATION :], y[POOL + VALIDATION :]))
    probe = tf.constant(val_x[:GRADIENT_SEQUENCES])
    variance, test_variance = float(np.var(val_y)), float(np.var(y[POOL + VALIDATION :]))
    validation = tf.data.Dataset.from_tensors((val_x, val_y))

    class Measure(keras.callbacks.Callback):
        """After every 100 steps: the first-step gradient, and stop once solved."""

        def __init__(self, gradients: list[float]) -> None:
            super().__init__()
            self.gradients = gradients

        def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
            self.gradients.append(float(gradient_of(probe)[0, 0]))
            if 1 - logs["val_loss"] / variance >= solved:
                self.model.stop_training = True

    runs, model = [], None
    for seed in seeds:
        keras.utils.set_random_seed(seed)
        initial = recall_model(cell, length, units, gate_bias, identity)
        if model is None:
            model = initial
            optimizer = keras.optimizers.Adam(learning_rate=0.01, clipnorm=1.0)
            model.compile(optimizer=optimizer, loss="mse", steps_per_execution=STEPS_PER_EPOCH)
            optimizer.build(model.trainable_variables)
            fresh_optimizer = [variable.numpy() for variable in optimizer.variables]
            gradient_of = tf.function(functools.partial(_mean_absolute_gradient, model))
        else:
            model.set_weights(initial.get_weights())
            for variable, value in zip(optimizer.variables, fresh_optimizer, strict=True):
                variable.assign(value)
        gradients = [float(gradient_of(probe)[0, 0])]
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
            validation_data=validation,
            callbacks=[Measure(gradients)],
            shuffle=False,
            verbose=0,
        )
        r2 = [float(1 - loss / variance) for loss in history.history["val_loss"]]
        test_r2 = float(1 - model.evaluate(test, verbose=0) / test_variance)
        runs.append(RecallRun(cell, length, seed, gate_bias, identity, r2, gradients, test_r2))
    return runs


def train_recall(
    cell: str,
    length: int,
    seed: int,
    gate_bias: float | None = None,
    max_steps: int = 2000,
    solved: float = SOLVED,
    units: int = 8,
    identity: bool = False,
) -> RecallRun:
    """Train ``cell(units) + Dense(1)`` to recall the first of ``length`` values; stop once solved.

    One seed of :func:`train_recall_seeds`, which says how it trains.

    >>> run = train_recall("GRU", length=3, seed=0, max_steps=200)
    >>> run.steps <= 200, len(run.r2) == run.steps // 100, len(run.first_gradient) == len(run.r2) + 1
    (True, True, True)
    """
    return train_recall_seeds(cell, length, [seed], gate_bias, max_steps, solved, units, identity)[0]


def _as_list(values: object, name: str) -> list:
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise ArgumentError(f"{name} must be a list or range, got {type(values).__name__} {values!r:.40}")
    values = list(values)
    if not values:
        raise ValueError(f"{name} must name at least one value")
    return values


def recall_sweep(
    cells: Iterable[str],
    lengths: Iterable[int],
    seeds: Iterable[int],
    max_steps: int | Mapping[int, int] = 2000,
    gate_bias: float | None = None,
    solved: float = SOLVED,
    workers: int = 2,
    identity: bool = False,
) -> dict[tuple[str, int, int], RecallRun]:
    """Train every cell at every length on every seed, in ``workers`` processes; show progress.

    ``max_steps`` is one budget, or one per length (``{10: 1000, 100: 400}``); ``gate_bias`` and
    ``identity`` start every model as :func:`recall_model` says. Returns the runs keyed
    ``(cell, length, seed)``. While it trains, one line counts the models trained so far.

    >>> runs = recall_sweep(["GRU"], [3], [0], max_steps=100, workers=0)  # doctest: +NORMALIZE_WHITESPACE
     trained 1 of 1 models
    >>> list(runs)
    [('GRU', 3, 0)]
    """
    from helpers.recipes import SeedWorkers
    from helpers.sweeps import wait_counting

    cells = [check_choice(cell, "cell", CELLS) for cell in _as_list(cells, "cells")]
    for cell in cells:
        _checked_identity(identity, cell)
    lengths = [check_int(length, "length", maximum=10_000) for length in _as_list(lengths, "lengths")]
    seeds = [check_int(seed, "seed", minimum=0) for seed in _as_list(seeds, "seeds")]
    if isinstance(max_steps, Mapping):
        missing = [length for length in lengths if length not in max_steps]
        if missing:
            raise ValueError(f"max_steps must give a budget for every length, missing {missing}")
        budgets = {length: _checked_budget(max_steps[length], solved)[0] for length in lengths}
    else:
        budgets = dict.fromkeys(lengths, _checked_budget(max_steps, solved)[0])
    jobs = sorted(
        ((cell, length) for cell in cells for length in lengths),
        key=lambda job: -job[1] * budgets[job[1]],  # the longest first keeps both workers busy
    )
    parts = max(1, min(len(seeds), workers // len(jobs)))  # fewer jobs than workers: split the seeds
    with SeedWorkers(workers) as pool:
        futures = {
            pool.submit(
                functools.partial(train_recall_seeds, identity=identity),
                cell,
                length,
                seeds[part::parts],
                gate_bias,
                budgets[length],
                solved,
            ): len(seeds[part::parts])
            for cell, length in jobs
            for part in range(parts)
        }
        wait_counting(futures)
    runs = {(run.cell, run.length, run.seed): run for future in futures for run in future.result()}
    return {
        (cell, length, seed): runs[cell, length, seed]
        for cell in cells
        for length in lengths
        for seed in seeds
    }
