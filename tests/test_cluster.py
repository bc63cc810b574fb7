"""Batch export on a Dask cluster (``--cluster``) through the real path: a LocalCluster of two
worker processes with real analyzers and real photos, compared byte for byte with a local run; a
worker killed mid-run; a photo whose worker dies twice; a photo that fails. The tests that need
Dask skip (with the reason) when the cluster extra is not installed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core.batch import BatchItem, BatchResult, run_batch
from core.detection import FaceAnalyzer
from core.errors import ExportError
from core.presets import load_presets
from tests.shared_photos import shared_photo

REPO = Path(__file__).resolve().parent.parent
BOOK = load_presets(None)
PRESETS = [BOOK.require("linkedin-profile"), BOOK.require("instagram-portrait")]
SHARED = ("matplotlib_grace_hopper.jpg", "skimage_astronaut.png", "pillow_hopper_orientation_6.jpg")

DASK_MISSING = "Dask's distributed scheduler is not installed (pip install -e '.[cluster]')"
try:
    import distributed  # noqa: F401
except ImportError:
    HAVE_DASK = False
else:
    HAVE_DASK = True
needs_dask = pytest.mark.skipif(not HAVE_DASK, reason=DASK_MISSING)


def _no_temp_files(folder: Path) -> bool:
    return not [p for p in folder.iterdir() if p.name.startswith(".") or p.suffix == ".part"]


def _outputs(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _report(result: BatchResult, out: Path) -> str:
    """The JSON report with the output folder taken out (two runs write to two folders)."""
    return json.dumps(result.to_json(), indent=1).replace(str(out), "OUT")


@pytest.fixture()
def photos(tmp_path: Path) -> Path:
    """A few shared photos, one without a face and one that is not a photo."""
    folder = tmp_path / "photos"
    folder.mkdir()
    for name in SHARED:
        (folder / name).write_bytes(shared_photo(name).read_bytes())
    (folder / "skimage_coffee.png").write_bytes(shared_photo("skimage_coffee.png").read_bytes())
    (folder / "torn.jpg").write_bytes(shared_photo(SHARED[0]).read_bytes()[:3000])
    return folder


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    """One LocalCluster of two worker processes for the module (each costs seconds to start)."""
    if not HAVE_DASK:
        pytest.skip(DASK_MISSING)
    from core.cluster import start_local_cluster

    local = start_local_cluster(2)
    try:
        yield local
    finally:
        local.close()


def test_export_without_cluster_does_not_import_dask(tmp_path: Path) -> None:
    photo = shared_photo(SHARED[0])
    code = (
        "import sys, app\n"
        f"rc = app.main(['export', {str(photo)!r}, '--preset', 'linkedin-profile', "
        f"'--out', {str(tmp_path / 'out')!r}, '--json'])\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed'))\n"
        "print('RC', rc, 'LOADED', loaded)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    assert "RC 0 LOADED []" in run.stdout
    assert (tmp_path / "out" / "matplotlib_grace_hopper_linkedin-profile.jpg").is_file()


def test_cluster_without_the_extra_is_one_clear_error_before_any_work(tmp_path: Path) -> None:
    photo = shared_photo(SHARED[0])
    # None in sys.modules makes "import distributed" fail as if it were not installed.
    code = (
        "import sys, app\n"
        "sys.modules['distributed'] = None\n"
        f"sys.exit(app.main(['export', {str(photo)!r}, '--preset', 'linkedin-profile', "
        f"'--out', {str(tmp_path / 'out')!r}, '--cluster', 'local:2']))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 1
    assert "pip install -e '.[cluster]'" in run.stderr
    assert "Traceback" not in run.stderr
    assert not list((tmp_path / "out").iterdir())


@needs_dask
@pytest.mark.parametrize("address", ["local:0", "local:two", ""])
def test_a_malformed_cluster_address_is_refused_before_any_work(
    address: str, tmp_path: Path
) -> None:
    with pytest.raises(ExportError, match=r"local:N|address"):
        run_batch([shared_photo(SHARED[0])], PRESETS, tmp_path / "out", cluster=address)
    assert not list((tmp_path / "out").iterdir())


@needs_dask
def test_cli_on_a_local_cluster_matches_the_local_run_byte_for_byte(
    photos: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--cluster local:2`` (started and stopped by Headroom) against a local run: the same
    files, byte for byte, the same JSON report and the same exit code (1: a photo failed).
    Byte for byte holds for these small (screen-sized) presets only: a worker renders a print in
    one call where ``--workers 1`` uses threaded strips, so print-size outputs may differ by at
    most 2 levels (see the README on ``--workers``)."""
    import app

    argv = ["export", str(photos), *[a for p in PRESETS for a in ("--preset", p.id)], "--json"]
    runs = {}
    code = app.main([*argv, "--out", str(tmp_path / "local"), "--workers", "1"])
    report = capsys.readouterr().out.replace(str(tmp_path / "local"), "OUT")
    runs["local"] = (code, report, _outputs(tmp_path / "local"))
    out = tmp_path / "cluster"
    run = subprocess.run(
        [sys.executable, "app.py", *argv, "--out", str(out), "--cluster", "local:2"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=240,
    )
    runs["cluster"] = (run.returncode, run.stdout.replace(str(out), "OUT"), _outputs(out))
    assert _no_temp_files(out)
    assert runs["cluster"] == runs["local"]
    code, report, files = runs["cluster"]
    assert code == 1
    summary = json.loads(report)["summary"]
    assert summary == {"done": 3, "skipped": 1, "failed": 1, "files": 6}
    assert len(files) == 6
    failed = json.loads(report)["failed"]
    assert [Path(f["source"]).name for f in failed] == ["torn.jpg"]


@needs_dask
def test_consistent_on_a_cluster_is_map_reduce_map_with_the_local_result(
    photos: Path, tmp_path: Path, cluster: Any, analyzer: FaceAnalyzer
) -> None:
    sources = sorted(photos.iterdir())
    local = run_batch(sources, PRESETS, tmp_path / "a", consistent=True, analyzer=analyzer)
    seen: list[tuple[int, int]] = []
    remote = run_batch(
        sources,
        PRESETS,
        tmp_path / "b",
        consistent=True,
        cluster=cluster.scheduler_address,
        progress=lambda done, total, _item: seen.append((done, total)),
    )
    assert _report(remote, tmp_path / "b") == _report(local, tmp_path / "a")
    assert _outputs(tmp_path / "b") == _outputs(tmp_path / "a")
    assert remote.shared and len(remote.done) == 3
    assert seen == [(n, len(sources)) for n in range(1, len(sources) + 1)]


@needs_dask
def test_a_worker_killed_mid_run_loses_nothing(
    tmp_path: Path, cluster: Any, analyzer: FaceAnalyzer
) -> None:
    """SIGKILL one worker while it runs a photo: its photo runs again on the other worker (or its
    restarted self), every photo is exported exactly once, no half or temporary file."""
    from distributed import Client

    photos = tmp_path / "photos"
    photos.mkdir()
    for n in range(6):
        name = SHARED[n % len(SHARED)]
        (photos / f"{n}_{name}").write_bytes(shared_photo(name).read_bytes())
    sources = sorted(photos.iterdir())
    with Client(cluster.scheduler_address, set_as_default=False) as client:
        pids = client.run(os.getpid)
        killed: list[int] = []

        def kill_one_worker(done: int, total: int, item: BatchItem) -> None:
            if not killed:  # both workers are busy with their next photo now
                killed.append(next(iter(pids.values())))
                os.kill(killed[0], signal.SIGKILL)

        result = run_batch(
            sources,
            PRESETS,
            tmp_path / "out",
            cluster=cluster.scheduler_address,
            progress=kill_one_worker,
        )
        redone = client.run_on_scheduler(
            lambda dask_scheduler: sum(p.suspicious for p in dask_scheduler.task_prefixes.values())
        )
        client.wait_for_workers(2, timeout=60)  # the nanny restarts the killed worker
    assert killed and redone >= 1  # a photo really was running on the killed worker
    assert [i.status for i in result.items] == ["done"] * len(sources), result.to_json()
    outputs = _outputs(tmp_path / "out")
    assert len(outputs) == len(sources) * len(PRESETS) == len(result.written)
    assert _no_temp_files(tmp_path / "out")
    local = run_batch(sources[:3], PRESETS, tmp_path / "local", analyzer=analyzer)
    for written in local.written:
        assert outputs[written.path.name] == written.path.read_bytes()


@needs_dask
def test_a_photo_whose_worker_dies_twice_is_failed_with_the_reason_and_the_rest_go_on(
    tmp_path: Path, cluster: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import cloudpickle

    import core.batch
    from tests import cluster_faults

    cloudpickle.register_pickle_by_value(cluster_faults)  # workers cannot import tests/
    monkeypatch.setattr(core.batch, "render_job", cluster_faults.render_or_die)
    photos = tmp_path / "photos"
    photos.mkdir()
    for name in ("a.jpg", "crash.jpg", "z.jpg"):
        (photos / name).write_bytes(shared_photo(SHARED[0]).read_bytes())
    try:
        result = run_batch(
            sorted(photos.iterdir()), PRESETS, tmp_path / "out", cluster=cluster.scheduler_address
        )
    finally:
        cloudpickle.unregister_pickle_by_value(cluster_faults)
    report = result.to_json()
    assert [i.status for i in result.items] == ["done", "failed", "done"], report
    assert report["failed"][0]["source"].endswith("crash.jpg")
    assert "died" in report["failed"][0]["error"]
    assert sorted(_outputs(tmp_path / "out")) == sorted(
        f"{stem}_{p.id}.jpg" for stem in ("a", "z") for p in PRESETS
    )
    assert _no_temp_files(tmp_path / "out")


@needs_dask
def test_a_local_cluster_listens_on_this_machine_only(cluster: Any) -> None:
    """Scheduler, workers and their HTTP endpoints bind to 127.0.0.1 (Dask's dashboard default is
    every interface, port 8787)."""
    import psutil
    from distributed import Client

    with Client(cluster.scheduler_address, set_as_default=False) as client:
        # A worker killed by an earlier test is restarted by its nanny; under load that takes a
        # while, and run() only reaches the workers up at the time.
        client.wait_for_workers(2, timeout=120)
        pids = {os.getpid(), *client.run(os.getpid).values()}
    listening = [
        (pid, conn.laddr.ip)
        for pid in pids
        for conn in psutil.Process(pid).net_connections(kind="inet")
        if conn.status == psutil.CONN_LISTEN
    ]
    assert len({pid for pid, _ip in listening}) == 3  # the scheduler here, and two workers
    assert {ip for _pid, ip in listening} == {"127.0.0.1"}


@needs_dask
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc (Linux)")
def test_local_workers_are_forked_from_a_server_with_headroom_imported(cluster: Any) -> None:
    """local:N's workers come from Python's fork server, which imported Dask, Headroom and
    MediaPipe's tasks once (``core.cluster_start``), instead of each spawning a fresh interpreter
    that imports them again; no MediaPipe task ran there (each worker builds its own)."""
    from distributed import Client

    from core.cluster_start import WORKER_MODULES

    def parent() -> tuple[str, list[str]]:
        ppid = os.getppid()
        command = Path(f"/proc/{ppid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        return command, sorted(name for name in WORKER_MODULES if name in sys.modules)

    with Client(cluster.scheduler_address, set_as_default=False) as client:
        seen = list(client.run(parent).values())
    assert len(seen) == 2
    for command, modules in seen:
        assert "multiprocessing.forkserver" in command
        assert modules == sorted(WORKER_MODULES)
