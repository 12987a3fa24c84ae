"""An LSTM forward pass written from scratch in NumPy, with the same weights and results as Keras.

``keras.layers.LSTM`` keeps its weights in three arrays, as ``layer.get_weights()`` returns them:
``kernel`` ``(features, 4 * units)`` for the input, ``recurrent_kernel`` ``(units, 4 * units)``
for the previous hidden state, and ``bias`` ``(4 * units,)``. Each holds four gates side by side,
in the order input ``i``, forget ``f``, cell candidate ``g``, output ``o``. The gates use the
sigmoid; the candidate and the cell-state output use the layer's ``activation``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from helpers._validation import as_finite_array, check_bool, check_choice

GATE_NAMES = ("input", "forget", "candidate", "output")
_ACTIVATIONS = {"tanh": np.tanh, "relu": lambda values: np.maximum(values, 0.0)}


class LSTMStep(NamedTuple):
    """Everything one time step computes, each ``(batch, units)``."""

    input_gate: np.ndarray
    forget_gate: np.ndarray
    candidate: np.ndarray
    output_gate: np.ndarray
    cell: np.ndarray
    hidden: np.ndarray


def _sigmoid(values: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * values))  # the same function, without overflow for large |x|


def _checked_weights(
    kernel: object, recurrent_kernel: object, bias: object
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    kernel = as_finite_array(kernel, "kernel").astype(np.float64)
    recurrent_kernel = as_finite_array(recurrent_kernel, "recurrent_kernel").astype(np.float64)
    bias = as_finite_array(bias, "bias").astype(np.float64)
    if recurrent_kernel.ndim != 2 or recurrent_kernel.shape[1] != 4 * recurrent_kernel.shape[0]:
        raise ValueError(f"recurrent_kernel must have shape (units, 4 * units), got {recurrent_kernel.shape}")
    units = recurrent_kernel.shape[0]
    if kernel.ndim != 2 or kernel.shape[1] != 4 * units:
        raise ValueError(f"kernel must have shape (features, {4 * units}), got {kernel.shape}")
    if bias.shape != (4 * units,):
        raise ValueError(f"bias must have shape ({4 * units},), got {bias.shape}")
    return kernel, recurrent_kernel, bias


def _checked_activation(activation: str) -> str:
    return check_choice(activation, "activation", tuple(_ACTIVATIONS))


def lstm_step(
    x_t: object,
    hidden: object,
    cell: object,
    kernel: object,
    recurrent_kernel: object,
    bias: object,
    activation: str = "tanh",
) -> LSTMStep:
    """One LSTM time step: inputs ``x_t`` ``(batch, features)`` and the previous state.

    ``z = x_t @ kernel + hidden @ recurrent_kernel + bias`` is split into the four gates:
    ``cell' = f * cell + i * g`` and ``hidden' = o * activation(cell')``.

    >>> step = lstm_step([[1.0]], [[0.0]], [[0.0]], [[0, 0, 1, 0]], [[0, 0, 0, 0]], [0] * 4)
    >>> [round(float(value[0, 0]), 4) for value in step]  # i, f = sigmoid(0); g = tanh(1)
    [0.5, 0.5, 0.7616, 0.5, 0.3808, 0.1817]
    """
    kernel, recurrent_kernel, bias = _checked_weights(kernel, recurrent_kernel, bias)
    act = _ACTIVATIONS[_checked_activation(activation)]
    units = recurrent_kernel.shape[0]
    x_t = as_finite_array(x_t, "x_t").astype(np.float64)
    hidden = as_finite_array(hidden, "hidden").astype(np.float64)
    cell = as_finite_array(cell, "cell").astype(np.float64)
    if x_t.ndim != 2 or x_t.shape[1] != kernel.shape[0]:
        raise ValueError(f"x_t must have shape (batch, {kernel.shape[0]}), got {x_t.shape}")
    for name, state in (("hidden", hidden), ("cell", cell)):
        if state.shape != (x_t.shape[0], units):
            raise ValueError(f"{name} must have shape ({x_t.shape[0]}, {units}), got {state.shape}")
    z = x_t @ kernel + hidden @ recurrent_kernel + bias
    z_i, z_f, z_g, z_o = np.split(z, 4, axis=1)
    input_gate, forget_gate, output_gate = _sigmoid(z_i), _sigmoid(z_f), _sigmoid(z_o)
    candidate = act(z_g)
    new_cell = forget_gate * cell + input_gate * candidate
    return LSTMStep(input_gate, forget_gate, candidate, output_gate, new_cell, output_gate * act(new_cell))


def lstm_steps(
    x: object, kernel: object, recurrent_kernel: object, bias: object, activation: str = "tanh"
) -> list[LSTMStep]:
    """Run the LSTM over windows ``x`` ``(batch, timesteps, features)``; one :class:`LSTMStep` per step.

    The state starts at zero, as in Keras.

    >>> steps = lstm_steps(np.ones((2, 3, 1)), np.zeros((1, 8)), np.zeros((2, 8)), np.zeros(8))
    >>> len(steps), steps[-1].hidden.shape
    (3, (2, 2))
    """
    kernel, recurrent_kernel, bias = _checked_weights(kernel, recurrent_kernel, bias)
    _checked_activation(activation)
    x = as_finite_array(x, "x").astype(np.float64)
    if x.ndim != 3 or x.shape[2] != kernel.shape[0]:
        raise ValueError(f"x must have shape (batch, timesteps, {kernel.shape[0]}), got {x.shape}")
    hidden = np.zeros((x.shape[0], recurrent_kernel.shape[0]))
    cell = np.zeros_like(hidden)
    steps = []
    for t in range(x.shape[1]):
        step = lstm_step(x[:, t], hidden, cell, kernel, recurrent_kernel, bias, activation)
        hidden, cell = step.hidden, step.cell
        steps.append(step)
    return steps


def lstm_forward(
    x: object,
    kernel: object,
    recurrent_kernel: object,
    bias: object,
    activation: str = "tanh",
    return_sequences: bool = False,
) -> np.ndarray:
    """What ``keras.layers.LSTM`` returns for ``x``, computed in NumPy from the layer's weights.

    Output ``(batch, units)``, or ``(batch, timesteps, units)`` with ``return_sequences=True``.

    One unit, input 1 then 2; only the candidate (weight 1) and output gate (weight 10) see it:
    ``c1 = 0.5 * tanh(1)``, ``c2 = 0.5 * c1 + 0.5 * tanh(2) = 0.6724``, ``h2 ≈ 1 * tanh(c2)``.

    >>> kernel = np.array([[0.0, 0.0, 1.0, 10.0]])
    >>> lstm_forward([[[1.0], [2.0]]], kernel, np.zeros((1, 4)), np.zeros(4)).round(3)
    array([[0.587]])
    """
    return_sequences = check_bool(return_sequences, "return_sequences")
    steps = lstm_steps(x, kernel, recurrent_kernel, bias, activation)
    if return_sequences:
        return np.stack([step.hidden for step in steps], axis=1)
    return steps[-1].hidden
