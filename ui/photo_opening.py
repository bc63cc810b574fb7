"""Which photos to open: the Open dialogs, the sample photo, and files or folders from the command
line, the menu or a drop. One folder or several photos fill the film strip; the first photo is
handed to the window to load (``MainWindow.open_photo``).
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path

from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog

from core.errors import HeadroomError
from core.photo import list_photos
from ui.tasks import describe_error
from ui.welcome_view import sample_photo_path
from ui.window_part import WindowPart

log = logging.getLogger(__name__)

PHOTO_FILTER = "Photos (*.jpg *.jpeg *.png *.tif *.tiff *.webp *.heic *.heif *.bmp);;All files (*)"


def expand_paths(paths: Iterable[Path]) -> tuple[list[Path], Path | None]:
    """Photos to show for the given files/folders, and the folder when exactly one was given."""
    paths = [Path(p) for p in paths]
    if len(paths) == 1 and paths[0].is_dir():
        return list_photos(paths[0]), paths[0]
    out: list[Path] = []
    for p in paths:
        out.extend(list_photos(p) if p.is_dir() else [p])
    return out, None


class PhotoOpening(WindowPart):
    """The window's File > Open commands, its welcome page's buttons and drops on it."""

    def drag_enter(self, event: QDragEnterEvent) -> None:
        """Files and folders may be dropped on the window."""
        if any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def drop(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.open_paths(paths)

    def choose_photos(self) -> None:
        start = self._window.app_settings.last_folder() or Path.home()
        files, _ = QFileDialog.getOpenFileNames(
            self._window, "Open photos", str(start), PHOTO_FILTER
        )
        if files:
            self.open_paths([Path(f) for f in files])

    def choose_folder(self) -> None:
        start = self._window.app_settings.last_folder() or Path.home()
        folder = QFileDialog.getExistingDirectory(
            self._window, "Open a folder of photos", str(start)
        )
        if folder:
            self.open_paths([Path(folder)])

    def open_sample(self) -> None:
        """Open a copy of the sample photo in the window's ``sample_dir``, so its sidecar never
        lands in matplotlib's installed data folder."""
        sample = sample_photo_path()
        if sample is None:
            self._window.show_error(
                "The sample photo is missing: matplotlib's sample data is not installed."
            )
            return
        copy = self._window.sample_dir / sample.name
        try:
            if not copy.is_file() or copy.stat().st_size != sample.stat().st_size:
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(sample, copy)
        except OSError as exc:
            log.warning("opening the sample in place, could not copy it: %s", exc)
            copy = sample
        self.open_paths([copy])

    def open_paths(self, paths: Sequence[Path]) -> None:
        """Open photos and folders (command line, menu, drop). One folder or several photos fill the
        film strip; the first photo opens."""
        window = self._window
        missing = [p for p in paths if not Path(p).exists()]
        if missing:
            window.show_error(f"Not found: {', '.join(str(p) for p in missing)}")
        paths = [Path(p) for p in paths if Path(p).exists()]
        if not paths:
            return
        try:
            photos, folder = expand_paths(paths)
        except (HeadroomError, OSError) as exc:
            window.show_error(describe_error(exc))
            return
        if folder is not None:
            window.app_settings.add_recent(folder)
            window.app_settings.set_last_folder(folder)
        if not photos:
            window.show_error(f"No photos found in {', '.join(p.name or str(p) for p in paths)}.")
            return
        filmstrip = window.filmstrip
        if len(photos) > 1 or folder is not None:
            if folder is not None:
                filmstrip.set_folder(folder)
            else:
                filmstrip.set_paths(photos)
            filmstrip.show()
        else:
            filmstrip.hide()
        window.open_photo(photos[0])
