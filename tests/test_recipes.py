import dataclasses
import functools

import keras
import numpy as np
import pytest
import tensorflow as tf

import helpers
from helpers import (
    Recipe,
    SeedWorkers,
    build_model,
    fit_scaling,
    predict,
    predictions_over_seeds,
    recommended,
    train,
    train_over_seeds,
    window_relative,
)
from helpers.recipes import _batches

X = [[1, 2, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12]]
Y = [2, 5, 8, 11]
POST_1 = Recipe(units=(10,), dense_units=(5, 1))


def test_build_model_reproduces_the_posts_architectures():
    assert [layer.count_params() for layer in build_model(POST_1, 3).layers] == [480, 55, 6]
    stacked = build_model(Recipe(units=(20, 10), dense_units=(2,)), 4)
    assert stacked.layers[0].return_sequences and not stacked.layers[1].return_sequences
    assert stacked.count_params() == 3022
    assert stacked.layers[0].activation is keras.activations.relu


@pytest.mark.parametrize(("cell", "count"), [("LSTM", 541), ("GRU", 451), ("SimpleRNN", 181)])
def test_build_model_uses_the_recipes_recurrent_cell(cell, count):
    model = build_model(dataclasses.replace(POST_1, cell=cell), timesteps=3)
    assert type(model.layers[0]).__name__ == cell and model.count_params() == count


def test_unrolled_lstm_computes_the_same_function():
    recipe = Recipe(units=(6, 3), dense_units=(2,))
    unrolled = build_model(recipe, timesteps=4)
    looped = build_model(dataclasses.replace(recipe, unroll=False), timesteps=4)
    assert unrolled.layers[0].unroll and not looped.layers[0].unroll
    unrolled.set_weights(looped.get_weights())
    windows = np.random.default_rng(0).normal(size=(5, 4, 1)).astype("float32")
    np.testing.assert_allclose(unrolled(windows), looped(windows), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("pipeline", ["tf.data", "numpy"])
def test_same_seed_gives_identical_model(pipeline):
    recipe = Recipe(units=(4,), dense_units=(1,), epochs=3, pipeline=pipeline)
    first, _ = train(recipe, X, Y, seed=3)
    again, _ = train(recipe, X, Y, seed=3)
    other, _ = train(recipe, X, Y, seed=4)
    for a, b in zip(first.get_weights(), again.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first.get_weights()[0], other.get_weights()[0])


def test_numpy_pipeline_is_the_posts_plain_keras_code():
    recipe = Recipe(units=(4,), dense_units=(1,), epochs=3, pipeline="numpy", unroll=False)
    first, _ = train(recipe, X, Y, seed=3)

    keras.utils.set_random_seed(3)
    plain = keras.Sequential(
        [keras.Input((3, 1)), keras.layers.LSTM(4, activation="relu"), keras.layers.Dense(1)]
    )
    plain.compile(optimizer="adam", loss="mse")
    plain.fit(
        np.array(X, dtype="float32")[..., None],
        np.array(Y, dtype="float32"),
        epochs=3,
        batch_size=1,
        verbose=0,
    )
    query = [[13, 14, 15]]
    np.testing.assert_allclose(
        predict(recipe, first, query), plain.predict(np.array(query)[..., None], verbose=0), rtol=1e-6
    )


@pytest.mark.parametrize("batch_size", [1, 3])
def test_tf_data_epoch_visits_every_window_once_in_a_new_order(batch_size):
    recipe = Recipe(units=(4,), dense_units=(1,), batch_size=batch_size)
    windows, targets = np.arange(10.0).reshape(5, 2, 1), np.arange(5.0)
    batches, steps = _batches(recipe, windows, targets, seed=0)
    assert steps == -(-5 // batch_size)
    epochs = [[], []]
    for index, (_, batch_targets) in enumerate(batches.take(2 * steps)):
        epochs[index // steps] += batch_targets.numpy().tolist()
    assert sorted(epochs[0]) == sorted(epochs[1]) == [0, 1, 2, 3, 4]
    assert epochs[0] != epochs[1]


def test_full_batch_steps_see_all_windows():
    recipe = window_relative(POST_1)
    batches, steps = _batches(recipe, np.zeros((4, 3, 1)), np.arange(4.0), seed=0)
    assert steps == recipe.steps_per_epoch
    assert [t.numpy().tolist() for _, t in batches.take(2)] == [[0, 1, 2, 3]] * 2


def test_robust_recipe_learns_the_post_1_task_and_extrapolates():
    recipe = window_relative(POST_1)
    model, history = train(recipe, X, Y, seed=0)
    assert len(history.history["loss"]) == recipe.epochs
    predictions = predict(recipe, model, [[13, 14, 15], [1001, 1002, 1003]])
    np.testing.assert_allclose(predictions[:, 0], [14, 1002], atol=0.05)


def test_early_stopping_and_restore_best_weights_are_applied():
    recipe = Recipe(
        units=(4,),
        dense_units=(1,),
        epochs=500,
        early_stopping_patience=2,
        learning_rate=0.5,
        restore_best_weights=True,
    )
    _, history = train(recipe, X, Y, seed=0)
    assert len(history.history["loss"]) < 500


@pytest.mark.parametrize(
    "recipe",
    [
        Recipe(units=(4,), dense_units=(1,), epochs=30, early_stopping_patience=2, learning_rate=0.2),
        Recipe(units=(4,), dense_units=(1,), epochs=3, pipeline="numpy", unroll=False),
        window_relative(Recipe(units=(3, 2), dense_units=(1,), cell="GRU")),
    ],
    ids=["batch-1-early-stopping", "numpy", "robust-stacked-gru"],
)
def test_training_over_seeds_gives_each_seed_what_train_gives_it(recipe):
    seeds = [5, 0, 5]
    alone = [train(recipe, X, Y, seed) for seed in seeds]
    for (model, history), (reference, reference_history) in zip(
        train_over_seeds(recipe, X, Y, seeds), alone, strict=True
    ):
        assert history.history["loss"] == reference_history.history["loss"]
        for weights, expected in zip(model.get_weights(), reference.get_weights(), strict=True):
            np.testing.assert_array_equal(weights, expected)


def test_training_over_seeds_reuses_one_compiled_model_and_hands_out_copies():
    recipe = Recipe(units=(2,), dense_units=(1,), epochs=1)
    shared = [model for model, _ in helpers.recipes._train_shared(recipe, X, Y, [0, 1, 2])]
    assert shared[0] is shared[1] is shared[2]
    assert shared[0].train_function is not None
    handed_out = [model for model, _ in train_over_seeds(recipe, X, Y, [0, 1, 2])]
    assert len({id(model) for model in handed_out}) == 3


def test_predictions_over_seeds_shape_and_seed_dependence():
    recipe = Recipe(units=(4,), dense_units=(2,), epochs=2)
    y_two = [[2, 3], [5, 6], [8, 9], [11, 12]]
    predictions = predictions_over_seeds(recipe, X, y_two, [[13, 14, 15]], seeds=[0, 1])
    assert predictions.shape == (2, 1, 2)
    assert not np.allclose(predictions[0], predictions[1])


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"units": (), "dense_units": (1,)}, ValueError, "units must be a non-empty tuple"),
        ({"units": "10", "dense_units": (1,)}, ValueError, "units must be a non-empty tuple"),
        ({"units": (0,), "dense_units": (1,)}, ValueError, "units entry must be >= 1"),
        ({"units": (10,), "dense_units": (1,), "activation": "sigmoid"}, ValueError, "activation"),
        ({"units": (10,), "dense_units": (1,), "epochs": 0}, ValueError, "epochs must be >= 1"),
        ({"units": (10,), "dense_units": (1,), "learning_rate": 0}, ValueError, "learning_rate"),
        ({"units": (10,), "dense_units": (1,), "steps_per_epoch": 5}, ValueError, "full-batch"),
        ({"units": (10,), "dense_units": (1,), "batch_size": 1.5}, TypeError, "batch_size"),
        ({"units": (10,), "dense_units": (1,), "pipeline": "pandas"}, ValueError, "pipeline must be"),
        ({"units": (10,), "dense_units": (1,), "cell": "lstm"}, ValueError, "cell must be one of"),
        (
            {"units": (10,), "dense_units": (1,), "pipeline": "numpy", "batch_size": None},
            ValueError,
            "needs a batch_size",
        ),
    ],
)
def test_recipe_rejects_bad_settings(kwargs, error, message):
    with pytest.raises(error, match=message):
        Recipe(**kwargs)


def test_train_and_seeds_reject_bad_input():
    with pytest.raises(ValueError, match="y must have one row per window"):
        train(POST_1, X, [1, 2], seed=0)
    with pytest.raises(ValueError, match="seed must be >= 0"):
        train(POST_1, X, Y, seed=-1)
    with pytest.raises(ValueError, match="seeds must name at least one seed"):
        predictions_over_seeds(POST_1, X, Y, [[1, 2, 3]], seeds=[])
    with pytest.raises(ValueError, match="seed must be >= 0"):
        next(train_over_seeds(POST_1, X, Y, [1, -2]))


def test_worker_processes_give_every_seed_the_same_prediction():
    recipe = Recipe(units=(3,), dense_units=(1,), epochs=4)
    queries = [[13, 14, 15], [1001, 1002, 1003]]
    serial = predictions_over_seeds(recipe, X, Y, queries, seeds=[4, 0, 7])
    with SeedWorkers(2) as pool:
        parallel = predictions_over_seeds(recipe, X, Y, queries, seeds=[4, 0, 7], pool=pool)
        single = predictions_over_seeds(recipe, X, Y, queries, seeds=[7], pool=pool)
    np.testing.assert_array_equal(parallel, serial)
    np.testing.assert_array_equal(single, serial[2:])


def test_worker_pool_rejects_a_bad_size():
    with pytest.raises(ValueError, match="workers must be >= 0"):
        SeedWorkers(-1)


def test_epoch_steps_counts_batches_or_full_batch_steps():
    assert Recipe(units=(2,), dense_units=(1,)).epoch_steps(13) == 13
    assert Recipe(units=(2,), dense_units=(1,), batch_size=5).epoch_steps(13) == 3
    assert window_relative(POST_1).epoch_steps(4) == 20
    with pytest.raises(ValueError, match="windows must be >= 1"):
        POST_1.epoch_steps(0)


def test_recommended_is_plain_keras_with_rescaling_layers_and_early_stopping():
    task = helpers.noisy_trend_task()
    recipe = dataclasses.replace(recommended(POST_1, remove_level=True), unroll=False)
    model, history = train(recipe, task.train.x, task.train.y, seed=0, validation=(task.val.x, task.val.y))

    x_train, y_train = helpers.to_relative(task.train.x, task.train.y)
    x_val, y_val = helpers.to_relative(task.val.x, task.val.y)
    spread = np.sqrt(np.mean(np.concatenate([x_train.ravel(), y_train.ravel()]) ** 2))
    keras.utils.set_random_seed(0)
    plain = keras.Sequential(
        [
            keras.Input((3, 1)),
            keras.layers.Rescaling(1 / spread),
            keras.layers.LSTM(10),
            keras.layers.Dense(5),
            keras.layers.Dense(1),
            keras.layers.Rescaling(spread),
        ]
    )
    plain.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse")
    plain_history = plain.fit(
        tf.data.Dataset.from_tensors((x_train[..., None], y_train)).repeat(),
        steps_per_epoch=10,
        epochs=100,
        validation_data=(x_val[..., None], y_val),
        callbacks=[keras.callbacks.EarlyStopping(monitor="val_loss", patience=20, restore_best_weights=True)],
        shuffle=False,
        verbose=0,
    )
    assert len(history.history["loss"]) == len(plain_history.history["loss"]) < 100
    query = task.tests["later values"].x
    expected = plain.predict(helpers.to_relative(query)[0][..., None], verbose=0) + query[:, -1:]
    np.testing.assert_allclose(predict(recipe, model, query), expected, rtol=1e-5)


def test_recommended_asks_whether_to_remove_the_level():
    assert recommended(POST_1, remove_level=False).remove_level is False
    with pytest.raises(TypeError):
        recommended(POST_1)  # no default: it depends on the series
    with pytest.raises(ValueError, match="remove_level must be True or False"):
        recommended(POST_1, remove_level="yes")


@pytest.mark.parametrize("make", [recommended, window_relative], ids=["recommended", "window_relative"])
def test_recipes_built_from_a_numpy_pipeline_recipe_train(make):
    posts = Recipe(units=(3,), dense_units=(1,), pipeline="numpy", unroll=False)
    recipe = make(posts, remove_level=True) if make is recommended else make(posts)
    assert recipe.pipeline == "tf.data" and recipe.batch_size is None
    x_val, y_val = [[2, 3, 4]], [5]
    model, _ = train(recipe, X, Y, seed=0, validation=(x_val, y_val))
    assert predict(recipe, model, [[5, 6, 7]]).shape == (1, 1)


def test_recipe_accepts_numpy_scalars_and_stores_python_numbers():
    recipe = Recipe(
        units=(np.int64(2),),
        dense_units=[np.int32(1)],
        learning_rate=np.float32(0.01),
        epochs=np.int64(2),
        scale=np.bool_(True),
    )
    assert recipe.units == (2,) and recipe.dense_units == (1,) and recipe.epochs == 2
    assert type(recipe.units[0]) is int and type(recipe.learning_rate) is float and recipe.scale is True
    assert Recipe(units=(2,), dense_units=(1,), learning_rate=1).learning_rate == 1.0
    model, history = train(recipe, X, Y, seed=0)
    assert len(history.history["loss"]) == 2 and model.optimizer.learning_rate.numpy() == pytest.approx(0.01)


def test_predict_refuses_a_model_trained_with_another_recipe():
    scaled = Recipe(units=(2,), dense_units=(1,), epochs=1, remove_level=True)
    model, _ = train(scaled, X, Y, seed=0)
    with pytest.raises(
        ValueError, match=r"recipe must be the one the model was built for; it differs in remove_level"
    ):
        predict(dataclasses.replace(scaled, remove_level=False), model, X)
    plain = keras.Sequential([keras.Input((3, 1)), keras.layers.LSTM(2), keras.layers.Dense(1)])
    with pytest.raises(ValueError, match=r"model must be one built by helpers \(train, train_over_seeds"):
        predict(scaled, plain, X)


@pytest.mark.parametrize(
    ("scaling", "message"),
    [
        (helpers.Scaling(float("nan"), 1.0), "scaling.center must be a finite number"),
        (helpers.Scaling(0.0, 0.0), "scaling.spread must be a finite number > 0"),
        (helpers.Scaling(0.0, float("inf")), "scaling.spread must be a finite number > 0"),
    ],
)
def test_build_model_refuses_a_scaling_that_would_give_nan(scaling, message):
    with pytest.raises(ValueError, match=message):
        build_model(POST_1, 3, scaling=scaling)


def test_mlp_cell_reads_the_flattened_window_with_dense_layers():
    model = build_model(Recipe(units=(4,), dense_units=(1,), cell="MLP", activation="tanh"), timesteps=3)
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds == ["Flatten", "Dense", "Dense"] and model.count_params() == (3 + 1) * 4 + 5
    assert model.layers[1].activation is keras.activations.tanh


def test_val_loss_early_stopping_stops_and_restores_the_best_epoch():
    rng = np.random.default_rng(0)
    x_train, x_val = rng.normal(size=(20, 3)), rng.normal(size=(10, 3))
    y_train, y_val = rng.normal(size=20), rng.normal(size=10)  # noise: validation loss soon rises
    recipe = Recipe(
        units=(8,),
        dense_units=(1,),
        batch_size=None,
        steps_per_epoch=20,
        epochs=50,
        learning_rate=0.05,
        early_stopping_patience=3,
        early_stopping_monitor="val_loss",
        restore_best_weights=True,
    )
    model, history = train(recipe, x_train, y_train, seed=0, validation=(x_val, y_val))
    val_losses = history.history["val_loss"]
    assert len(val_losses) < 50 and int(np.argmin(val_losses)) == len(val_losses) - 4
    restored = np.mean((predict(recipe, model, x_val)[:, 0] - y_val) ** 2)
    assert restored == pytest.approx(min(val_losses), rel=1e-4)


def test_val_loss_needs_validation_windows_of_the_training_shape():
    recipe = recommended(POST_1, remove_level=True)
    with pytest.raises(ValueError, match="validation must be given"):
        train(recipe, X, Y, seed=0)
    with pytest.raises(ValueError, match="x_val windows must have the training windows' shape"):
        train(recipe, X, Y, seed=0, validation=([[1, 2, 3, 4]], [5]))
    with pytest.raises(ValueError, match="validation must be a pair"):
        train(recipe, X, Y, seed=0, validation=np.zeros((2, 3)))


def test_scaling_is_fitted_on_training_windows_and_undone_inside_the_model():
    recipe = Recipe(units=(3,), dense_units=(1,), scale=True, epochs=1)
    x, y = [[100, 110, 120], [130, 140, 150]], [130, 160]
    values = np.array([100, 110, 120, 130, 140, 150, 130, 160.0])
    scaling = fit_scaling(recipe, x, y)
    assert scaling == pytest.approx((values.mean(), values.std()))
    level_removed = dataclasses.replace(recipe, remove_level=True)  # values: -20 -10 0 -20 -10 0 10 10
    assert fit_scaling(level_removed, x, y) == pytest.approx(
        (0.0, np.sqrt(np.mean([400, 100, 0, 400, 100, 0, 100, 100])))
    )
    assert fit_scaling(dataclasses.replace(recipe, scale=False), x, y) == (0.0, 1.0)
    model = build_model(recipe, 3, scaling=scaling)
    first, last = model.layers[0], model.layers[-1]
    assert (
        type(first).__name__ == type(last).__name__ == "Rescaling" and model.count_params() == 3 * 4 * 5 + 4
    )
    inputs = np.array([[[100.0], [110.0], [120.0]]], dtype="float32")
    np.testing.assert_allclose(first(inputs), (inputs - scaling.center) / scaling.spread, rtol=1e-5)


def test_scaled_recipe_trains_and_predicts_in_the_series_units():
    recipe = Recipe(
        units=(6,),
        dense_units=(1,),
        scale=True,
        batch_size=None,
        steps_per_epoch=50,
        epochs=4,
        learning_rate=0.01,
        activation="tanh",
    )
    series = 1000 + 10 * np.arange(40.0)
    x, y = helpers.split_sequence(series, 3)
    model, _ = train(recipe, x, y, seed=0)
    assert np.abs(predict(recipe, model, x[:5])[:, 0] - y[:5]).max() < 50  # unscaled, it would be near 0


def test_printed_recipe_reads_like_a_description_and_hides_implementation_switches():
    ours = recommended(POST_1, remove_level=True)
    text = str(ours)
    assert text.splitlines()[0] == "layers    LSTM(10, tanh) -> Dense(5) -> Dense(1)"
    assert "level removed" in text and "scaled by the training windows' spread" in text
    assert "EarlyStopping('val_loss', patience=20, restore_best_weights)" in text
    assert max(len(line) for line in text.splitlines()) < 100
    for switch in ("pipeline", "unroll"):
        assert switch not in text and switch not in repr(ours)
    assert "clipnorm=1" in str(dataclasses.replace(ours, clipnorm=1.0))
    assert (
        str(dataclasses.replace(ours, cell="MLP"))
        .splitlines()[0]
        .endswith("Flatten -> Dense(10, tanh) -> Dense(5) -> Dense(1)")
    )


def test_a_model_trained_with_validation_windows_can_still_evaluate_arrays():
    task = helpers.arithmetic_task()
    recipe = dataclasses.replace(
        recommended(Recipe(units=(4,), dense_units=(1,)), remove_level=True), scale=False
    )
    x_val, y_val = helpers.to_relative(task.val.x, task.val.y)
    for model, history in train_over_seeds(
        recipe, task.train.x, task.train.y, [0, 1], (task.val.x, task.val.y)
    ):
        loss = model.evaluate(x_val[..., None], y_val, verbose=0)
        assert loss == pytest.approx(min(history.history["val_loss"]), rel=1e-4)


def test_workers_run_a_function_defined_here_with_the_data_it_uses():
    offset = np.arange(3.0)

    def shifted_model_output(seed, shift):  # a local function: no worker could import it by name
        keras.utils.set_random_seed(seed)
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
        return np.asarray(model(offset[np.newaxis] + shift))

    expected = [shifted_model_output(seed, shift=2.0) for seed in (3, 4)]
    results = helpers.map_seeds(functools.partial(shifted_model_output, shift=2.0), [3, 4], workers=2)
    for result, reference in zip(results, expected, strict=True):
        np.testing.assert_array_equal(result, reference)


def test_an_error_in_a_worker_is_raised_with_its_message_and_the_pool_stays_usable():
    def fails(seed):
        raise ValueError(f"seed {seed} refused")

    with SeedWorkers(1) as pool:
        with pytest.raises(ValueError, match="seed 7 refused"):
            pool.submit(fails, 7).result()
        assert pool.submit(max, 2, 5).result() == 5


def test_map_seeds_counts_the_seeds_it_ran(capsys):
    assert helpers.map_seeds(lambda seed: seed + 1, [1, 2], workers=0) == [2, 3]
    assert capsys.readouterr().out.endswith("\rran 2 of 2 seeds\n")


def test_wait_counting_refuses_a_verb_that_is_not_a_word():
    import concurrent.futures

    done = concurrent.futures.Future()
    done.set_result(None)
    with pytest.raises(TypeError, match="verb must be"):
        helpers.wait_counting({done: 1}, verb=3)
