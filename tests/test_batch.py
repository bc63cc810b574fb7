"""Batch export through the real path: worker processes with real analyzers, a folder with a
corrupt file and a photo without a face, consistent team framing, sidecar reuse and the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from PIL import Image

from core.batch import AnalysisMemo, BatchItem, ChosenCrop, check_batch, run_batch
from core.detection import FaceAnalyzer
from core.errors import ExportError
from core.framing.plan import CropChoice
from core.geometry import Box
from core.presets import load_presets
from core.sidecar import write_sidecar
from tests.analyzer_spy import count_analyses
from tests.export_samples import sha256

REPO = Path(__file__).resolve().parent.parent
BOOK = load_presets(None)


@pytest.fixture()
def folder(
    tmp_path: Path, grace_hopper_path: Path, astronaut_path: Path, coffee_path: Path
) -> Path:
    """Two portraits, a photo without a face and a corrupt JPEG."""
    photos = tmp_path / "photos"
    photos.mkdir()
    (photos / "a_hopper.jpg").write_bytes(grace_hopper_path.read_bytes())
    (photos / "b_astronaut.png").write_bytes(astronaut_path.read_bytes())
    (photos / "c_coffee.png").write_bytes(coffee_path.read_bytes())
    (photos / "d_corrupt.jpg").write_bytes(grace_hopper_path.read_bytes()[:2000])
    return photos


def sources_in(folder: Path) -> list[Path]:
    return sorted(folder.iterdir())


def test_batch_in_two_processes_exports_the_rest_and_reports_problems(
    folder: Path, tmp_path: Path
) -> None:
    presets = [BOOK.require("linkedin-profile"), BOOK.require("print-8x10")]
    hashes = {p: sha256(p) for p in sources_in(folder)}
    seen: list[tuple[int, int, BatchItem]] = []
    result = run_batch(
        sources_in(folder),
        presets,
        tmp_path / "out",
        workers=2,
        progress=lambda d, t, item: seen.append((d, t, item)),
    )
    status = {i.source.name: i.status for i in result.items}
    assert status == {
        "a_hopper.jpg": "done",
        "b_astronaut.png": "done",
        "c_coffee.png": "skipped",
        "d_corrupt.jpg": "failed",
    }
    assert [i.source.name for i in result.items] == sorted(status)  # input order
    assert "no face" in (result.skipped[0].reason or "")
    assert "d_corrupt.jpg" in (result.failed[0].reason or "")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "a_hopper_linkedin-profile.jpg",
        "a_hopper_print-8x10.jpg",
        "b_astronaut_linkedin-profile.jpg",
        "b_astronaut_print-8x10.jpg",
    ]
    for written in result.written:
        assert Image.open(written.path).size == (written.width, written.height)
    assert [d for d, _t, _i in seen] == [1, 2, 3, 4] and {t for _d, t, _i in seen} == {4}
    assert {p: sha256(p) for p in sources_in(folder)} == hashes
    summary = result.to_json()["summary"]
    assert summary == {"done": 2, "skipped": 1, "failed": 1, "files": 4}


def test_all_names_are_checked_before_any_photo_is_written(
    folder: Path, tmp_path: Path, analyzer: FaceAnalyzer
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "b_astronaut_linkedin-profile.jpg").write_bytes(b"someone else's file")
    with pytest.raises(ExportError, match=r"b_astronaut_linkedin-profile\.jpg"):
        run_batch(sources_in(folder), [BOOK.require("linkedin-profile")], out, analyzer=analyzer)
    assert sorted(p.name for p in out.iterdir()) == ["b_astronaut_linkedin-profile.jpg"]
    other = tmp_path / "other"
    other.mkdir()
    twin = other / "a_hopper.jpg"
    twin.write_bytes((folder / "a_hopper.jpg").read_bytes())
    with pytest.raises(ExportError, match="both be written"):
        run_batch(
            [folder / "a_hopper.jpg", twin], [BOOK.require("x-profile")], out, analyzer=analyzer
        )
    assert sorted(p.name for p in out.iterdir()) == ["b_astronaut_linkedin-profile.jpg"]


def test_sidecar_crop_is_reused(
    grace_hopper_path: Path, tmp_path: Path, analyzer: FaceAnalyzer
) -> None:
    photo = tmp_path / "hopper.jpg"
    photo.write_bytes(grace_hopper_path.read_bytes())
    box = Box(100.0, 150.0, 300.0, 300.0)
    write_sidecar(photo, CropChoice(box=box, aspect=(1, 1), genre="manual"), (512, 600))
    preset = BOOK.require("linkedin-profile")
    result = run_batch([photo], [preset], tmp_path / "out", analyzer=analyzer)
    assert result.items[0].crop_from == "sidecar"
    out = Image.open(result.written[0].path).convert("RGB")
    expected = (
        Image.open(photo)
        .convert("RGB")
        .resize((400, 400), Image.Resampling.LANCZOS, box=(100, 150, 400, 450))
    )
    diff = sum(
        abs(a - b)
        for a, b in zip(
            out.resize((40, 40)).tobytes(), expected.resize((40, 40)).tobytes(), strict=True
        )
    )
    assert diff / (40 * 40 * 3) < 3
    ignored = run_batch([photo], [preset], tmp_path / "out2", analyzer=analyzer, use_sidecars=False)
    assert ignored.items[0].crop_from == "suggestion"


def test_a_preset_the_photo_cannot_give_is_skipped_alone(
    astronaut_path: Path, tmp_path: Path, analyzer: FaceAnalyzer
) -> None:
    """A 4:1 cover from a head-and-shoulders photo has no framing: that preset is reported, the
    other presets of the photo are still exported."""
    presets = [BOOK.require("linkedin-cover"), BOOK.require("linkedin-profile")]
    result = run_batch([astronaut_path], presets, tmp_path / "out", analyzer=analyzer)
    item = result.items[0]
    assert item.status == "done"
    assert [w.preset for w in item.written] == ["linkedin-profile"]
    assert [p for p, _why in item.unframed] == ["linkedin-cover"]
    skipped = result.to_json()["skipped"]
    assert skipped == [
        {"source": str(astronaut_path), "preset": "linkedin-cover", "reason": item.unframed[0][1]}
    ]


def test_unknown_suggestion_id_skips_with_the_known_ids(
    grace_hopper_path: Path, tmp_path: Path, analyzer: FaceAnalyzer
) -> None:
    result = run_batch(
        [grace_hopper_path],
        [BOOK.require("linkedin-profile")],
        tmp_path / "out",
        suggestion_id="no-such-suggestion",
        analyzer=analyzer,
    )
    assert result.items[0].status == "skipped"
    assert "no-such-suggestion" in (result.items[0].reason or "")
    assert "headshot-" in (result.items[0].reason or "")


def _team(tmp_path: Path, grace_hopper_path: Path, astronaut_path: Path) -> list[Path]:
    """Four photos framed differently: the face fills each by a different share at a different
    place; the last one (Grace Hopper, head filling the frame) has no room for a looser framing."""
    team = tmp_path / "team"
    team.mkdir()
    astronaut = Image.open(astronaut_path).convert("RGB")
    paths = [team / f"{i}.jpg" for i in ("1_full", "2_close", "3_shifted", "4_hopper")]
    astronaut.save(paths[0], quality=92)
    astronaut.crop((20, 0, 420, 420)).resize((760, 798), Image.Resampling.LANCZOS).save(paths[1])
    astronaut.crop((90, 0, 512, 480)).save(paths[2], quality=92)
    Image.open(grace_hopper_path).convert("RGB").save(paths[3], quality=92)
    return paths


def test_consistent_lines_up_eye_line_and_head_size(
    tmp_path: Path, grace_hopper_path: Path, astronaut_path: Path, analyzer: FaceAnalyzer
) -> None:
    paths = _team(tmp_path, grace_hopper_path, astronaut_path)
    preset = BOOK.require("linkedin-profile")
    result = run_batch(paths, [preset], tmp_path / "out", consistent=True, analyzer=analyzer)
    shared = result.shared[preset.id]
    assert shared.photos == 4
    done = result.done
    for item in result.skipped:
        assert "cannot match" in (item.reason or "")
    assert len(done) >= 3
    eyes, heads = [], []
    for item in done:
        assert item.crop_from == "consistent"
        out = item.written[0]
        _loaded, found = analyzer.analyze_path(out.path)
        face = found.faces[0]
        eyes.append(face.eye_line_y / out.height)
        heads.append(face.head_height / out.height)
    # Re-detection on 400 px outputs is good to about 1% of the height for the eye line (the
    # crown, from the person mask, is rougher): the crops themselves are exact.
    assert max(eyes) - min(eyes) <= 0.03, eyes
    assert all(abs(e - shared.eye_from_top) <= 0.02 for e in eyes), (eyes, shared)
    assert max(heads) / min(heads) <= 1.12, heads


def test_cli_export_json_and_exit_code(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run = subprocess.run(
        [
            sys.executable,
            "app.py",
            "export",
            str(folder / "a_hopper.jpg"),
            str(folder / "c_coffee.png"),
            str(folder / "d_corrupt.jpg"),
            "--preset",
            "x-profile",
            "--preset",
            "id-us",
            "--out",
            str(out),
            "--workers",
            "1",
            "--json",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 1, run.stderr
    data = json.loads(run.stdout)
    assert set(data) >= {"written", "failed", "skipped"}
    assert {tuple(sorted(w)) for w in data["written"]} == {
        ("bytes", "checks", "height", "path", "preset", "source", "width")
    }
    assert sorted((w["preset"], w["width"], w["height"]) for w in data["written"]) == [
        ("id-us", 600, 600),
        ("x-profile", 400, 400),
    ]
    assert [Path(f["source"]).name for f in data["failed"]] == ["d_corrupt.jpg"]
    assert data["failed"][0]["error"]
    assert [Path(s["source"]).name for s in data["skipped"]] == ["c_coffee.png"]
    again = subprocess.run(
        [
            sys.executable,
            "app.py",
            "export",
            str(folder / "a_hopper.jpg"),
            "--preset",
            "x-profile",
            "--out",
            str(out),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert again.returncode == 1 and again.stderr.startswith("error: ")
    assert "already exist" in again.stderr


def test_cancel_stops_between_photos(folder: Path, tmp_path: Path, analyzer: FaceAnalyzer) -> None:
    cancel = threading.Event()
    result = run_batch(
        sources_in(folder),
        [BOOK.require("x-profile")],
        tmp_path / "out",
        analyzer=analyzer,
        cancel=cancel,
        progress=lambda done, total, item: cancel.set(),
    )
    assert [i.status for i in result.items] == ["done", "skipped", "skipped", "skipped"]
    assert {i.reason for i in result.items[1:]} == {"cancelled"}
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["a_hopper_x-profile.jpg"]


def test_chosen_crops_are_exported_without_a_detection_with_file_progress_and_cancel(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The GUI's path: its per-photo crops (with the size the session knows), a per-file progress
    # and a cancel that stops between files of one photo.
    import core.batch
    import core.photo

    def no_detection(_source: Path) -> None:
        raise AssertionError("a chosen crop needs no detection")

    def no_size_read(_source: Path) -> None:
        raise AssertionError("the size comes with the chosen crop")

    monkeypatch.setattr(core.batch, "_analyze", no_detection)
    monkeypatch.setattr(core.photo, "read_image_size", no_size_read)
    photo = folder / "a_hopper.jpg"
    with Image.open(photo) as img:
        size = img.size
    chosen = core.batch.ChosenCrop(CropChoice(Box(100, 50, 300, 300), aspect=(1, 1)), size)
    presets = [BOOK.require(i) for i in ("linkedin-profile", "instagram-square", "x-profile")]
    seen: list[tuple[int, int, str]] = []
    result = run_batch(
        [photo],
        presets,
        tmp_path / "out",
        chosen={photo: chosen},
        file_progress=lambda *a: seen.append(a),
    )
    assert [i.crop_from for i in result.items] == ["chosen"]
    assert [(d, t) for d, t, _m in seen] == [(1, 3), (2, 3), (3, 3), (3, 3)]
    assert seen[-1][2] == "a_hopper.jpg: done"
    assert not result.cancelled
    # Every written file comes with core's checks of its crop; the CLI lists them under it.
    from io import StringIO

    from core.commands.export import print_summary

    assert [c.code for c in result.items[0].checks_of(result.written[0])] == ["upscale-needed"]
    summary = StringIO()
    print_summary(result, summary)
    assert "a_hopper_linkedin-profile.jpg (400 x 400" in summary.getvalue()
    assert "  warning: crop is 300x300 px; 400x400 output needs 1.33x upscaling" in (
        summary.getvalue()
    )

    import threading

    cancel = threading.Event()

    def stop_after_first(done: int, _total: int, _message: str) -> None:
        cancel.set()

    result = run_batch(
        [photo, folder / "b_astronaut.png"],
        presets,
        tmp_path / "out2",
        chosen={photo: chosen},
        file_progress=stop_after_first,
        cancel=cancel,
    )
    assert result.cancelled
    first, second = result.items
    assert first.status == "done" and len(first.written) == 1 and first.reason == "cancelled"
    assert second.status == "skipped" and second.reason == "cancelled"
    assert sorted(p.name for p in (tmp_path / "out2").iterdir()) == [first.written[0].path.name]


def test_in_process_batch_analyses_the_next_photo_while_this_one_is_written(
    folder: Path, tmp_path: Path, analyzer: FaceAnalyzer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One worker: photo 2's analysis starts on a second thread before photo 1's first file is
    written and is still running when it is (it waits for that file), and the files and the
    report are those of a run without the overlap."""
    import core.batch

    presets = [BOOK.require("x-profile"), BOOK.require("id-us")]
    sources = sources_in(folder)
    real = core.batch._analyze
    first_file = threading.Event()
    overlapped: list[bool] = []
    threads: dict[str, str] = {}

    def analyse(source: Path, *given: object) -> object:  # given: the analyzer and the memo
        threads[source.name] = threading.current_thread().name
        if source == sources[1]:
            overlapped.append(not first_file.is_set() and first_file.wait(timeout=60))
        return real(source, *given)

    monkeypatch.setattr(core.batch, "_analyze", analyse)
    ahead = run_batch(
        sources,
        presets,
        tmp_path / "ahead",
        analyzer=analyzer,
        file_progress=lambda *_a: first_file.set(),
    )
    assert overlapped == [True]
    assert threads[sources[0].name] == threading.current_thread().name
    assert {threads[s.name] for s in sources[1:]} != {threading.current_thread().name}

    monkeypatch.setattr(core.batch, "_analyze", real)
    monkeypatch.setattr(core.batch._AnalysisAhead, "start", lambda self, job: None)
    inline = run_batch(sources, presets, tmp_path / "inline", analyzer=analyzer)
    report = json.dumps(ahead.to_json()).replace(str(tmp_path / "ahead"), "OUT")
    assert report == json.dumps(inline.to_json()).replace(str(tmp_path / "inline"), "OUT")
    assert [i.status for i in ahead.items] == ["done", "done", "skipped", "failed"]
    for written in inline.written:
        assert sha256(tmp_path / "ahead" / written.path.name) == sha256(written.path)


def test_in_process_batch_of_large_pngs_analyses_each_in_its_turn(
    grace_hopper_path: Path, tmp_path: Path, analyzer: FaceAnalyzer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Review: a PNG's analysis decodes it at full size, so analysing the next large PNG ahead
    held two full-size photos in memory at once. Two PNGs above LOOK_AHEAD_MAX_FULL_PIXELS are
    analysed one after the other on the batch's thread; two JPEGs (draft-decoded) still ahead."""
    import core.batch
    from core.export.source import LOOK_AHEAD_MAX_FULL_PIXELS

    side = int(LOOK_AHEAD_MAX_FULL_PIXELS**0.5) + 1
    pngs = tmp_path / "pngs"
    pngs.mkdir()
    for name in ("a.png", "b.png"):
        Image.new("RGB", (side, side), (90, 120, 150)).save(pngs / name, compress_level=1)
    jpegs = tmp_path / "jpegs"
    jpegs.mkdir()
    for name in ("a.jpg", "b.jpg"):
        (jpegs / name).write_bytes(grace_hopper_path.read_bytes())

    submitted: list[str] = []
    real_start = core.batch._AnalysisAhead.start

    def start(self: core.batch._AnalysisAhead, job: core.batch._Job) -> None:
        before = set(self._pending)
        real_start(self, job)
        submitted.extend(p.name for p in set(self._pending) - before)

    monkeypatch.setattr(core.batch._AnalysisAhead, "start", start)
    presets = [BOOK.require("linkedin-profile")]
    large = run_batch(sources_in(pngs), presets, tmp_path / "out_png", analyzer=analyzer)
    assert [i.status for i in large.items] == ["skipped", "skipped"]  # plain colour: no face
    assert submitted == []
    small = run_batch(sources_in(jpegs), presets, tmp_path / "out_jpg", analyzer=analyzer)
    assert [i.status for i in small.items] == ["done", "done"]
    assert submitted == ["b.jpg"]


def test_check_batch_says_what_run_batch_then_does_without_writing_or_analysing_twice(
    folder: Path, tmp_path: Path, analyzer: FaceAnalyzer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Issue #12 item 3: the export dialog checked only the photo on screen. check_batch plans
    # every photo as run_batch will (a chosen crop, a sidecar crop, the framing engine, a photo
    # with no face, a corrupt file) and writes nothing; the export then reuses its analyses.
    sources = sources_in(folder)
    hopper, astronaut = sources[0], sources[1]
    presets = [BOOK.require("linkedin-profile"), BOOK.require("linkedin-cover")]
    tight = CropChoice(box=Box(150.0, 60.0, 220.0, 275.0), aspect=(4, 5))
    write_sidecar(
        astronaut, CropChoice(box=Box(150.0, 20.0, 200.0, 250.0), aspect=(4, 5)), (512, 512)
    )
    chosen = {hopper: ChosenCrop(tight, (512, 600))}
    analysed = count_analyses(analyzer, monkeypatch)
    memo = AnalysisMemo()
    seen: list[tuple[int, int, str]] = []
    checked = check_batch(
        sources,
        presets,
        tmp_path / "out",
        chosen=chosen,
        analyzer=analyzer,
        memo=memo,
        progress=lambda d, t, item: seen.append((d, t, item.source.name)),
    )
    assert not (tmp_path / "out").exists()
    assert [d for d, _t, _n in seen] == [1, 2, 3, 4]
    analysed_by_check = list(analysed)
    # The hopper's crop is chosen and no ID preset needs its face: it is not analysed.
    assert sorted(p.name for p in analysed_by_check) == [
        "b_astronaut.png",
        "c_coffee.png",
        "d_corrupt.jpg",
    ]

    exported = run_batch(
        sources, presets, tmp_path / "out", chosen=chosen, analyzer=analyzer, memo=memo
    )
    # Only the corrupt file is tried again (a failure is not kept).
    assert [p.name for p in analysed[len(analysed_by_check) :]] == ["d_corrupt.jpg"]
    assert [i.status for i in checked.items] == [i.status for i in exported.items]
    assert [i.reason for i in checked.items] == [i.reason for i in exported.items]
    assert [i.status for i in checked.items] == ["done", "done", "skipped", "failed"]
    for before, after in zip(checked.items, exported.items, strict=True):
        assert before.crop_from == after.crop_from
        assert before.unframed == after.unframed
        assert not before.written
        assert {w.preset: after.checks_of(w) for w in after.written} == dict(before.checks)
    assert checked.items[1].crop_from == "sidecar"
    assert checked.items[0].crop_from == "chosen"
