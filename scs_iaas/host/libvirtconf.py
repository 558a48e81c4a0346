"""libvirtd.conf / qemu.conf: ``key = value`` lines, values are ints, "strings" or [lists].

Only the flat settings the checks read (``listen_tls``, ``listen_tcp``, ``auth_tcp``,
``listen_addr``, ``default_tls_x509_verify`` …); a list value is kept as its text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_LINE = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$")


@dataclass(frozen=True)
class LibvirtConf:
    path: str
    values: dict[str, str] = field(default_factory=dict)

    def get(self, key: str) -> str | None:
        return self.values.get(key)

    def get_int(self, key: str) -> int | None:
        value = self.values.get(key)
        try:
            return None if value is None else int(value)
        except ValueError:
            return None


def parse_libvirt_conf(text: str, path: str) -> LibvirtConf:
    values: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.split("#", 1)[0] if not raw.lstrip().startswith('"') else raw
        m = _LINE.match(line)
        if not m:
            continue
        value = m[2]
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        values[m[1]] = value
    return LibvirtConf(path, values)
