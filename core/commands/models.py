"""``app.py models``: list the MediaPipe model files, or install them with ``--install``."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

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
        store.ensure_all(progress=_print_progress)
        print("", file=sys.stderr)
    statuses = store.status()
    if args.json:
        print(json.dumps(_listing_json(store, statuses), indent=2))
    else:
        _print_listing(store, statuses)
    return 0


class _ProgressLine:
    """One self-overwriting stderr line per stage, so a terminal shows a live byte count."""

    def __init__(self) -> None:
        self.last_key: tuple[str, str] | None = None

    def __call__(self, p: ModelProgress) -> None:
        key = (p.model.value, p.stage)
        live = sys.stderr.isatty()
        if not live and p.stage == "download" and 0 < p.done_bytes != p.total_bytes:
            return  # a log file needs the start and the end of a download, not every chunk
        if p.total_bytes:
            amount = f" {_mb(p.done_bytes)}/{_mb(p.total_bytes)}"
        elif p.done_bytes:
            amount = f" {_mb(p.done_bytes)}"
        else:
            amount = ""
        text = f"{p.model.value}: {p.stage}{amount} {p.message}"
        end = "\r" if live and p.stage == "download" else "\n"
        if self.last_key == key and end == "\r":
            print(f"\r{text}\x1b[K", end=end, file=sys.stderr, flush=True)
        else:
            print(text, end=end, file=sys.stderr, flush=True)
        self.last_key = key


_print_progress = _ProgressLine()


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
