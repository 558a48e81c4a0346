"""scs-0114 v1: volume types advertise their aspects in a ``[scs:…]`` description prefix.

A volume type whose description starts with ``[scs:encrypted, replicated]`` claims to encrypt
and to replicate its volumes. The list must be sorted, free of duplicates, and may only name the
known aspects. A description without the prefix claims nothing and is fine. Offering at least one
type of each aspect is recommended.

The prefix is recognised exactly as the official suite does: the pattern
``\\[scs:([^\\[\\]]*)\\]`` must match at the very start of the description, the inside is split on
commas and each part stripped of spaces. Parse and format below read the same table (``ASPECTS``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

STANDARD = "scs-0114"
VERSION = "v1"

SYNTAX_CHECK = "scs-0114-syntax-check"
ENCRYPTED_TYPE = "scs-0114-encrypted-type"
REPLICATED_TYPE = "scs-0114-replicated-type"

ASPECTS: tuple[str, ...] = ("encrypted", "replicated")
ASPECT_TEST_IDS: dict[str, str] = {"encrypted": ENCRYPTED_TYPE, "replicated": REPLICATED_TYPE}

_PREFIX = re.compile(r"\[scs:([^\[\]]*)\]")
_SEPARATOR = ", "


class VolumeTypeDescriptionError(ValueError):
    """A malformed ``[scs:…]`` prefix; ``position`` is the 0-based offset of the culprit."""

    def __init__(self, description: str, problem: str, position: int | None = None) -> None:
        self.description = description
        self.problem = problem
        self.position = position
        where = f" at offset {position}" if position is not None else ""
        super().__init__(f"volume type description {description!r}: {problem}{where}")


@dataclass(frozen=True)
class _Item:
    text: str
    offset: int


def _items(description: str | None) -> list[_Item] | None:
    """The raw aspect list with offsets, as the suite sees it; None when there is no prefix."""
    if not description:
        return None
    match = _PREFIX.match(description)
    if match is None:
        return None
    inside, start = match.group(1), match.start(1)
    if not inside:
        return []
    items: list[_Item] = []
    offset = start
    for raw in inside.split(","):
        lead = len(raw) - len(raw.lstrip())
        items.append(_Item(raw.strip(), offset + lead))
        offset += len(raw) + 1
    return items


def claimed_aspects(description: str | None) -> tuple[str, ...]:
    """Every name in the prefix, valid or not, in order — what the aspect tests count."""
    items = _items(description)
    return tuple(i.text for i in items) if items else ()


def parse_volume_type_description(description: str | None) -> frozenset[str]:
    """The aspects a description claims; raises VolumeTypeDescriptionError on a bad list.

    No prefix (or an empty ``[scs:]``) claims nothing. The first problem from the left is
    reported: an empty or unknown name, a duplicate, or a name out of alphabetical order.
    """
    items = _items(description)
    if not items:
        return frozenset()
    assert description is not None
    seen: list[str] = []
    for item in items:
        if not item.text:
            raise VolumeTypeDescriptionError(description, "empty aspect name", item.offset)
        if item.text not in ASPECTS:
            known = ", ".join(ASPECTS)
            raise VolumeTypeDescriptionError(
                description, f"unknown aspect {item.text!r} (known: {known})", item.offset
            )
        if item.text in seen:
            raise VolumeTypeDescriptionError(
                description, f"duplicate aspect {item.text!r}", item.offset
            )
        if seen and item.text < seen[-1]:
            raise VolumeTypeDescriptionError(
                description,
                f"aspects not sorted: {item.text!r} must come before {seen[-1]!r}",
                item.offset,
            )
        seen.append(item.text)
    return frozenset(seen)


def format_volume_type_description(aspects: Iterable[str], text: str = "") -> str:
    """The canonical description: ``[scs:a, b] text`` (sorted, unique), or ``text`` alone.

    Refuses unknown aspects, and a bare ``text`` that would itself read as an aspect list.
    """
    wanted = sorted(set(aspects))
    for name in wanted:
        if name not in ASPECTS:
            known = ", ".join(ASPECTS)
            raise VolumeTypeDescriptionError(
                _SEPARATOR.join(wanted), f"unknown aspect {name!r} (known: {known})"
            )
    if not wanted:
        if _PREFIX.match(text):
            raise VolumeTypeDescriptionError(
                text, "text without aspects must not start with an [scs:…] list", 0
            )
        return text
    prefix = f"[scs:{_SEPARATOR.join(wanted)}]"
    return f"{prefix} {text}" if text else prefix


def looks_like_prefix(description: str) -> bool:
    """An attempt at a prefix that the pattern does not accept (e.g. leading blank, no ``]``)."""
    return description.lstrip().lower().startswith("[scs") and not _PREFIX.match(description)
