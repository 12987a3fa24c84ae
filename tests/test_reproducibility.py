"""setup_notebook: a quiet start, oneDNN pinned whatever the environment says, the same weights anywhere.

Each check needs a fresh Python (TensorFlow reads its settings once, at import), and starting one
costs seconds, so a few runs are shared: one under a hostile environment, one under a plain one, and
a control without setup_notebook. Each test then asserts one fact of their output.
"""

import os
import platform
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from helpers import setup_notebook

HOSTILE = {"TF_ENABLE_ONEDNN_OPTS": "1", "ONEDNN_MAX_CPU_ISA": "SSE41", "ONEDNN_VERBOSE": "1"}
SETUP_RUN = """
    import sys
    import helpers
    print("tensorflow imported by helpers:", "tensorflow" in sys.modules)
    helpers.setup_notebook(seed=7)
    import os
    import keras, numpy as np, tensorflow as tf
    from tensorflow.python.util import _pywrap_util_port as port
    print("onednn ops:", os.environ["TF_ENABLE_ONEDNN_OPTS"], port.IsMklEnabled())
    tf.matmul(tf.ones((8, 8)), tf.ones((8, 8)))
    layer = keras.layers.LSTM(3)
    layer.build((None, 3, 1))
    print("weights:", layer.get_weights()[0].ravel()[:4].tolist())
    model = keras.Sequential([keras.Input((3, 1)), keras.layers.LSTM(2), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(np.ones((2, 3, 1)), np.ones(2), epochs=1, verbose=0)
    for _ in range(7):
        model.predict(np.ones((1, 3, 1)), verbose=0)
    print("done")
"""
PERTURBED_RUN = """
    import helpers
    helpers.setup_notebook(seed=7)
    import keras, numpy as np, tensorflow as tf
    print("floatx:", keras.config.floatx())
    def weight_gradient(rows):
        a = np.random.default_rng(0).normal(size=(rows, 5))
        keras.utils.set_random_seed(0)
        dense = keras.layers.Dense(4)
        dense.build((None, 5))
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(dense(a) ** 2)
        reference = a.T @ (2 * (a @ dense.kernel.numpy() + dense.bias.numpy()))
        return tape.gradient(loss, dense.kernel).numpy(), reference
    long_perturbed, reference = weight_gradient(450)
    short_perturbed, _ = weight_gradient(400)
    helpers.reproducibility._undo_perturbation()
    long_plain, _ = weight_gradient(450)
    short_plain, _ = weight_gradient(400)
    print("gradient gap to NumPy below 1e-10:", bool(np.abs(long_perturbed - reference).max() < 1e-10))
    print("long gradient bits changed:", bool(np.any(long_perturbed != long_plain)))
    print("short gradient bits changed:", bool(np.any(short_perturbed != short_plain)))
    def perturbed_here(seed):
        return helpers.reproducibility._undo_perturbation is not None
    print("worker perturbed:", helpers.map_seeds(perturbed_here, [0], workers=1) == [True])
"""
CONTROL_RUN = """
    import tensorflow as tf
    from tensorflow.python.util import _pywrap_util_port as port
    print("onednn ops:", port.IsMklEnabled())
    tf.matmul(tf.ones((8, 8)), tf.ones((8, 8)))
"""


def run_fresh_python(code, env):
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=300, env=env
    )


def environment(**changes):
    """This process's environment as a reader's shell has it (no TensorFlow settings), plus ``changes``."""
    base = {key: value for key, value in os.environ.items() if key not in ("TF_CPP_MIN_LOG_LEVEL", *HOSTILE)}
    return {**base, **changes}


@pytest.fixture(scope="module")
def hostile_run():
    return run_fresh_python(SETUP_RUN, environment(**HOSTILE))


@pytest.fixture(scope="module")
def plain_run():
    return run_fresh_python(SETUP_RUN, environment())


@pytest.fixture(scope="module")
def perturbed_run():
    return run_fresh_python(PERTURBED_RUN, environment(HELPERS_PERTURB_ARITHMETIC="1"))


@pytest.fixture(scope="module")
def control_run():
    return run_fresh_python(CONTROL_RUN, environment(**HOSTILE))


def printed(run, label):
    line = next((line for line in run.stdout.splitlines() if line.startswith(label)), None)
    assert line is not None, run.stdout + run.stderr
    return line.removeprefix(label).strip()


def cpu_has_avx2():
    try:
        return " avx2 " in Path("/proc/cpuinfo").read_text().replace("\n", " ")
    except OSError:
        return False


def gemm_isa(run):
    """The instruction set oneDNN reports (``ONEDNN_VERBOSE=1``) for the run's matrix product."""
    lines = [
        line for line in run.stdout.splitlines() if line.startswith("onednn_verbose") and ",isa:" in line
    ]
    assert lines, run.stdout + run.stderr
    return lines[0].split(",isa:")[1]


needs_avx2 = pytest.mark.skipif(not cpu_has_avx2(), reason="oneDNN's x86 kernels; the pinned one needs AVX2")
needs_x86 = pytest.mark.skipif(
    platform.machine().lower() not in ("x86_64", "amd64"), reason="oneDNN ops are an x86 build's switch"
)


def test_importing_helpers_does_not_start_tensorflow(plain_run):
    assert printed(plain_run, "tensorflow imported by helpers:") == "False"


def test_setup_hides_tensorflow_start_up_lines_and_training_is_silent(hostile_run, plain_run):
    for run in (hostile_run, plain_run):
        assert printed(run, "done") == "" and run.stderr == ""


def test_without_setup_tensorflow_is_noisy(control_run):
    """The control for the test above: the lines it hides do appear otherwise."""
    assert "absl::InitializeLog" in control_run.stderr or "oneDNN" in control_run.stderr


def test_same_seed_same_weights_in_two_processes_whatever_the_environment(hostile_run, plain_run):
    weights = printed(hostile_run, "weights:")
    assert weights.startswith("[") and weights == printed(plain_run, "weights:")


def test_keras_computes_in_float64_after_setup(perturbed_run):
    assert printed(perturbed_run, "floatx:") == "float64"


def test_perturbation_sums_long_weight_gradients_in_another_order_to_the_same_value(perturbed_run):
    assert printed(perturbed_run, "gradient gap to NumPy below 1e-10:") == "True"
    assert printed(perturbed_run, "long gradient bits changed:") == "True"


def test_perturbation_leaves_products_no_cpu_splits_alone(perturbed_run):
    assert printed(perturbed_run, "short gradient bits changed:") == "False"


def test_perturbation_reaches_worker_processes(perturbed_run):
    assert printed(perturbed_run, "worker perturbed:") == "True", perturbed_run.stderr


@needs_x86
def test_setup_turns_onednn_ops_off_whatever_the_environment_says(hostile_run):
    assert printed(hostile_run, "onednn ops:").split() == ["0", "False"]


@needs_x86
def test_control_the_environment_turns_onednn_ops_on_without_setup(control_run):
    """The control for the test above: without setup_notebook, the same environment turns them on.
    (Whether TensorFlow turns them on by default depends on the CPU, so the control asks.)"""
    assert printed(control_run, "onednn ops:") == "True"


@needs_avx2
def test_setup_pins_the_avx2_gemm_whatever_the_environment_says(hostile_run):
    assert gemm_isa(hostile_run) == "Intel AVX2"


@needs_avx2
def test_control_onednn_gemm_follows_onednn_max_cpu_isa(control_run):
    """The control for the test above: without setup_notebook, the environment picks the kernel."""
    assert gemm_isa(control_run) == "Intel SSE4.1"


@pytest.mark.parametrize(("seed", "error"), [(-1, ValueError), (1.5, TypeError), ("1", TypeError)])
def test_setup_rejects_bad_seeds(seed, error):
    with pytest.raises(error, match="seed"):
        setup_notebook(seed=seed)


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
        """,
        environment(),
    )
    assert result.stdout.strip() == "refused: True", result.stderr
