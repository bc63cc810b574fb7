"""Headroom's Qt-free core: geometry, loading, detection, framing, presets, export, batch.

Nothing in this package may import PySide6 (tests/test_boundary.py enforces it). All coordinates are
original-image pixels *after* EXIF orientation ("upright original pixels") unless a name says
otherwise.
"""
