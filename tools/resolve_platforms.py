"""Resolve requirements.txt for every platform a learner may have, x Python 3.11-3.13.

Uses ``uv pip compile --python-platform``, which evaluates the environment markers for the
target platform (``pip download --platform`` evaluates them for the machine it runs on). Needs
the package index, so it is not part of ``make test``; ``make platforms`` installs uv and runs it.
Prints a Markdown table for the README: which TensorFlow each platform gets, or why it fails.

    python tools/resolve_platforms.py
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHONS = ("3.11", "3.12", "3.13")
PLATFORMS = {
    "Linux x86-64": "x86_64-unknown-linux-gnu",
    "Windows x86-64": "x86_64-pc-windows-msvc",
    "macOS Apple silicon": "aarch64-apple-darwin",
    "Linux ARM (aarch64)": "aarch64-unknown-linux-gnu",
    "macOS Intel": "x86_64-apple-darwin",
}


def pinned_requirements() -> str:
    """requirements.txt without the project itself (``-e .``, which has no dependencies)."""
    lines = (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if not line.split("#")[0].strip().startswith("-e")) + "\n"


def tensorflow_in(resolution: str) -> str | None:
    """The TensorFlow distribution and version a resolution picked, e.g. ``tensorflow-cpu 2.21.0``.

    >>> tensorflow_in("keras==3.15.1\\ntensorflow-cpu==2.21.0\\n    # via -r req.txt\\n")
    'tensorflow-cpu 2.21.0'
    >>> tensorflow_in("keras==3.15.1\\n") is None
    True
    """
    match = re.search(r"^(tensorflow(?:-cpu)?)==(\S+)", resolution, flags=re.MULTILINE)
    return f"{match.group(1)} {match.group(2)}" if match else None


def failure_reason(stderr: str) -> str:
    """uv's cause of a failed resolution, shortened for a table cell.

    >>> failure_reason("error: No solution found\\n  cause: Because tensorflow==2.21.0 has no wheels with a "
    ...                "matching platform tag (e.g., `macosx_13_0_x86_64`) and you require it, ...")
    'tensorflow==2.21.0 has no wheels with a matching platform tag (e.g., `macosx_13_0_x86_64`)'
    """
    for line in stderr.splitlines():
        if line.strip().startswith("cause: Because "):
            return line.strip().removeprefix("cause: Because ").split(" and you require")[0]
    return next((line.strip() for line in stderr.splitlines() if line.strip()), "failed")[:80]


def resolve(requirements: Path, platform: str, python: str) -> str:
    """One table cell: the TensorFlow the pins resolve to, or why they do not."""
    result = subprocess.run(
        [sys.executable, "-m", "uv", "pip", "compile", str(requirements), "--python-platform", platform,
         "--python-version", python, "--no-header", "--quiet", "--color", "never"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        return f"fails: {failure_reason(result.stderr)}"
    found = tensorflow_in(result.stdout)
    return f"resolves, {found}" if found else "resolves, but no TensorFlow applies"


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        requirements = Path(folder) / "requirements.txt"
        requirements.write_text(pinned_requirements(), encoding="utf-8")
        tensorflow_alone = Path(folder) / "tensorflow.txt"
        tensorflow_alone.write_text("tensorflow==2.21.0\n", encoding="utf-8")
        print("| platform | " + " | ".join(f"Python {python}" for python in PYTHONS) + " |")
        print("|" + " --- |" * (len(PYTHONS) + 1))
        for name, platform in PLATFORMS.items():
            cells = [resolve(requirements, platform, python) for python in PYTHONS]
            print(f"| {name} | " + " | ".join(cells) + " |", flush=True)
        cells = [resolve(tensorflow_alone, PLATFORMS["macOS Intel"], python) for python in PYTHONS]
        print("| macOS Intel, `tensorflow==2.21.0` alone | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
