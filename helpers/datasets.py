"""Real series shipped inside installed packages: no network at run time."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from helpers._validation import check_int

if TYPE_CHECKING:
    import pandas as pd

WEATHER_COLUMNS = ("temp_max", "temp_min", "precipitation", "wind")


def seattle_weather() -> pd.DataFrame:
    """Seattle's daily weather, 2012-2015: one row per day, indexed by date.

    Columns: ``temp_max`` and ``temp_min`` (°C), ``precipitation`` (mm) and ``wind`` (m/s),
    from NOAA's daily station records, as the ``vega_datasets`` package ships them (MIT
    licence; NOAA's data are public domain). Its text column ``weather`` (a label such as
    "rain") is left out. Every day from 2012-01-01 to 2015-12-31 is there, none missing.

    >>> weather = seattle_weather()
    >>> weather.shape, str(weather.index[0].date()), weather.iloc[0].tolist()
    ((1461, 4), '2012-01-01', [12.8, 5.0, 0.0, 4.7])
    """
    from vega_datasets import local_data

    table = local_data.seattle_weather().set_index("date")
    return table[list(WEATHER_COLUMNS)].astype("float64")


class WeatherWindows(NamedTuple):
    """Windows of :func:`seattle_weather`, split in time; see :func:`weather_windows`."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    train_end: int
    val_end: int


def weather_windows(steps: int = 7) -> WeatherWindows:
    """Notebook 11's windows: ``steps`` days of the four variables, and the next day's ``temp_max``.

    Windows have shape ``(windows, steps, 4)`` in the column order of :func:`seattle_weather`.
    The targets split in time: 2012-2013 train (from day ``steps`` on), 2014 validates, 2015 tests.
    ``train_end`` and ``val_end`` are the row numbers of the first validation and the first test
    day. The windows are the ones ``keras.utils.timeseries_dataset_from_array`` gives in
    notebook 11 (its tests check that), cut here with NumPy.

    >>> data = weather_windows()
    >>> data.x_train.shape, data.x_val.shape, data.x_test.shape, data.train_end, data.val_end
    ((724, 7, 4), (365, 7, 4), (365, 7, 4), 731, 1096)
    >>> float(data.y_val[0]), float(data.x_val[0, -1, 0])  # 1 January 2014, and the day before
    (7.2, 8.3)
    """
    from numpy.lib.stride_tricks import sliding_window_view

    steps = check_int(steps, "steps", minimum=1, maximum=365)
    weather = seattle_weather()
    features, temp_max = weather.to_numpy(), weather["temp_max"].to_numpy()
    train_end = int((weather.index < "2014-01-01").sum())
    val_end = int((weather.index < "2015-01-01").sum())
    # window i holds days i .. i + steps - 1; its target is day i + steps
    windows = sliding_window_view(features[:-1], steps, axis=0).transpose(0, 2, 1)
    spans = [(steps, train_end), (train_end, val_end), (val_end, len(features))]
    parts = []
    for first, end in spans:
        parts += [windows[first - steps : end - steps].copy(), temp_max[first:end].copy()]
    return WeatherWindows(*parts, train_end=train_end, val_end=val_end)
