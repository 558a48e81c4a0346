"""Read an operator's definition file: YAML, checked against a JSON schema, errors with lines.

Every error names the file, the line and the field ("defs.yaml:12: images[0].checksum: …"),
because that is what a person needs to fix it. YAML's node marks give the line numbers; the
loader does not turn dates or times into objects (a build date stays the string written) so
that the schema sees exactly what the operator typed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from scs_iaas.errors import InputError


class _Loader(yaml.SafeLoader):
    """SafeLoader without the timestamp resolver: ``2026-11-01`` stays a string."""


_Loader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class Document:
    """A parsed definition file and the node tree that knows where each value was written."""

    path: str
    data: Any
    root: yaml.Node | None

    def line(self, where: Sequence[str | int]) -> int:
        """1-based line of the value at ``where`` (or of its nearest existing parent)."""
        node = self.root
        best = node.start_mark.line + 1 if node is not None else 1
        for key in where:
            found = _child(node, key)
            if found is None:
                break
            node, line = found
            best = line + 1
        return best

    def error(self, where: Sequence[str | int], message: str) -> InputError:
        return InputError(f"{self.path}:{self.line(where)}: {field_path(where)}: {message}")


def _child(node: yaml.Node | None, key: str | int) -> tuple[yaml.Node, int] | None:
    """The child node and the 0-based line that names it (the key line for block values)."""
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == str(key):
                line = v.start_mark.line if isinstance(v, yaml.ScalarNode) else k.start_mark.line
                return v, line
        return None
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
        child = node.value[key]
        return child, child.start_mark.line
    return None


def field_path(where: Iterable[str | int]) -> str:
    out = ""
    for key in where:
        out += f"[{key}]" if isinstance(key, int) else (f".{key}" if out else str(key))
    return out or "(top level)"


def _schema(name: str) -> dict[str, Any]:
    text = resources.files("scs_iaas.managers").joinpath("schemas", f"{name}.json").read_text()
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def load(path: str | Path, schema: str) -> Document:
    """Read ``path`` and check it against ``schemas/<schema>.json``; raise InputError if bad."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{p}: cannot read definitions: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{p}: not UTF-8 text (byte {exc.start})") from None
    try:
        root = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        raise InputError(f"{p}:{line}: not valid YAML: {exc.problem or exc}") from None
    except RecursionError:
        raise InputError(f"{p}: nested too deeply to be a definition file") from None
    doc = Document(path=str(p), data=data, root=root)
    try:
        _refuse_control_names(doc, data, [])
        _validate(doc, schema)
    except RecursionError:
        raise InputError(f"{p}: nested too deeply to be a definition file") from None
    return doc


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be the name of a resource we create: control characters (NUL, BEL,
    ESC, …) break reports, terminals and other tools, so none is ever written to a cloud."""
    m = _CONTROL.search(name)
    if m:
        return (
            f"contains the control character U+{ord(m.group()):04X} at position "
            f"{m.start() + 1}; names must be printable"
        )
    return None


def _refuse_control_names(doc: Document, data: Any, where: list[str | int]) -> None:
    """Every ``name`` in the file, at any depth, checked before anything is planned."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "name" and isinstance(value, str):
                problem = name_problem(value)
                if problem:
                    raise doc.error([*where, key], problem)
            _refuse_control_names(doc, value, [*where, key])
    elif isinstance(data, list):
        for i, value in enumerate(data):
            _refuse_control_names(doc, value, [*where, i])


def _validate(doc: Document, schema: str) -> None:
    import jsonschema

    data = doc.data
    base = jsonschema.validators.validator_for(_schema(schema))
    # YAML's 1024.0 is a float: JSON Schema would take it for the integer 1024, Nova would not
    strict_ints = base.TYPE_CHECKER.redefine(
        "integer", lambda _checker, inst: isinstance(inst, int) and not isinstance(inst, bool)
    )
    validator_cls = jsonschema.validators.extend(  # type: ignore[no-untyped-call]
        base, type_checker=strict_ints
    )
    validator = validator_cls(_schema(schema))
    errors = sorted(validator.iter_errors(data), key=lambda e: (len(e.path), list(e.path)))
    if errors:
        best: Any = jsonschema.exceptions.best_match(errors) or errors[0]
        where: list[str | int] = list(best.path)
        if best.validator == "additionalProperties":
            extra = sorted(set(best.instance) - set(best.schema.get("properties", {})))
            raise doc.error([*where, extra[0]], f"unknown field (known: {_known(best.schema)})")
        raise doc.error(where, _message(best))


def _known(schema: Mapping[str, Any]) -> str:
    return ", ".join(schema.get("properties", {}))


def _message(err: Any) -> str:
    """jsonschema's message, shortened: one line without the whole offending value."""
    if err.validator == "oneOf":
        hint = err.schema.get("x-oneOf-message")
        if hint:
            return str(hint)
    if err.validator == "required":
        return str(err.message)
    if err.validator in ("type", "enum", "pattern", "minimum", "maximum", "minItems", "format"):
        value = json.dumps(err.instance, default=str)
        if len(value) > 60:
            value = value[:57] + "..."
        v = err.validator_value
        wants: dict[str, Callable[[], str]] = {
            "type": lambda: f"must be of type {v}",
            "enum": lambda: f"must be one of {', '.join(map(str, v))}",
            "pattern": lambda: f"must match {v}",
            "minimum": lambda: f"must be >= {v}",
            "maximum": lambda: f"must be <= {v}",
            "minItems": lambda: f"needs at least {v} item(s)",
            "format": lambda: f"must be a {v}",
        }
        want = wants[err.validator]()  # only the failing validator's message is built
        hint = " (quote it)" if err.validator == "type" and isinstance(err.instance, float) else ""
        return f"{value} {want}{hint}"
    return " ".join(str(err.message).split())[:200]


def get(mapping: Mapping[str, Any], key: str, default: Any = None) -> Any:
    return mapping.get(key, default) if isinstance(mapping, Mapping) else default
