import keras
import pytest

from helpers import (
    dense_param_count,
    format_param_table,
    gru_param_count,
    layer_param_table,
    lstm_param_count,
    simple_rnn_param_count,
)


@pytest.mark.parametrize(("input_dim", "units"), [(1, 10), (1, 20), (20, 10), (3, 7)])
def test_lstm_formula_matches_keras(input_dim, units):
    layer = keras.layers.LSTM(units)
    layer.build((None, 5, input_dim))
    assert lstm_param_count(input_dim, units) == layer.count_params()


@pytest.mark.parametrize(("input_dim", "units"), [(1, 10), (1, 20), (20, 10), (3, 7), (1, 1)])
@pytest.mark.parametrize(
    ("layer_type", "formula"), [("GRU", gru_param_count), ("SimpleRNN", simple_rnn_param_count)]
)
def test_gru_and_simple_rnn_formulas_match_keras(input_dim, units, layer_type, formula):
    layer = getattr(keras.layers, layer_type)(units)
    layer.build((None, 5, input_dim))
    assert formula(input_dim, units) == layer.count_params()


def test_gru_and_simple_rnn_counts_by_hand():
    assert gru_param_count(1, 10) == 3 * (1 * 10 + 10 * 10 + 10 + 10) == 390
    assert simple_rnn_param_count(1, 10) == 1 * 10 + 10 * 10 + 10 == 120


@pytest.mark.parametrize(("input_dim", "units"), [(10, 5), (5, 1), (10, 2), (1, 1)])
def test_dense_formula_matches_keras(input_dim, units):
    layer = keras.layers.Dense(units)
    layer.build((None, input_dim))
    assert dense_param_count(input_dim, units) == layer.count_params()


def test_posts_published_counts_by_hand():
    assert lstm_param_count(1, 10) == 4 * ((1 + 1) * 10 + 10**2) == 480
    assert lstm_param_count(1, 20) == 1760
    assert lstm_param_count(20, 10) == 1240
    assert dense_param_count(10, 1) == 11


@pytest.mark.parametrize(
    "function", [lstm_param_count, gru_param_count, simple_rnn_param_count, dense_param_count]
)
@pytest.mark.parametrize(
    ("args", "error"), [((0, 10), ValueError), ((1, -1), ValueError), ((1.0, 10), TypeError)]
)
def test_formulas_reject_bad_sizes(function, args, error):
    with pytest.raises(error, match=r"input_dim|units"):
        function(*args)


def test_table_for_the_stacked_model_of_post_000():
    model = keras.Sequential(
        [
            keras.Input((3, 1)),
            keras.layers.LSTM(20, return_sequences=True),
            keras.layers.LSTM(10),
            keras.layers.Dense(1),
            keras.layers.Dropout(0.1),
        ]
    )
    rows = layer_param_table(model)
    assert [(r.kind, r.input_dim, r.units, r.keras_count, r.formula_count) for r in rows] == [
        ("LSTM", 1, 20, 1760, 1760),
        ("LSTM", 20, 10, 1240, 1240),
        ("Dense", 10, 1, 11, 11),
        ("Dropout", 1, None, 0, None),
    ]
    assert sum(r.keras_count for r in rows) == model.count_params() == 3011


def test_table_rejects_unbuilt_models_and_non_models():
    with pytest.raises(ValueError, match="model must be built"):
        layer_param_table(keras.Sequential([keras.layers.Dense(1)]))
    with pytest.raises(TypeError, match="model must be a Keras model"):
        layer_param_table("not a model")


def test_param_table_text_lists_every_layer():
    model = keras.Sequential([keras.Input((3, 1)), keras.layers.LSTM(10), keras.layers.Dense(1)])
    lines = format_param_table(layer_param_table(model)).splitlines()
    assert lines[0].split() == ["layer", "type", "input", "dim", "units", "Keras", "formula"]
    assert [line.split()[1:] for line in lines[2:]] == [
        ["LSTM", "1", "10", "480", "480"],
        ["Dense", "10", "1", "11", "11"],
    ]


def test_table_works_on_a_functional_model_and_skips_its_input_layers():
    first, second = keras.Input((3, 1)), keras.Input((3, 1))
    merged = keras.layers.Concatenate()([keras.layers.LSTM(4)(first), keras.layers.GRU(2)(second)])
    model = keras.Model([first, second], keras.layers.Dense(1)(merged))
    rows = layer_param_table(model)
    assert [(row.kind, row.keras_count, row.formula_count) for row in rows] == [
        ("LSTM", 96, 96),
        ("GRU", 30, 30),
        ("Concatenate", 0, None),
        ("Dense", 7, 7),
    ]
    assert rows[2].input_dim is None  # two inputs: no single input dimension


@pytest.mark.parametrize(
    ("layer", "note"),
    [
        (keras.layers.LSTM(4, use_bias=False), "use_bias=False"),
        (keras.layers.Dense(3, use_bias=False), "use_bias=False"),
        (keras.layers.GRU(4, reset_after=False), "reset_after=False"),
    ],
)
def test_table_flags_layers_the_formula_does_not_describe(layer, note):
    model = keras.Sequential([keras.Input((3, 2)), layer])
    (row,) = layer_param_table(model)
    assert row.formula_count is None and note in row.note
    table = format_param_table([row])
    assert table.splitlines()[0].endswith("note") and note in table
