"""The one entry point for framing: every suggestion for a photo, or one framing at one aspect."""

from __future__ import annotations

from collections.abc import Sequence

from core.errors import FramingError
from core.faces import Analysis
from core.framing.headshot import headshot, headshot_variant
from core.framing.rules import Aspect, load_framing_rules
from core.suggestion import Suggestion

GENRES = ("headshot", "portrait", "group", "id")
_GENRE_RANK = {g: i for i, g in enumerate(GENRES)}


def _photo_name(analysis: Analysis) -> str:
    return str(analysis.path) if analysis.path else "the photo"


def _subject(analysis: Analysis, subject: int | None) -> int:
    if not analysis.faces:
        raise FramingError(f"no face found in {_photo_name(analysis)}")
    if subject is None:
        return 0
    if not 0 <= subject < len(analysis.faces):
        raise FramingError(
            f"subject {subject} does not exist in {_photo_name(analysis)}: "
            f"it has {len(analysis.faces)} face(s), numbered 0 to {len(analysis.faces) - 1}"
        )
    return subject


def _order(suggestions: list[Suggestion], subject: int) -> list[Suggestion]:
    return sorted(
        suggestions,
        key=lambda s: (
            _GENRE_RANK.get(s.genre, 99),
            s.subject not in (None, subject),
            -s.score,
            s.id,
        ),
    )


def suggest_all(
    analysis: Analysis, *, subject: int | None = None, output_sizes: Sequence[tuple[int, int]] = ()
) -> list[Suggestion]:
    """Headshots (each variant x each headshot aspect) for the subject (default: the largest face),
    ordered by genre then score. No face: no suggestions (nothing is guessed)."""
    if not analysis.faces:
        return []
    s = _subject(analysis, subject)
    rules = load_framing_rules()
    out: list[Suggestion] = []
    for variant in rules.headshot.variants:
        for aspect in rules.headshot.aspects:
            out.append(headshot_variant(analysis, s, aspect, variant.name, rules, output_sizes))
    return _order(out, s)


def suggestion_for(
    analysis: Analysis,
    *,
    genre: str,
    framing: str,
    aspect: Aspect,
    subject: int | None = None,
    output_sizes: Sequence[tuple[int, int]] = (),
) -> Suggestion:
    """One framing at one aspect (export calls this per preset)."""
    rules = load_framing_rules()
    if genre == "headshot":
        return headshot_variant(
            analysis, _subject(analysis, subject), aspect, framing, rules, output_sizes
        )
    raise FramingError(f"unknown genre {genre!r} (known: {', '.join(GENRES)})")


def frame_headshot(
    analysis: Analysis,
    subject: int,
    aspect: Aspect,
    *,
    head_share: float,
    eye_from_top: float,
    output_sizes: Sequence[tuple[int, int]] = (),
    framing: str = "custom",
) -> Suggestion:
    """A headshot with explicit numbers (batch ``--consistent`` lines everyone up with these); the
    suggestion's warnings say when the photo cannot meet them."""
    if not 0.05 <= head_share <= 0.95:
        raise FramingError(f"head share must be between 0.05 and 0.95, got {head_share}")
    if not 0.05 <= eye_from_top <= 0.9:
        raise FramingError(
            f"eye line must be between 0.05 and 0.9 of the height from the top, got {eye_from_top}"
        )
    rules = load_framing_rules()
    return headshot(
        analysis,
        _subject(analysis, subject),
        aspect,
        framing=framing,
        head_share=head_share,
        eye_from_top=eye_from_top,
        rules=rules,
        output_sizes=output_sizes,
    )
