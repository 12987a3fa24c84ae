"""Plain-text tables: readable in a notebook and stable under nbval's exact text comparison."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from helpers._validation import ArgumentError, check_instance, check_int, check_mapping, check_str
from helpers.analysis import LayerParams
from helpers.evaluation import SeedSpread


def _cell(value: object, decimals: int) -> str:
    if isinstance(value, float | np.floating):
        text = f"{value:.{decimals}f}"
        return f"{0.0:.{decimals}f}" if text.lstrip("-").strip("0.") == "" else text
    return "" if value is None else str(value.item() if isinstance(value, np.generic) else value)


def _is_row_list(value: object) -> bool:
    """Whether ``value`` is a list of rows or of cells: a sequence or an array with an axis, not text.

    >>> _is_row_list([1, (2, 3)]), _is_row_list("ab"), _is_row_list(np.float64(1.0))
    (True, False, False)
    """
    if isinstance(value, np.ndarray):
        return value.ndim > 0
    return isinstance(value, Sequence) and not isinstance(value, str | bytes)


def format_table(headers: Sequence[str], rows: Sequence[Sequence[object]], decimals: int = 3) -> str:
    """Render rows as an aligned text table; floats are rounded to ``decimals`` places.

    A float that rounds to zero prints without a sign, so ``-0.0001`` cannot flip a stored output.
    Any other cell (a string, an int, a tuple ...) prints as ``str(cell)``, ``None`` as nothing.

    >>> print(format_table(["seed", "prediction"], [[0, 11.9351], [1, -0.00002]], decimals=2))
    seed  prediction
    ----  ----------
       0       11.94
       1        0.00
    """
    if isinstance(headers, str) or not isinstance(headers, Sequence) or not headers:
        raise ArgumentError(f"headers must be a non-empty list of column names, got {headers!r:.80}")
    for header in headers:
        check_str(header, "each of headers")
    if not _is_row_list(rows):
        raise ArgumentError(f"rows must be a list of rows, got {type(rows).__name__}")
    decimals = check_int(decimals, "decimals", minimum=0, maximum=15)
    for number, row in enumerate(rows):
        if not _is_row_list(row):
            raise ArgumentError(f"rows[{number}] must be a list of values, got {type(row).__name__}")
        if len(row) != len(headers):
            raise ValueError(f"rows[{number}] has {len(row)} values for {len(headers)} headers")
    texts = [[_cell(value, decimals) for value in row] for row in rows]
    widths = [max([len(header), *(len(row[i]) for row in texts)]) for i, header in enumerate(headers)]
    lines = ["  ".join(str(h).ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(t.rjust(w) for t, w in zip(row, widths, strict=True)) for row in texts]
    return "\n".join(lines)


def format_spreads(spreads: Mapping[str, SeedSpread], decimals: int = 3) -> str:
    """Render named :class:`SeedSpread` results as one table, a row per name.

    >>> from helpers.evaluation import seed_spread
    >>> print(format_spreads({"post": seed_spread([11.9, 15.3], 14), "ours": seed_spread([14.0, 14.0], 14)}))
          lowest  highest  median error  worst error  within ±0.05
    ----  ------  -------  ------------  -----------  ------------
    post  11.900   15.300         1.700        2.100        0 of 2
    ours  14.000   14.000         0.000        0.000        2 of 2
    """
    check_mapping(spreads, "spreads")
    for name, spread in spreads.items():
        check_instance(spread, f"spreads[{name!r}]", SeedSpread, "a SeedSpread from helpers.seed_spread")
    tolerances = {spread.tolerance for spread in spreads.values()}
    if len(tolerances) != 1:
        raise ValueError(f"spreads must share one tolerance, got {sorted(tolerances)}")
    rows = [
        [
            name,
            s.lowest,
            s.highest,
            s.median_abs_error,
            s.worst_abs_error,
            f"{s.within_tolerance} of {s.runs}",
        ]
        for name, s in spreads.items()
    ]
    headers = ["", "lowest", "highest", "median error", "worst error", f"within ±{tolerances.pop():g}"]
    return format_table(headers, rows, decimals=decimals)


def format_param_table(rows: Sequence[LayerParams]) -> str:
    """Render :func:`helpers.layer_param_table` rows: each layer's count from Keras and the formula.

    A ``note`` column appears when a layer has one (a formula that does not apply to it).

    >>> from helpers.analysis import LayerParams
    >>> print(format_param_table([LayerParams("lstm", "LSTM", 1, 10, 480, 480)]))
    layer  type  input dim  units  Keras  formula
    -----  ----  ---------  -----  -----  -------
     lstm  LSTM          1     10    480      480
    """
    if isinstance(rows, str) or not isinstance(rows, Sequence) or not rows:
        raise ArgumentError(f"rows must be a non-empty list from helpers.layer_param_table, got {rows!r:.80}")
    for row in rows:
        check_instance(row, "each of rows", LayerParams, "a LayerParams from helpers.layer_param_table")
    headers = ["layer", "type", "input dim", "units", "Keras", "formula"]
    if any(row.note for row in rows):
        return format_table([*headers, "note"], rows)
    return format_table(headers, [row[:-1] for row in rows])
