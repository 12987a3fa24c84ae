import os
import platform
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


@pytest.mark.skipif(
    platform.machine().lower() not in ("x86_64", "amd64"), reason="oneDNN ops are an x86 build's switch"
)
def test_control_the_environment_turns_onednn_on_without_setup():
    """The control for the test above: without setup_notebook, the same environment turns oneDNN
    on. (Whether TensorFlow turns it on by default depends on the CPU, so the control asks.)"""
    result = run_fresh_python(
        "from tensorflow.python.util import _pywrap_util_port as port; print(port.IsMklEnabled())",
        env={**environment_without("TF_CPP_MIN_LOG_LEVEL"), "TF_ENABLE_ONEDNN_OPTS": "1"},
    )
    assert result.stdout.strip() == "True", result.stderr


def cpu_has_avx2():
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            return " avx2 " in cpuinfo.read().replace("\n", " ")
    except OSError:
        return False


GEMM_ISA_PROBE = "import tensorflow as tf\ntf.matmul(tf.ones((8, 8)), tf.ones((8, 8)))\n"


def gemm_isa(stdout):
    """The instruction set oneDNN reports (``ONEDNN_VERBOSE=1``) it uses, from a run of the probe."""
    lines = [line for line in stdout.splitlines() if line.startswith("onednn_verbose") and ",isa:" in line]
    assert lines, stdout
    return lines[0].split(",isa:")[1]


needs_avx2 = pytest.mark.skipif(not cpu_has_avx2(), reason="oneDNN's x86 kernels; the pinned one needs AVX2")


@needs_avx2
def test_setup_pins_the_avx2_gemm_whatever_the_environment_says():
    result = run_fresh_python(
        "import helpers\nhelpers.setup_notebook(0)\n" + GEMM_ISA_PROBE,
        env={**os.environ, "ONEDNN_MAX_CPU_ISA": "SSE41", "ONEDNN_VERBOSE": "1"},
    )
    assert gemm_isa(result.stdout) == "Intel AVX2", result.stderr


@needs_avx2
def test_control_onednn_gemm_follows_onednn_max_cpu_isa():
    """The control for the test above: without setup_notebook, the environment picks the kernel."""
    result = run_fresh_python(
        GEMM_ISA_PROBE,
        env={
            **os.environ,
            "TF_ENABLE_ONEDNN_OPTS": "0",
            "ONEDNN_MAX_CPU_ISA": "SSE41",
            "ONEDNN_VERBOSE": "1",
            "TF_CPP_MIN_LOG_LEVEL": "3",
        },
    )
    assert gemm_isa(result.stdout) == "Intel SSE4.1", result.stderr


@pytest.mark.parametrize(
    "imported_with",
    [
        {"TF_ENABLE_ONEDNN_OPTS": "1", "ONEDNN_MAX_CPU_ISA": "AVX2"},
        {"TF_ENABLE_ONEDNN_OPTS": "0", "ONEDNN_MAX_CPU_ISA": "AVX512_CORE"},
    ],
)
def test_setup_refuses_to_run_after_tensorflow_was_imported_with_other_onednn_settings(imported_with):
    result = run_fresh_python(
        f"""
        import os
        os.environ.update({imported_with!r})
        import tensorflow, helpers
        try:
            helpers.setup_notebook(0)
        except RuntimeError as error:
            print("refused:", "restart the kernel" in str(error))
        """
    )
    assert result.stdout.strip() == "refused: True", result.stderr
