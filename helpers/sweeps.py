"""Sweeps: many recipes, tasks and seeds trained in worker processes, with one progress line."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import Any, NamedTuple

import numpy as np

from helpers._validation import ArgumentError, check_instance
from helpers.recipes import Recipe, SeedWorkers, _checked_seeds, _predictions_for_block, wait_counting
from helpers.tasks import HeldOutTask


class Forecasts(NamedTuple):
    """One recipe's forecasts for its task, one row per seed: ``(seeds, windows, outputs)``."""

    val: np.ndarray
    tests: dict[str, np.ndarray]


def forecast_over_seeds(
    plan: Mapping[Hashable, tuple[Recipe, HeldOutTask]], seeds: Iterable[int], workers: int = 2
) -> dict[Hashable, Forecasts]:
    """Train each recipe of ``plan`` on its task, once per seed, and forecast the task's windows.

    ``plan`` maps a name of your choice to ``(recipe, task)``. Each recipe trains on the task's
    training windows (stopping on its validation windows when the recipe monitors
    ``"val_loss"``) and forecasts the validation windows and every test set. The models train
    in ``workers`` processes; a line counts them. Every seed gets the model :func:`helpers.train`
    gives it.

    >>> from helpers.tasks import arithmetic_task
    >>> plan = {"one epoch": (Recipe(units=(2,), dense_units=(1,), epochs=1), arithmetic_task())}
    >>> forecasts = forecast_over_seeds(plan, seeds=[0, 1], workers=0)  # doctest: +NORMALIZE_WHITESPACE
     trained 2 of 2 models
    >>> forecasts["one epoch"].val.shape, list(forecasts["one epoch"].tests)[0]
    ((2, 20, 1), 'trained steps, later values')
    """
    check_instance(plan, "plan", Mapping, "a dict of name -> (recipe, task)")
    if not plan:
        raise ValueError("plan must name at least one (recipe, task)")
    seeds = _checked_seeds(seeds)
    for key, entry in plan.items():
        if not isinstance(entry, tuple | list) or len(entry) != 2:
            raise ValueError(f"plan[{key!r}] must be a pair (recipe, task), got {type(entry).__name__}")
        check_instance(entry[0], f"plan[{key!r}][0]", Recipe, "a helpers.Recipe")
        check_instance(entry[1], f"plan[{key!r}][1]", HeldOutTask, "a helpers.HeldOutTask")
    # Recipes that train every step go first, so no worker is left alone with a long job at the end.
    order = sorted(plan, key=lambda key: plan[key][0].early_stopping_patience is not None)
    with SeedWorkers(workers) as pool:
        jobs = {}
        for key in order:
            recipe, task = plan[key]
            queries = np.concatenate([task.val.x, *(windows.x for windows in task.tests.values())])
            validation = (task.val.x, task.val.y) if recipe.early_stopping_monitor == "val_loss" else None
            future = pool.submit(
                _predictions_for_block, recipe, task.train.x, task.train.y, queries, seeds, validation
            )
            jobs[future] = (key, task)
        wait_counting({future: len(seeds) for future in jobs})
    results = {}
    for future, (key, task) in jobs.items():
        predictions = future.result()
        val, start = predictions[:, : len(task.val.x)], len(task.val.x)
        tests = {}
        for name, windows in task.tests.items():
            tests[name] = predictions[:, start : start + len(windows.x)]
            start += len(windows.x)
        results[key] = Forecasts(val, tests)
    return {key: results[key] for key in plan}


def map_seeds(function: Callable[[int], Any], seeds: Iterable[int], workers: int = 2) -> list[Any]:
    """``[function(seed) for seed in seeds]``, computed in ``workers`` processes; a line counts them.

    The first seed that fails stops the sweep at once (the queued seeds are cancelled, the
    workers stopped) and its exception is raised with a note naming the seed.

    ``function`` may be defined in a notebook cell: it is sent to the workers whole, with the
    data it uses. It must seed itself (``keras.utils.set_random_seed(seed)``), as a worker shares
    nothing else with the notebook. The results come back in the order of ``seeds``.

    >>> map_seeds(lambda seed: seed * 10, [3], workers=0)  # doctest: +NORMALIZE_WHITESPACE
     ran 1 of 1 seeds
    [30]
    """
    if not callable(function):
        raise ArgumentError(f"function must be callable, got {type(function).__name__}")
    seeds = _checked_seeds(seeds)
    with SeedWorkers(workers) as pool:
        named = {pool.submit(function, seed): f"seed {seed}" for seed in seeds}
        wait_counting(dict.fromkeys(named, 1), what="seeds", names=named, verb="ran")
    return [future.result() for future in named]
