"""Headroom's one composition root.

``python app.py [PHOTO_OR_FOLDER ...]`` starts the desktop app; ``python app.py COMMAND ...`` runs a
command-line tool. Each command lives in ``core/commands/<name>.py`` (Qt-free) and exposes
``configure(parser)`` and ``run(args) -> int``; the GUI is built in ``ui.launch``.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

#: name -> one-line help. Modules are imported only when their command runs, so the CLI never pays
#: for Qt and the GUI never pays for unused commands.
COMMANDS: dict[str, str] = {
    "models": "list or install the MediaPipe model files",
    "detect": "find faces in a photo",
    "suggest": "suggest headshot, portrait, group and ID crops for a photo",
    "presets": "list the export presets",
    "export": "export photos to platform, print and ID sizes",
}


def _quiet_native_logs() -> None:
    # MediaPipe/LiteRT log every model load to stderr; a photographer's terminal should show ours.
    os.environ.setdefault("GLOG_minloglevel", "2")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def run_command(name: str, argv: Sequence[str]) -> int:
    module = importlib.import_module(f"core.commands.{name}")
    parser = argparse.ArgumentParser(prog=f"app.py {name}", description=COMMANDS[name])
    module.configure(parser)
    args = parser.parse_args(list(argv))
    from core.errors import HeadroomError

    try:
        return int(module.run(args))
    except HeadroomError as exc:
        from core.paths import display_text

        # One line, whatever bytes or control characters the file's name holds.
        print(f"error: {display_text(str(exc))}", file=sys.stderr)
        return 1


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    _quiet_native_logs()
    if argv and argv[0] in COMMANDS:
        return run_command(argv[0], argv[1:])
    if argv and argv[0] in ("-h", "--help") and len(argv) == 1:
        print(__doc__)
        for name, text in COMMANDS.items():
            print(f"  {name:<8} {text}")
        print("\nGUI options: python app.py --help-gui")
        return 0
    from ui.launch import launch_gui

    return launch_gui(argv)


if __name__ == "__main__":
    sys.exit(main())
