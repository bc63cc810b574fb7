"""What Headroom's models are: their names and kinds, and the table in ``resources/models.toml``.

``load_catalog`` reads that table (file names, official URLs, pinned SHA-256s, the members of the
pinned ``mediapipe`` wheel that hold the same models) into a :class:`ModelCatalog`.
"""

from __future__ import annotations

import enum
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from core.paths import resource_path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

CATALOG_PATH = resource_path("models.toml")


class ModelName(enum.Enum):
    FACE_SHORT = "face_short_range"  # BlazeFace short range: faces filling a good part of the frame
    FACE_FULL = "face_full_range"  # BlazeFace full range (sparse): small faces, groups
    PERSON_SEGMENTER = "selfie_segmenter"  # person/selfie segmentation


class ModelKind(enum.Enum):
    """Which MediaPipe Tasks API runs the model; decides how a candidate file is test-loaded."""

    FACE_DETECTOR = "face_detector"
    IMAGE_SEGMENTER = "image_segmenter"


@dataclass(frozen=True)
class ModelSpec:
    """One row of models.toml. Empty strings in the file become None here."""

    name: ModelName
    title: str
    kind: ModelKind
    file_name: str
    url: str | None
    url_sha256: str | None
    wheel_member: str | None
    wheel_sha256: str | None
    also_named: tuple[str, ...] = ()

    @property
    def pinned_sha256(self) -> frozenset[str]:
        return frozenset(h for h in (self.url_sha256, self.wheel_sha256) if h)


@dataclass(frozen=True)
class WheelSpec:
    package: str
    version: str
    python_version: str
    platform: str
    size_bytes: int | None

    @property
    def requirement(self) -> str:
        return f"{self.package}=={self.version}"


@dataclass(frozen=True)
class ModelCatalog:
    models: Mapping[ModelName, ModelSpec]
    wheel: WheelSpec

    def spec(self, model: ModelName) -> ModelSpec:
        return self.models[model]


def load_catalog(path: Path = CATALOG_PATH) -> ModelCatalog:
    """Read models.toml. A missing or malformed table is a packaging bug: it raises ValueError."""
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    try:
        w = data["wheel"]
        wheel = WheelSpec(
            package=str(w["package"]),
            version=str(w["version"]),
            python_version=str(w["python_version"]),
            platform=str(w["platform"]),
            size_bytes=int(w["size_bytes"]) if w.get("size_bytes") else None,
        )
        models: dict[ModelName, ModelSpec] = {}
        for name in ModelName:
            row = data["models"][name.value]
            models[name] = ModelSpec(
                name=name,
                title=str(row["title"]),
                kind=ModelKind(row["kind"]),
                file_name=str(row["file"]),
                url=str(row.get("url") or "") or None,
                url_sha256=str(row.get("url_sha256") or "").lower() or None,
                wheel_member=str(row.get("wheel_member") or "") or None,
                wheel_sha256=str(row.get("wheel_sha256") or "").lower() or None,
                also_named=tuple(str(n) for n in row.get("also_named", [])),
            )
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"{path} is malformed: {exc!r}") from exc
    return ModelCatalog(models=models, wheel=wheel)
