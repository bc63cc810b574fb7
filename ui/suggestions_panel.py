"""Suggested crops as thumbnails, one tab per genre (Headshot, Portrait, Group, ID).

Thumbnails are cut from the screen preview in a worker (rotated suggestions rotated). Clicking one
(or pressing 1-9 for the current tab) emits ``suggestionChosen``; the window applies it to the
session, so it is undoable like any other edit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PIL import Image
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QIcon, QImage, QPainter, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.suggestion import CheckWarning, Suggestion
from ui.qt_images import crop_thumbnail, pil_to_qimage
from ui.tasks import TaskRunner
from ui.theme import icon

GENRES: tuple[tuple[str, str], ...] = (
    ("headshot", "Headshot"),
    ("portrait", "Portrait"),
    ("group", "Group"),
    ("id", "ID"),
)
THUMB_SIDE = 100
CELL_WIDTH = THUMB_SIDE + 34
_SUGGESTION_ROLE = Qt.ItemDataRole.UserRole

_EMPTY_HINTS = {
    "headshot": "No headshot: no face was found.",
    "portrait": "No portrait framing: no face was found.",
    "group": "No group framing: it needs two or more faces.",
    "id": "No ID framing: it needs a clear, frontal face with room above the head.",
}


#: Names short enough for a thumbnail cell; the framing ids stay as they are everywhere else.
_FRAMING_LABELS = {
    "head-and-shoulders": "head & shoulders",
    "half-length": "half length",
    "three-quarter": "three-quarter",
    "full-length": "full length",
    "environmental": "environment",
}
#: The list view lays text out in about the thumbnail's width (narrower than its grid cell); the
#: framing is elided to it so the view never elides a second time ("shoul......").
_TEXT_WIDTH = THUMB_SIDE
TEXT_LINES = 3


def person_label(s: Suggestion) -> str:
    """The person a crop is of, "P2" for face 2 (largest first), for photos of several people."""
    return f"P{s.subject + 1}" if s.subject is not None else ""


def item_text(
    number: int | None,
    s: Suggestion,
    metrics: QFontMetrics | None = None,
    checks: Sequence[CheckWarning] | None = None,
    *,
    person: bool = False,
) -> str:
    """Three short lines under a thumbnail: the framing (after the person, ``person``: when the
    photo has several); the key number (1-9), ratio and score; the number of warnings (problems
    and warnings; else of notes) among ``checks`` (what the Checks panel lists once this crop is
    applied; default the suggestion's own). The first line is elided to the cell when
    ``metrics`` is given."""
    found = s.warnings if checks is None else checks
    # Non-breaking spaces: a framing name is one line, elided if need be, never wrapped.
    first = _FRAMING_LABELS.get(s.framing, s.framing)
    if person and s.subject is not None:
        first = f"{person_label(s)} {first}"
    first = first.replace(" ", "\u00a0")
    if metrics is not None:
        first = metrics.elidedText(first, Qt.TextElideMode.ElideRight, _TEXT_WIDTH)
    parts = [f"{s.aspect[0]}:{s.aspect[1]}", f"{s.score:.0%}"]
    if number is not None and number <= 9:
        parts.insert(0, str(number))
    # Notes (info) are not warnings: a kept head tilt must not read as a fault on every tile.
    severe = sum(1 for w in found if w.severity != "info")
    notes = len(found) - severe
    if severe:
        third = f"⚠ {severe} warning{'s' if severe != 1 else ''}"
    elif notes:
        third = f"{notes} note{'s' if notes != 1 else ''}"
    else:
        third = "no warnings"
    return f"{first}\n{' · '.join(parts)}\n{third}"


def _several_people(suggestions: Sequence[Suggestion]) -> bool:
    return len({s.subject for s in suggestions if s.subject is not None}) > 1


def _placeholder_icon(aspect: tuple[int, int]) -> QIcon:
    """A grey box of the suggestion's ratio while its thumbnail renders."""
    w, h = aspect
    scale = THUMB_SIDE / max(w, h)
    pixmap = QPixmap(THUMB_SIDE, THUMB_SIDE)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    bw, bh = max(1, round(w * scale)), max(1, round(h * scale))
    painter.fillRect((THUMB_SIDE - bw) // 2, (THUMB_SIDE - bh) // 2, bw, bh, QColor("#333333"))
    painter.end()
    return QIcon(pixmap)


def _centred_icon(image: QImage, ratio: float) -> QIcon:
    """Pad a thumbnail to a square so every grid cell lines up whatever the crop ratio.
    ``image`` has ``ratio`` device pixels per logical pixel (sharp on high-DPI screens)."""
    side = round(THUMB_SIDE * ratio)
    pixmap = QPixmap(side, side)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.drawImage((side - image.width()) // 2, (side - image.height()) // 2, image)
    painter.end()
    pixmap.setDevicePixelRatio(ratio)
    return QIcon(pixmap)


def render_thumbnails(
    preview: Image.Image,
    original_size: tuple[int, int],
    suggestions: Sequence[Suggestion],
    ratio: float = 1.0,
) -> dict[str, QImage]:
    """Worker: suggestion id -> thumbnail QImage (long side THUMB_SIDE logical pixels, rendered
    at ``ratio`` device pixels per logical pixel)."""
    side = round(THUMB_SIDE * ratio)
    return {
        s.id: pil_to_qimage(crop_thumbnail(preview, original_size, s.box, s.angle_deg, side))
        for s in suggestions
    }


class SuggestionGrid(QListWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("suggestionGrid")
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setIconSize(QSize(THUMB_SIDE, THUMB_SIDE))
        self.setGridSize(QSize(CELL_WIDTH, THUMB_SIDE + 18 * TEXT_LINES + 8))
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setWrapping(True)
        self.setUniformItemSizes(True)
        self.setWordWrap(True)
        self.setSpacing(2)
        self.setSelectionMode(QListWidget.SelectionMode.SingleSelection)


class SuggestionsPanel(QWidget):
    suggestionChosen = Signal(object)  # Suggestion
    compareRequested = Signal()
    currentGenreChanged = Signal(str)
    thumbnailsReady = Signal()

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("suggestionsPanel")
        self._runner = runner
        self._preview: Image.Image | None = None
        self._original_size = (1, 1)
        self._by_genre: dict[str, list[Suggestion]] = {g: [] for g, _ in GENRES}
        self._checks: dict[str, Sequence[CheckWarning]] = {}
        self._active_id: str | None = None
        self._thumbs_pending = 0
        self._grids: dict[str, SuggestionGrid] = {}
        self._stacks: dict[str, QStackedWidget] = {}
        self._empty_labels: dict[str, QLabel] = {}

        title = QLabel("Suggestions")
        title.setObjectName("panelTitle")
        self.compare_button = QPushButton(icon("compare"), "Compare")
        self.compare_button.setToolTip("Best headshot and best portrait side by side (C)")
        self.compare_button.clicked.connect(self.compareRequested)
        self.compare_button.setEnabled(False)
        header = QHBoxLayout()
        header.setContentsMargins(0, 4, 6, 2)
        header.addWidget(title)
        header.addStretch(1)
        header.addWidget(self.compare_button)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        # Every genre tab whole, with its count ("Headshot 37"): the panel widens to the tabs
        # rather than hiding the last one behind scroll arrows in a 1280 px window.
        self.tabs.tabBar().setUsesScrollButtons(False)
        self.tabs.tabBar().setElideMode(Qt.TextElideMode.ElideNone)
        for genre, name in GENRES:
            grid = SuggestionGrid()
            grid.itemClicked.connect(self._on_item_clicked)
            grid.itemActivated.connect(self._on_item_clicked)
            empty = QLabel()
            empty.setObjectName("emptyHint")
            empty.setWordWrap(True)
            empty.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
            stack = QStackedWidget()
            stack.addWidget(grid)
            stack.addWidget(empty)
            self._grids[genre], self._stacks[genre], self._empty_labels[genre] = grid, stack, empty
            self.tabs.addTab(stack, name)
        self.tabs.currentChanged.connect(lambda i: self.currentGenreChanged.emit(GENRES[i][0]))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(header)
        layout.addWidget(self.tabs, 1)
        self.clear("Open a photo to see suggested crops.")

    # -- data -----------------------------------------------------------------------------------

    def clear(self, message: str = "Finding faces…") -> None:
        """No suggestions (yet): every tab shows ``message``."""
        for genre, _ in GENRES:
            self._runner.cancel(self._thumb_key(genre))
            self._by_genre[genre] = []
            self._grids[genre].clear()
            self._empty_labels[genre].setText(message)
            self._stacks[genre].setCurrentIndex(1)
            self._update_tab_title(genre)
        self._thumbs_pending = 0
        self._active_id = None
        self.compare_button.setEnabled(False)

    def set_source(self, preview: Image.Image | None, original_size: tuple[int, int]) -> None:
        """The screen preview thumbnails are cut from, and the original size it stands for."""
        self._preview = preview
        self._original_size = original_size

    def set_suggestions(
        self,
        suggestions: Sequence[Suggestion],
        checks: Mapping[str, Sequence[CheckWarning]] | None = None,
    ) -> None:
        """Fill the tabs (each genre in the order given: best first) and render thumbnails.
        ``checks`` per suggestion id: what the Checks panel will list for it (the tile counts
        those)."""
        self._checks = dict(checks or {})
        for genre, _ in GENRES:
            self._runner.cancel(self._thumb_key(genre))
            self._by_genre[genre] = [s for s in suggestions if s.genre == genre]
        self._thumbs_pending = 0
        for genre, _ in GENRES:
            self._fill(genre)
        self.compare_button.setEnabled(
            bool(self._by_genre["headshot"]) and bool(self._by_genre["portrait"])
        )
        self.set_active(self._active_id)

    def suggestions(self, genre: str | None = None) -> list[Suggestion]:
        if genre is None:
            return [s for g, _ in GENRES for s in self._by_genre[g]]
        return list(self._by_genre.get(genre, []))

    def best(self, genre: str) -> Suggestion | None:
        found = self._by_genre.get(genre) or []
        return found[0] if found else None

    def thumbnails_done(self) -> bool:
        return self._thumbs_pending == 0

    def grid(self, genre: str) -> SuggestionGrid:
        return self._grids[genre]

    # -- selection ------------------------------------------------------------------------------

    def current_genre(self) -> str:
        return GENRES[max(0, self.tabs.currentIndex())][0]

    def set_current_genre(self, genre: str) -> None:
        for i, (g, _) in enumerate(GENRES):
            if g == genre:
                self.tabs.setCurrentIndex(i)

    def pick(self, index: int) -> bool:
        """Choose the ``index``-th (0-based) suggestion of the current tab; False if none."""
        found = self._by_genre[self.current_genre()]
        if not 0 <= index < len(found):
            return False
        self.suggestionChosen.emit(found[index])
        return True

    def set_active(self, suggestion_id: str | None) -> None:
        """Highlight the suggestion the crop currently is (none once the crop is edited)."""
        self._active_id = suggestion_id
        for grid in self._grids.values():
            grid.blockSignals(True)
            grid.clearSelection()
            for row in range(grid.count()):
                item = grid.item(row)
                s = item.data(_SUGGESTION_ROLE)
                if s is not None and s.id == suggestion_id:
                    item.setSelected(True)
                    grid.scrollToItem(item)
            grid.blockSignals(False)

    # -- internals ------------------------------------------------------------------------------

    def _thumb_key(self, genre: str) -> str:
        return f"suggestion-thumbs-{id(self)}-{genre}"

    def _update_tab_title(self, genre: str) -> None:
        i = [g for g, _ in GENRES].index(genre)
        n = len(self._by_genre[genre])
        self.tabs.setTabText(i, f"{GENRES[i][1]} {n}" if n else GENRES[i][1])
        # Counts make the tabs wider ("Headshot 37"): the panel never gets narrower than them.
        tabs_width = self.tabs.tabBar().sizeHint().width()
        if tabs_width > self.minimumWidth():
            self.setMinimumWidth(tabs_width)

    def set_checks(self, checks: Mapping[str, Sequence[CheckWarning]]) -> None:
        """New checks per suggestion id (the ticked presets changed): the tiles' counts and
        tooltips follow; order, numbers and thumbnails stay."""
        self._checks = dict(checks)
        for genre, grid in self._grids.items():
            people = _several_people(self._by_genre[genre])
            for row in range(grid.count()):
                item = grid.item(row)
                suggestion = item.data(_SUGGESTION_ROLE)
                self._describe(item, row + 1, suggestion, grid.fontMetrics(), people)

    def _describe(
        self,
        item: QListWidgetItem,
        number: int,
        s: Suggestion,
        metrics: QFontMetrics,
        people: bool,
    ) -> None:
        """The tile's text and tooltip: ``people`` when the tab holds several people's crops."""
        checks = self._checks.get(s.id, s.warnings)
        item.setText(item_text(number, s, metrics, checks, person=people))
        whose = f" · person {s.subject + 1}" if people and s.subject is not None else ""
        tips = [f"{number}: {s.genre} · {s.label}{whose} · score {s.score:.0%}"]
        if abs(s.angle_deg) >= 0.05:
            tips.append(f"rotated {s.angle_deg:+.1f}°")
        tips += [f"• {w.message}" for w in checks]
        item.setToolTip("\n".join(tips))

    def _fill(self, genre: str) -> None:
        grid, found = self._grids[genre], self._by_genre[genre]
        grid.clear()
        self._update_tab_title(genre)
        if not found:
            self._empty_labels[genre].setText(_EMPTY_HINTS[genre])
            self._stacks[genre].setCurrentIndex(1)
            return
        self._stacks[genre].setCurrentIndex(0)
        # Several people's crops in one tab: each thumbnail says whose it is.
        people = _several_people(found)
        for number, s in enumerate(found, start=1):
            item = QListWidgetItem(_placeholder_icon(s.aspect), "")
            item.setData(_SUGGESTION_ROLE, s)
            item.setTextAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
            self._describe(item, number, s, grid.fontMetrics(), people)
            grid.addItem(item)
        if self._preview is None:
            return
        preview, size, ids = self._preview, self._original_size, [s.id for s in found]
        ratio = max(1.0, self.devicePixelRatioF())
        self._thumbs_pending += 1

        def done(images: dict[str, QImage], genre: str = genre, ids: list[str] = ids) -> None:
            self._thumbs_pending -= 1
            grid = self._grids[genre]
            for row in range(grid.count()):
                item = grid.item(row)
                s = item.data(_SUGGESTION_ROLE)
                if s is not None and s.id in images and s.id in ids:
                    item.setIcon(_centred_icon(images[s.id], ratio))
            if self._thumbs_pending == 0:
                self.thumbnailsReady.emit()

        def failed(_: BaseException) -> None:
            self._thumbs_pending -= 1

        self._runner.submit(
            lambda: render_thumbnails(preview, size, found, ratio),
            done,
            failed,
            key=self._thumb_key(genre),
            priority=5,  # the open photo's tiles before a folder's film-strip thumbnails
        )

    def _on_item_clicked(self, item: QListWidgetItem) -> None:
        s = item.data(_SUGGESTION_ROLE)
        if s is not None:
            self.suggestionChosen.emit(s)
