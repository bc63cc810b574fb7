"""Errors Headroom reports to people.

Each message is one line that names the file and says what to do.
"""

from __future__ import annotations


class HeadroomError(Exception):
    """Base class: an expected failure with a message fit to show a user as is."""


class PhotoLoadError(HeadroomError):
    """A file could not be read as a photo (missing, empty, corrupt, truncated, not an image,
    too big)."""


class ModelUnavailableError(HeadroomError):
    """No source could provide a required MediaPipe model file."""


class PresetError(HeadroomError):
    """A preset file or preset entry is invalid."""


class ExportError(HeadroomError):
    """An export could not be written (folder missing or read-only, name clash, disk full...)."""


class FramingError(HeadroomError):
    """A framing request cannot be satisfied (no subject, bad aspect...)."""


class ResourceError(HeadroomError):
    """A bundled resource file (resources/*.toml) is missing, not valid TOML or lacks a table or
    key the code reads: the installation is broken or the file was edited."""
