"""A model keeps its recipe wherever it goes, and worker pools fail fast, stop on interrupt and
hand back what the notebook defined (issue 27's cases that break what the course teaches)."""

import dataclasses
import pickle
import sys
import typing
from pathlib import Path

import cloudpickle
import keras
import numpy as np
import pytest

import helpers
from helpers._validation import ArgumentError

RECIPE = helpers.Recipe(
    units=(3,), dense_units=(1,), epochs=2, batch_size=None, remove_level=True, scale=True
)
X = [[10.0, 11.0, 12.0], [20.0, 21.0, 22.0], [30.0, 31.0, 33.0], [5.0, 7.0, 9.0]]
Y = [13.0, 23.0, 35.0, 11.0]
QUERY = [[13.0, 14.0, 15.0]]


@pytest.fixture(scope="module")
def trained():
    return helpers.train(RECIPE, X, Y, seed=0)[0]


def predicted(model, recipe=RECIPE):
    return helpers.predict(recipe, model, QUERY)


def test_a_reloaded_model_predicts_what_it_did_with_the_level_added_back(trained, tmp_path):
    path = tmp_path / "model.keras"
    trained.save(path)
    reloaded = keras.models.load_model(path)
    assert reloaded.recipe == RECIPE
    np.testing.assert_array_equal(predicted(reloaded), predicted(trained))
    change = reloaded(np.array(QUERY)[..., None] - 15.0).numpy()  # the model sees the level removed
    np.testing.assert_allclose(predicted(reloaded), change + 15.0, rtol=1e-12)


def test_a_pickled_model_predicts_what_it_did(trained):
    np.testing.assert_array_equal(predicted(pickle.loads(pickle.dumps(trained))), predicted(trained))


def test_the_implementation_switches_may_differ(trained):
    other = dataclasses.replace(RECIPE, unroll=False, pipeline="tf.data")
    np.testing.assert_array_equal(predicted(trained, other), predicted(trained))


def test_a_wrong_recipe_is_refused_naming_each_field_that_differs(trained):
    wrong = dataclasses.replace(RECIPE, remove_level=False, learning_rate=0.5)
    with pytest.raises(ArgumentError, match=r"remove_level=False \(the model's: True\), learning_rate=0.5"):
        predicted(trained, wrong)


def test_a_model_of_ones_own_is_refused_with_what_to_do_instead():
    model = keras.Sequential([keras.Input((3, 1)), keras.layers.LSTM(2), keras.layers.Dense(1)])
    with pytest.raises(ArgumentError, match=r"call model\.predict\(x\)"):
        predicted(model)


def test_the_list_idiom_over_train_over_seeds_keeps_one_model_per_seed():
    models = [model for model, _ in helpers.train_over_seeds(RECIPE, X, Y, [0, 1])]
    assert models[0] is not models[1]
    for seed, model in enumerate(models):
        np.testing.assert_array_equal(predicted(model), predicted(helpers.train(RECIPE, X, Y, seed=seed)[0]))
    assert not np.array_equal(predicted(models[0]), predicted(models[1]))


def test_a_copied_model_can_still_be_evaluated():
    model, _ = next(helpers.train_over_seeds(RECIPE, X, Y, [0]))
    assert np.isfinite(model.evaluate(np.array(X)[..., None], np.array(Y), verbose=0))


# What follows is sent to workers by value, as a notebook's own definitions are: the workers
# cannot import them by name.
cloudpickle.register_pickle_by_value(sys.modules[__name__])


class NotebookError(Exception):
    """An exception class defined where the workers cannot import it."""


class Pair(typing.NamedTuple):
    seed: int
    double: int


def pair_of(seed):
    return Pair(seed, 2 * seed)


def fail_on_seed_zero(seed, folder):
    import time

    (Path(folder) / f"started {seed}").touch()
    if seed == 0:
        raise NotebookError(f"seed {seed} is not allowed")
    time.sleep(1)
    return seed


def test_a_worker_returns_a_named_tuple_and_raises_an_exception_of_the_notebooks_own_class(tmp_path):
    with helpers.SeedWorkers(1) as pool:
        assert pool.submit(pair_of, 3).result() == Pair(3, 6)
        with pytest.raises(NotebookError, match="seed 0 is not allowed") as raised:
            pool.submit(fail_on_seed_zero, 0, str(tmp_path)).result()
    assert any("in the worker process" in note for note in raised.value.__notes__)


def test_map_seeds_stops_at_the_first_failure_and_names_the_seed(tmp_path):
    seeds = range(6)
    with pytest.raises(NotebookError) as raised:
        helpers.map_seeds(lambda seed: fail_on_seed_zero(seed, str(tmp_path)), seeds, workers=1)
    assert "raised by seed 0" in raised.value.__notes__
    started = len(list(tmp_path.iterdir()))
    assert started < len(seeds), f"{started} of {len(seeds)} seeds started: the queue was not cancelled"


def test_an_interrupt_in_a_with_block_cancels_the_queue_and_stops_the_workers(tmp_path):
    with pytest.raises(KeyboardInterrupt), helpers.SeedWorkers(1) as pool:
        futures = [pool.submit(fail_on_seed_zero, seed, str(tmp_path)) for seed in range(1, 6)]
        processes = list(pool._executor._processes.values())
        raise KeyboardInterrupt
    assert processes and not any(process.is_alive() for process in processes)
    assert sum(future.cancelled() for future in futures) >= 3  # at most the running one and one queued ran


def test_a_closed_pool_says_so():
    with helpers.SeedWorkers(0) as pool:
        pass
    with pytest.raises(RuntimeError, match=r"pool is closed .* make a new one"):
        pool.submit(pair_of, 1)
