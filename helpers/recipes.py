"""Training recipes: the posts' ways of building and training a model, and the robust one.

A :class:`Recipe` holds every choice that decides what a trained model predicts, so a
notebook can change one ingredient at a time and a benchmark can run both recipes alike.
Keras is imported inside the functions, so ``import helpers`` never starts TensorFlow.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from helpers._validation import as_finite_array, check_int
from helpers.windows import from_relative, to_3d, to_relative

if TYPE_CHECKING:
    import keras

_ACTIVATIONS = ("relu", "tanh")
_PIPELINES = ("tf.data", "numpy")
_CELLS = ("LSTM", "GRU", "SimpleRNN")


@dataclass(frozen=True)
class Recipe:
    """How to build and train a stacked-LSTM regressor.

    ``lstm_units``: one entry per recurrent layer; all but the last return sequences.
    ``cell``: the recurrent layer, ``"LSTM"`` (the posts'), ``"GRU"`` or ``"SimpleRNN"``.
    ``dense_units``: the Dense layers after the LSTMs; the last one is the output.
    ``relative``: train on windows taken relative to their last value (see ``to_relative``).
    ``batch_size=None`` trains on the whole set in every step (full batch), and then
    ``steps_per_epoch`` packs that many steps into one Keras epoch, because Keras' fixed
    cost per epoch is far larger than one step on a handful of windows.
    ``early_stopping_patience``: ``EarlyStopping(monitor="loss")`` as in the posts, or ``None``.
    ``pipeline``: ``"tf.data"`` (default) feeds the same batches, reshuffled every epoch, through
    one persistent ``tf.data`` pipeline and runs a whole epoch per call, several times faster
    than ``"numpy"``, which is ``model.fit(x, y, batch_size=...)`` exactly as the posts wrote it.
    Both train the same model the same way; only the random shuffle order differs.
    ``unroll``: build the LSTMs with their time loop unrolled (the default): the same
    computation, quicker to trace and run on windows of a few steps. ``keras.layers.LSTM``'s
    own default, and the posts' code, is ``False``.

    >>> Recipe(lstm_units=(10,), dense_units=(5, 1)).activation
    'relu'
    """

    lstm_units: tuple[int, ...]
    dense_units: tuple[int, ...]
    activation: str = "relu"
    relative: bool = False
    epochs: int = 100
    batch_size: int | None = 1
    steps_per_epoch: int = 1
    learning_rate: float = 0.001
    early_stopping_patience: int | None = None
    restore_best_weights: bool = False
    pipeline: str = "tf.data"
    unroll: bool = True
    cell: str = "LSTM"

    def __post_init__(self) -> None:
        for field in ("lstm_units", "dense_units"):
            units = getattr(self, field)
            if not isinstance(units, tuple) or not units:
                raise ValueError(f"{field} must be a non-empty tuple of layer sizes, got {units!r}")
            for size in units:
                check_int(size, f"{field} entry")
        if self.activation not in _ACTIVATIONS:
            raise ValueError(f"activation must be one of {_ACTIVATIONS}, got {self.activation!r}")
        check_int(self.epochs, "epochs")
        check_int(self.steps_per_epoch, "steps_per_epoch")
        if self.batch_size is not None:
            check_int(self.batch_size, "batch_size")
            if self.steps_per_epoch != 1:
                raise ValueError("steps_per_epoch applies to full-batch training (batch_size=None)")
        if not self.learning_rate > 0:
            raise ValueError(f"learning_rate must be > 0, got {self.learning_rate}")
        if self.early_stopping_patience is not None:
            check_int(self.early_stopping_patience, "early_stopping_patience")
        if self.cell not in _CELLS:
            raise ValueError(f"cell must be one of {_CELLS}, got {self.cell!r}")
        if self.pipeline not in _PIPELINES:
            raise ValueError(f"pipeline must be one of {_PIPELINES}, got {self.pipeline!r}")
        if self.pipeline == "numpy" and self.batch_size is None:
            raise ValueError('pipeline="numpy" needs a batch_size; full batch uses "tf.data"')

    def epoch_steps(self, windows: int) -> int:
        """Gradient steps in one epoch on ``windows`` training windows.

        >>> Recipe(lstm_units=(10,), dense_units=(1,), batch_size=4).epoch_steps(13)
        4
        """
        windows = check_int(windows, "windows")
        if self.batch_size is None:
            return self.steps_per_epoch
        return -(-windows // self.batch_size)


def robust(recipe: Recipe) -> Recipe:
    """The project's recipe for the same architecture: what makes the posts' tasks reliable.

    Window-relative inputs (a query far outside the training values looks like the training
    data), ``tanh`` (cannot die like ``relu``), full-batch Adam at a larger learning rate
    (no noise from single-sample steps), and 200 steps in 10 epochs (fast).

    >>> fast = robust(Recipe(lstm_units=(10,), dense_units=(5, 1)))
    >>> fast.activation, fast.relative, fast.batch_size, fast.epochs * fast.steps_per_epoch
    ('tanh', True, None, 200)
    """
    return dataclasses.replace(
        recipe,
        activation="tanh",
        relative=True,
        epochs=10,
        batch_size=None,
        steps_per_epoch=20,
        learning_rate=0.01,
        early_stopping_patience=None,
        restore_best_weights=False,
    )


def build_model(recipe: Recipe, timesteps: int, features: int = 1) -> keras.Sequential:
    """Build (uncompiled) the recipe's ``keras.Sequential`` for windows of ``timesteps`` steps.

    >>> build_model(Recipe(lstm_units=(10,), dense_units=(5, 1)), timesteps=3).count_params()
    541
    """
    import keras

    timesteps = check_int(timesteps, "timesteps")
    features = check_int(features, "features")
    layers: list[Any] = [keras.Input(shape=(timesteps, features))]
    recurrent_layer = getattr(keras.layers, recipe.cell)
    last = len(recipe.lstm_units) - 1
    for index, units in enumerate(recipe.lstm_units):
        layers.append(
            recurrent_layer(
                units, activation=recipe.activation, return_sequences=index < last, unroll=recipe.unroll
            )
        )
    layers += [keras.layers.Dense(units) for units in recipe.dense_units]
    return keras.Sequential(layers)


def _training_arrays(recipe: Recipe, x: object, y: object) -> tuple[np.ndarray, np.ndarray]:
    windows = to_3d(x).astype(np.float32)
    targets = as_finite_array(y, "y")
    if len(targets) != len(windows):
        raise ValueError(f"y must have one row per window: {len(targets)} for {len(windows)} windows")
    if recipe.relative:
        windows, targets = to_relative(windows, targets)
    return windows.astype(np.float32), np.asarray(targets, dtype=np.float32)


def _batches(recipe: Recipe, windows: np.ndarray, targets: np.ndarray, seed: int) -> tuple[Any, int]:
    """An endless ``tf.data`` stream of the recipe's batches, and how many make one epoch."""
    import tensorflow as tf

    steps = recipe.epoch_steps(len(windows))
    if recipe.batch_size is None:
        return tf.data.Dataset.from_tensors((windows, targets)).repeat(), steps
    batches = (
        tf.data.Dataset.from_tensor_slices((windows, targets))
        .shuffle(len(windows), seed=seed, reshuffle_each_iteration=True)
        .batch(recipe.batch_size)
        .repeat()
    )
    return batches, steps


def _callbacks(recipe: Recipe) -> list[Any]:
    import keras

    if recipe.early_stopping_patience is None:
        return []
    return [
        keras.callbacks.EarlyStopping(
            monitor="loss",
            patience=recipe.early_stopping_patience,
            restore_best_weights=recipe.restore_best_weights,
        )
    ]


def train_over_seeds(
    recipe: Recipe, x: object, y: object, seeds: Iterable[int]
) -> Iterator[tuple[keras.Model, keras.callbacks.History]]:
    """Train the recipe once per seed on windows ``x`` and targets ``y``; yield each trained model.

    Every seed gets what :func:`train` gives it, bit for bit: the weights Keras initialises
    after ``keras.utils.set_random_seed(seed)``, a fresh optimizer and a fresh data stream. What
    is shared is the compiled training step: the first seed traces it (most of a small model's
    training time) and the others reuse it. So the yielded model is the **same object** every
    time, re-initialised for the next seed: use it, or copy what you need from it, before
    asking for the next one.

    >>> recipe = Recipe(lstm_units=(4,), dense_units=(1,), epochs=2)
    >>> [len(history.history["loss"]) for _, history in train_over_seeds(recipe, [[1, 2, 3]], [2], [0, 1])]
    [2, 2]
    """
    import keras

    seeds = [check_int(seed, "seed", minimum=0) for seed in seeds]
    if not seeds:
        raise ValueError("seeds must name at least one seed")
    windows, targets = _training_arrays(recipe, x, y)
    timesteps, features = windows.shape[1], windows.shape[2]
    model: keras.Model | None = None
    for seed in seeds:
        keras.utils.set_random_seed(seed)
        initial = build_model(recipe, timesteps, features)
        if model is None:
            model, optimizer = initial, keras.optimizers.Adam(recipe.learning_rate)
            steps = 1 if recipe.pipeline == "numpy" else recipe.epoch_steps(len(windows))
            model.compile(optimizer=optimizer, loss="mse", steps_per_execution=steps)
            optimizer.build(model.trainable_variables)
            fresh_optimizer = [variable.numpy() for variable in optimizer.variables]
        else:
            model.set_weights(initial.get_weights())
            for variable, value in zip(optimizer.variables, fresh_optimizer, strict=True):
                variable.assign(value)
        if recipe.pipeline == "numpy":
            history = model.fit(
                windows,
                targets,
                epochs=recipe.epochs,
                batch_size=recipe.batch_size,
                verbose=0,
                callbacks=_callbacks(recipe),
            )
        else:
            batches, steps = _batches(recipe, windows, targets, seed)
            history = model.fit(
                batches,
                epochs=recipe.epochs,
                steps_per_epoch=steps,
                shuffle=False,  # the pipeline reshuffles every epoch itself
                verbose=0,
                callbacks=_callbacks(recipe),
            )
        yield model, history


def train(recipe: Recipe, x: object, y: object, seed: int) -> tuple[keras.Model, keras.callbacks.History]:
    """Seed everything, build the recipe's model, and train it on windows ``x`` and targets ``y``.

    Same seed, same data, same machine: the same trained model, bit for bit.

    >>> recipe = Recipe(lstm_units=(4,), dense_units=(1,), epochs=2)
    >>> model, history = train(recipe, [[1, 2, 3], [4, 5, 6]], [2, 5], seed=0)
    >>> len(history.history["loss"])
    2
    """
    return next(train_over_seeds(recipe, x, y, [seed]))


def predict(recipe: Recipe, model: keras.Model, x: object) -> np.ndarray:
    """Predict targets for windows ``x`` with a model trained by :func:`train`, shape ``(n, outputs)``.

    Undoes the relative transform when the recipe uses it, so the answer is in the series' units.
    Calls the model directly: for a few windows that is faster than ``model.predict`` and
    traces nothing.

    >>> recipe = Recipe(lstm_units=(4,), dense_units=(1,), epochs=1)
    >>> model, _ = train(recipe, [[1, 2, 3], [4, 5, 6]], [2, 5], seed=0)
    >>> predict(recipe, model, [[13, 14, 15]]).shape
    (1, 1)
    """
    windows = to_3d(x).astype(np.float32)
    inputs = to_relative(windows)[0].astype(np.float32) if recipe.relative else windows
    outputs = np.asarray(model(inputs, training=False), dtype=np.float64)
    return from_relative(windows, outputs) if recipe.relative else outputs


def predictions_over_seeds(
    recipe: Recipe,
    x: object,
    y: object,
    queries: object,
    seeds: Iterable[int],
    pool: SeedWorkers | None = None,
) -> np.ndarray:
    """Train the recipe once per seed and predict ``queries``: shape ``(seeds, queries, outputs)``.

    With a ``pool`` of :class:`SeedWorkers`, the seeds are split into one contiguous block per
    worker process and trained in parallel; every seed still gets exactly the model it gets here.

    >>> recipe = Recipe(lstm_units=(4,), dense_units=(1,), epochs=1)
    >>> predictions_over_seeds(recipe, [[1, 2, 3], [4, 5, 6]], [2, 5], [[7, 8, 9]], [0, 1]).shape
    (2, 1, 1)
    """
    seeds = [check_int(seed, "seed", minimum=0) for seed in seeds]
    if not seeds:
        raise ValueError("seeds must name at least one seed")
    if pool is None:
        return _predictions_for_block(recipe, x, y, queries, seeds)
    blocks = [block.tolist() for block in np.array_split(seeds, min(pool.workers, len(seeds)))]
    futures = [pool.submit(_predictions_for_block, recipe, x, y, queries, block) for block in blocks]
    return np.concatenate([future.result() for future in futures])


def _predictions_for_block(
    recipe: Recipe, x: object, y: object, queries: object, seeds: list[int]
) -> np.ndarray:
    trained = train_over_seeds(recipe, x, y, seeds)
    return np.stack([predict(recipe, model, queries) for model, _ in trained])


class SeedWorkers:
    """A pool of worker processes for :func:`predictions_over_seeds`; use it in a ``with`` block.

    Each worker starts with :func:`helpers.setup_notebook` (a quiet, deterministic TensorFlow),
    so a seed trained in a worker gives the same model as in the notebook's own process. On a
    machine with two cores, two workers train a sweep of seeds nearly twice as fast.

    >>> with SeedWorkers(1) as pool:
    ...     recipe = Recipe(lstm_units=(2,), dense_units=(1,), epochs=1)
    ...     predictions_over_seeds(recipe, [[1, 2, 3]], [2], [[4, 5, 6]], [0, 1], pool=pool).shape
    (2, 1, 1)
    """

    def __init__(self, workers: int = 2) -> None:
        import multiprocessing

        from helpers.reproducibility import setup_notebook

        self.workers = check_int(workers, "workers")
        self._executor = concurrent.futures.ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=setup_notebook,
            initargs=(0,),
        )

    def __enter__(self) -> SeedWorkers:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the worker processes (a ``with`` block does this on leaving it)."""
        self._executor.shutdown()

    def submit(self, function: Any, *args: Any) -> concurrent.futures.Future:
        return self._executor.submit(function, *args)
