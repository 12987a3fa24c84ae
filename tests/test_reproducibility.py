import os
import subprocess
import sys
import textwrap

import pytest

from helpers import setup_notebook


def run_fresh_python(code, env=None):
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=300, env=env
    )


def environment_without(*names):
    """This process's environment without ``names``: as a reader's shell would start TensorFlow."""
    return {key: value for key, value in os.environ.items() if key not in names}


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
    result = run_fresh_python(
        "import tensorflow", env=environment_without("TF_CPP_MIN_LOG_LEVEL", "TF_ENABLE_ONEDNN_OPTS")
    )
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


def test_setup_turns_onednn_off_whatever_the_environment_says():
    result = run_fresh_python(
        """
        import os, helpers
        helpers.setup_notebook(0)
        from tensorflow.python.util import _pywrap_util_port as port
        print(os.environ["TF_ENABLE_ONEDNN_OPTS"], port.IsMklEnabled())
        """,
        env={**os.environ, "TF_ENABLE_ONEDNN_OPTS": "1"},
    )
    assert result.stdout.split() == ["0", "False"], result.stderr


def test_control_onednn_is_on_by_default_on_this_machine():
    """The control for the test above: without setup_notebook, TensorFlow turns oneDNN on here."""
    result = run_fresh_python(
        "from tensorflow.python.util import _pywrap_util_port as port; print(port.IsMklEnabled())",
        env=environment_without("TF_ENABLE_ONEDNN_OPTS"),
    )
    assert result.stdout.strip() == "True", result.stderr


def test_setup_refuses_to_run_after_tensorflow_was_imported_with_onednn_on():
    result = run_fresh_python(
        """
        import os
        os.environ["TF_ENABLE_ONEDNN_OPTS"] = "1"
        import tensorflow, helpers
        try:
            helpers.setup_notebook(0)
        except RuntimeError as error:
            print("refused:", "restart the kernel" in str(error))
        """
    )
    assert result.stdout.strip() == "refused: True", result.stderr
