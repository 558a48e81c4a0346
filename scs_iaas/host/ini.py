"""oslo.config ini files (nova.conf, keystone.conf, dhcp_agent.ini, …) as plain lookups.

oslo.config files are ini files: ``[DEFAULT]`` plus sections, ``#``/``;`` comments, repeated
keys allowed (the last one wins, which is what ``strict=False`` gives), no interpolation, and
``-`` and ``_`` in option names are the same option. These files hold passwords
(``[database] connection``, ``transport_url``, ``[keystone_authtoken] password``): a parse error
names the file and line but never echoes the line, and nothing here prints a value.
"""

from __future__ import annotations

import configparser
from dataclasses import dataclass, field

from scs_iaas.errors import InputError

TRUE = frozenset({"true", "yes", "1", "on"})
FALSE = frozenset({"false", "no", "0", "off"})


@dataclass(frozen=True)
class IniFile:
    """``values[(section, option)]`` as written; DEFAULT options are under ``"DEFAULT"``."""

    path: str
    values: dict[tuple[str, str], str] = field(default_factory=dict)

    def get(self, section: str, option: str) -> str | None:
        """The value as written, None when the option is not set (its default applies).

        Like oslo.config, an option of a section falls back to ``[DEFAULT]``."""
        option = option.replace("-", "_")
        value = self.values.get((section, option))
        if value is None and section != "DEFAULT":
            value = self.values.get(("DEFAULT", option))
        return value

    def get_bool(self, section: str, option: str) -> bool | None:
        """oslo.config's BoolOpt spelling; a value it would reject is an InputError."""
        value = self.get(section, option)
        if value is None:
            return None
        return parse_bool(value, f"{self.path}: [{section}] {option}")

    def get_list(self, section: str, option: str) -> tuple[str, ...] | None:
        """ListOpt: comma-separated, blanks dropped."""
        value = self.get(section, option)
        if value is None:
            return None
        return tuple(item.strip() for item in value.split(",") if item.strip())

    def has_section(self, section: str) -> bool:
        return any(s == section for s, _ in self.values)


def parse_bool(value: str, where: str) -> bool:
    low = value.strip().lower()
    if low in TRUE:
        return True
    if low in FALSE:
        return False
    raise InputError(f"{where}: not a boolean (true/false)")


def parse_ini(text: str, path: str) -> IniFile:
    """Parse ini text; a malformed file is an InputError naming the file and line."""
    cp = configparser.ConfigParser(
        interpolation=None,
        strict=False,
        comment_prefixes=("#", ";"),
        inline_comment_prefixes=None,
        default_section="DEFAULT",
    )
    cp.optionxform = str  # type: ignore[assignment,method-assign]
    try:
        cp.read_string(text, source=path)
    except configparser.Error as exc:
        # name the line, never echo it: these files hold passwords
        line = getattr(exc, "lineno", None)
        if line is None and isinstance(exc, configparser.ParsingError) and exc.errors:
            line = exc.errors[0][0]
        where = f"{path}:{line}" if line else path
        raise InputError(f"{where}: not a valid INI file ({type(exc).__name__})") from None
    values: dict[tuple[str, str], str] = {}
    for option, value in cp.defaults().items():
        if value is not None and value.strip():
            values[("DEFAULT", option.replace("-", "_"))] = value.strip()
    defaults = cp.defaults()
    for section in cp.sections():
        for option, value in cp.items(section, raw=True):
            key = option.replace("-", "_")
            inherited = option in defaults and defaults[option] == value
            if value is None or not value.strip() or inherited:
                continue
            values[(section, key)] = value.strip()
    return IniFile(path, values)
