"""Model analysis: parameter counts from the formulas, checked against what Keras reports."""

from __future__ import annotations

from typing import Any, NamedTuple

from helpers._validation import ArgumentError, check_int


def lstm_param_count(input_dim: int, units: int) -> int:
    """Weights of one ``keras.layers.LSTM``: four gates, each ``(input_dim + 1) * units + units**2``.

    Each gate has a kernel ``(input_dim, units)``, a recurrent kernel ``(units, units)`` and a
    bias ``(units,)``.

    >>> lstm_param_count(input_dim=1, units=10)
    480
    """
    input_dim = check_int(input_dim, "input_dim")
    units = check_int(units, "units")
    return 4 * ((input_dim + 1) * units + units**2)


def gru_param_count(input_dim: int, units: int) -> int:
    """Weights of one ``keras.layers.GRU`` (Keras' default ``reset_after=True``): three gates.

    Each gate (update, reset, candidate) has a kernel ``(input_dim, units)``, a recurrent kernel
    ``(units, units)`` and two biases ``(units,)``, one for the input and one for the recurrent
    part, so ``3 * ((input_dim + 2) * units + units**2)``.

    >>> gru_param_count(input_dim=1, units=10)
    390
    """
    input_dim = check_int(input_dim, "input_dim")
    units = check_int(units, "units")
    return 3 * ((input_dim + 2) * units + units**2)


def simple_rnn_param_count(input_dim: int, units: int) -> int:
    """Weights of one ``keras.layers.SimpleRNN``: one kernel, one recurrent kernel, one bias.

    ``(input_dim + 1) * units + units**2``: a quarter of an LSTM's, a third of a GRU's (nearly).

    >>> simple_rnn_param_count(input_dim=1, units=10)
    120
    """
    input_dim = check_int(input_dim, "input_dim")
    units = check_int(units, "units")
    return (input_dim + 1) * units + units**2


def dense_param_count(input_dim: int, units: int) -> int:
    """Weights of one ``keras.layers.Dense``: a kernel ``(input_dim, units)`` plus a bias ``(units,)``.

    >>> dense_param_count(input_dim=10, units=5)
    55
    """
    input_dim = check_int(input_dim, "input_dim")
    units = check_int(units, "units")
    return (input_dim + 1) * units


_FORMULAS = {
    "LSTM": lstm_param_count,
    "GRU": gru_param_count,
    "SimpleRNN": simple_rnn_param_count,
    "Dense": dense_param_count,
}


class LayerParams(NamedTuple):
    """One row of :func:`layer_param_table`; ``note`` says why a formula does not apply."""

    name: str
    kind: str
    input_dim: int | None
    units: int | None
    keras_count: int
    formula_count: int | None
    note: str = ""


def _formula_note(layer: Any) -> str:
    """Why the formulas here do not describe ``layer``, or ``""`` when they do."""
    if getattr(layer, "use_bias", True) is False:
        return "use_bias=False: the formula counts biases"
    if type(layer).__name__ == "GRU" and getattr(layer, "reset_after", True) is False:
        return "reset_after=False: one bias per gate, 3((d+1)u + u^2)"
    return ""


def layer_param_table(model: Any) -> list[LayerParams]:
    """List each layer's parameter count from Keras beside the count from the formula.

    Works on ``keras.Sequential`` and functional ``keras.Model`` s alike (their input layers are
    skipped). ``formula_count`` is ``None`` for layer types without a formula here, and for
    layers built with options the formula does not cover, which ``note`` names
    (``use_bias=False``, a GRU's ``reset_after=False``). An ``Embedding`` row shows the
    vocabulary size as its input dimension and the vector size as its units (a table of
    ``input_dim * units`` numbers). The model must be built (for example started with
    ``keras.Input``).

    >>> import keras
    >>> model = keras.Sequential([keras.Input((3, 1)), keras.layers.LSTM(10), keras.layers.Dense(1)])
    >>> [(row.kind, row.keras_count, row.formula_count) for row in layer_param_table(model)]
    [('LSTM', 480, 480), ('Dense', 11, 11)]
    """
    layers = getattr(model, "layers", None)
    if not isinstance(layers, list) or not hasattr(model, "count_params"):
        raise ArgumentError(f"model must be a Keras model, got {type(model).__name__}")
    if not getattr(model, "built", False):
        raise ValueError("model must be built: start it with keras.Input(shape=...) or call it once")
    if not hasattr(model, "inputs") or model.inputs is None:  # subclassed: layers never saw a tensor
        raise ArgumentError(
            f"model must be a keras.Sequential or functional keras.Model: a subclassed model "
            f"({type(model).__name__}) keeps no record of its layers' inputs to read the sizes from"
        )
    rows = []
    for layer in layers:
        kind = type(layer).__name__
        if kind == "InputLayer":
            continue
        if kind == "Embedding":  # a lookup table: vocabulary size x vector size
            input_dim, units = int(layer.input_dim), int(layer.output_dim)
            rows.append(
                LayerParams(layer.name, kind, input_dim, units, int(layer.count_params()), input_dim * units)
            )
            continue
        inputs = layer.input
        input_dim = (
            int(inputs.shape[-1]) if hasattr(inputs, "shape") and inputs.shape[-1] is not None else None
        )
        units = getattr(layer, "units", None)
        note = _formula_note(layer)
        formula = _FORMULAS.get(kind) if not note and input_dim is not None and units else None
        rows.append(
            LayerParams(
                name=layer.name,
                kind=kind,
                input_dim=input_dim,
                units=None if units is None else int(units),
                keras_count=int(layer.count_params()),
                formula_count=formula(input_dim, int(units)) if formula else None,
                note=note,
            )
        )
    return rows
