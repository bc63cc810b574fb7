"""End-to-end run of the desktop app in a real X server, driven by xdotool (run by hand).

    apt-get install -y xvfb xdotool libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 \
        libxcb-render-util0 libxkbcommon-x11-0
    .venv/bin/python tools/gui_e2e_xvfb.py [--out out/e2e] [PHOTO_FOLDER]

It starts Xvfb (unless $DISPLAY is set), opens a copy of the shared photos (../shared/photos) as a
folder, and sends real X input with xdotool (XTEST: the same path as a keyboard and a mouse): a
crop drag, Esc during a drag, then with the focus in each panel (canvas, rotation slider, preset
list, suggestion grid, filmstrip, ratio box, a tick box, a button) every crop key of the table
(ui/keymap.py), checking each one's effect on the window's crop session; typing in a number field;
the shortcut sheet (F1); Compare; the next photo; the right panel's previews, badges and preset
names fitting the window (fit and actual pixels); on the group photo, a member's headshot zoomed to
and moved from its face at fit; and an export through the dialog's Export button, checking each
written file's pixel size. --screen 1280x800 runs it on a small laptop's screen. The window lives
in this process so the checks can read its state; the X server only sees real input. Screenshots
of the real X screen go to --out. Prints one line per check and exits 1 if any failed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SHARED_PHOTOS = ROOT.parent / "shared" / "photos"
SCREEN = (1600, 1000)  # the X screen; --screen 1280x800 tries a small laptop's


class Run:
    """The checks made so far, and where the screenshots go."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.results: list[tuple[bool, str]] = []
        self.shots = 0

    def check(self, ok: bool, what: str) -> bool:
        self.results.append((bool(ok), what))
        print(f"{'ok  ' if ok else 'FAIL'} {what}", flush=True)
        return bool(ok)

    def shot(self, name: str) -> Path:
        """The real X screen (what a person would see), not a widget render."""
        from PySide6.QtWidgets import QApplication

        settle(0.3)
        screen = QApplication.primaryScreen()
        self.shots += 1
        path = self.out / f"{self.shots:02d}-{name}.png"
        screen.grabWindow(0).save(str(path), "PNG")
        print(f"     screenshot {path}", flush=True)
        return path


def settle(seconds: float = 0.15) -> None:
    from ui.screenshot import wait_until

    wait_until(lambda: False, seconds)


def xdotool(*args: str) -> None:
    subprocess.run(["xdotool", *args], check=True)
    settle()


def key(name: str, *, clear: bool = True) -> None:
    """``clear``: release modifiers held by earlier steps first (it releases a held mouse button
    too, so not during a drag)."""
    xdotool("key", *(["--clearmodifiers"] if clear else []), name)


def global_point(widget, pos=None) -> tuple[int, int]:
    from PySide6.QtCore import QPoint

    p = widget.mapToGlobal(pos if pos is not None else widget.rect().center())
    if not isinstance(p, QPoint):
        p = p.toPoint()
    return p.x(), p.y()


def click(widget, pos=None) -> None:
    x, y = global_point(widget, pos)
    xdotool("mousemove", "--sync", str(x), str(y), "click", "1")


def drag(widget, start, end, *, release: bool = True, steps: int = 8) -> None:
    x0, y0 = global_point(widget, start)
    x1, y1 = global_point(widget, end)
    xdotool("mousemove", "--sync", str(x0), str(y0), "mousedown", "1")
    for i in range(1, steps + 1):
        xdotool(
            "mousemove",
            "--sync",
            str(round(x0 + (x1 - x0) * i / steps)),
            str(round(y0 + (y1 - y0) * i / steps)),
        )
    if release:
        xdotool("mouseup", "1")


def start_xvfb() -> subprocess.Popen[bytes] | None:
    if os.environ.get("DISPLAY"):
        return None
    if shutil.which("Xvfb") is None or shutil.which("xdotool") is None:
        raise SystemExit("error: needs Xvfb and xdotool (apt-get install -y xvfb xdotool)")
    display = ":97"
    proc = subprocess.Popen(
        ["Xvfb", display, "-screen", "0", f"{SCREEN[0]}x{SCREEN[1]}x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.environ["DISPLAY"] = display
    for _ in range(100):
        if subprocess.run(["xdotool", "getmouselocation"], capture_output=True).returncode == 0:
            break
        time.sleep(0.1)
    return proc


def main(argv: list[str]) -> int:
    global SCREEN
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=SHARED_PHOTOS)
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "e2e")
    parser.add_argument("--screen", default=f"{SCREEN[0]}x{SCREEN[1]}", metavar="WxH")
    args = parser.parse_args(argv)
    SCREEN = tuple(int(v) for v in args.screen.lower().split("x"))  # type: ignore[assignment]
    if not args.folder.is_dir():
        raise SystemExit(f"error: no photo folder at {args.folder}")
    args.out.mkdir(parents=True, exist_ok=True)
    xvfb = start_xvfb()
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    try:
        with tempfile.TemporaryDirectory(prefix="headroom-e2e-") as tmp:
            return drive(Path(tmp), args.folder, Run(args.out))
    finally:
        if xvfb is not None:
            xvfb.terminate()
            xvfb.wait(10)


def drive(tmp: Path, folder: Path, run: Run) -> int:
    from PIL import Image
    from PySide6.QtCore import QPoint
    from PySide6.QtWidgets import QApplication

    from ui.main_window import PAGE_CANVAS, PAGE_COMPARE, MainWindow
    from ui.screenshot import wait_until
    from ui.settings import settings_at
    from ui.theme import apply_theme

    photos = tmp / "photos"
    photos.mkdir()
    originals = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() != ".tsv")
    for p in originals:
        shutil.copyfile(p, photos / p.name)
    before = {p.name: p.read_bytes() for p in photos.iterdir()}

    app = QApplication.instance() or QApplication(["headroom-e2e"])
    apply_theme(app)
    window = MainWindow(settings_at(tmp / "settings.ini"), restore_layout=False)
    window.move(0, 0)
    window.resize(SCREEN[0], SCREEN[1] - 40)
    window.show()
    wait_until(lambda: window.analyzer() is not None, 300)
    run.check(window.analyzer() is not None, "face models loaded")
    window.open_paths([photos])
    first = window.filmstrip.paths()[0]
    wait_until(lambda: window.analysed_path == first, 120)
    wait_until(window.is_settled, 120)
    window.activateWindow()
    xdotool("windowfocus", "--sync", str(int(window.winId())))
    session = window.session()
    if not run.check(session is not None, f"{first.name} opened with a crop session"):
        return 1
    assert session is not None
    run.shot("opened")

    # -- a drag, Esc during a drag (it crashed the app), Enter during a drag -------------------
    canvas = window.canvas
    vp = canvas.viewport()

    def corner() -> QPoint:
        rect = canvas.crop_rect_in_view()
        assert rect is not None
        return rect.bottomRight().toPoint()

    start_box = session.state.box
    drag(vp, corner(), corner() - QPoint(70, 50))
    run.check(session.state.box.w < start_box.w and session.can_undo, "drag a corner: smaller")
    run.shot("after-drag")
    key("ctrl+z")
    run.check(session.state.box == start_box, "Ctrl+Z: back")
    drag(vp, corner(), corner() - QPoint(70, 50), release=False)
    live = session.is_live
    run.shot("during-drag")
    key("Escape", clear=False)
    xdotool("mouseup", "1")
    run.check(
        live and session.state.box == start_box and not session.is_live,
        "Esc during a drag cancels it (and the app is alive)",
    )

    # -- every crop key, with the focus in each panel -------------------------------------------
    picker = window.preview.picker
    grid = window.suggestions.grid("headshot")
    panels: list[tuple[str, Callable[[], None]]] = [
        ("canvas", lambda: click(vp, QPoint(12, 12))),
        ("rotation slider", lambda: click(window.crop_bar.angle_slider)),
        (
            "preset list",
            lambda: click(
                picker.viewport(), picker.visualItemRect(picker.topLevelItem(0)).center()
            ),
        ),
        (
            "suggestion grid",
            lambda: click(grid.viewport(), grid.visualItemRect(grid.item(0)).center()),
        ),
        (
            "filmstrip",
            lambda: click(
                window.filmstrip.viewport(),
                window.filmstrip.visualItemRect(window.filmstrip.item(0)).center(),
            ),
        ),
        ("ratio box", lambda: (click(window.crop_bar.aspect_box), key("Escape"))),
        ("actual-pixels tick box", lambda: click(window.preview.true_size_box)),
        ("swap button", lambda: click(window.crop_bar.swap_button)),
    ]
    window.suggestions.set_current_genre("headshot")
    for name, focus in panels:
        focus()
        settle(0.3)
        focus_widget = QApplication.focusWidget()
        label = f"[{name}: focus {type(focus_widget).__name__}]"
        key("1")  # start each round from the first headshot
        applied = session.state
        every_crop_key(window, session, run, label)
        run.check(session.state.box == applied.box, f"{label} R brings the suggestion back")
        run.shot(f"keys-{name.replace(' ', '-')}")

    # -- typing in a number field keeps its keys ----------------------------------------------
    spin = window.crop_bar.w_spin
    click(spin)
    guides = window.guide_settings()
    box = session.state.box
    key("o")
    key("r")
    key("Up")
    run.check(
        window.guide_settings() == guides and session.state.box.x == box.x,
        "typing in the W field: O, R and Up stay the field's",
    )
    click(vp, QPoint(12, 12))

    # -- shortcut sheet, compare, next photo --------------------------------------------------
    key("F1")
    sheet = window._shortcut_sheet
    run.check(sheet is not None and sheet.isVisible(), "F1 opens Help > Keyboard shortcuts")
    if sheet is not None:
        sheet.move(window.width() - sheet.width() - 40, 80)
        run.shot("shortcut-sheet")
        sheet.close()
        window.activateWindow()
        xdotool("windowfocus", "--sync", str(int(window.winId())))
    key("c")
    wait_until(lambda: not window.compare.is_rendering(), 30)
    run.check(window.stack.currentIndex() == PAGE_COMPARE, "C shows Compare")
    run.shot("compare")
    key("Escape")
    run.check(window.stack.currentIndex() == PAGE_CANVAS, "Esc leaves Compare")
    key("m")
    key("o")
    run.shot("circle-mask-and-guides")
    key("m")
    key("Next")
    second = window.filmstrip.paths()[1]
    wait_until(lambda: window.analysed_path == second, 120)
    wait_until(window.is_settled, 120)
    run.check(window.shown_path() == second, "PgDn opens the next photo")
    run.shot("next-photo")
    for _ in range(len(window.filmstrip.paths()) - 2):
        key("Next")
        wait_until(lambda: window.is_settled() and window.analysed_path == window.shown_path(), 120)
        run.shot(f"photo-{window.shown_path().name if window.shown_path() else 'none'}")
    key("bracketleft")
    wait_until(window.is_settled, 120)
    right_panel_fits(window, run)
    small_faces(window, run)

    # -- export through the dialog -------------------------------------------------------------
    key("ctrl+e")
    dialog = window.export_wiring.dialog
    if not run.check(dialog is not None and dialog.isVisible(), "Ctrl+E opens the export dialog"):
        return report(run)
    assert dialog is not None
    out = tmp / "exports"
    out.mkdir()
    wanted = ["linkedin-profile", "instagram-portrait"]
    dialog.set_presets(wanted)
    dialog.set_output_folder(out)
    dialog.move(200, 80)
    settle(0.5)
    run.shot("export-dialog")
    click(dialog.export_button)
    wait_until(lambda: dialog.last_result() is not None and not dialog.is_running(), 600)
    result = dialog.last_result()
    run.shot("export-result")
    n_photos = len(window.filmstrip.paths())
    written = sorted(out.iterdir())
    failures = result.failed if result is not None else ("no result",)
    run.check(result is not None and not failures, f"export finished without failures {failures}")
    expected = {p: window.presets.require(p) for p in wanted}
    sizes_ok = all(
        Image.open(f).size == (expected[pid].width, expected[pid].height)
        for f in written
        for pid in wanted
        if pid in f.name
    )
    skipped = len(result.skipped) if result is not None else 0
    run.check(
        len(written) + skipped >= 1 and len(written) <= 2 * n_photos and sizes_ok,
        f"{len(written)} files written for {n_photos} photos x 2 presets "
        f"({skipped} skipped), each at its preset's pixel size",
    )
    after = {p.name: p.read_bytes() for p in photos.iterdir() if p.name in before}
    run.check(after == before, "no original photo was changed")
    dialog.close()
    window.close()
    return report(run)


def right_panel_fits(window, run: Run) -> None:
    """Item 9 of issue #10: at this window size the previews, their badges and the preset names
    fit the right panel, also at actual pixels."""
    panel = window.preview
    panel.set_selected_presets(["linkedin-profile", "instagram-portrait", "print-8x10", "id-us"])
    from ui.screenshot import wait_until

    wait_until(lambda: window.is_settled() and not panel.is_rendering(), 120)
    for true_size in (False, True):
        if panel.true_size() != true_size:
            click(panel.true_size_box)
            settle(0.5)
        host, viewport = panel.scroll_area.widget(), panel.scroll_area.viewport()
        badges = [t.badge for t in map(panel.tile, panel.selected_presets()) if t is not None]
        run.check(
            host.width() <= viewport.width()
            and all(b.width() >= b.sizeHint().width() for b in badges if b.isVisible()),
            f"right panel {'at actual pixels' if true_size else 'fit'}: previews and badges "
            f"inside it ({host.width()} <= {viewport.width()} px)",
        )
        run.shot(f"right-panel-{'100' if true_size else 'fit'}")
    picker = panel.picker
    run.check(
        picker.header().sectionSize(0) >= picker.names_need(),
        "preset names whole in the right panel",
    )
    click(panel.true_size_box)


def small_faces(window, run: Run) -> None:
    """Item 11 of issue #10: on a group photo a member's headshot is zoomed to; at fit its
    handles sit outside it, and a press on the face moves it."""
    from PySide6.QtCore import QPoint

    from ui import crop_overlay
    from ui.screenshot import wait_until

    strip = window.filmstrip
    paths = strip.paths()
    group = next((i for i, p in enumerate(paths) if "solvay" in p.name), None)
    if group is None:
        return
    strip.scrollToItem(strip.item(group))
    click(strip.viewport(), strip.visualItemRect(strip.item(group)).center())
    wait_until(lambda: window.analysed_path == paths[group] and window.is_settled(), 120)
    session, canvas = window.session(), window.canvas
    if not run.check(session is not None, f"{paths[group].name} opened"):
        return
    window.suggestions.set_current_genre("headshot")
    grid = window.suggestions.grid("headshot")
    shots = window.suggestions.suggestions("headshot")
    row = next((i for i, s in enumerate(shots) if s.subject not in (None, 0)), None)
    if row is None:
        return
    fit = canvas._fit_scale()
    small = min(shots[row].box.w, shots[row].box.h) * fit < crop_overlay.SMALL_CROP_PX
    grid.scrollToItem(grid.item(row))
    click(grid.viewport(), grid.visualItemRect(grid.item(row)).center())
    settle(0.3)
    crop = canvas.crop_rect_in_view()
    run.check(
        small
        and crop is not None
        and canvas.zoom > 2 * fit
        and min(crop.width(), crop.height()) >= crop_overlay.SMALL_CROP_PX,
        f"a group member's headshot (P{shots[row].subject + 1}) is zoomed to",
    )
    run.shot("small-face-zoomed")
    key("0")  # the crop keys work wherever the focus is (the suggestion grid here)
    crop = canvas.crop_rect_in_view()
    run.shot("small-face-at-fit")
    if crop is None:
        return
    before = session.state.box
    start = QPoint(round(crop.left() + 5), round(crop.center().y()))
    drag(canvas.viewport(), start, start + QPoint(10, 0))
    after = session.state.box
    run.check(
        abs(after.w - before.w) < 1 and after.x > before.x,
        "at fit, a press on the small crop's face by its edge moves it (handles are outside)",
    )
    key("ctrl+z")


def every_crop_key(window, session, run: Run, label: str) -> None:
    """Each crop key once with the focus where it is; the check is the key's effect."""
    box = session.state.box
    key("Left")
    run.check(abs(session.state.box.x - (box.x - 1)) < 1e-6, f"{label} Left nudges 1 px")
    key("shift+Down")
    run.check(abs(session.state.box.y - (box.y + 10)) < 1e-6, f"{label} Shift+Down nudges 10 px")
    key("Right")
    key("shift+Up")
    run.check(session.state.box == box, f"{label} Right, Shift+Up nudge back")
    aspect = session.state.aspect
    key("a")
    run.check(session.state.aspect is None, f"{label} A unlocks the ratio")
    key("a")
    run.check(session.state.aspect == aspect, f"{label} A locks it again")
    key("x")
    swapped = aspect is not None and session.state.aspect == (aspect[1], aspect[0])
    run.check(swapped, f"{label} X swaps the orientation")
    key("r")
    run.check(session.state.aspect == aspect, f"{label} R resets the crop")
    guides = window.guide_settings()
    key("o")
    run.check(window.guide_settings().enabled != guides.enabled, f"{label} O cycles the guides")
    key("shift+o")
    turned = window.guide_settings().orientation != guides.orientation
    run.check(turned, f"{label} Shift+O turns the guide")
    key("m")
    run.check(window.canvas.circle_mask, f"{label} M shows the circle mask")
    key("m")
    faces = session.analysis.faces if session.analysis is not None else ()
    if faces:
        key("l")
        level = abs(session.state.angle_deg - faces[session.state.subject or 0].roll_deg) < 1e-6
        run.check(level, f"{label} L levels the eyes")
        key("r")
    key("s")
    run.check(window.canvas.straighten_tool, f"{label} S arms the straighten tool")
    key("Escape")
    run.check(not window.canvas.straighten_tool, f"{label} Esc puts it away")
    zoom = window.canvas.zoom
    key("plus")
    run.check(window.canvas.zoom > zoom, f"{label} + zooms in")
    key("z")
    key("0")
    fit = window.canvas._fit_scale()
    run.check(abs(window.canvas.zoom - fit) < 1e-9, f"{label} 0 fits again")
    found = window.suggestions.suggestions(window.suggestions.current_genre())
    if len(found) > 1:
        key("2")
        run.check(session.state.suggestion_id == found[1].id, f"{label} 2 applies suggestion 2")
        key("1")
        run.check(session.state.suggestion_id == found[0].id, f"{label} 1 applies suggestion 1")
    presets = window.preview.selected_presets()
    scroll = window.canvas.horizontalScrollBar().value()
    key("plus")
    vp = window.canvas.viewport()
    xdotool("keydown", "space")
    inside = window.canvas.crop_rect_in_view()
    if inside is not None:
        c = inside.center().toPoint()
        from PySide6.QtCore import QPoint

        drag(vp, c, c + QPoint(90, 0))
    xdotool("keyup", "space")
    run.check(
        window.canvas.horizontalScrollBar().value() != scroll
        and window.preview.selected_presets() == presets,
        f"{label} Space+drag pans (no preset ticked)",
    )
    key("0")
    key("r")


def report(run: Run) -> int:
    failed = [what for ok, what in run.results if not ok]
    print(f"\n{len(run.results) - len(failed)} of {len(run.results)} checks passed", flush=True)
    for what in failed:
        print(f"FAILED: {what}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
