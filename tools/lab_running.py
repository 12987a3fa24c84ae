"""Exit with a message when a Jupyter server is serving this project's notebooks.

`make restore` runs it first: a notebook still open in JupyterLab keeps its own copy, and when
the file on disk changes JupyterLab asks "File Changed" with Overwrite as the default, so one
Enter would write the run back over the restored notebook.
"""

from __future__ import annotations

import sys
from pathlib import Path

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def serving_notebooks(servers: list[dict], notebooks: Path = NOTEBOOKS) -> list[str]:
    """The URLs of the servers whose root directory holds ``notebooks``.

    >>> server = {"root_dir": "/a/notebooks", "url": "http://localhost:8888/"}
    >>> serving_notebooks([server], Path("/a/notebooks")), serving_notebooks([server], Path("/b/notebooks"))
    (['http://localhost:8888/'], [])
    """
    urls = []
    for server in servers:
        root = Path(server.get("root_dir") or server.get("notebook_dir") or "/nonexistent")
        if notebooks == root or root in notebooks.parents:
            urls.append(server.get("url", "a Jupyter server"))
    return urls


def main() -> int:
    from jupyter_server.serverapp import list_running_servers

    urls = serving_notebooks(list(list_running_servers()))
    if urls:
        print(
            f"JupyterLab is serving the notebooks ({', '.join(urls)}): stop it first (File > Shut Down, "
            "or Ctrl+C twice in its terminal), then run `make restore` again. Restoring now would be "
            "undone by any notebook still open in it.",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
