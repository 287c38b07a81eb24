"""Check Bot API requests against the Telegram Bot API, read from ``api.json``.

A fake Bot API server calls :meth:`BotApiSpec.check` on every request the bot sends, so a test
fails when the bot sends a method, field, type or length that the real server would refuse.

Values may arrive as they do in form data (``"123"``, ``"true"``, JSON text for arrays and
objects) or as JSON types. Inside decoded arrays and objects only JSON types are accepted.
A field whose value is ``None`` is treated as absent, as clients drop such fields.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_PATH = Path(__file__).with_name("api.json")
LIMIT = re.compile(r"\b(\d+)-(\d+) (characters|bytes)\b", re.IGNORECASE)
"""Length limits in field descriptions, like "1-4096 characters" or "1-64 bytes"."""
CONSTANT = re.compile(r",\s+(?:must be|always)\s+\"?([a-z_]+)\"?\s*$")
"""Fixed discriminator values, like "Scope type, must be default" or 'always "user"'."""
ARRAY = "Array of "

Problem = tuple[str, str]
"""A path inside the request (``reply_markup.inline_keyboard[0][0].text``) and what is wrong."""


@dataclass(frozen=True)
class Limit:
    """An inclusive length limit on a string, counted in characters or UTF-8 bytes."""

    low: int
    high: int
    unit: str

    def problem(self, value: str) -> str | None:
        """Say what is wrong with the length of ``value``, or return None if it fits."""
        size = len(value.encode("utf-8")) if self.unit == "bytes" else len(value)
        if self.low <= size <= self.high:
            return None
        return f"must be {self.low}-{self.high} {self.unit}, got {size}"


@dataclass(frozen=True)
class FieldSpec:
    """One parameter of a method or one field of a type."""

    name: str
    types: tuple[str, ...]
    required: bool
    description: str
    limit: Limit | None = None
    constant: str | None = None

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> FieldSpec:
        """Build a field from its api.json entry, parsing limits out of its description."""
        description = str(raw.get("description", ""))
        found = LIMIT.search(description)
        limit = None
        if found:
            limit = Limit(int(found[1]), int(found[2]), found[3].lower())
        constant = CONSTANT.search(description)
        return cls(
            name=raw["name"],
            types=tuple(raw["types"]),
            required=bool(raw["required"]),
            description=description,
            limit=limit,
            constant=constant[1] if constant else None,
        )


def _fields(raw: Mapping[str, Any]) -> dict[str, FieldSpec]:
    return {f["name"]: FieldSpec.from_json(f) for f in raw.get("fields", [])}


@dataclass(frozen=True)
class MethodSpec:
    """One Bot API method: its parameters and what it returns."""

    name: str
    fields: Mapping[str, FieldSpec]
    returns: tuple[str, ...]


@dataclass(frozen=True)
class TypeSpec:
    """One Bot API type: its fields, or the subtypes it stands for."""

    name: str
    fields: Mapping[str, FieldSpec]
    subtypes: tuple[str, ...] = ()


def _is_int(value: Any, form: bool) -> bool:
    if isinstance(value, int) and not isinstance(value, bool):
        return True
    return form and isinstance(value, str) and re.fullmatch(r"-?\d+", value) is not None


def _is_float(value: Any, form: bool) -> bool:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return True
    number = r"-?\d+(\.\d+)?([eE][-+]?\d+)?"
    return form and isinstance(value, str) and re.fullmatch(number, value) is not None


def _is_input_file(value: Any, form: bool) -> bool:
    return isinstance(value, str | bytes | bytearray) or callable(getattr(value, "read", None))


SCALARS: dict[str, Callable[[Any, bool], bool]] = {
    "Integer": _is_int,
    "Float": _is_float,
    "String": lambda value, form: isinstance(value, str),
    "Boolean": lambda value, form: isinstance(value, bool) or (form and value in ("true", "false")),
    "True": lambda value, form: value is True or (form and value == "true"),
    "InputFile": _is_input_file,
}
"""Checks for the types that are not objects, given a value and whether it came as form data."""


def _kind(value: Any) -> str:
    """Name the JSON kind of a value for a problem sentence."""
    kinds: list[tuple[type | tuple[type, ...], str]] = [
        (bool, "boolean"),
        (int, "integer"),
        (float, "float"),
        (str, "string"),
        ((bytes, bytearray), "bytes"),
        ((list, tuple), "array"),
        (Mapping, "object"),
    ]
    for cls, name in kinds:
        if isinstance(value, cls):
            return name
    return "null" if value is None else type(value).__name__


def _decode(value: Any, kinds: type | tuple[type, ...], form: bool) -> Any:
    """Return value if it is of kinds, or JSON text of kinds in form data, else None."""
    if form and isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    return value if isinstance(value, kinds) else None


def _either(names: tuple[str, ...]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _is_shallow(problems: list[Problem], path: str) -> bool:
    """True if the value had the wrong shape altogether, rather than wrong contents."""
    return len(problems) == 1 and problems[0][0] == path and problems[0][1].startswith("must be ")


def _rank(problems: list[Problem], path: str) -> tuple[int, int]:
    """Order candidate types for an object: fewest own keys that do not fit, then fewest problems.

    A key fits badly if the candidate does not know it or it has the wrong fixed value, so
    ``{"type": "chat"}`` ranks BotCommandScopeChat first.
    """
    prefix = f"{path}." if path else ""
    misfits = sum(
        1
        for where, text in problems
        if where.startswith(prefix)
        and not any(c in where[len(prefix) :] for c in ".[")
        and (text == "is not a known field" or text.startswith('must be "'))
    )
    return misfits, len(problems)


@dataclass(frozen=True)
class BotApiSpec:
    """The Bot API as data: methods and types, with a checker for requests."""

    version: str
    methods: Mapping[str, MethodSpec]
    types: Mapping[str, TypeSpec]

    @classmethod
    def load(cls, path: Path | None = None) -> BotApiSpec:
        """Read the spec.

        Args:
            path: An api.json in the telegram-bot-api-spec format; the bundled one by default.

        Returns:
            The parsed spec.
        """
        raw = json.loads((path or DEFAULT_PATH).read_text(encoding="utf-8"))
        methods = {
            name: MethodSpec(name, _fields(m), tuple(m.get("returns", [])))
            for name, m in raw["methods"].items()
        }
        types = {
            name: TypeSpec(name, _fields(t), tuple(t.get("subtypes", [])))
            for name, t in raw["types"].items()
        }
        return cls(str(raw.get("version", "")), methods, types)

    def method(self, name: str) -> MethodSpec | None:
        """Find a method by name, ignoring case as the Bot API does."""
        found = self.methods.get(name)
        if found is None:
            lower = name.lower()
            found = next((m for m in self.methods.values() if m.name.lower() == lower), None)
        return found

    def check(self, method: str, params: Mapping[str, Any]) -> list[str]:
        """List every problem with a request, each as a sentence naming the method and field.

        Args:
            method: The method name from the request URL, in any case.
            params: The request parameters, from form data or a JSON body.

        Returns:
            Problems in the order of the method's fields, then unknown fields; empty if valid.
        """
        spec = self.method(method)
        if spec is None:
            return [f"{method} is not a Bot API method."]
        problems = self._check_fields(spec.fields, params, "", form=True)
        return [f"{spec.name}: field {path} {text}." for path, text in problems]

    def _check_fields(
        self, fields: Mapping[str, FieldSpec], values: Mapping[str, Any], prefix: str, *, form: bool
    ) -> list[Problem]:
        """Check required, known and well-typed fields of a method or an object."""
        problems: list[Problem] = []
        for name, field in fields.items():
            value = values.get(name)
            if value is None:
                if field.required:
                    problems.append((_join(prefix, name), "is required but missing"))
            else:
                problems += self._check_field(field, value, _join(prefix, name), form=form)
        unknown = [name for name in values if name not in fields]
        problems += [(_join(prefix, name), "is not a known field") for name in unknown]
        return problems

    def _check_field(self, field: FieldSpec, value: Any, path: str, *, form: bool) -> list[Problem]:
        """Check a value's type, then any length limit or fixed value of a string."""
        problems = self._check_types(field.types, value, path, form=form)
        if problems or not isinstance(value, str) or "String" not in field.types:
            return problems
        if field.limit is not None and (text := field.limit.problem(value)):
            return [(path, text)]
        if field.constant is not None and value != field.constant:
            return [(path, f'must be "{field.constant}", got "{value}"')]
        return []

    def _check_types(
        self, types: tuple[str, ...], value: Any, path: str, *, form: bool, label: str = ""
    ) -> list[Problem]:
        """Accept a value matching any of types; otherwise report the closest match.

        An object that fits one candidate better than the rest (fewest problems) gets that
        candidate's detailed problems; otherwise one sentence names all the candidates.
        """
        results = [self._check_type(name, value, path, form=form) for name in types]
        if any(not problems for problems in results):
            return []
        if len(results) == 1:
            return results[0]
        label = label or _either(types)
        deep = sorted(
            (r for r in results if not _is_shallow(r, path)), key=lambda r: _rank(r, path)
        )
        if not deep:
            return [(path, f"must be {label}, got {_kind(value)}")]
        if len(deep) == 1 or _rank(deep[0], path) < _rank(deep[1], path):
            return deep[0]
        return [(path, f"is not a valid {label}")]

    def _check_type(self, name: str, value: Any, path: str, *, form: bool) -> list[Problem]:
        """Check a value against one type: a scalar, an array, an object or a supertype."""
        if name.startswith(ARRAY):
            return self._check_array(name.removeprefix(ARRAY), value, path, form=form)
        scalar = SCALARS.get(name)
        if scalar is not None:
            return [] if scalar(value, form) else [(path, f"must be {name}, got {_kind(value)}")]
        spec = self.types.get(name)
        if spec is None:
            return [(path, f"has type {name}, which the spec does not define")]
        if spec.subtypes:
            return self._check_types(spec.subtypes, value, path, form=form, label=name)
        obj = _decode(value, Mapping, form)
        if obj is None:
            return [(path, f"must be {name}, got {_kind(value)}")]
        return self._check_fields(spec.fields, obj, path, form=False)

    def _check_array(self, item: str, value: Any, path: str, *, form: bool) -> list[Problem]:
        """Check an array (or JSON text of one, in form data) and each of its items."""
        items = _decode(value, (list, tuple), form)
        if items is None:
            return [(path, f"must be {ARRAY}{item}, got {_kind(value)}")]
        problems: list[Problem] = []
        for index, element in enumerate(items):
            problems += self._check_type(item, element, f"{path}[{index}]", form=False)
        return problems
