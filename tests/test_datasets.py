"""The bundled weather series: complete, daily, and what the package's own file says."""

import io
import pkgutil

import numpy as np
import pandas as pd

import helpers


def test_seattle_weather_is_every_day_of_four_years_with_no_gap():
    weather = helpers.seattle_weather()
    assert list(weather.columns) == ["temp_max", "temp_min", "precipitation", "wind"]
    expected_days = pd.date_range("2012-01-01", "2015-12-31", freq="D")
    assert weather.index.equals(expected_days.rename("date").as_unit(weather.index.unit))
    assert not weather.isna().to_numpy().any()


def test_seattle_weather_holds_the_packages_csv_values():
    raw = pd.read_csv(io.BytesIO(pkgutil.get_data("vega_datasets", "_data/seattle-weather.csv")))
    weather = helpers.seattle_weather()
    np.testing.assert_array_equal(weather["temp_max"].to_numpy(), raw["temp_max"].to_numpy())
    np.testing.assert_array_equal(weather["precipitation"].to_numpy(), raw["precipitation"].to_numpy())
    assert (weather["temp_min"] <= weather["temp_max"]).all()
