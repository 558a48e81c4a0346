"""Names in reports come from the cloud, and any tenant may name an image with a BEL, an ESC
or a NUL. Every report must stay valid whatever they contain: XML 1.0 forbids most C0 control
characters outright (a JUnit file with one is unreadable to every CI), a terminal obeys ESC
sequences, and a lone surrogate cannot even be written as UTF-8. So, before any renderer sees
them, such characters are written out visibly as ``\\xNN`` / ``\\uNNNN``: the report stays
valid and the reader still sees what the name really holds.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, TypeVar

# C0 but tab/newline/CR, DEL and C1 (CSI 0x9b acts on terminals too), surrogates, and the two
# non-characters XML 1.0 excludes
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")

T = TypeVar("T")


def _visible(m: re.Match[str]) -> str:
    code = ord(m.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def safe_text(text: str) -> str:
    """``text`` with every character unsafe in XML 1.0 or on a terminal written out."""
    return _UNSAFE.sub(_visible, text) if _UNSAFE.search(text) else text


def safe_data(value: T) -> T:
    """A copy of ``value`` (str, dict, list, tuple, frozen dataclass) with safe strings;
    the same object when nothing needed a change."""
    out: Any = value
    if isinstance(value, str):
        out = safe_text(value)
    elif isinstance(value, dict):
        out = {safe_data(k): safe_data(v) for k, v in value.items()}
    elif isinstance(value, list):
        out = [safe_data(v) for v in value]
    elif isinstance(value, tuple) and not hasattr(value, "_fields"):
        out = tuple(safe_data(v) for v in value)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {}
        for f in dataclasses.fields(value):
            old = getattr(value, f.name)
            new = safe_data(old)
            if new is not old and new != old:
                changes[f.name] = new
        out = dataclasses.replace(value, **changes) if changes else value
    return out  # type: ignore[no-any-return]
