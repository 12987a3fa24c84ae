"""Training recipes: the posts' ways of building and training a model, and ours.

A :class:`Recipe` holds every choice that decides what a trained model predicts, so a
notebook can change one ingredient at a time and a benchmark can run both recipes alike.
Keras is imported inside the functions, so ``import helpers`` never starts TensorFlow.
"""

from __future__ import annotations

import concurrent.futures
import concurrent.futures.process
import dataclasses
import sys
from collections.abc import Iterable, Iterator, Mapping
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
            patience = check_int(self.early_stopping_patience, "early_stopping_patience", minimum=0)
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
        layers.append(
            keras.layers.Rescaling(
                _exact(1 / scaling.spread), offset=_exact(-scaling.center / scaling.spread)
            )
        )
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
        layers.append(keras.layers.Rescaling(_exact(scaling.spread), offset=_exact(scaling.center)))
    return recipe_model_class()(layers, recipe=recipe)


def _exact(value: float) -> np.ndarray:
    """``value`` as a float64 array of one element. Keras' ``Rescaling`` casts a Python float
    through float32 (0.1 becomes 0.10000000149), and saves a 0-d array as a Python float; a 1-D
    array keeps its precision in the model and in the saved file."""
    return np.array([value], dtype=np.float64)


# The Keras class of build_model's models, made on first use: defining it imports Keras.
_RECIPE_MODEL: type | None = None


def recipe_model_class() -> type:
    """The ``keras.Sequential`` subclass :func:`build_model` returns: it keeps its recipe.

    The recipe is part of the model's config, so it travels with the model through
    ``model.save`` / ``keras.models.load_model``, ``pickle`` and :class:`SeedWorkers`, and
    :func:`predict` can check it. The class is registered with Keras as ``helpers>RecipeModel``;
    :func:`helpers.setup_notebook` registers it, so a new kernel can load a saved model.

    >>> model = build_model(Recipe(units=(2,), dense_units=(1,)), timesteps=3)
    >>> isinstance(model, recipe_model_class()), model.recipe.units
    (True, (2,))
    """
    global _RECIPE_MODEL
    if _RECIPE_MODEL is not None:
        return _RECIPE_MODEL
    import keras

    @keras.saving.register_keras_serializable(package="helpers", name="RecipeModel")
    class RecipeModel(keras.Sequential):
        """A ``keras.Sequential`` that remembers the ``helpers.Recipe`` it was built for."""

        def __init__(self, *args: Any, recipe: Recipe | dict | None = None, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.recipe = Recipe(**recipe) if isinstance(recipe, dict) else recipe

        def get_config(self) -> dict:
            recipe = None if self.recipe is None else dataclasses.asdict(self.recipe)
            return {**super().get_config(), "recipe": recipe}

        @classmethod
        def from_config(cls, config: dict, custom_objects: Any = None) -> RecipeModel:
            config = dict(config)
            recipe = config.pop("recipe", None)
            model = super().from_config(config, custom_objects)
            model.recipe = None if recipe is None else Recipe(**recipe)
            return model

    RecipeModel.__module__, RecipeModel.__qualname__ = __name__, "RecipeModel"  # pickled by this name
    _RECIPE_MODEL = RecipeModel
    return RecipeModel


def __getattr__(name: str) -> Any:
    """``helpers.recipes.RecipeModel``, made on first use (how pickle finds it in a new process)."""
    if name == "RecipeModel":
        return recipe_model_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _independent_copy(model: Any) -> Any:
    """A new model with ``model``'s layers, weights and recipe, compiled with its loss and a fresh
    optimizer of the same learning rate (so ``evaluate`` and ``fit`` work on it)."""
    import keras

    copy = type(model).from_config(model.get_config())
    copy.set_weights(model.get_weights())
    optimizer = model.optimizer
    copy.compile(
        optimizer=keras.optimizers.Adam(float(optimizer.learning_rate), clipnorm=optimizer.clipnorm),
        loss="mse",
    )
    return copy


def _training_arrays(recipe: Recipe, x: object, y: object, name: str = "") -> tuple[np.ndarray, np.ndarray]:
    """Windows ``(n, timesteps, features)`` and targets ``(n, outputs)``, level removed if the
    recipe removes it, in float64 (the scaling is fitted on these; Keras gets its own float type)."""
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
    import keras

    return windows.astype(keras.config.floatx()), targets.astype(keras.config.floatx())


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
    after ``keras.utils.set_random_seed(seed)``, a fresh optimizer and a fresh data stream. The
    compiled training step is shared (the first seed traces it, most of a small model's
    training time), and each seed's model is handed out as an independent copy, so
    ``[model for model, _ in train_over_seeds(...)]`` keeps one model per seed.

    >>> recipe = Recipe(units=(4,), dense_units=(1,), epochs=2)
    >>> trained = list(train_over_seeds(recipe, [[1, 2, 3]], [2], [0, 1]))
    >>> [len(history.history["loss"]) for _, history in trained], trained[0][0] is trained[1][0]
    ([2, 2], False)
    """
    for model, history in _train_shared(recipe, x, y, seeds, validation):
        yield _independent_copy(model), history


def _train_shared(
    recipe: Recipe,
    x: object,
    y: object,
    seeds: Iterable[int],
    validation: tuple[object, object] | None = None,
) -> Iterator[tuple[keras.Model, keras.callbacks.History]]:
    """:func:`train_over_seeds`, yielding the one shared model, re-initialised for each seed:
    use it before asking for the next."""
    import keras

    seeds = _checked_seeds(seeds)
    windows, targets = _training_arrays(_checked_recipe(recipe), x, y)
    timesteps, features = windows.shape[1], windows.shape[2]
    validation_data = _validation_arrays(recipe, validation, timesteps, features)
    scaling = _scaling(recipe, windows, targets) if recipe.scale else None
    zero_loss = float(np.mean(targets**2))
    windows, targets = windows.astype(keras.config.floatx()), targets.astype(keras.config.floatx())
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
        _refuse_divergence(history.history["loss"], zero_loss, seed, recipe)
        validation_step, model.test_function = model.test_function, None
        yield model, history
        model.test_function = validation_step


def _refuse_divergence(loss_per_epoch: list[float], zero_loss: float, seed: int, recipe: Recipe) -> None:
    """Raise if training blew up: a loss that is not finite, or that ends over 1,000 times the
    loss of answering 0 to every window (``zero_loss``, the targets' mean square)."""
    losses = np.asarray(loss_per_epoch, dtype=np.float64)
    broken = np.flatnonzero(~np.isfinite(losses))
    if broken.size:
        what = f"the loss became {losses[broken[0]]} at epoch {broken[0] + 1}"
    elif losses[-1] > 1000 * max(zero_loss, 1e-6):
        what = f"the loss ended at {losses[-1]:.3g}, over 1,000 times that of answering 0 ({zero_loss:.3g})"
    else:
        return
    raise ArgumentError(
        f"training diverged on seed {seed}: {what}. Lower learning_rate (this recipe's is "
        f"{recipe.learning_rate:g}), or scale the data (scale=True)"
    )


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
    return next(_train_shared(recipe, x, y, [seed], validation))


def predict(recipe: Recipe, model: keras.Model, x: object) -> np.ndarray:
    """Predict targets for windows ``x`` with a model trained by :func:`train`, shape ``(n, outputs)``.

    Adds back the level the recipe removed, so the answer is in the series' units. The model
    must have been built for this very recipe, or the answer could be in the wrong units: it
    remembers its recipe (see :func:`recipe_model_class`), also after ``model.save`` and
    ``keras.models.load_model``, pickling, or a trip through :class:`SeedWorkers`. The two
    implementation switches, ``pipeline`` and ``unroll``, may differ. Calls the model
    directly: for a few windows that is faster than ``model.predict`` and traces nothing.

    >>> recipe = Recipe(units=(4,), dense_units=(1,), epochs=1)
    >>> model, _ = train(recipe, [[1, 2, 3], [4, 5, 6]], [2, 5], seed=0)
    >>> predict(recipe, model, [[13, 14, 15]]).shape
    (1, 1)
    """
    recipe = _checked_recipe(recipe)
    built_for = getattr(model, "recipe", None)
    if not isinstance(built_for, Recipe):
        raise ArgumentError(
            "model must be one built by helpers (train, train_over_seeds or build_model): only those "
            "carry the recipe predict needs to undo its level removal. For a Keras model of your own, "
            f"call model.predict(x) and undo any level removal yourself. Got {type(model).__name__}"
        )
    differences = [
        f"{field.name}={getattr(recipe, field.name)!r} (the model's: {getattr(built_for, field.name)!r})"
        for field in dataclasses.fields(Recipe)
        if field.name not in _IMPLEMENTATION_SWITCHES
        and getattr(recipe, field.name) != getattr(built_for, field.name)
    ]
    if differences:
        raise ArgumentError(
            "recipe must be the one the model was built for; it differs in " + ", ".join(differences)
        )
    windows = to_3d(x).astype(np.float64)
    expected = tuple(getattr(model, "input_shape", (None,))[1:])
    if len(expected) != 2 or windows.shape[1:] != expected:
        raise ValueError(
            f"x must hold windows of the shape the model was trained on, (timesteps, features) = "
            f"{expected}, got {windows.shape[1:]}"
        )
    inputs = to_relative(windows)[0] if recipe.remove_level else windows
    outputs = np.asarray(model(inputs.astype(model.compute_dtype), training=False), dtype=np.float64)
    return from_relative(windows, outputs) if recipe.remove_level else outputs


# Recipe fields that change how training runs, not the model (Recipe's docstring).
_IMPLEMENTATION_SWITCHES = ("pipeline", "unroll")


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

    A line counts the models as they finish ("trained 3 of 6 models"). With a ``pool`` of
    :class:`SeedWorkers`, the seeds are split into one contiguous block per worker process and
    trained in parallel; every seed still gets exactly the model it gets here. ``validation``
    is passed on to :func:`train_over_seeds`.

    >>> recipe = Recipe(units=(4,), dense_units=(1,), epochs=1)
    >>> predictions_over_seeds(recipe, [[1, 2, 3], [4, 5, 6]], [2, 5], [[7, 8, 9]], [0, 1]).shape
    ... # doctest: +NORMALIZE_WHITESPACE
     trained 1 of 2 models trained 2 of 2 models
    (2, 1, 1)
    """
    seeds = _checked_seeds(seeds)
    _checked_queries(queries, x)
    if pool is not None:
        if not isinstance(pool, SeedWorkers):
            raise ArgumentError(f"pool must be a helpers.SeedWorkers or None, got {type(pool).__name__}")
        sweep = pool.submit_sweep(recipe, x, y, queries, seeds, validation)
        wait_counting(sweep.sizes)
        return sweep.result()
    rows = []
    for done, (model, _) in enumerate(_train_shared(recipe, x, y, seeds, validation), start=1):
        rows.append(predict(recipe, model, queries))
        _write_progress(done, len(seeds), "models")
    sys.stdout.write("\n")
    return np.stack(rows)


def _checked_queries(queries: object, x: object) -> None:
    """Refuse ``queries`` that the models trained on ``x`` could not read, before any training."""
    wanted = windows_3d(x, "x").shape[1:]
    got = windows_3d(queries, "queries").shape[1:]
    if got != wanted:
        raise ArgumentError(
            f"queries must hold windows of the training windows' shape (timesteps, features) = {wanted}, "
            f"got {got}"
        )


def wait_counting(
    jobs: Mapping[concurrent.futures.Future, int],
    what: str = "models",
    names: Mapping[concurrent.futures.Future, str] | None = None,
    verb: str = "trained",
) -> None:
    """Wait for every job, keeping one line up to date: "trained 12 of 45 models".

    ``jobs`` maps each future to how many models (or ``what``) it counts for; ``verb`` starts
    the line (``"ran"`` for jobs that are not one model each). The line is rewritten in place
    (a carriage return), so a notebook shows one line and stores only its final text. The first
    job that fails cancels the jobs not yet started and raises its exception at once, with a
    note naming the job (``names`` maps each future to a name, such as ``"seed 3"``).

    >>> done = concurrent.futures.Future()
    >>> done.set_result(None)
    >>> wait_counting({done: 3})  # doctest: +NORMALIZE_WHITESPACE
     trained 3 of 3 models
    """
    check_instance(jobs, "jobs", Mapping, "a dict of future -> models it trains")
    if not all(isinstance(future, concurrent.futures.Future) for future in jobs):
        raise ArgumentError("jobs must map futures (what SeedWorkers.submit returns) to model counts")
    counts = {future: check_int(count, "jobs count", minimum=0) for future, count in jobs.items()}
    what = check_instance(what, "what", str, "a word such as 'models'")
    verb = check_instance(verb, "verb", str, "a word such as 'trained'")
    total, done = sum(counts.values()), 0
    for future in concurrent.futures.as_completed(counts):
        error = None if future.cancelled() else future.exception()
        if error is not None:
            sys.stdout.write("\n")
            if names is not None and future in names:
                error.add_note(f"raised by {names[future]}")
            for other in counts:
                other.cancel()
            raise error
        done += counts[future]
        _write_progress(done, total, what, verb)
    sys.stdout.write("\n")


def _write_progress(done: int, total: int, what: str, verb: str = "trained") -> None:
    sys.stdout.write(f"\r{verb} {done} of {total} {what}")
    sys.stdout.flush()


def _predictions_for_block(
    recipe: Recipe,
    x: object,
    y: object,
    queries: object,
    seeds: list[int],
    validation: tuple[object, object] | None,
) -> np.ndarray:
    _checked_queries(queries, x)
    trained = _train_shared(recipe, x, y, seeds, validation)
    return np.stack([predict(recipe, model, queries) for model, _ in trained])


class SeedWorkers:
    """A pool of worker processes for :func:`predictions_over_seeds`; use it in a ``with`` block.

    Each worker starts with :func:`helpers.setup_notebook` (a quiet, deterministic TensorFlow),
    so a seed trained in a worker gives the same model as in the notebook's own process. On a
    machine with two cores, two workers train a sweep of seeds nearly twice as fast.
    ``workers=0`` starts no process: every call runs here, as it is submitted (to debug, or
    where worker processes cannot start).

    Leaving the ``with`` block normally waits for the work still queued; leaving it with an
    exception (a failed job, or Ctrl-C / *Kernel > Interrupt*) cancels the queue and stops the
    workers at once. A closed pool says so if it is given more work.

    >>> with SeedWorkers(0) as pool:
    ...     recipe = Recipe(units=(2,), dense_units=(1,), epochs=1)
    ...     predictions_over_seeds(recipe, [[1, 2, 3]], [2], [[4, 5, 6]], [0, 1], pool=pool).shape
    ... # doctest: +NORMALIZE_WHITESPACE
     trained 2 of 2 models
    (2, 1, 1)
    """

    def __init__(self, workers: int = 2) -> None:
        self.workers = check_int(workers, "workers", minimum=0, maximum=256)
        self._executor = self._new_executor() if self.workers else None
        self._closed = False
        self._sent: list[concurrent.futures.Future] = []  # the executor's futures, to cancel

    def _new_executor(self) -> concurrent.futures.ProcessPoolExecutor:
        import multiprocessing

        spawn = multiprocessing.get_context("spawn")
        return concurrent.futures.ProcessPoolExecutor(self.workers, spawn, initializer=_start_worker)

    def __enter__(self) -> SeedWorkers:
        return self

    def __exit__(self, error_type: type[BaseException] | None, *exc_info: object) -> None:
        if error_type is None:
            self.close()
        else:
            self.terminate()

    def close(self) -> None:
        """Wait for the work already submitted, then stop the worker processes."""
        self._closed = True
        if self._executor is not None:
            self._executor.shutdown()

    def terminate(self) -> None:
        """Cancel the queued work and stop the worker processes now, running jobs included."""
        self._closed = True
        executor, self._executor = self._executor, None
        if executor is None:
            return
        for sent in self._sent:  # before the workers die, or the executor fails them all instead
            sent.cancel()
        # ProcessPoolExecutor has no public way to stop a running job before Python 3.14.
        processes = list((getattr(executor, "_processes", None) or {}).values())
        manager = getattr(executor, "_executor_manager_thread", None)
        executor.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()
        for process in processes:
            process.join(timeout=1)
            if process.is_alive():  # SIGTERM is ignored where the parent was started ignoring it
                process.kill()
                process.join(timeout=5)
        if manager is not None:  # it reaps the workers too: let it finish, so none looks alive
            manager.join(timeout=5)

    def submit(self, function: Any, *args: Any) -> concurrent.futures.Future:
        """Run ``function(*args)`` in a worker; ``.result()`` on what it returns waits for it.

        The call is sent with ``cloudpickle``: a function defined in a module (such as
        ``helpers.train_recall``) by its name, one defined in a notebook cell, or a lambda, whole,
        with the globals it uses, arrays included. The result or the exception comes back the
        same way, so a class defined in the notebook (an exception, a ``NamedTuple``) returns
        intact; an exception carries a note with the worker's traceback. If a worker dies, the
        pool starts new ones.

        >>> with SeedWorkers(0) as pool:
        ...     pool.submit(lambda a, b: a + b, 2, 3).result()
        5
        """
        import cloudpickle

        if not callable(function):
            raise ArgumentError(f"function must be callable, got {type(function).__name__} {function!r:.60}")
        if self._closed:
            raise RuntimeError(
                "this SeedWorkers pool is closed (its with block ended, or close() or terminate() was "
                "called): make a new one, helpers.SeedWorkers()"
            )
        if self._executor is None:  # workers=0: run it here, now
            future: concurrent.futures.Future = concurrent.futures.Future()
            try:
                future.set_result(function(*args))
            except Exception as error:  # the caller's .result() raises it, as a worker's would
                future.set_exception(error)
            return future
        payload = cloudpickle.dumps((function, args))
        try:
            sent = self._executor.submit(_call_pickled, payload)
        except concurrent.futures.process.BrokenProcessPool:
            self._executor.shutdown(wait=False)
            self._executor = self._new_executor()
            sent = self._executor.submit(_call_pickled, payload)
        self._sent = [*(other for other in self._sent if not other.done()), sent]
        return _unpickled_when_done(sent)

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
            {
                self.submit(_predictions_for_block, recipe, x, y, queries, block, validation): len(block)
                for block in blocks
            }
        )


def _unpickled_when_done(sent: concurrent.futures.Future) -> concurrent.futures.Future:
    """A future that takes ``sent``'s outcome (cloudpickled bytes from :func:`_call_pickled`),
    unpickled; cancelling it cancels ``sent`` if that has not started."""
    import cloudpickle

    future: concurrent.futures.Future = concurrent.futures.Future()

    def transfer(done: concurrent.futures.Future) -> None:
        if future.done():  # cancelled by the caller meanwhile
            return
        if done.cancelled():
            future.cancel()
        elif done.exception() is not None:
            future.set_exception(done.exception())
        else:
            succeeded, value = cloudpickle.loads(done.result())
            (future.set_result if succeeded else future.set_exception)(value)

    future.add_done_callback(lambda own: own.cancelled() and sent.cancel())
    sent.add_done_callback(transfer)
    return future


def _call_pickled(payload: bytes) -> bytes:
    """In a worker: unpickle a function and its arguments sent by :meth:`SeedWorkers.submit`, call
    it, and return ``(True, result)`` or ``(False, exception)``, cloudpickled."""
    import traceback

    import cloudpickle

    function, args = cloudpickle.loads(payload)
    try:
        return cloudpickle.dumps((True, function(*args)))
    except Exception as error:
        error.add_note("in the worker process:\n" + "".join(traceback.format_exc()).rstrip())
        try:
            return cloudpickle.dumps((False, error))
        except Exception:  # an exception that cannot travel: its text does
            return cloudpickle.dumps((False, RuntimeError(f"{type(error).__name__}: {error}")))


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

    def __init__(self, sizes: dict[concurrent.futures.Future, int]) -> None:
        self.sizes = sizes  # each block's future, and how many seeds it trains

    def result(self) -> np.ndarray:
        """The predictions, shape ``(seeds, queries, outputs)``, once every block is done."""
        return np.concatenate([future.result() for future in self.sizes])
