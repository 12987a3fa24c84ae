"""The bundled weather series: complete, daily, and what the package's own file says."""

import io
import pkgutil

import numpy as np
import pandas as pd
import pytest

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


def keras_windows(first, end, steps):
    """Notebook 11's construction: the windows whose targets are days [first, end)."""
    import keras

    weather = helpers.seattle_weather()
    features, temp_max = weather.to_numpy(), weather["temp_max"].to_numpy()
    dataset = keras.utils.timeseries_dataset_from_array(
        features[:-1],
        targets=temp_max[steps:],
        sequence_length=steps,
        start_index=first - steps,
        end_index=None if end == len(features) else end - 1,
        batch_size=2048,
    )
    ((x, y),) = list(dataset)
    return np.asarray(x), np.asarray(y)


@pytest.mark.parametrize("steps", [1, 7, 30])
def test_weather_windows_are_the_ones_keras_cuts(steps):
    data = helpers.weather_windows(steps)
    spans = [(steps, data.train_end), (data.train_end, data.val_end), (data.val_end, 1461)]
    pairs = [(data.x_train, data.y_train), (data.x_val, data.y_val), (data.x_test, data.y_test)]
    for (first, end), (x, y) in zip(spans, pairs, strict=True):
        x_keras, y_keras = keras_windows(first, end, steps)
        np.testing.assert_array_equal(x, x_keras)
        np.testing.assert_array_equal(y, y_keras)
    assert data.train_end == 731 and data.val_end == 1096  # 2012 is a leap year


def test_weather_windows_refuses_a_length_it_cannot_cut():
    for steps in (0, 366, 2.5, "7"):
        with pytest.raises(ValueError, match="steps must be"):
            helpers.weather_windows(steps)
    assert helpers.weather_windows(np.int64(3)).x_train.shape == (728, 3, 4)
