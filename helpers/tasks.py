"""The four tasks of the two posts, each with its data, its queries and the post's recipe.

Notebooks 01-04 write each post's data out inline, as the post does; the benchmark and
notebooks 06-07, which run all four side by side, take them from here. Labels are as
corrected in notebook 02 (the post has ``[10, 11, 12] -> 1``; the pattern says 11).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from helpers.recipes import Recipe
from helpers.windows import split_sequence


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
    stacked = Recipe(lstm_units=(20, 10), dense_units=(1,), epochs=200, early_stopping_patience=20)
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
            Recipe(lstm_units=(10,), dense_units=(5, 1)),
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
            Recipe(lstm_units=(10,), dense_units=(1,), epochs=400),
        ),
    ]
