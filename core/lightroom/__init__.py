"""Lightroom Classic / Camera Raw round trip: Headroom's crop as ``crs:`` crop settings in the
photo's XMP sidecar, and such a crop read back as the photo's starting crop.

- :mod:`core.lightroom.crop`: the coordinate conventions (pure geometry).
- :mod:`core.lightroom.xmp`: reading and merging the settings in an XMP packet, as text.
- :mod:`core.lightroom.sidecar`: where the sidecar lives and the write/read policy.
"""

from core.lightroom.sidecar import XmpWrite, read_xmp_crop, write_xmp_crop, xmp_path

__all__ = ["XmpWrite", "read_xmp_crop", "write_xmp_crop", "xmp_path"]
