"""The export dialog (Ctrl+E): presets, folder, format, quality, metadata, names; then a background
export with progress, a Cancel that stops between files, a replace question, and a result list.

Every decision about pixels, names and files is core's (``ui.export_job`` calls it); the dialog
collects the options, checks them early with core's validation and shows what happened.
"""

from __future__ import annotations

import html
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, QSize, Qt, QUrl, Signal
from PySide6.QtGui import QColor, QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.batch import AnalysisMemo, BatchItem, ChosenCrop
from core.errors import HeadroomError
from core.export import default_out_dir
from core.presets import Preset, PresetBook
from ui.export_checks import PresetChecksView, add_check_items
from ui.export_job import (
    ExportJob,
    ExportRunResult,
    check_export,
    check_output_folder,
    checks_before_export,
    find_clashes,
    name_example,
    run_export,
)
from ui.preset_picker import PresetPicker
from ui.tasks import TaskRunner, describe_error

if TYPE_CHECKING:
    from core.detection import FaceAnalyzer

#: (label, core format value) — None means "each preset's own format".
FORMAT_CHOICES: tuple[tuple[str, str | None], ...] = (
    ("Preset default", None),
    ("JPEG", "jpeg"),
    ("PNG", "png"),
    ("WebP", "webp"),
    ("TIFF 16-bit, sRGB", "tiff"),
    ("TIFF 16-bit, Adobe RGB", "tiff/adobe-rgb"),
)
#: (label, keep_metadata)
METADATA_CHOICES: tuple[tuple[str, bool], ...] = (
    ("Strip GPS and serial numbers", False),
    ("Keep everything", True),
)
DEFAULT_TEMPLATE = "{stem}_{preset}.{ext}"
DEFAULT_QUALITY = 92
DEFAULT_EXPORT_PRESETS = ("linkedin-profile",)
#: Files listed in the clash question before "and N more".
MAX_CLASHES_LISTED = 12
#: Rows the list of written files gets once an export is done (the preset list gives way).
RESULT_ROWS = 8

_SETTINGS_PREFIX = "export/"
FAILED_COLOUR = "#e07070"


def _human_bytes(n: int) -> str:
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} B"


class _ProgressRelay(QObject):
    """Lives on the GUI thread; the export thread emits, Qt queues the signal to the GUI thread."""

    progress = Signal(int, int, str)


class _CheckRelay(QObject):
    """Carries each photo ``check_batch`` has checked to the GUI thread. It has no parent: the
    checking task keeps it alive, so a dialog closed meanwhile only loses the connection."""

    checked = Signal(int, int, int, object)  # run, done, total, BatchItem


class ExportDialog(QDialog):
    """Export ``sources`` (photo + committed crop, or None: its sidecar or core's framing).

    Non-modal use (tests, scripting): set the fields, call ``start_export()``, wait for
    ``finished(ExportRunResult)``. ``exportFinished`` is the same signal under a name that does not
    shadow ``QDialog.finished(int)``.
    """

    exportFinished = Signal(object)  # ExportRunResult

    def __init__(
        self,
        parent: QWidget | None,
        runner: TaskRunner,
        presets: PresetBook,
        sources: list[tuple[Path, ChosenCrop | None]],
        settings: QSettings,
        *,
        analyzer: Callable[[], FaceAnalyzer | None] | None = None,
    ) -> None:
        super().__init__(parent)
        # Gives the window's own face analyzer (None while its models load): photos without a
        # crop are framed with it, rather than with a second set of MediaPipe models.
        self._analyzer_of = analyzer
        self.setObjectName("exportDialog")
        self.setWindowTitle("Export" if len(sources) == 1 else f"Export {len(sources)} photos")
        self._runner = runner
        self._presets = presets
        self._sources = [(Path(p), c) for p, c in sources]
        self._settings = settings
        self._cancel: threading.Event | None = None
        self._running = False
        self._last_result: ExportRunResult | None = None
        self._template_error = ""
        self._close_when_done = False
        self._relay = _ProgressRelay(self)
        self._relay.progress.connect(self._on_progress)
        #: Stops the background check of a batch (presets changed, export started, closed).
        self._checking: threading.Event | None = None
        self._check_run = 0  # which check run the rows shown belong to
        #: The photos' analyses, found by the check and used again by the export.
        self._analyses = AnalysisMemo()
        self._check_presets: list[Preset] = []
        self._built = False  # no check starts while the fields are being filled in
        self._build()
        self._load_settings()
        self._update_example()
        self._built = True
        self._update_preset_checks()
        self._update_enabled()

    # -- construction -----------------------------------------------------------------------------

    def _build(self) -> None:
        self.picker = PresetPicker(self._presets, self)
        self.picker.checkedChanged.connect(lambda _ids: self._on_options_changed())
        self.picker.checkedChanged.connect(lambda _ids: self._update_preset_checks())
        self.checks_title = QLabel("Checks of each output, before writing", self)
        self.preset_checks = PresetChecksView(self)

        self.folder_edit = QLineEdit(self)
        self.folder_edit.setPlaceholderText("Folder to write the files into")
        self.folder_edit.textChanged.connect(lambda _t: self._on_options_changed())
        self.browse_button = QPushButton("Browse…", self)
        self.browse_button.clicked.connect(self._browse)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(self.browse_button)

        self.format_combo = QComboBox(self)
        for label, value in FORMAT_CHOICES:
            self.format_combo.addItem(label, value)
        self.format_combo.currentIndexChanged.connect(lambda _i: self._on_options_changed())
        self.quality_spin = QSpinBox(self)
        self.quality_spin.setRange(1, 100)
        self.quality_spin.setValue(DEFAULT_QUALITY)
        self.quality_spin.setToolTip(
            "JPEG/WebP quality. Presets with a file-size limit lower it until the file fits."
        )
        self.metadata_combo = QComboBox(self)
        for label, keep in METADATA_CHOICES:
            self.metadata_combo.addItem(label, keep)
        self.template_edit = QLineEdit(DEFAULT_TEMPLATE, self)
        self.template_edit.setToolTip(
            "Fields: {stem} {preset} {width} {height} {ext} {index}, "
            "e.g. {stem}_{width}x{height}.{ext}"
        )
        self.template_edit.textChanged.connect(lambda _t: self._on_options_changed())
        self.example_label = QLabel(self)
        self.example_label.setObjectName("nameExample")
        self.example_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.consistent_box = QCheckBox("Consistent framing across photos", self)
        self.consistent_box.setToolTip(
            "Headroom frames every photo of the batch itself with one shared eye line and head"
            " size, so a team page lines up (crops made by hand are not used then)"
        )
        self.consistent_box.toggled.connect(lambda _on: self._update_preset_checks())

        form = QFormLayout()
        form.addRow("Output folder", folder_row)
        form.addRow("Format", self.format_combo)
        form.addRow("Quality", self.quality_spin)
        form.addRow("Metadata", self.metadata_combo)
        form.addRow("File names", self.template_edit)
        form.addRow("", self.example_label)
        form.addRow("", self.consistent_box)
        self.xmp_box = QCheckBox("Write crops to Lightroom (XMP sidecar)", self)
        self.xmp_box.setToolTip(
            "Also save each photo's crop as Camera Raw crop settings in its XMP sidecar"
            " (IMG_1.CR3 -> IMG_1.xmp; merged into an existing one, the photo is never written);"
            " Lightroom shows it after Metadata > Read Metadata from File"
        )
        form.addRow("", self.xmp_box)

        self.error_label = QLabel(self)
        self.error_label.setObjectName("exportError")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(f"QLabel#exportError {{ color: {FAILED_COLOUR}; }}")
        self.error_label.hide()

        self.progress_bar = QProgressBar(self)
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        self.progress_bar.setTextVisible(True)
        self.progress_bar.hide()  # shown once an export starts
        self.status_label = QLabel(self)
        self.status_label.setObjectName("exportStatus")
        self.status_label.setWordWrap(True)

        self.results_tree = QTreeWidget(self)
        self.results_tree.setObjectName("exportResults")
        self.results_tree.setHeaderLabels(["File", "Pixels", "Size", "Details"])
        self.results_tree.setRootIsDecorated(True)
        self.results_tree.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.results_tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.results_tree.hide()

        self.export_button = QPushButton("Export", self)
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.start_export)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.clicked.connect(self._cancel_or_close)
        self.show_folder_button = QPushButton("Show folder", self)
        self.show_folder_button.clicked.connect(self.show_folder)
        self.show_folder_button.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.show_folder_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.export_button)

        options = QWidget(self)
        options_layout = QVBoxLayout(options)
        options_layout.setContentsMargins(0, 0, 0, 0)
        options_layout.addLayout(form)
        options_layout.addWidget(self.error_label)
        options_layout.addWidget(self.checks_title)
        options_layout.addWidget(self.preset_checks, 1)
        top = QSplitter(Qt.Orientation.Horizontal, self)
        top.addWidget(self.picker)
        top.addWidget(options)
        top.setStretchFactor(0, 2)
        top.setStretchFactor(1, 3)
        top.setChildrenCollapsible(False)
        # Every preset on view, whole: ID presets are not behind a scroll or a closed group.
        self.picker.show_every_group()
        top.setSizes([self.picker.minimumWidth(), 440])

        if not self._sources:
            sources_text = "No photo to export: open a photo or a folder first."
        elif len(self._sources) == 1:
            sources_text = f"Photo: {self._sources[0][0].name}"
        else:
            sources_text = f"{len(self._sources)} photos from {self._sources[0][0].parent}"
        self.sources_label = QLabel(sources_text, self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.sources_label)
        layout.addWidget(top, 1)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.status_label)
        layout.addWidget(self.results_tree, 1)
        layout.addLayout(buttons)
        self.resize(self.sizeHint().expandedTo(QSize(820, 560)))

    # -- settings ---------------------------------------------------------------------------------

    def _setting(self, name: str, default: object) -> object:
        return self._settings.value(_SETTINGS_PREFIX + name, default)

    def _load_settings(self) -> None:
        stored = self._setting("presets", None)
        if isinstance(stored, str):  # QSettings returns a one-item list as a plain string
            stored = [stored] if stored else []
        ids = list(stored) if isinstance(stored, (list, tuple)) else list(DEFAULT_EXPORT_PRESETS)
        self.picker.set_checked_ids([str(i) for i in ids if str(i) in self._presets])
        folder = self._setting("folder", "")
        if not folder and self._sources:
            folder = str(default_out_dir(self._sources[0][0]))
        self.folder_edit.setText(str(folder))
        fmt = self._setting("format", "")
        index = self.format_combo.findData(fmt or None)
        self.format_combo.setCurrentIndex(max(0, index))
        try:
            quality = int(str(self._setting("quality", DEFAULT_QUALITY)))
        except ValueError:
            quality = DEFAULT_QUALITY
        self.quality_spin.setValue(min(100, max(1, quality)))
        keep = str(self._setting("keep_metadata", "false")).lower() == "true"
        self.metadata_combo.setCurrentIndex(1 if keep else 0)
        self.template_edit.setText(str(self._setting("template", DEFAULT_TEMPLATE)))
        consistent = str(self._setting("consistent", "false")).lower() == "true"
        self.consistent_box.setChecked(consistent)

    def _save_settings(self) -> None:
        s = self._settings
        s.setValue(_SETTINGS_PREFIX + "presets", self.picker.checked_ids())
        s.setValue(_SETTINGS_PREFIX + "folder", self.folder_edit.text().strip())
        s.setValue(_SETTINGS_PREFIX + "format", self.format_combo.currentData() or "")
        s.setValue(_SETTINGS_PREFIX + "quality", self.quality_spin.value())
        s.setValue(_SETTINGS_PREFIX + "keep_metadata", "true" if self.keep_metadata() else "false")
        s.setValue(_SETTINGS_PREFIX + "template", self.template_edit.text())
        s.setValue(
            _SETTINGS_PREFIX + "consistent", "true" if self.consistent_box.isChecked() else "false"
        )
        s.sync()

    # -- field access (tests and scripting) -------------------------------------------------------

    def set_presets(self, ids: Sequence[str]) -> None:
        self.picker.set_checked_ids(list(ids))

    def selected_presets(self) -> list[str]:
        return self.picker.checked_ids()

    def set_output_folder(self, folder: Path | str) -> None:
        self.folder_edit.setText(str(folder))

    def output_folder(self) -> Path | None:
        text = self.folder_edit.text().strip()
        return Path(text).expanduser() if text else None

    def set_format(self, fmt: str | None) -> None:
        self.format_combo.setCurrentIndex(max(0, self.format_combo.findData(fmt)))

    def output_format(self) -> str | None:
        value = self.format_combo.currentData()
        return str(value).split("/")[0] if value else None

    def tiff_colour(self) -> str:
        """Colour space of TIFF outputs (the TIFF entries say it after a slash)."""
        value = str(self.format_combo.currentData() or "")
        return value.split("/")[1] if "/" in value else "srgb"

    def set_quality(self, quality: int) -> None:
        self.quality_spin.setValue(quality)

    def set_keep_metadata(self, keep: bool) -> None:
        self.metadata_combo.setCurrentIndex(1 if keep else 0)

    def keep_metadata(self) -> bool:
        return bool(self.metadata_combo.currentData())

    def set_name_template(self, template: str) -> None:
        self.template_edit.setText(template)

    def set_consistent(self, on: bool) -> None:
        self.consistent_box.setChecked(on)

    def is_running(self) -> bool:
        return self._running

    def last_result(self) -> ExportRunResult | None:
        return self._last_result

    def error_text(self) -> str:
        return self.error_label.text() if not self.error_label.isHidden() else ""

    # -- live validation --------------------------------------------------------------------------

    def _on_options_changed(self) -> None:
        self._update_example()
        self._update_enabled()

    def refresh_checks(self) -> None:
        """Check again (the window's face detection has loaded)."""
        if not self._running:
            self._update_preset_checks()

    def _update_preset_checks(self) -> None:
        """Before writing, the checks of what each ticked preset will get: for one photo, of its
        crop on screen; for several, per photo, each planned by core as the export will plan it
        (in the background, photo after photo). With consistent framing the set is framed
        together at export: its checks come with the result."""
        self._stop_checking()
        if not self._built:
            return
        presets = [p for p in map(self._presets.get, self.picker.checked_ids()) if p is not None]
        view = self.preset_checks
        several = len(self._sources) > 1
        self.checks_title.setText(
            "Checks of each photo's outputs, before writing"
            if several
            else "Checks of each output, before writing"
        )
        crop = self._sources[0][1] if len(self._sources) == 1 else None
        analyzer = self._analyzer_of() if self._analyzer_of is not None else None
        if not presets:
            view.show_note("Choose a preset to see its checks.")
        elif crop is not None:
            try:
                view.show_checks(presets, checks_before_export(crop, presets))
            except HeadroomError as exc:
                view.show_note(f"Checks unavailable: {exc}")
        elif several and self.consistent_box.isChecked():
            view.show_note(
                "Consistent framing frames the photos together as they are exported: each "
                "file's checks are listed with the result."
            )
        elif self._analyzer_of is not None and analyzer is None:
            view.show_note("The photos are checked once face detection has loaded.")
        elif self._sources:
            self._start_checking(presets, analyzer)

    def _start_checking(self, presets: list[Preset], analyzer: FaceAnalyzer | None) -> None:
        cancel = self._checking = threading.Event()
        self._check_run += 1
        run = self._check_run
        relay = self._check_relay = _CheckRelay()
        relay.checked.connect(self._on_photo_checked)
        self._check_presets = presets
        # The job the Export button would start now (its folder need not exist yet).
        job = self._job(False, self.output_folder() or default_out_dir(self._sources[0][0]))
        book, memo = self._presets, self._analyses

        def report(done: int, total: int, item: BatchItem) -> None:
            if not cancel.is_set():
                relay.checked.emit(run, done, total, item)

        self.preset_checks.start_photos(len(self._sources))
        self._runner.submit(
            lambda: check_export(job, book, cancel, report, analyzer=analyzer, memo=memo),
            lambda _result: None,  # each photo came through the relay
            lambda exc: self.preset_checks.show_note(f"Checks unavailable: {describe_error(exc)}"),
            key="export-checks",
        )

    def _on_photo_checked(self, run: int, done: int, total: int, item: BatchItem) -> None:
        if run == self._check_run and self._checking is not None:
            self.preset_checks.add_photo(self._check_presets, item, done, total)

    def _stop_checking(self, note: str | None = None) -> None:
        """Stop the background check between photos and drop what it still delivers; ``note``
        says why on the list (else it is about to be replaced)."""
        if self._checking is not None:
            self._checking.set()
            self._checking = None
            self._runner.cancel("export-checks")
            if note is not None:
                self.preset_checks.stop_photos(note)

    def _update_example(self) -> None:
        ids = self.picker.checked_ids()
        preset = self._presets.get(ids[0]) if ids else None
        if preset is None or not self._sources:
            self.example_label.setText("<i>Choose a preset to see the file names.</i>")
            self._template_error = ""
            return
        try:
            example = name_example(
                self.template_edit.text(), self._sources[0][0], preset, self.output_format()
            )
        except HeadroomError as exc:
            self._template_error = str(exc)
            self.example_label.setText("")
            self._show_error(str(exc))
            return
        self._template_error = ""
        self.example_label.setText(f"e.g. <b>{html.escape(example)}</b>")
        if not self._running:
            self._show_error("")

    def _update_enabled(self) -> None:
        idle = not self._running
        self.export_button.setEnabled(
            idle
            and bool(self._sources)
            and bool(self.picker.checked_ids())
            and not self._template_error
        )
        for widget in (
            self.picker,
            self.folder_edit,
            self.browse_button,
            self.format_combo,
            self.metadata_combo,
            self.template_edit,
        ):
            widget.setEnabled(idle)
        fmt = self.output_format()
        self.quality_spin.setEnabled(idle and fmt not in ("png", "tiff"))
        self.consistent_box.setVisible(len(self._sources) > 1)
        self.consistent_box.setEnabled(idle)
        self.xmp_box.setEnabled(idle)
        self.cancel_button.setText("Cancel" if self._running else "Close")

    def _show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    # -- actions ----------------------------------------------------------------------------------

    def _browse(self) -> None:
        start = self.folder_edit.text().strip() or (
            str(self._sources[0][0].parent) if self._sources else str(Path.home())
        )
        chosen = QFileDialog.getExistingDirectory(self, "Export to folder", start)
        if chosen:
            self.folder_edit.setText(chosen)

    def _job(self, overwrite: bool, folder: Path | None = None) -> ExportJob:
        folder = folder or self.output_folder()
        assert folder is not None
        return ExportJob(
            sources=tuple(self._sources),
            preset_ids=tuple(self.picker.checked_ids()),
            out_dir=folder,
            format=self.output_format(),
            quality=self.quality_spin.value(),
            keep_metadata=self.keep_metadata(),
            name_template=self.template_edit.text(),
            overwrite=overwrite,
            consistent=self.consistent_box.isChecked() and len(self._sources) > 1,
            write_xmp=self.xmp_box.isChecked(),
            tiff_colour=self.tiff_colour(),
        )

    def start_export(self) -> bool:
        """Validate, ask about replacing files, then export in the background. False when it did
        not start (the reason is shown in the dialog)."""
        if self._running or not self._sources:
            return False
        self._show_error("")
        if not self.picker.checked_ids():
            self._show_error("Choose at least one preset.")
            return False
        folder = self.output_folder()
        if folder is None:
            self._show_error("Choose an output folder.")
            return False
        if self._template_error:
            self._show_error(self._template_error)
            return False
        try:
            check_output_folder(folder)
            job = self._job(overwrite=False)
            clashes = find_clashes(job, self._presets)
        except HeadroomError as exc:
            self._show_error(str(exc))
            return False
        if clashes:
            if not self._confirm_replace(clashes):
                self.status_label.setText("Nothing exported: existing files were left as they are.")
                return False
            job = self._job(overwrite=True)
        self._save_settings()
        self._begin(job)
        return True

    def _confirm_replace(self, clashes: Sequence[Path]) -> bool:
        listed = "\n".join(p.name for p in clashes[:MAX_CLASHES_LISTED])
        more = len(clashes) - MAX_CLASHES_LISTED
        if more > 0:
            listed += f"\n… and {more} more"
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Replace existing files?",
            f"{len(clashes)} file(s) already exist in {clashes[0].parent}:\n\n{listed}\n\n"
            "Replace them?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.button(QMessageBox.StandardButton.Yes).setText("Replace")
        box.button(QMessageBox.StandardButton.No).setText("Keep existing")
        box.setDefaultButton(QMessageBox.StandardButton.No)
        answer = box.exec()
        return answer == QMessageBox.StandardButton.Yes

    def _begin(self, job: ExportJob) -> None:
        # The export's own checks come with the result.
        self._stop_checking("Not checked further: the export started.")
        self._running = True
        self._cancel = threading.Event()
        cancel = self._cancel
        relay = self._relay
        presets = self._presets
        analyzer = self._analyzer_of() if self._analyzer_of is not None else None
        memo = self._analyses
        self.results_tree.clear()
        self.results_tree.hide()
        self.picker.show_every_group()  # the choice is being made again: all of it on view
        self.show_folder_button.hide()
        self.progress_bar.setRange(0, 0)  # busy until the first progress report gives a total
        self.progress_bar.show()
        self.status_label.setText("Exporting…")
        self._update_enabled()
        self._runner.submit(
            lambda: run_export(
                job, presets, cancel, relay.progress.emit, analyzer=analyzer, memo=memo
            ),
            self._on_done,
            self._on_failed,
        )

    def cancel_export(self) -> None:
        """Stop after the file being written now; files already written stay."""
        if self._running and self._cancel is not None:
            self._cancel.set()
            self.status_label.setText("Cancelling after the current file…")
            self.cancel_button.setEnabled(False)

    def _cancel_or_close(self) -> None:
        if self._running:
            self.cancel_export()
        else:
            self.reject()

    def _on_progress(self, done: int, total: int, message: str) -> None:
        if not self._running:
            return
        self.progress_bar.setRange(0, max(1, total))
        self.progress_bar.setValue(min(done, max(1, total)))
        if message and not (self._cancel is not None and self._cancel.is_set()):
            self.status_label.setText(message)

    def _on_failed(self, exc: BaseException) -> None:
        result = ExportRunResult(
            written=(), failed=((None, describe_error(exc)),), skipped=(), cancelled=False
        )
        self._on_done(result)

    def _on_done(self, result: ExportRunResult) -> None:
        self._running = False
        self._last_result = result
        self.cancel_button.setEnabled(True)
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(1)
        self._show_result(result)
        self._update_enabled()
        self.exportFinished.emit(result)
        if self._close_when_done:
            self._close_when_done = False
            super().reject()

    def _show_result(self, result: ExportRunResult) -> None:
        tree = self.results_tree
        tree.clear()
        for written in result.written:
            item = QTreeWidgetItem(
                [
                    written.path.name,
                    f"{written.width} × {written.height}",
                    _human_bytes(written.bytes),
                    "" if written.quality is None else f"quality {written.quality}",
                ]
            )
            item.setToolTip(0, str(written.path))
            tree.addTopLevelItem(item)
            add_check_items(item, result.checks.get(written.path, ()), 3)
        for photo, note in result.xmp:
            item = QTreeWidgetItem([photo.name, "XMP", "", note])
            item.setToolTip(3, note)
            tree.addTopLevelItem(item)
        problems = [("failed", s, r) for s, r in result.failed]
        problems += [("skipped", s, r) for s, r in result.skipped]
        for status, source, reason in problems:
            name = source.name if source is not None else "Export"
            item = QTreeWidgetItem([name, status, "", reason])
            item.setToolTip(0, str(source) if source is not None else "")
            item.setToolTip(3, reason)
            if status == "failed":
                for column in range(4):
                    item.setForeground(column, QColor(FAILED_COLOUR))
            tree.addTopLevelItem(item)
        tree.setVisible(tree.topLevelItemCount() > 0)
        if tree.isVisible():
            self._make_room_for_results()
        self.show_folder_button.setVisible(bool(result.written))
        parts = [f"{len(result.written)} file(s) written"]
        warned = sum(
            1
            for found in result.checks.values()
            if any(check.severity != "info" for check in found)
        )
        if warned:
            parts.append(f"{warned} with warnings")
        if result.failed:
            parts.append(f"{len(result.failed)} failed")
        if result.skipped:
            parts.append(f"{len(result.skipped)} skipped")
        if result.cancelled:
            parts.append("cancelled")
        self.status_label.setText(", ".join(parts) + ".")

    def _make_room_for_results(self) -> None:
        """The written files get rows of their own: the dialog grows as far as its screen allows,
        and past that the preset list (a choice already made) scrolls instead of the results."""
        self.picker.setMinimumHeight(0)
        rows = self.results_tree.sizeHintForRow(0) if self.results_tree.topLevelItemCount() else 0
        row = max(rows, self.fontMetrics().height() + 4)
        room = RESULT_ROWS * row
        # At least half of that whatever the screen: the preset list gives way first.
        header = self.results_tree.header().sizeHint().height()
        self.results_tree.setMinimumHeight(room // 2 + header)
        screen = self.screen()
        available = screen.availableGeometry() if screen is not None else None
        extra = max(0, self.frameGeometry().height() - self.height())  # the title bar
        height = self.height() + room
        if available is not None:
            height = min(height, available.height() - extra)
        self.resize(self.width(), max(self.height(), height))
        if available is not None and self.frameGeometry().bottom() > available.bottom():
            self.move(
                self.x(), max(available.top(), available.bottom() - self.frameGeometry().height())
            )

    def show_folder(self) -> None:
        folder = self.output_folder()
        if folder is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def done(self, result: int) -> None:
        self._stop_checking()
        super().done(result)

    def reject(self) -> None:
        if self._running:
            # Closing while exporting cancels and closes once the file being written is complete:
            # a write is never abandoned half-way.
            self._close_when_done = True
            self.cancel_export()
            return
        super().reject()
