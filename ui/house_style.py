"""Crop > "Use this framing for all photos": the crop on screen becomes a house style
(``core.framing.house_style``) that frames every photo in the film strip.

Photos that meet the style get it as their saved crop (the sidecar export and the next opening
use), except photos whose crop the photographer made by hand, which are kept. Photos that cannot
meet it keep what they had, are flagged in the film strip (amber "!", the reason in the tooltip)
and listed in a small window, so the photographer reviews only those; double-clicking one opens
it. The style is saved by name for later sessions (``core.styles``; ``export --style NAME``).
The work runs off the GUI thread; widgets are touched only in the callbacks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QVBoxLayout,
    QWidget,
)

from core.errors import HeadroomError
from core.framing import HouseStyle, frame_in_style, measure_style
from core.sidecar import read_sidecar, write_sidecar
from core.styles import save_style

if TYPE_CHECKING:
    from core.detection import FaceAnalyzer
    from ui.main_window import MainWindow

_PATH_ROLE = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True)
class StyleRun:
    """What applying a style to the film strip did."""

    style: HouseStyle
    framed: tuple[Path, ...]  # given the style as their saved crop
    kept: tuple[Path, ...]  # had a crop made by hand: left as it was
    review: tuple[tuple[Path, str], ...]  # cannot meet the style (or could not be read): why


def apply_style(
    analyzer: FaceAnalyzer, style: HouseStyle, photos: Sequence[Path], skip: Path | None
) -> StyleRun:
    """Worker thread: frame each photo (except ``skip``, the example) in ``style``."""
    framed: list[Path] = []
    kept: list[Path] = []
    review: list[tuple[Path, str]] = []
    for path in photos:
        if path == skip:
            continue
        try:
            loaded, analysis = analyzer.analyze_path(path)
            size = (loaded.width, loaded.height)
            own = read_sidecar(path, size)
            if own is not None and own.genre == "manual":
                kept.append(path)
                continue
            styled = frame_in_style(analysis, style)
            if styled.problem is not None:
                review.append((path, styled.problem))
                continue
            write_sidecar(path, styled.choice, size)
            framed.append(path)
        except HeadroomError as exc:
            review.append((path, str(exc)))
    return StyleRun(style, tuple(framed), tuple(kept), tuple(review))


class ReviewList(QDialog):
    """The photos that did not take the style, with the reason; double-click opens one."""

    photoChosen = Signal(Path)

    def __init__(self, run: StyleRun, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("styleReview")
        self.setWindowTitle(f"House style '{run.style.name}': photos to review")
        self.setModal(False)
        summary = QLabel(
            f"{run.style.describe()}.\n{len(run.framed)} photo(s) framed, "
            f"{len(run.kept)} kept with the crop you made by hand, "
            f"{len(run.review)} to review:",
            self,
        )
        summary.setWordWrap(True)
        self.list = QListWidget(self)
        for path, reason in run.review:
            item = QListWidgetItem(f"{path.name}: {reason.removeprefix(path.name + ': ')}")
            item.setData(_PATH_ROLE, str(path))
            item.setToolTip(str(path))
            self.list.addItem(item)
        self.list.itemDoubleClicked.connect(
            lambda item: self.photoChosen.emit(Path(item.data(_PATH_ROLE)))
        )
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addWidget(self.list)
        self.resize(560, 320)


class HouseStyleController(QObject):
    """Owns the action and the runs; lives as long as the window."""

    finished = Signal(object)  # StyleRun

    def __init__(
        self, window: MainWindow, ask_name: Callable[[HouseStyle], str | None] | None = None
    ) -> None:
        super().__init__(window)
        self._window = window
        self._ask_name = ask_name or self._name_from_dialog
        self.review_list: ReviewList | None = None
        self.action = QAction("Use this framing for all photos…", window)
        self.action.setObjectName("useFramingForAll")
        self.action.setToolTip(
            "Make the crop on screen the house style (eye line, head size, position, aspect and "
            "levelling) and frame every photo in the film strip with it"
        )
        self.action.triggered.connect(self.use_for_all)
        for menu_action in window.menuBar().actions():
            menu = menu_action.menu()
            if menu_action.text().replace("&", "") == "Crop" and isinstance(menu, QMenu):
                menu.addSeparator()
                menu.addAction(self.action)
                break

    def _name_from_dialog(self, style: HouseStyle) -> str | None:
        name, ok = QInputDialog.getText(
            self._window,
            "Use this framing for all photos",
            f"{style.describe()}.\nSave this house style as:",
            text=style.name,
        )
        return name.strip() if ok and name.strip() else None

    def use_for_all(self) -> bool:
        """Measure the crop on screen and frame the film strip with it (in the background).
        False when it cannot start (the reason is in the status bar)."""
        window = self._window
        session, analyzer = window.session(), window.analyzer()
        chosen = window.chosen_crop()
        status = window.status
        if session is None or session.analysis is None or chosen is None or analyzer is None:
            status.say("Open a photo and wait for its faces first")
            return False
        photos = window.filmstrip.paths() if window.filmstrip.isVisible() else []
        if len(photos) < 2:
            status.say("Open a folder: the framing is used for every photo in the film strip")
            return False
        try:
            style = measure_style(session.analysis, chosen.choice, "House style")
        except HeadroomError as exc:
            status.say(str(exc))
            return False
        name = self._ask_name(style)
        if name is None:
            return False
        try:
            style = HouseStyle(name, style.aspect, style.eye_from_top, style.head_share,
                               style.eye_across, style.levelling)  # fmt: skip
            save_style(style)
        except (ValueError, OSError) as exc:
            status.say(f"The style was not saved: {exc}")
            return False
        window.sidecar.flush()  # the example's own crop is on disk first
        self.action.setEnabled(False)
        status.say(f"Framing {len(photos) - 1} photos in house style '{name}'…")
        example = window.shown_path()
        window.runner.submit(
            lambda: apply_style(analyzer, style, photos, example),
            self._on_done,
            self._on_failed,
        )
        return True

    def _on_done(self, run: StyleRun) -> None:
        window = self._window
        self.action.setEnabled(True)
        window.filmstrip.set_review_flags(dict(run.review))
        window.filmstrip.refresh_marks()
        window.status.say(
            f"House style '{run.style.name}': {len(run.framed)} framed, "
            f"{len(run.review)} to review, {len(run.kept)} kept"
        )
        if run.review:
            if self.review_list is not None:
                self.review_list.close()
            self.review_list = ReviewList(run, window)
            self.review_list.photoChosen.connect(window.open_photo)
            self.review_list.show()
        self.finished.emit(run)

    def _on_failed(self, exc: BaseException) -> None:
        self.action.setEnabled(True)
        self._window.show_error(f"The house style could not be applied: {exc}")
