"""The model store through its real paths: pip wheel fallback, HTTP download from a local server,
real MediaPipe loading, real files, lock and atomic rename across processes, and the CLI."""

from __future__ import annotations

import dataclasses
import hashlib
import http.server
import json
import os
import shutil
import socket
import subprocess
import sys
import textwrap
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import core.models.store as store_mod
from core.errors import ModelUnavailableError
from core.models import (
    ENV_VAR,
    ByteProgress,
    ModelCatalog,
    ModelCheckError,
    ModelName,
    ModelProgress,
    ModelStore,
    WheelFetchError,
    WheelSpec,
    default_store,
    load_catalog,
    verify_model_runs,
)

REPO = Path(__file__).resolve().parent.parent
CATALOG = load_catalog()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def no_part_files(folder: Path) -> bool:
    return not list(folder.glob("*.part"))


# ---- shared real material ------------------------------------------------------------------------


@pytest.fixture(scope="session")
def real_fallback(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[ModelStore, dict[ModelName, Path], list[ModelProgress]]:
    """THE one real fallback run of the suite: empty cache, no env folder, real catalog (official
    URLs, unreachable here), real ``pip download`` of the MediaPipe wheel from PyPI."""
    cache = tmp_path_factory.mktemp("fresh-cache")
    store = ModelStore(env_dir=None, cache_dir=cache)
    events: list[ModelProgress] = []
    paths = store.ensure_all(progress=events.append)
    return store, paths, events


@pytest.fixture(scope="session")
def model_bytes(model_store: ModelStore) -> dict[ModelName, bytes]:
    return {m: model_store.ensure(m).read_bytes() for m in ModelName}


@pytest.fixture(scope="session")
def made_wheel(
    tmp_path_factory: pytest.TempPathFactory, model_bytes: dict[ModelName, bytes]
) -> Path:
    """A real zip laid out like the MediaPipe wheel (only the members the store reads), so the
    extraction path runs without another 36 MB download."""
    path = tmp_path_factory.mktemp("wheel") / "mediapipe-0.10.21-cp311-cp311-made_for_tests.whl"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mediapipe/__init__.py", "")
        for model, data in model_bytes.items():
            member = CATALOG.spec(model).wheel_member
            assert member is not None
            zf.writestr(member, data)
    return path


class CountingWheelFetcher:
    def __init__(self, wheel: Path) -> None:
        self.wheel = wheel
        self.calls = 0

    def __call__(self, spec: WheelSpec, dest: Path, on_bytes: ByteProgress) -> Path:
        self.calls += 1
        size = self.wheel.stat().st_size
        on_bytes(0, size)
        copied = Path(shutil.copy(self.wheel, dest / self.wheel.name))
        on_bytes(size, size)
        return copied


def failing_wheel_fetcher(spec: WheelSpec, dest: Path, on_bytes: ByteProgress) -> Path:
    raise WheelFetchError("pip download failed: ERROR: no index reachable (test)")


def catalog_with(**urls: tuple[str | None, str | None]) -> ModelCatalog:
    """The real catalog with per-model (url, url_sha256) replaced; keys are ModelName values."""
    models = dict(CATALOG.models)
    for name, (url, pin) in urls.items():
        model = ModelName(name)
        models[model] = dataclasses.replace(models[model], url=url, url_sha256=pin)
    return ModelCatalog(models=models, wheel=CATALOG.wheel)


def no_urls() -> ModelCatalog:
    return catalog_with(**{m.value: (None, None) for m in ModelName})


class FileServer:
    """A real HTTP server on 127.0.0.1 serving bytes by path, counting GETs."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.hits: dict[str, int] = {}
        self.delay_s = 0.0
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.hits[self.path] = server.hits.get(self.path, 0) + 1
                body = server.files.get(self.path)
                if body is None:
                    self.send_error(404, "Not Found")
                    return
                time.sleep(server.delay_s)
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                return None

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_port}{path}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> Iterator[FileServer]:
    srv = FileServer()
    yield srv
    srv.close()


def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/model.tflite"


# ---- the real fallback path ----------------------------------------------------------------------


def test_fallback_fetches_wheel_once_and_caches_three_working_models(
    real_fallback: tuple[ModelStore, dict[ModelName, Path], list[ModelProgress]],
) -> None:
    store, paths, events = real_fallback
    assert set(paths) == set(ModelName)
    for model, path in paths.items():
        spec = store.catalog.spec(model)
        assert path == store.cache_dir / spec.file_name
        data = path.read_bytes()
        # Here the official URLs are unreachable, so every file is the pinned wheel member; on a
        # machine with internet the two downloadable models come from the URL instead.
        if not any(e.model is model and e.stage == "download" for e in events):
            assert sha256(data) == spec.wheel_sha256
        verify_model_runs(spec, data)  # raises if not a working model of its kind
    # full range has no official download, so the wheel must have been fetched, exactly once
    assert sum(1 for e in events if e.message.startswith("Fetched mediapipe-0.10.21-")) == 1
    fetch = [e for e in events if e.stage == "fetch-wheel"]
    assert [e.done_bytes for e in fetch] == sorted(e.done_bytes for e in fetch)
    assert fetch[-1].done_bytes == fetch[-1].total_bytes == store.catalog.wheel.size_bytes
    for model in ModelName:
        stages = [e.stage for e in events if e.model is model]
        assert stages[-1] == "done"
        assert "verify" in stages
    assert no_part_files(store.cache_dir)
    assert [s.source for s in store.status()] == ["cache"] * 3


def test_cache_hit_needs_no_network_and_no_wheel(
    real_fallback: tuple[ModelStore, dict[ModelName, Path], list[ModelProgress]],
) -> None:
    store, paths, _ = real_fallback

    def must_not_fetch(spec: WheelSpec, dest: Path, on_bytes: ByteProgress) -> Path:
        raise AssertionError("cache hit fetched the wheel")

    unreachable = catalog_with(**{m.value: (closed_port_url(), None) for m in ModelName})
    again = ModelStore(
        env_dir=None, cache_dir=store.cache_dir, catalog=unreachable, wheel_fetcher=must_not_fetch
    )
    events: list[ModelProgress] = []
    assert again.ensure_all(progress=events.append) == paths
    assert {e.stage for e in events} == {"done"}


# ---- HTTP download from a real local server ------------------------------------------------------


def test_http_download_streams_with_progress_and_checks_pinned_sha(
    tmp_path: Path, server: FileServer, model_bytes: dict[ModelName, bytes]
) -> None:
    data = model_bytes[ModelName.FACE_SHORT]
    server.files["/face.tflite"] = data
    catalog = catalog_with(face_short_range=(server.url("/face.tflite"), sha256(data)))
    store = ModelStore(
        env_dir=None, cache_dir=tmp_path, catalog=catalog, wheel_fetcher=failing_wheel_fetcher
    )
    events: list[ModelProgress] = []
    path = store.ensure(ModelName.FACE_SHORT, progress=events.append)

    assert path == tmp_path / "face_short_range.tflite"
    assert path.read_bytes() == data
    assert server.hits == {"/face.tflite": 1}
    downloads = [e for e in events if e.stage == "download"]
    assert downloads[0].done_bytes == 0
    assert downloads[-1].done_bytes == len(data)
    assert all(e.total_bytes == len(data) for e in downloads)
    done = [e.done_bytes for e in downloads]
    assert done == sorted(done) and len(done) >= 3  # streamed in chunks, not in one read
    assert [e.stage for e in events][-2:] == ["verify", "done"]
    assert no_part_files(tmp_path)


def test_served_random_bytes_are_rejected_and_not_cached(
    tmp_path: Path, server: FileServer
) -> None:
    server.files["/junk.tflite"] = os.urandom(200_000)
    catalog = catalog_with(face_short_range=(server.url("/junk.tflite"), None))
    store = ModelStore(
        env_dir=None, cache_dir=tmp_path, catalog=catalog, wheel_fetcher=failing_wheel_fetcher
    )
    with pytest.raises(ModelUnavailableError) as err:
        store.ensure(ModelName.FACE_SHORT)
    message = str(err.value)
    assert "rejected" in message and "does not load as a face_detector model" in message
    assert not (tmp_path / "face_short_range.tflite").exists()
    assert no_part_files(tmp_path)


def test_checksum_mismatch_is_rejected_and_not_cached(
    tmp_path: Path, server: FileServer, model_bytes: dict[ModelName, bytes]
) -> None:
    server.files["/face.tflite"] = model_bytes[ModelName.FACE_SHORT]
    catalog = catalog_with(face_short_range=(server.url("/face.tflite"), "0" * 64))
    store = ModelStore(
        env_dir=None, cache_dir=tmp_path, catalog=catalog, wheel_fetcher=failing_wheel_fetcher
    )
    with pytest.raises(ModelUnavailableError, match=r"does not match the pinned 000000000000"):
        store.ensure(ModelName.FACE_SHORT)
    assert not (tmp_path / "face_short_range.tflite").exists()
    assert no_part_files(tmp_path)


def test_http_error_and_oversized_download_are_reported(
    tmp_path: Path,
    server: FileServer,
    model_bytes: dict[ModelName, bytes],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server.files["/seg.tflite"] = model_bytes[ModelName.PERSON_SEGMENTER]
    catalog = catalog_with(
        face_short_range=(server.url("/missing.tflite"), None),
        selfie_segmenter=(server.url("/seg.tflite"), None),
    )
    store = ModelStore(
        env_dir=None, cache_dir=tmp_path, catalog=catalog, wheel_fetcher=failing_wheel_fetcher
    )
    events: list[ModelProgress] = []
    with pytest.raises(ModelUnavailableError, match="HTTP 404"):
        store.ensure(ModelName.FACE_SHORT, progress=events.append)
    # the progress stream says why the next source is tried, before the final error
    assert any("HTTP 404" in e.message and e.stage == "download" for e in events)
    assert any("no index reachable" in e.message and e.stage == "fetch-wheel" for e in events)
    # the store reads the limit from its own module at each download
    monkeypatch.setattr(store_mod, "MAX_MODEL_BYTES", 1000)
    with pytest.raises(ModelUnavailableError, match="far larger than any model file"):
        store.ensure(ModelName.PERSON_SEGMENTER)
    assert list(tmp_path.iterdir()) == [tmp_path / ".lock"]


# ---- extraction from a wheel ---------------------------------------------------------------------


def test_one_wheel_fetch_fills_every_model(tmp_path: Path, made_wheel: Path) -> None:
    fetcher = CountingWheelFetcher(made_wheel)
    store = ModelStore(env_dir=None, cache_dir=tmp_path, catalog=no_urls(), wheel_fetcher=fetcher)
    store.ensure(ModelName.FACE_FULL)
    assert fetcher.calls == 1
    assert sorted(p.name for p in tmp_path.glob("*.tflite")) == [
        "face_full_range.tflite",
        "face_short_range.tflite",
        "selfie_segmenter.tflite",
    ]
    store.ensure_all()
    assert fetcher.calls == 1


def test_wheel_member_with_wrong_content_is_rejected(
    tmp_path: Path, model_bytes: dict[ModelName, bytes]
) -> None:
    wheel = tmp_path / "mediapipe-0.10.21-cp311-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        # the segmenter member holds the face model: right format, wrong file
        seg_member = CATALOG.spec(ModelName.PERSON_SEGMENTER).wheel_member
        assert seg_member is not None
        zf.writestr(seg_member, model_bytes[ModelName.FACE_SHORT])
    cache = tmp_path / "cache"
    store = ModelStore(
        env_dir=None, cache_dir=cache, catalog=no_urls(), wheel_fetcher=CountingWheelFetcher(wheel)
    )
    with pytest.raises(ModelUnavailableError) as err:
        store.ensure(ModelName.PERSON_SEGMENTER)
    assert "does not match the pinned 9ee168ec7c8f" in str(err.value)
    assert not list(cache.glob("*.tflite"))


def test_corrupt_cache_file_is_replaced(tmp_path: Path, made_wheel: Path) -> None:
    (tmp_path / "face_full_range.tflite").write_bytes(b"truncated by a full disk")
    fetcher = CountingWheelFetcher(made_wheel)
    store = ModelStore(env_dir=None, cache_dir=tmp_path, catalog=no_urls(), wheel_fetcher=fetcher)
    path = store.ensure(ModelName.FACE_FULL)
    assert fetcher.calls == 1
    assert sha256(path.read_bytes()) == CATALOG.spec(ModelName.FACE_FULL).wheel_sha256


def test_leftover_part_files_are_cleared_and_unwritable_cache_is_explained(
    tmp_path: Path, made_wheel: Path
) -> None:
    stale = tmp_path / ".face_short_range.tflite.k3j4h5.part"
    stale.write_bytes(b"half a download from a killed process")
    store = ModelStore(
        env_dir=None,
        cache_dir=tmp_path,
        catalog=no_urls(),
        wheel_fetcher=CountingWheelFetcher(made_wheel),
    )
    store.ensure(ModelName.FACE_SHORT)
    assert not stale.exists()

    a_file = tmp_path / "not-a-folder"
    a_file.write_text("")
    blocked = ModelStore(env_dir=None, cache_dir=a_file / "models", catalog=no_urls())
    with pytest.raises(ModelUnavailableError, match="Cannot write the model cache folder"):
        blocked.ensure(ModelName.FACE_FULL)


# ---- environment folder --------------------------------------------------------------------------


def test_env_dir_wins_over_cache(
    tmp_path: Path, made_wheel: Path, model_bytes: dict[ModelName, bytes]
) -> None:
    env, cache = tmp_path / "env", tmp_path / "cache"
    env.mkdir()
    (env / "face_short_range.tflite").write_bytes(model_bytes[ModelName.FACE_SHORT])
    fetcher = CountingWheelFetcher(made_wheel)
    store = ModelStore(env_dir=env, cache_dir=cache, catalog=no_urls(), wheel_fetcher=fetcher)
    store.ensure_all()  # fills the cache with the two models the env folder lacks
    assert fetcher.calls == 1
    assert not (cache / "face_short_range.tflite").exists()  # the env copy is not duplicated
    (cache / "face_short_range.tflite").write_bytes(model_bytes[ModelName.FACE_SHORT])

    assert store.ensure(ModelName.FACE_SHORT) == env / "face_short_range.tflite"
    by_model = {s.model: s for s in store.status()}
    assert by_model[ModelName.FACE_SHORT].source == "env"
    assert by_model[ModelName.FACE_SHORT].path == env / "face_short_range.tflite"
    assert by_model[ModelName.FACE_FULL].source == "cache"
    assert by_model[ModelName.FACE_SHORT].sha256 == sha256(model_bytes[ModelName.FACE_SHORT])
    assert by_model[ModelName.FACE_SHORT].size == len(model_bytes[ModelName.FACE_SHORT])


def test_env_dir_accepts_the_names_mediapipe_publishes(
    tmp_path: Path, model_bytes: dict[ModelName, bytes]
) -> None:
    (tmp_path / "blaze_face_short_range.tflite").write_bytes(model_bytes[ModelName.FACE_SHORT])
    store = ModelStore(env_dir=tmp_path, cache_dir=tmp_path / "cache")
    assert store.ensure(ModelName.FACE_SHORT) == tmp_path / "blaze_face_short_range.tflite"
    assert store.status()[0].source == "env"


def test_broken_env_file_is_reported_not_skipped(tmp_path: Path) -> None:
    (tmp_path / "selfie_segmenter.tflite").write_bytes(b"<html>captive portal</html>")
    store = ModelStore(env_dir=tmp_path, cache_dir=tmp_path / "cache")
    with pytest.raises(ModelUnavailableError) as err:
        store.ensure(ModelName.PERSON_SEGMENTER)
    assert str(tmp_path / "selfie_segmenter.tflite") in str(err.value)
    assert ENV_VAR in str(err.value)


def test_env_var_sets_the_env_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, str(tmp_path))
    assert ModelStore().env_dir == tmp_path
    assert default_store().env_dir == tmp_path
    assert default_store() is default_store()
    monkeypatch.setenv(ENV_VAR, "")
    assert ModelStore().env_dir is None
    assert ModelStore(env_dir=None, cache_dir=tmp_path).status()[0].path is None


# ---- every source failing ------------------------------------------------------------------------


def test_all_sources_failing_names_each_attempt_and_the_remedies(tmp_path: Path) -> None:
    url = closed_port_url()
    catalog = catalog_with(face_short_range=(url, None), selfie_segmenter=(url, None))
    # a real pip run against the real index, asking for a version that does not exist
    missing_version = dataclasses.replace(catalog.wheel, version="0.0.0.post999")
    catalog = dataclasses.replace(catalog, wheel=missing_version)
    store = ModelStore(env_dir=tmp_path / "nowhere", cache_dir=tmp_path / "cache", catalog=catalog)
    with pytest.raises(ModelUnavailableError) as err:
        store.ensure_all()
    message = str(err.value)
    assert "\n" not in message
    for needle in [
        "face_short_range.tflite",
        "face_full_range.tflite",
        "selfie_segmenter.tflite",
        f"{ENV_VAR} folder {tmp_path / 'nowhere'} has no",
        f"download of {url} failed",
        "download of selfie_segmenter.tflite skipped: 127.0.0.1:",  # same host: not retried
        "MediaPipe publishes no download of face_full_range.tflite",
        "mediapipe==0.0.0.post999 wheel via pip: pip download failed: ERROR",
        "connect to the internet",
        "python app.py models --install",
        f"set {ENV_VAR} to a folder holding",
    ]:
        assert needle in message, (needle, message)
    assert message.count("pip download failed") == 1  # one fetch for all three, said once


def test_verifier_rejects_a_model_of_the_wrong_kind(model_bytes: dict[ModelName, bytes]) -> None:
    # a segmenter loads as a FaceDetector; only running it shows it is the wrong model
    with pytest.raises(ModelCheckError, match="face_detector"):
        verify_model_runs(
            CATALOG.spec(ModelName.FACE_SHORT), model_bytes[ModelName.PERSON_SEGMENTER]
        )
    with pytest.raises(ModelCheckError):
        verify_model_runs(CATALOG.spec(ModelName.PERSON_SEGMENTER), os.urandom(4096))


# ---- concurrency ---------------------------------------------------------------------------------

_WORKER = textwrap.dedent(
    """
    import dataclasses, sys
    from pathlib import Path
    sys.path.insert(0, sys.argv[3])
    from core.models import ModelName, ModelStore, WheelFetchError, load_catalog

    def no_wheel(spec, dest, on_bytes):
        raise WheelFetchError("disabled in this test")

    catalog = load_catalog()
    models = dict(catalog.models)
    models[ModelName.FACE_SHORT] = dataclasses.replace(
        models[ModelName.FACE_SHORT], url=sys.argv[2], url_sha256=None
    )
    store = ModelStore(
        env_dir=None,
        cache_dir=Path(sys.argv[1]),
        catalog=dataclasses.replace(catalog, models=models),
        wheel_fetcher=no_wheel,
    )
    print(store.ensure(ModelName.FACE_SHORT))
    """
)


def test_two_processes_ensuring_at_once_get_one_good_file(
    tmp_path: Path, server: FileServer, model_bytes: dict[ModelName, bytes]
) -> None:
    data = model_bytes[ModelName.FACE_SHORT]
    server.files["/face.tflite"] = data
    server.delay_s = 0.5  # keeps the first download in flight while the second process starts
    script = tmp_path / "worker.py"
    script.write_text(_WORKER)
    cache = tmp_path / "cache"
    args = [sys.executable, str(script), str(cache), server.url("/face.tflite"), str(REPO)]
    procs = [
        subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    for proc, (out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
        assert out.strip() == str(cache / "face_short_range.tflite")
    assert (cache / "face_short_range.tflite").read_bytes() == data
    # the lock made the second process wait and then find the first one's file
    assert server.hits == {"/face.tflite": 1}
    assert no_part_files(cache)


def test_two_threads_with_separate_stores_share_one_download(
    tmp_path: Path, server: FileServer, model_bytes: dict[ModelName, bytes]
) -> None:
    data = model_bytes[ModelName.PERSON_SEGMENTER]
    server.files["/seg.tflite"] = data
    server.delay_s = 0.3
    catalog = catalog_with(selfie_segmenter=(server.url("/seg.tflite"), None))
    results: list[Path | BaseException] = []

    def work() -> None:
        store = ModelStore(
            env_dir=None, cache_dir=tmp_path, catalog=catalog, wheel_fetcher=failing_wheel_fetcher
        )
        try:
            results.append(store.ensure(ModelName.PERSON_SEGMENTER))
        except BaseException as exc:
            results.append(exc)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert results == [tmp_path / "selfie_segmenter.tflite"] * 2
    assert server.hits == {"/seg.tflite": 1}
    assert (tmp_path / "selfie_segmenter.tflite").read_bytes() == data


# ---- command line --------------------------------------------------------------------------------


def run_app(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(REPO / "app.py"), *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO,
        env={**os.environ, **(env or {})},
    )


def test_cli_lists_and_installs(model_store: ModelStore) -> None:
    listing = run_app("models")
    assert listing.returncode == 0, listing.stderr
    for status in model_store.status():
        assert str(status.path) in listing.stdout
        assert status.sha256 is not None and status.sha256[:12] in listing.stdout
    install = run_app("models", "--install")
    assert install.returncode == 0, install.stderr
    assert str(model_store.cache_dir) in install.stdout
    for model in ModelName:
        assert f"{model.value} [done" in install.stderr
    as_json = run_app("models", "--json")
    assert as_json.returncode == 0, as_json.stderr
    parsed = json.loads(as_json.stdout)
    assert [m["installed"] for m in parsed["models"]] == [True, True, True]


def test_cli_uses_env_dir_and_fails_clearly(
    tmp_path: Path, model_bytes: dict[ModelName, bytes]
) -> None:
    for model, data in model_bytes.items():
        (tmp_path / CATALOG.spec(model).file_name).write_bytes(data)
    listing = run_app("models", "--json", env={ENV_VAR: str(tmp_path)})
    assert listing.returncode == 0, listing.stderr
    assert [m["source"] for m in json.loads(listing.stdout)["models"]] == ["env"] * 3

    (tmp_path / "face_full_range.tflite").write_bytes(b"not a model")
    broken = run_app("models", "--install", env={ENV_VAR: str(tmp_path)})
    assert broken.returncode == 1
    lines = broken.stderr.strip().splitlines()
    # MediaPipe's native log lines are held back; the user sees our progress and one error line
    assert not [ln for ln in lines if ln.startswith(("INFO:", "ERROR:", "WARNING:"))], lines
    last_line = lines[-1]
    assert last_line.startswith("error: ")
    assert "face_full_range.tflite" in last_line and ENV_VAR in last_line


def test_progress_line_is_one_line_per_step(capsys: pytest.CaptureFixture[str]) -> None:
    from core.commands.models import _ProgressLine

    show: Callable[[ModelProgress], None] = _ProgressLine(sys.stderr)
    for done in (0, 65536, 131072, 200000):
        show(ModelProgress(ModelName.FACE_SHORT, "download", done, 200000, "http://x/f.tflite"))
    lines = capsys.readouterr().err.splitlines()
    # not a terminal: the start and the end of the download, not every chunk
    assert len(lines) == 2
    assert "0.00 MB/0.20 MB" in lines[0] and "0.20 MB/0.20 MB" in lines[1]
