"""Real series shipped inside installed packages: no network at run time."""

from __future__ import annotations

from typing import TYPE_CHECKING

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
