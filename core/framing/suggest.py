"""The one entry point for framing: every suggestion for a photo, or one framing at one aspect."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from core.errors import FramingError
from core.faces import Analysis
from core.framing.checks import FACES_CUT, SAME_AS_OTHER
from core.framing.group import GROUP, group_framing
from core.framing.headshot import headshot, headshot_variant
from core.framing.idphoto import id_photo
from core.framing.portrait import ENVIRONMENTAL, FramingNotFeasible, portrait
from core.framing.rules import Aspect, load_framing_rules, load_id_rules
from core.suggestion import CheckWarning, Suggestion

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


#: The headshot a photo opens on (framing, aspect): always number 1 of its tab.
OPENING_HEADSHOT = ("standard", (4, 5))


def _opens(s: Suggestion) -> bool:
    return s.genre == "headshot" and (s.framing, tuple(s.aspect)) == OPENING_HEADSHOT


def _order(suggestions: list[Suggestion], subject: int) -> list[Suggestion]:
    """Genre, the subject before other people, the opening headshot first (so the crop a photo
    opens on is number 1), then score."""
    return sorted(
        suggestions,
        key=lambda s: (
            _GENRE_RANK.get(s.genre, 99),
            s.subject not in (None, subject),
            not _opens(s),
            -s.score,
            s.id,
        ),
    )


#: Two suggestions of one genre and aspect this alike (intersection over union) are one crop.
SAME_CROP_IOU = 0.97


def _mark_repeats(suggestions: list[Suggestion]) -> list[Suggestion]:
    """Say so when a suggestion repeats a better one of the same genre, aspect and subject (a
    small photo squeezes tight, standard and loose into the same box). The repeat stays offered
    under its own id: a batch preset asking for "standard" must always find it."""
    out: list[Suggestion] = []
    for s in suggestions:  # already best first within each genre
        same = next(
            (
                k
                for k in out
                if k.genre == s.genre
                and k.aspect == s.aspect
                and k.subject == s.subject
                and k.angle_deg == s.angle_deg
                and k.framing != s.framing
                and k.box.iou(s.box) >= SAME_CROP_IOU
            ),
            None,
        )
        if same is not None:
            note = CheckWarning(
                SAME_AS_OTHER,
                f"the photo has no room to make this different from {same.label}: same crop",
                "info",
            )
            s = replace(s, warnings=(*s.warnings, note))
        out.append(s)
    return out


def suggest_all(
    analysis: Analysis, *, subject: int | None = None, output_sizes: Sequence[tuple[int, int]] = ()
) -> list[Suggestion]:
    """Everything worth offering for a photo, ordered by genre then score:
    headshots (each variant at each headshot aspect) for the subject (default: the largest face),
    portrait framings in each orientation the photo can hold, a group framing per group aspect and
    a standard headshot of every other person when there are several faces, and one crop per ID
    rule. Every headshot variant is offered at every aspect under its stable id, degraded with
    warnings when the photo is short of room (a repeat of a better crop says so). No face: no
    suggestions (crops without a person are not guessed)."""
    if not analysis.faces:
        return []
    s = _subject(analysis, subject)
    rules = load_framing_rules()
    out: list[Suggestion] = []
    for variant in rules.headshot.variants:
        for aspect in rules.headshot.aspects:
            out.append(headshot_variant(analysis, s, aspect, variant.name, rules, output_sizes))
    names = [f.name for f in rules.portrait.framings] + [ENVIRONMENTAL]
    for name in names:
        for _orientation, aspect in rules.portrait.orientations:
            try:
                out.append(portrait(analysis, s, aspect, name, rules, output_sizes))
            except FramingNotFeasible:
                continue
    if len(analysis.faces) > 1:
        # Every group aspect is offered under its stable id; one that cannot hold everyone says
        # who is cut (faces-cut, a problem: it sorts after the ones that hold everybody).
        out.extend(group_framing(analysis, a, rules, output_sizes) for a in rules.group.aspects)
        first = rules.headshot.aspects[0]
        for other in range(len(analysis.faces)):
            if other != s:
                out.append(
                    headshot_variant(analysis, other, first, "standard", rules, output_sizes)
                )
    id_rules = load_id_rules()
    for rule in id_rules.rules:
        out.append(id_photo(analysis, s, rule, rules, id_rules, output_sizes))
    return _mark_repeats(_order(out, s))


def first_headshot(suggestions: Sequence[Suggestion]) -> Suggestion | None:
    """The standard 4:5 headshot, else the best headshot, else ``None``."""
    headshots = [s for s in suggestions if s.genre == "headshot"]
    for s in headshots:
        if _opens(s):
            return s
    return headshots[0] if headshots else None


#: Compare offers crops this close to their genre's best score.
COMPARE_SCORE_MARGIN = 0.1


def compare_pair(
    suggestions: Sequence[Suggestion],
) -> tuple[Suggestion | None, Suggestion | None]:
    """The headshot and the portrait Compare shows: among the subject's good ones (within
    ``COMPARE_SCORE_MARGIN`` of their genre's best), the pair that differs most (lowest overlap),
    so it tells a headshot from a portrait instead of showing two near-identical square crops;
    the better-scored pair on a tie."""
    subject = next((s.subject for s in suggestions if s.genre == "headshot"), None)

    def good(genre: str) -> list[Suggestion]:
        found = [s for s in suggestions if s.genre == genre and s.subject in (None, subject)]
        if not found:
            return []
        best = max(s.score for s in found)
        return [s for s in found if s.score >= best - COMPARE_SCORE_MARGIN]

    headshots, portraits = good("headshot"), good("portrait")
    if not headshots or not portraits:
        return (headshots[0] if headshots else None, portraits[0] if portraits else None)
    return min(
        ((h, p) for h in headshots for p in portraits),
        key=lambda pair: (pair[0].box.iou(pair[1].box), -(pair[0].score + pair[1].score)),
    )


def is_group_photo(analysis: Analysis) -> bool:
    """Several people posing together: enough faces of comparable size (bystanders, much smaller
    than the subject, do not count)."""
    g = load_framing_rules().group
    if not analysis.faces:
        return False
    smallest = g.opens_as_group_min_head_share * max(f.head_height for f in analysis.faces)
    posing = [f for f in analysis.faces if f.head_height >= smallest]
    return len(posing) >= g.opens_as_group_min_people


def first_suggestion(analysis: Analysis, suggestions: Sequence[Suggestion]) -> Suggestion | None:
    """Where a photo nobody has framed yet starts: a group photo on its best group framing that
    holds everyone, any other photo on :func:`first_headshot`; ``None`` (the whole image) when
    nothing was suggested."""
    if is_group_photo(analysis):
        groups = [
            s
            for s in suggestions
            if s.genre == "group" and not any(w.code == FACES_CUT for w in s.warnings)
        ]
        if groups:
            return max(groups, key=lambda s: s.score)
    return first_headshot(suggestions)


def suggestion_for(
    analysis: Analysis,
    *,
    genre: str,
    framing: str,
    aspect: Aspect,
    subject: int | None = None,
    output_sizes: Sequence[tuple[int, int]] = (),
) -> Suggestion:
    """One framing at one aspect (export calls this per preset). For genre "id" ``framing`` is the
    ID rule's id and ``aspect`` must match its print size. Raises ``FramingError`` when there is no
    face, the subject does not exist, or a portrait framing needs more than the photo shows."""
    rules = load_framing_rules()
    if genre == "group":
        if framing != GROUP:
            raise FramingError(f"unknown group framing {framing!r} (known: {GROUP})")
        if not analysis.faces:
            raise FramingError(f"no face found in {_photo_name(analysis)}")
        return group_framing(analysis, aspect, rules, output_sizes)
    s = _subject(analysis, subject)
    if genre == "headshot":
        return headshot_variant(analysis, s, aspect, framing, rules, output_sizes)
    if genre == "portrait":
        return portrait(analysis, s, aspect, framing, rules, output_sizes)
    if genre == "id":
        id_rules = load_id_rules()
        rule = id_rules.rule(framing)
        rw, rh = rule.aspect
        if abs(aspect[0] / aspect[1] - rw / rh) > 0.005 * rw / rh:
            raise FramingError(
                f"ID rule {rule.id} is {rule.print_label()} ({rw}:{rh}), "
                f"not {aspect[0]}:{aspect[1]}"
            )
        return id_photo(analysis, s, rule, rules, id_rules, output_sizes)
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
        upright_fallback=False,
    )
