"""Print the nbval option `make test` uses here: ``--nbval`` (strict) or ``--nbval-lax``.

The stored outputs are the reference run: Linux on x86-64 with AVX2, where oneDNN's AVX2 kernels
(pinned by ``helpers.setup_notebook``) compute every matrix product. There, ``make test``
compares every stored output digit for digit. Elsewhere (Apple silicon, ARM Linux, Windows, a
CPU without AVX2) TensorFlow runs other kernels, and the cells that train on a handful of
windows one at a time print other digits: that is rounding, not a bug. So there every notebook
is still re-executed and every ``assert`` cell still checked (the claims hold with margin on any
CPU), but outputs are not compared. ``STRICT=1`` forces the comparison anywhere, ``STRICT=0``
skips it anywhere.

    python tools/nbval_mode.py          # prints --nbval or --nbval-lax; explains lax on stderr
"""

from __future__ import annotations

import os
import platform
import sys
from pathlib import Path

STRICT, LAX = "--nbval", "--nbval-lax"
NOTICE = (
    "Note: the stored notebook outputs are compared digit for digit only on the reference platform "
    "(Linux, x86-64 with AVX2); this is {here}, so every notebook is re-executed and every assert "
    "checked, but printed numbers may differ in their last digits. STRICT=1 compares them anyway."
)


def cpu_flags(cpuinfo: Path = Path("/proc/cpuinfo")) -> set[str]:
    """The CPU's feature flags as Linux lists them (empty where there is no /proc/cpuinfo).

    >>> sorted(cpu_flags(Path("/no/such/file")))
    []
    """
    try:
        text = cpuinfo.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return set()
    for line in text.splitlines():
        if line.startswith("flags"):
            return set(line.partition(":")[2].split())
    return set()


def describe(system: str, machine: str, flags: set[str]) -> str | None:
    """Why this is not the reference platform, or ``None`` when it is.

    >>> describe("Linux", "x86_64", {"sse2", "avx2"}) is None
    True
    >>> describe("Darwin", "arm64", set())
    'Darwin on arm64'
    >>> describe("Linux", "x86_64", {"sse2"})
    'an x86-64 CPU without AVX2'
    """
    if system != "Linux" or machine not in ("x86_64", "AMD64"):
        return f"{system} on {machine}"
    if "avx2" not in flags:
        return "an x86-64 CPU without AVX2"
    return None


def nbval_option(strict: str | None, system: str, machine: str, flags: set[str]) -> tuple[str, str | None]:
    """The nbval option, and the notice to print when outputs are not compared.

    ``strict`` is the ``STRICT`` environment variable: ``"1"`` or ``"0"`` force one mode, unset or
    empty leaves it to the platform.

    >>> nbval_option("1", "Darwin", "arm64", set())
    ('--nbval', None)
    >>> nbval_option(None, "Linux", "x86_64", {"avx2"})
    ('--nbval', None)
    >>> nbval_option(None, "Linux", "aarch64", set())[0]
    '--nbval-lax'
    """
    if strict not in (None, "", "0", "1"):
        raise ValueError(f"STRICT must be 1 (compare outputs), 0 (do not) or unset, got {strict!r}")
    if strict == "1":
        return STRICT, None
    if strict == "0":
        return (
            LAX,
            "Note: STRICT=0: every notebook is re-executed and its asserts checked, outputs not compared.",
        )
    reason = describe(system, machine, flags)
    return (STRICT, None) if reason is None else (LAX, NOTICE.format(here=reason))


def main() -> int:
    try:
        option, notice = nbval_option(
            os.environ.get("STRICT"), platform.system(), platform.machine(), cpu_flags()
        )
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if notice:
        print(notice, file=sys.stderr)
    print(option)
    return 0


if __name__ == "__main__":
    sys.exit(main())
