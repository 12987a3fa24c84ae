import subprocess
import sys
import textwrap

import pytest

from helpers import setup_notebook


def run_fresh_python(code):
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=300
    )


def test_importing_helpers_does_not_start_tensorflow():
    result = run_fresh_python("import sys, helpers; print('tensorflow' in sys.modules)")
    assert result.stdout.strip() == "False", result.stderr


def test_setup_hides_tensorflow_start_up_lines_and_training_is_silent():
    result = run_fresh_python(
        """
        import helpers
        helpers.setup_notebook(seed=1)
        import keras, numpy as np
        model = keras.Sequential([keras.Input((3, 1)), keras.layers.LSTM(2), keras.layers.Dense(1)])
        model.compile(optimizer="adam", loss="mse")
        model.fit(np.ones((2, 3, 1)), np.ones(2), epochs=1, verbose=0)
        for _ in range(7):
            model.predict(np.ones((1, 3, 1)), verbose=0)
        print("done")
        """
    )
    assert result.stdout.strip() == "done"
    assert result.stderr == ""


def test_without_setup_tensorflow_is_noisy():
    """The control for the test above: the lines it hides do appear otherwise."""
    result = run_fresh_python("import tensorflow")
    assert "absl::InitializeLog" in result.stderr or "oneDNN" in result.stderr


def test_same_seed_same_weights_in_two_processes():
    code = """
        import helpers
        helpers.setup_notebook(seed=7)
        import keras
        layer = keras.layers.LSTM(3)
        layer.build((None, 3, 1))
        print(layer.get_weights()[0].ravel()[:4].tolist())
        """
    first, second = run_fresh_python(code), run_fresh_python(code)
    assert first.stdout == second.stdout and first.stdout.startswith("[")


@pytest.mark.parametrize(("seed", "error"), [(-1, ValueError), (1.5, TypeError), ("1", TypeError)])
def test_setup_rejects_bad_seeds(seed, error):
    with pytest.raises(error, match="seed"):
        setup_notebook(seed=seed)
