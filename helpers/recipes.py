"""Training recipes: the posts' ways of building and training a model, and ours.

A :class:`Recipe` holds every choice that decides what a trained model predicts, so a
notebook can change one ingredient at a time and a benchmark can run both recipes alike.
Keras is imported inside the functions, so ``import helpers`` never starts TensorFlow.
"""

from __future__ import annotations

import concurrent.futures
import concurrent.futures.process
import dataclasses
import weakref
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from helpers._validation import (
    ArgumentError,
    as_finite_array,
    check_bool,
    check_choice,
    check_instance,
    check_int,
    check_positive,
    check_real,
)
from helpers.windows import from_relative, to_3d, to_relative, windows_3d

if TYPE_CHECKING:
    import keras

_ACTIVATIONS = ("relu", "tanh")
_PIPELINES = ("tf.data", "numpy")
_CELLS = ("LSTM", "GRU", "SimpleRNN", "MLP")
_MONITORS = ("loss", "val_loss")


@dataclass(frozen=True)
class Recipe:
    """How to build and train a small regressor on windows: every choice that decides its answers.

    ``units``: the hidden layers that read the window, one entry per layer: recurrent layers of
    ``cell`` (``"LSTM"``, as in the posts, ``"GRU"`` or ``"SimpleRNN"``; all but the last return
    sequences), or for ``cell="MLP"`` Dense layers on the flattened window (no recurrence: the
    baseline that tells what recurrence adds). ``dense_units``: the Dense layers after them; the
    last one is the output. ``remove_level``: train on each window minus its last value, and on
    the targets minus that value (level removal: only the changes are learned, so the pattern
    must be the same at every level of the series). ``scale``: divide inputs and targets by
    their spread on the training windows (and subtract their mean unless ``remove_level``),
    inside the model, so it predicts in the series' units. ``batch_size=None`` trains on the
    whole set in every step (full batch), and ``steps_per_epoch`` packs that many steps into one
    Keras epoch. ``clipnorm``: clip each step's gradient to this norm.
    ``early_stopping_patience``: ``EarlyStopping`` watching ``early_stopping_monitor``
    (``"loss"`` as in the posts, or ``"val_loss"``, which needs validation windows), counted in
    epochs, or ``None``.

    Two implementation switches change no model and are left out of the printed recipe:
    ``pipeline="tf.data"`` (default) feeds the same batches through one persistent ``tf.data``
    pipeline, several times faster than ``"numpy"``, which is ``model.fit(x, y, batch_size=...)``
    exactly as the posts wrote it (only the shuffle order differs); ``unroll=True`` unrolls the
    recurrent loop (same computation, quicker on windows of a few steps).

    >>> Recipe(units=(10,), dense_units=(5, 1)).activation
    'relu'
    """

    units: tuple[int, ...]
    dense_units: tuple[int, ...]
    activation: str = "relu"
    remove_level: bool = False
    scale: bool = False
    epochs: int = 100
    batch_size: int | None = 1
    steps_per_epoch: int = 1
    learning_rate: float = 0.001
    clipnorm: float | None = None
    early_stopping_patience: int | None = None
    early_stopping_monitor: str = "loss"
    restore_best_weights: bool = False
    cell: str = "LSTM"
    pipeline: str = dataclasses.field(default="tf.data", repr=False)
    unroll: bool = dataclasses.field(default=True, repr=False)

    def __post_init__(self) -> None:
        def store(name: str, value: object) -> None:  # the checked value: numpy scalars become Python's
            object.__setattr__(self, name, value)

        for field in ("units", "dense_units"):
            sizes = getattr(self, field)
            if isinstance(sizes, str | bytes) or not isinstance(sizes, tuple | list) or not sizes:
                raise ArgumentError(f"{field} must be a non-empty tuple of layer sizes, got {sizes!r:.60}")
            store(field, tuple(check_int(size, f"{field} entry", maximum=100_000) for size in sizes))
        check_choice(self.activation, "activation", _ACTIVATIONS)
        check_choice(self.cell, "cell", _CELLS)
        check_choice(self.pipeline, "pipeline", _PIPELINES)
        check_choice(self.early_stopping_monitor, "early_stopping_monitor", _MONITORS)
        for flag in ("remove_level", "scale", "restore_best_weights", "unroll"):
            store(flag, check_bool(getattr(self, flag), flag))
        store("epochs", check_int(self.epochs, "epochs", maximum=1_000_000))
        store("steps_per_epoch", check_int(self.steps_per_epoch, "steps_per_epoch", maximum=1_000_000))
        store("learning_rate", check_positive(self.learning_rate, "learning_rate"))
        if self.clipnorm is not None:
            store("clipnorm", check_positive(self.clipnorm, "clipnorm"))
        if self.batch_size is not None:
            store("batch_size", check_int(self.batch_size, "batch_size", maximum=10_000_000))
            if self.steps_per_epoch != 1:
                raise ValueError("steps_per_epoch applies to full-batch training (batch_size=None)")
        if self.early_stopping_patience is not None:
            patience = check_int(self.early_stopping_patience, "early_stopping_patience")
            store("early_stopping_patience", patience)
        elif self.restore_best_weights or self.early_stopping_monitor != "loss":
            raise ValueError("restore_best_weights and early_stopping_monitor need early_stopping_patience")
        if self.pipeline == "numpy" and self.batch_size is None:
            raise ValueError('pipeline="numpy" needs a batch_size; full batch uses "tf.data"')

    def __str__(self) -> str:
        """The recipe as a reader would describe it, one ingredient per line.

        >>> print(Recipe(units=(10,), dense_units=(5, 1)))
        layers    LSTM(10, relu) -> Dense(5) -> Dense(1)
        inputs    the windows as they are
        training  batches of 1, Adam(learning_rate=0.001), 100 epochs
        stopping  after the last epoch
        """
        if self.cell == "MLP":
            hidden = ["Flatten"] + [f"Dense({units}, {self.activation})" for units in self.units]
        else:
            hidden = [f"{self.cell}({units}, {self.activation})" for units in self.units]
        layers = " -> ".join(hidden + [f"Dense({units})" for units in self.dense_units])
        inputs = (["each window minus its last value (level removed)"] if self.remove_level else []) + (
            ["scaled by the training windows' spread"] if self.scale else []
        )
        batches = "full batch" if self.batch_size is None else f"batches of {self.batch_size}"
        clip = f", clipnorm={self.clipnorm:g}" if self.clipnorm is not None else ""
        length = (
            f"{self.epochs} epochs of {self.steps_per_epoch} steps"
            if self.batch_size is None
            else f"{self.epochs} epochs"
        )
        if self.early_stopping_patience is None:
            stopping = "after the last epoch"
        else:
            restore = ", restore_best_weights" if self.restore_best_weights else ""
            stopping = (
                f"EarlyStopping({self.early_stopping_monitor!r}, "
                f"patience={self.early_stopping_patience}{restore})"
            )
        lines = {
            "layers": layers,
            "inputs": ", ".join(inputs) or "the windows as they are",
            "training": f"{batches}, Adam(learning_rate={self.learning_rate:g}{clip}), {length}",
            "stopping": stopping,
        }
        return "\n".join(f"{name:9s} {text}" for name, text in lines.items())

    def epoch_steps(self, windows: int) -> int:
        """Gradient steps in one epoch on ``windows`` training windows.

        >>> Recipe(units=(10,), dense_units=(1,), batch_size=4).epoch_steps(13)
        4
        """
        windows = check_int(windows, "windows")
        if self.batch_size is None:
            return self.steps_per_epoch
        return -(-windows // self.batch_size)

    def most_steps(self, windows: int) -> int:
        """Gradient steps if training runs all its epochs (early stopping can end it sooner).

        >>> Recipe(units=(10,), dense_units=(1,), epochs=100).most_steps(4)
        400
        """
        return self.epochs * self.epoch_steps(windows)


def _checked_recipe(recipe: object) -> Recipe:
    return check_instance(recipe, "recipe", Recipe, "a helpers.Recipe")


def window_relative(recipe: Recipe) -> Recipe:
    """The usual fix tried on the posts' tasks: level removal, ``tanh``, 200 full-batch steps.

    Window-relative inputs (a query far outside the training values looks like the training
    data), ``tanh`` (cannot die like ``relu``), full-batch Adam at a larger learning rate (no
    noise from single-sample steps), 200 steps in 10 epochs. On the posts' tasks every relative
    training window is the same one, so this "works" there by memorising one number (notebook
    07); on tasks whose windows differ, use :func:`recommended`.

    >>> fix = window_relative(Recipe(units=(10,), dense_units=(5, 1)))
    >>> fix.activation, fix.remove_level, fix.batch_size, fix.most_steps(4)
    ('tanh', True, None, 200)
    """
    return dataclasses.replace(
        _checked_recipe(recipe),
        activation="tanh",
        remove_level=True,
        epochs=10,
        batch_size=None,
        steps_per_epoch=20,
        learning_rate=0.01,
        early_stopping_patience=None,
        early_stopping_monitor="loss",
        restore_best_weights=False,
        pipeline="tf.data",
    )


RECOMMENDED_STEPS, CHECK_EVERY, PATIENCE_STEPS = 1000, 10, 200


def recommended(recipe: Recipe, remove_level: bool) -> Recipe:
    """The course's recipe for the same layers, chosen on validation windows (notebook 07).

    ``tanh`` (Keras' default), inputs and targets scaled by the training windows' spread, full-batch
    Adam at 0.01, up to 1,000 steps, scored on the validation windows every 10 steps and stopped
    when that score has not improved for 200 steps, keeping the best weights. Training needs
    ``validation=(x_val, y_val)``.

    ``remove_level`` has no default because it depends on the series: ``True`` where the level
    wanders but the pattern of changes repeats (a trend: the test span lies above every training
    value), ``False`` where the level itself is what forecasts the next values (a series that
    reverts to its mean, a cycle around a fixed level).

    >>> ours = recommended(Recipe(units=(10,), dense_units=(5, 1)), remove_level=True)
    >>> ours.activation, ours.scale, ours.most_steps(68), ours.early_stopping_patience
    ('tanh', True, 1000, 20)
    """
    return dataclasses.replace(
        _checked_recipe(recipe),
        activation="tanh",
        remove_level=check_bool(remove_level, "remove_level"),
        scale=True,
        epochs=RECOMMENDED_STEPS // CHECK_EVERY,
        batch_size=None,
        steps_per_epoch=CHECK_EVERY,
        learning_rate=0.01,
        early_stopping_patience=PATIENCE_STEPS // CHECK_EVERY,
        early_stopping_monitor="val_loss",
        restore_best_weights=True,
        pipeline="tf.data",
    )


class Scaling(NamedTuple):
    """What ``Recipe(scale=True)`` subtracts from inputs and targets (``center``) and divides
    them by (``spread``), fitted on the training windows only."""

    center: float
    spread: float


def _checked_scaling(scaling: object) -> Scaling:
    check_instance(scaling, "scaling", Scaling, "a helpers.Scaling or None")
    center = check_real(scaling.center, "scaling.center")
    spread = check_positive(scaling.spread, "scaling.spread")
    return Scaling(center, spread)


def fit_scaling(recipe: Recipe, x: object, y: object) -> Scaling:
    """The recipe's scaling, fitted on training windows ``x`` and targets ``y`` (after level
    removal when the recipe removes the level). ``Scaling(0, 1)`` when the recipe does not scale.

    With the level removed, 0 means "no change" and stays 0: the values are only divided by
    their root mean square; levels are centred on their mean and divided by their standard
    deviation. A spread of 0 (every value the same) leaves the values unscaled.

    >>> recipe = Recipe(units=(4,), dense_units=(1,), scale=True)
    >>> fit_scaling(recipe, [[1, 2, 3], [2, 3, 4]], [4, 5])  # 8 values, mean 3, variance 12 / 8
    Scaling(center=3.0, spread=1.224744871391589)
    """
    return _scaling(recipe, *_training_arrays(_checked_recipe(recipe), x, y))


def _scaling(recipe: Recipe, windows: np.ndarray, targets: np.ndarray) -> Scaling:
    if not recipe.scale:
        return Scaling(0.0, 1.0)
    values = np.concatenate([windows.ravel(), targets.ravel()]).astype(np.float64)
    center = 0.0 if recipe.remove_level else float(values.mean())
    spread = float(np.sqrt(np.mean((values - center) ** 2)))
    return Scaling(center, spread if spread > 0 else 1.0)


def build_model(
    recipe: Recipe, timesteps: int, features: int = 1, scaling: Scaling | None = None
) -> keras.Sequential:
    """Build (uncompiled) the recipe's ``keras.Sequential`` for windows of ``timesteps`` steps.

    With a ``scaling`` (see :func:`fit_scaling`), two ``Rescaling`` layers, which hold no
    weights, scale the inputs on the way in and undo it on the way out.

    >>> build_model(Recipe(units=(10,), dense_units=(5, 1)), timesteps=3).count_params()
    541
    >>> build_model(Recipe(units=(10,), dense_units=(5, 1), cell="MLP"), timesteps=3).count_params()
    101
    """
    import keras

    _checked_recipe(recipe)
    timesteps = check_int(timesteps, "timesteps", maximum=100_000)
    features = check_int(features, "features", maximum=100_000)
    if scaling is not None:
        scaling = _checked_scaling(scaling)
    layers: list[Any] = [keras.Input(shape=(timesteps, features))]
    if scaling is not None:
        layers.append(keras.layers.Rescaling(1 / scaling.spread, offset=-scaling.center / scaling.spread))
    if recipe.cell == "MLP":
        layers.append(keras.layers.Flatten())
        layers += [keras.layers.Dense(units, activation=recipe.activation) for units in recipe.units]
    else:
        recurrent_layer = getattr(keras.layers, recipe.cell)
        last = len(recipe.units) - 1
        for index, units in enumerate(recipe.units):
            layers.append(
                recurrent_layer(
                    units, activation=recipe.activation, return_sequences=index < last, unroll=recipe.unroll
                )
            )
    layers += [keras.layers.Dense(units) for units in recipe.dense_units]
    if scaling is not None:
        layers.append(keras.layers.Rescaling(scaling.spread, offset=scaling.center))
    return keras.Sequential(layers)


def _training_arrays(recipe: Recipe, x: object, y: object, name: str = "") -> tuple[np.ndarray, np.ndarray]:
    """Windows ``(n, timesteps, features)`` and targets ``(n, outputs)``, level removed if the
    recipe removes it, in float64 (the scaling is fitted on these; Keras gets float32)."""
    windows = windows_3d(x, f"x{name}").astype(np.float64)
    targets = as_finite_array(y, f"y{name}", ndim=(1, 2)).astype(np.float64)
    if len(targets) != len(windows):
        raise ValueError(f"y{name} must have one row per window: {len(targets)} for {len(windows)} windows")
    targets = targets.reshape(len(targets), -1)
    outputs = recipe.dense_units[-1]
    if targets.shape[1] != outputs:
        raise ValueError(
            f"y{name} must have {outputs} value(s) per window, one per output of the recipe's last "
            f"Dense({outputs}), got shape {np.shape(y)}"
        )
    if recipe.remove_level:
        if windows.shape[2] != 1:
            raise ValueError(f"x{name} must be univariate to remove its level, got shape {windows.shape}")
        windows, targets = to_relative(windows, targets)
    return windows, targets


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
            monitor=recipe.early_stopping_monitor,
            patience=recipe.early_stopping_patience,
            restore_best_weights=recipe.restore_best_weights,
        )
    ]


def _validation_arrays(
    recipe: Recipe, validation: tuple[object, object] | None, timesteps: int, features: int
) -> tuple[np.ndarray, np.ndarray] | None:
    if validation is None:
        if recipe.early_stopping_monitor == "val_loss":
            raise ValueError('validation must be given (x_val, y_val) when early stopping watches "val_loss"')
        return None
    if not isinstance(validation, tuple | list) or len(validation) != 2:
        raise ValueError(f"validation must be a pair (x_val, y_val), got {type(validation).__name__}")
    windows, targets = _training_arrays(recipe, *validation, name="_val")
    if windows.shape[1:] != (timesteps, features):
        raise ValueError(
            f"x_val windows must have the training windows' shape ({timesteps}, {features}), "
            f"got {windows.shape[1:]}"
        )
    return windows.astype(np.float32), targets.astype(np.float32)


def train_over_seeds(
    recipe: Recipe,
    x: object,
    y: object,
    seeds: Iterable[int],
    validation: tuple[object, object] | None = None,
) -> Iterator[tuple[keras.Model, keras.callbacks.History]]:
    """Train the recipe once per seed on windows ``x`` and targets ``y``; yield each trained model.

    ``validation=(x_val, y_val)``: windows Keras scores after every epoch (``val_loss``), for
    early stopping on held-out data; they never train the model.

    Every seed gets what :func:`train` gives it, bit for bit: the weights Keras initialises
    after ``keras.utils.set_random_seed(seed)``, a fresh optimizer and a fresh data stream. What
    is shared is the compiled training step: the first seed traces it (most of a small model's
    training time) and the others reuse it. So the yielded model is the **same object** every
    time, re-initialised for the next seed: use it, or copy what you need from it, before
    asking for the next one.

    >>> recipe = Recipe(units=(4,), dense_units=(1,), epochs=2)
    >>> [len(history.history["loss"]) for _, history in train_over_seeds(recipe, [[1, 2, 3]], [2], [0, 1])]
    [2, 2]
    """
    import keras

    seeds = _checked_seeds(seeds)
    windows, targets = _training_arrays(_checked_recipe(recipe), x, y)
    timesteps, features = windows.shape[1], windows.shape[2]
    validation_data = _validation_arrays(recipe, validation, timesteps, features)
    scaling = _scaling(recipe, windows, targets) if recipe.scale else None
    windows, targets = windows.astype(np.float32), targets.astype(np.float32)
    model: keras.Model | None = None
    for seed in seeds:
        keras.utils.set_random_seed(seed)
        initial = build_model(recipe, timesteps, features, scaling)
        if model is None:
            model = initial
            optimizer = keras.optimizers.Adam(recipe.learning_rate, clipnorm=recipe.clipnorm)
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
                validation_data=validation_data,
                verbose=0,
                callbacks=_callbacks(recipe),
            )
        else:
            batches, steps = _batches(recipe, windows, targets, seed)
            history = model.fit(
                batches,
                epochs=recipe.epochs,
                steps_per_epoch=steps,
                validation_data=_as_dataset(validation_data),
                shuffle=False,  # the pipeline reshuffles every epoch itself
                verbose=0,
                callbacks=_callbacks(recipe),
            )
        # The evaluation step was traced for the validation dataset; give the caller a model
        # whose evaluate() traces afresh for whatever data it is given, and reuse ours after.
        validation_step, model.test_function = model.test_function, None
        _TRAINED_WITH[model] = recipe
        yield model, history
        model.test_function = validation_step


def _as_dataset(arrays: tuple[np.ndarray, np.ndarray] | None) -> Any:
    """Validation windows as one full batch: Keras scores a dataset far faster than arrays per epoch."""
    import tensorflow as tf

    return None if arrays is None else tf.data.Dataset.from_tensors(arrays)


def _checked_seeds(seeds: Iterable[int]) -> list[int]:
    if isinstance(seeds, str | bytes) or not isinstance(seeds, Iterable):
        raise ArgumentError(f"seeds must be a list or range of ints, got {type(seeds).__name__} {seeds!r}")
    checked = [check_int(seed, "seed", minimum=0) for seed in seeds]
    if not checked:
        raise ValueError("seeds must name at least one seed")
    return checked


def train(
    recipe: Recipe,
    x: object,
    y: object,
    seed: int,
    validation: tuple[object, object] | None = None,
) -> tuple[keras.Model, keras.callbacks.History]:
    """Seed everything, build the recipe's model, and train it on windows ``x`` and targets ``y``.

    Same seed, same data, same machine: the same trained model, bit for bit.

    >>> recipe = Recipe(units=(4,), dense_units=(1,), epochs=2)
    >>> model, history = train(recipe, [[1, 2, 3], [4, 5, 6]], [2, 5], seed=0)
    >>> len(history.history["loss"])
    2
    """
    return next(train_over_seeds(recipe, x, y, [seed], validation))


def predict(recipe: Recipe, model: keras.Model, x: object) -> np.ndarray:
    """Predict targets for windows ``x`` with a model trained by :func:`train`, shape ``(n, outputs)``.

    Adds back the level the recipe removed, so the answer is in the series' units. The model
    must have been trained with this very recipe (a model remembers it), or the answer would be
    in the wrong units. Calls the model directly: for a few windows that is faster than
    ``model.predict`` and traces nothing.

    >>> recipe = Recipe(units=(4,), dense_units=(1,), epochs=1)
    >>> model, _ = train(recipe, [[1, 2, 3], [4, 5, 6]], [2, 5], seed=0)
    >>> predict(recipe, model, [[13, 14, 15]]).shape
    (1, 1)
    """
    _checked_recipe(recipe)
    trained_with = _TRAINED_WITH.get(model) if _weakly_referable(model) else None
    if trained_with is None:
        raise ArgumentError(
            "model must be one trained by helpers.train or train_over_seeds (predict undoes its recipe's "
            f"level removal); for a model you built yourself, call model(x). Got {type(model).__name__}"
        )
    if trained_with != recipe:
        raise ArgumentError(
            "recipe must be the one the model was trained with: the model was trained with\n"
            f"{trained_with}\nnot with\n{recipe}"
        )
    windows = to_3d(x).astype(np.float64)
    expected = tuple(getattr(model, "input_shape", (None,))[1:])
    if len(expected) != 2 or windows.shape[1:] != expected:
        raise ValueError(
            f"x must hold windows of the shape the model was trained on, (timesteps, features) = "
            f"{expected}, got {windows.shape[1:]}"
        )
    inputs = to_relative(windows)[0] if recipe.remove_level else windows
    outputs = np.asarray(model(inputs.astype(np.float32), training=False), dtype=np.float64)
    return from_relative(windows, outputs) if recipe.remove_level else outputs


# Which recipe trained each model (train_over_seeds records it, predict checks it).
_TRAINED_WITH: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _weakly_referable(value: object) -> bool:
    try:
        weakref.ref(value)
    except TypeError:
        return False
    return True


def predictions_over_seeds(
    recipe: Recipe,
    x: object,
    y: object,
    queries: object,
    seeds: Iterable[int],
    pool: SeedWorkers | None = None,
    validation: tuple[object, object] | None = None,
) -> np.ndarray:
    """Train the recipe once per seed and predict ``queries``: shape ``(seeds, queries, outputs)``.

    With a ``pool`` of :class:`SeedWorkers`, the seeds are split into one contiguous block per
    worker process and trained in parallel; every seed still gets exactly the model it gets here.
    ``validation`` is passed on to :func:`train_over_seeds`.

    >>> recipe = Recipe(units=(4,), dense_units=(1,), epochs=1)
    >>> predictions_over_seeds(recipe, [[1, 2, 3], [4, 5, 6]], [2, 5], [[7, 8, 9]], [0, 1]).shape
    (2, 1, 1)
    """
    if pool is None:
        return _predictions_for_block(recipe, x, y, queries, _checked_seeds(seeds), validation)
    if not isinstance(pool, SeedWorkers):
        raise ArgumentError(f"pool must be a helpers.SeedWorkers or None, got {type(pool).__name__}")
    return pool.submit_sweep(recipe, x, y, queries, seeds, validation).result()


def _predictions_for_block(
    recipe: Recipe,
    x: object,
    y: object,
    queries: object,
    seeds: list[int],
    validation: tuple[object, object] | None,
) -> np.ndarray:
    trained = train_over_seeds(recipe, x, y, seeds, validation)
    return np.stack([predict(recipe, model, queries) for model, _ in trained])


class SeedWorkers:
    """A pool of worker processes for :func:`predictions_over_seeds`; use it in a ``with`` block.

    Each worker starts with :func:`helpers.setup_notebook` (a quiet, deterministic TensorFlow),
    so a seed trained in a worker gives the same model as in the notebook's own process. On a
    machine with two cores, two workers train a sweep of seeds nearly twice as fast.
    ``workers=0`` starts no process: every call runs here, as it is submitted (to debug, or
    where worker processes cannot start).

    >>> with SeedWorkers(0) as pool:
    ...     recipe = Recipe(units=(2,), dense_units=(1,), epochs=1)
    ...     predictions_over_seeds(recipe, [[1, 2, 3]], [2], [[4, 5, 6]], [0, 1], pool=pool).shape
    (2, 1, 1)
    """

    def __init__(self, workers: int = 2) -> None:
        self.workers = check_int(workers, "workers", minimum=0, maximum=256)
        self._executor = self._new_executor() if self.workers else None

    def _new_executor(self) -> concurrent.futures.ProcessPoolExecutor:
        import multiprocessing

        spawn = multiprocessing.get_context("spawn")
        return concurrent.futures.ProcessPoolExecutor(self.workers, spawn, initializer=_start_worker)

    def __enter__(self) -> SeedWorkers:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the worker processes (a ``with`` block does this on leaving it)."""
        if self._executor is not None:
            self._executor.shutdown()

    def submit(self, function: Any, *args: Any) -> concurrent.futures.Future:
        """Run ``function(*args)`` in a worker; ``.result()`` on what it returns waits for it.

        The call is sent with ``cloudpickle``: a function defined in a module (such as
        ``helpers.train_recall``) by its name, one defined in a notebook cell, or a lambda, whole,
        with the globals it uses, arrays included. An exception in the worker is raised again by
        ``.result()``. If a worker dies, the pool starts new ones.

        >>> with SeedWorkers(0) as pool:
        ...     pool.submit(lambda a, b: a + b, 2, 3).result()
        5
        """
        import cloudpickle

        if not callable(function):
            raise ArgumentError(f"function must be callable, got {type(function).__name__} {function!r:.60}")
        if self._executor is None:  # workers=0: run it here, now
            future: concurrent.futures.Future = concurrent.futures.Future()
            try:
                future.set_result(function(*args))
            except Exception as error:  # the caller's .result() raises it, as a worker's would
                future.set_exception(error)
            return future
        # cloudpickle sends what a worker can import by reference, and the rest (a notebook's
        # functions, lambdas, partials of them) whole.
        function, args = _call_pickled, (cloudpickle.dumps((function, args)),)
        try:
            return self._executor.submit(function, *args)
        except concurrent.futures.process.BrokenProcessPool:
            self._executor.shutdown(wait=False)
            self._executor = self._new_executor()
            return self._executor.submit(function, *args)

    def submit_sweep(
        self,
        recipe: Recipe,
        x: object,
        y: object,
        queries: object,
        seeds: Iterable[int],
        validation: tuple[object, object] | None = None,
    ) -> Sweep:
        """Start :func:`predictions_over_seeds` in the workers and return at once.

        Submit several sweeps before asking for their results, and the workers stay busy from
        one sweep to the next. ``.result()`` waits for the predictions.

        >>> with SeedWorkers(0) as pool:
        ...     recipe = Recipe(units=(2,), dense_units=(1,), epochs=1)
        ...     sweep = pool.submit_sweep(recipe, [[1, 2, 3]], [2], [[4, 5, 6]], [0, 1])
        ...     sweep.result().shape
        (2, 1, 1)
        """
        seeds = _checked_seeds(seeds)
        blocks = [block.tolist() for block in np.array_split(seeds, max(1, min(self.workers, len(seeds))))]
        return Sweep(
            [
                self.submit(_predictions_for_block, recipe, x, y, queries, block, validation)
                for block in blocks
            ]
        )


def _call_pickled(payload: bytes) -> Any:
    """In a worker: unpickle a function and its arguments sent by :meth:`SeedWorkers.submit`, and call it."""
    import cloudpickle

    function, args = cloudpickle.loads(payload)
    return function(*args)


def _start_worker() -> None:
    """A worker's start: :func:`helpers.setup_notebook`, and one thread per TensorFlow pool.

    The workers share the machine's cores; one thread each is about 10% faster than two
    fighting over them, and changes no result (thread counts change no stored output).
    """
    from helpers.reproducibility import setup_notebook

    setup_notebook(0)
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)


class Sweep:
    """Predictions being computed by :class:`SeedWorkers`; :meth:`result` waits for them."""

    def __init__(self, futures: list[concurrent.futures.Future]) -> None:
        self._futures = futures

    def result(self) -> np.ndarray:
        """The predictions, shape ``(seeds, queries, outputs)``, once every block is done."""
        return np.concatenate([future.result() for future in self._futures])
