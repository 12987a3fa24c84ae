#!/bin/sh
# Which Python builds .venv/, and whether an existing .venv/ can be kept. Run by the Makefile.
#
#   sh tools/venv.sh find  [PYTHON]   print the interpreter to build .venv/ with, or stop
#   sh tools/venv.sh check VENV [PYTHON]   remove VENV, saying why, when it was made with an
#                                          unsupported Python or another one than PYTHON asks
#
# The interpreter: PYTHON if given, else python3 if it is a supported version, else the newest
# of python3.13, python3.12 and python3.11 that runs. A name on PATH that does not run (a pyenv
# shim for a version that is not active, say) does not count.
set -u
SUPPORTED="3.11, 3.12 or 3.13"

version_of() {  # prints "3.12" for a working interpreter, nothing otherwise
    "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null
}

supported() {
    case "$1" in 3.11|3.12|3.13) return 0 ;; *) return 1 ;; esac
}

platform_check() {  # TensorFlow 2.21 ships no wheel for Intel Macs
    if [ "$(uname -s 2>/dev/null)" = Darwin ] && [ "$(uname -m 2>/dev/null)" = x86_64 ]; then
        echo "error: TensorFlow 2.21 has no build for Intel Macs; this course runs on Apple silicon, Linux and Windows" >&2
        exit 1
    fi
}

find_python() {
    requested=${1:-}
    if [ -n "$requested" ]; then
        version=$(version_of "$requested")
        if supported "$version"; then command -v "$requested"; return 0; fi
        echo "error: PYTHON=$requested is ${version:-not a working Python}; this course needs Python $SUPPORTED (see the README's Quick start)" >&2
        exit 1
    fi
    for candidate in python3 python3.13 python3.12 python3.11; do
        version=$(version_of "$candidate")
        if supported "$version"; then command -v "$candidate"; return 0; fi
    done
    found=$(version_of python3)
    echo "error: no Python $SUPPORTED found (python3 is ${found:-missing}); install one (README, Quick start) or run make PYTHON=/path/to/python3.12" >&2
    exit 1
}

check_venv() {
    venv=$1 requested=${2:-}
    [ -e "$venv" ] || return 0
    made_with=$(version_of "$venv/bin/python")
    if ! supported "$made_with"; then
        echo "$venv/ was made with ${made_with:+Python }${made_with:-a Python that no longer runs}, not $SUPPORTED: rebuilding it" >&2
        rm -rf "$venv"
    elif [ -n "$requested" ] && [ "$(version_of "$requested")" != "$made_with" ]; then
        echo "$venv/ was made with Python $made_with, PYTHON=$requested is $(version_of "$requested"): rebuilding it" >&2
        rm -rf "$venv"
    fi
}

platform_check
case "${1:-}" in
    find) find_python "${2:-}" ;;
    check) check_venv "$2" "${3:-}"; find_python "${3:-}" >/dev/null ;;
    *) echo "usage: sh tools/venv.sh find [PYTHON] | check VENV [PYTHON]" >&2; exit 2 ;;
esac
