"""The four tasks of the two posts, each with its data, its queries and the post's recipe.

Notebooks 01-04 write each post's data out inline, as the post does; the benchmark and
notebooks 06-07, which run all four side by side, take them from here. Labels are as
corrected in notebook 02 (the post has ``[10, 11, 12] -> 1``; the pattern says 11).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from helpers._validation import check_int, check_positive, check_real
from helpers.recipes import Recipe
from helpers.windows import TimeSplit, Windows, split_in_time, split_sequence, to_relative


@dataclass(frozen=True)
class Task:
    """One seed task: training windows ``x`` and targets ``y``, the post's query and its answer,
    a query far outside the training range and its answer, and the post's recipe."""

    name: str
    x: list[list[int]]
    y: list
    query: list[int]
    target: list[int]
    far_query: list[int]
    far_target: list[int]
    recipe: Recipe


def seed_tasks() -> list[Task]:
    """The four tasks, in the order of notebooks 01-04.

    >>> [task.target for task in seed_tasks()]
    [[14], [42], [103, 105], [9]]
    """
    stacked = Recipe(units=(20, 10), dense_units=(1,), epochs=200, early_stopping_patience=20)
    impl_2_x = [[n, n + 1, n + 2] for n in (1, 4, 7, 10, 13, 16, 19, 22, 25, 28, 50, 60, 63)]
    impl_3_x = [[n, n + 2, n + 4, n + 6] for n in (1, 9, 17, 25, 33, 49, 65, 97, 43)]
    series_x, series_y = split_sequence(np.arange(1, 9), n_steps=3)
    return [
        Task(
            "01 middle of [13, 14, 15]",
            [[1, 2, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12]],
            [2, 5, 8, 11],
            [13, 14, 15],
            [14],
            [1001, 1002, 1003],
            [1002],
            Recipe(units=(10,), dense_units=(5, 1)),
        ),
        Task(
            "02 middle of [41, 42, 43]",
            impl_2_x,
            [window[1] for window in impl_2_x],
            [41, 42, 43],
            [42],
            [1001, 1002, 1003],
            [1002],
            stacked,
        ),
        Task(
            "03 values 2, 3 of [101, ..., 107]",
            impl_3_x,
            [window[1:3] for window in impl_3_x],
            [101, 103, 105, 107],
            [103, 105],
            [1001, 1003, 1005, 1007],
            [1003, 1005],
            dataclasses.replace(stacked, dense_units=(2,)),
        ),
        Task(
            "04 next value after [6, 7, 8]",
            series_x.tolist(),
            series_y.tolist(),
            [6, 7, 8],
            [9],
            [1001, 1002, 1003],
            [1004],
            Recipe(units=(10,), dense_units=(1,), epochs=400),
        ),
    ]


@dataclass(frozen=True)
class HeldOutTask:
    """A task whose windows differ, split in time order into training, validation and test windows.

    ``tests`` maps a name to windows the model never trains on: first the test span of the
    training series, then any further test sets (a step size never trained on, say).
    """

    name: str
    description: str
    train: Windows
    val: Windows
    tests: dict[str, Windows]

    def distinct_training_pairs(self) -> int:
        """How many different (relative window, relative target) pairs the training set holds.

        >>> arithmetic_task().distinct_training_pairs()
        4
        """
        x_rel, y_rel = to_relative(self.train.x, self.train.y)
        pairs = np.column_stack([x_rel, np.reshape(y_rel, (len(y_rel), -1))])
        return len(np.unique(pairs.round(9), axis=0))


def _one_series_task(name: str, description: str, split: TimeSplit) -> HeldOutTask:
    """A task of one series split in time order: its test set is the later values."""
    return HeldOutTask(name, description, split.train, split.val, {"later values": split.test})


def _checked_sizes(n_steps: object, length: object, held_out: object, n_out: int = 1) -> tuple[int, int, int]:
    """``n_steps``, ``length`` and ``held_out`` checked so that the series leaves room for all
    three spans: ``held_out`` values each to validate and test (at least ``n_out``), and
    training windows before them.

    >>> _checked_sizes(3, 30, 5)
    (3, 30, 5)
    """
    n_steps = check_int(n_steps, "n_steps", maximum=MAX_LENGTH)
    length = check_int(length, "length", minimum=2, maximum=MAX_LENGTH)
    held_out = check_int(held_out, "held_out", maximum=MAX_LENGTH)
    if held_out < n_out:
        raise ValueError(f"held_out must be at least the {n_out} values one window forecasts, got {held_out}")
    shortest = 2 * held_out + n_steps + n_out
    if length < shortest:
        raise ValueError(
            f"length={length} is too short for held_out={held_out} values to validate and {held_out} to "
            f"test, and a training window of {n_steps} + {n_out} values before them: make length at least "
            f"{shortest}, or held_out smaller"
        )
    return n_steps, length, held_out


def _merge(parts: list[Windows]) -> Windows:
    return Windows(np.concatenate([p.x for p in parts]), np.concatenate([p.y for p in parts]))


ARITHMETIC_STEPS = (1, 2, 3, 5)
MAX_LENGTH = 1_000_000


def arithmetic_task(n_steps: int = 3, length: int = 30, held_out: int = 5) -> HeldOutTask:
    """Arithmetic series ``1, 1 + s, 1 + 2s, ...`` with steps ``s`` of 1, 2, 3 and 5, next value.

    Each series is split in time order (the last ``held_out`` values test, the ``held_out``
    before them validation). Two more test sets ask series never trained on, over the same test
    span: step 4 (between the trained steps) and step 8 (beyond them).

    >>> task = arithmetic_task()
    >>> len(task.train.x), len(task.val.x), {name: len(w.x) for name, w in task.tests.items()}
    (68, 20, {'trained steps, later values': 20, 'step 4 (not trained)': 5, 'step 8 (beyond)': 5})
    """
    n_steps, length, held_out = _checked_sizes(n_steps, length, held_out)

    def series(step: int) -> np.ndarray:
        return 1.0 + step * np.arange(length)

    splits = [split_in_time(series(step), n_steps, held_out, held_out) for step in ARITHMETIC_STEPS]
    tests = {"trained steps, later values": _merge([split.test for split in splits])}
    for step, label in ((4, "step 4 (not trained)"), (8, "step 8 (beyond)")):
        tests[label] = split_in_time(series(step), n_steps, held_out, held_out).test
    return HeldOutTask(
        "arithmetic steps 1, 2, 3, 5",
        "x[t] = 1 + s*t for s in (1, 2, 3, 5); next value from the last "
        f"{n_steps}; step 4 and step 8 never trained",
        train=_merge([split.train for split in splits]),
        val=_merge([split.val for split in splits]),
        tests=tests,
    )


def noisy_trend_task(n_steps: int = 3, length: int = 150, held_out: int = 25, seed: int = 0) -> HeldOutTask:
    """A noisy line, ``0.5 t + N(0, 1)``: the next value from the last ``n_steps``.

    No model can predict the noise: the best test RMSE is about 1, the noise's own spread.

    >>> task = noisy_trend_task()
    >>> len(task.train.x), len(task.val.x), len(task.tests["later values"].x)
    (97, 25, 25)
    """
    rng = np.random.default_rng(check_int(seed, "seed", minimum=0))
    n_steps, length, held_out = _checked_sizes(n_steps, length, held_out)
    t = np.arange(length)
    return _one_series_task(
        "noisy trend 0.5 t + N(0, 1)",
        f"a line with unit noise; next value from the last {n_steps}",
        split_in_time(0.5 * t + rng.normal(size=length), n_steps, held_out, held_out),
    )


def logistic_series(length: int = 200, r: float = 3.8, start: float = 0.2) -> np.ndarray:
    """``length`` values of the logistic map ``x[t+1] = r x[t] (1 - x[t])`` from ``x[0] = start``.

    >>> logistic_series(3, r=4.0, start=0.5).tolist()
    [0.5, 1.0, 0.0]
    """
    length = check_int(length, "length", minimum=2, maximum=MAX_LENGTH)
    r = check_positive(r, "r")
    start = check_real(start, "start")
    if not (r <= 4 and 0 <= start <= 1):
        raise ValueError(f"r must be <= 4 and start in [0, 1] to stay in [0, 1], got r={r}, start={start}")
    values = np.empty(length)
    values[0] = start
    for t in range(1, length):
        values[t] = r * values[t - 1] * (1 - values[t - 1])
    return values


def logistic_task(
    n_steps: int = 3, length: int = 150, held_out: int = 25, r: float = 3.8, start: float = 0.2
) -> HeldOutTask:
    """The logistic map ``x[t+1] = r x[t] (1 - x[t])`` (chaotic at ``r = 3.8``), next value.

    The next value is a parabola of the last one: non-linear, and it depends on the level of
    the series, not only on its changes. The map has no noise: ``start``, the first value,
    draws another series of the same kind (chaos soon makes it unlike the others).

    >>> task = logistic_task()
    >>> len(task.train.x), bool(task.train.x.max() < 1)
    (97, True)
    >>> float(logistic_task(start=0.5).train.x[0, 0])
    0.5
    """
    n_steps, length, held_out = _checked_sizes(n_steps, length, held_out)
    r = check_positive(r, "r")
    return _one_series_task(
        f"logistic map r = {r:g}",
        f"x[t+1] = {r:g} x[t] (1 - x[t]); next value from the last {n_steps}",
        split_in_time(logistic_series(length, r, start), n_steps, held_out, held_out),
    )


def random_walk_task(n_steps: int = 3, length: int = 150, held_out: int = 25, seed: int = 0) -> HeldOutTask:
    """A Gaussian random walk, ``x[t] = x[t-1] + N(0, 1)``: the next value from the last ``n_steps``.

    Every change is fresh noise, so the best forecast of the next value is the last one: the
    naive forecast is optimal, and a sound recipe can only match it.

    >>> task = random_walk_task()
    >>> len(task.train.x), len(task.tests["later values"].x)
    (97, 25)
    """
    rng = np.random.default_rng(check_int(seed, "seed", minimum=0))
    n_steps, length, held_out = _checked_sizes(n_steps, length, held_out)
    return _one_series_task(
        "random walk",
        f"x[t] = x[t-1] + N(0, 1); next value from the last {n_steps}",
        split_in_time(np.cumsum(rng.normal(size=length)), n_steps, held_out, held_out),
    )


def cycle_task(
    n_steps: int = 12, horizon: int = 5, length: int = 240, held_out: int = 48, seed: int = 0
) -> HeldOutTask:
    """A cycle around a fixed level, ``10 + 5 sin(2 pi t / 12) + N(0, 1)``: the next ``horizon``
    values from the last ``n_steps``.

    The series reverts to its mean: where it will be depends on where in the cycle it is, which
    the level says and the changes alone do not. Its season is 12 steps.

    >>> task = cycle_task()
    >>> task.train.y.shape[1], len(task.tests["later values"].x)
    (5, 44)
    """
    rng = np.random.default_rng(check_int(seed, "seed", minimum=0))
    horizon = check_int(horizon, "horizon", maximum=MAX_LENGTH)
    n_steps, length, held_out = _checked_sizes(n_steps, length, held_out, n_out=horizon)
    t = np.arange(length)
    series = 10 + 5 * np.sin(2 * np.pi * t / 12) + rng.normal(size=length)
    return _one_series_task(
        "cycle around a level",
        f"10 + 5 sin(2 pi t / 12) + N(0, 1); the next {horizon} values from the last {n_steps}",
        split_in_time(series, n_steps, held_out, held_out, n_out=horizon),
    )


def held_out_tasks() -> list[HeldOutTask]:
    """The three tasks of notebook 07 whose windows differ: arithmetic steps, noisy trend, logistic map.

    >>> [task.name for task in held_out_tasks()]
    ['arithmetic steps 1, 2, 3, 5', 'noisy trend 0.5 t + N(0, 1)', 'logistic map r = 3.8']
    """
    return [arithmetic_task(), noisy_trend_task(), logistic_task()]
