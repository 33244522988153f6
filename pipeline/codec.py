"""The pipeline's records as JSON text and back, for the caches in ``OUT/.cache/``: a format that can
hold data only, never code.

Pickle rebuilds whatever a file names, so a crafted cache file could run anything. This codec writes
plain JSON and, reading it back, builds only what JSON holds (text, numbers, booleans, null, lists,
objects) plus the shapes it tags itself: tuples, sets, dicts whose keys are not all text, and the
dataclasses and enumerations defined in the ``pipeline`` package, rebuilt by calling their
constructor with the stored field values (a member from its value). Anything else is refused when
written (TypeError) and when read (ValueError).
"""

from __future__ import annotations

import dataclasses
import enum
import json
import re
import sys

_TAG = "\u0000"  # the key of a tagged object: no key a table row uses, and one a row holding it gets tagged
_PACKAGE = "pipeline"
_CLASS_PATH = re.compile(r"(pipeline(?:\.[a-z_][a-z0-9_]*)*):([A-Za-z_][A-Za-z0-9_]*)")


def dumps(value) -> str:
    """``value`` as JSON text; raises TypeError for anything the codec does not carry."""
    return json.dumps(_plain(value), ensure_ascii=False, separators=(",", ":"))


def loads(text: str | bytes):
    """The value ``dumps`` wrote; ValueError when the text is not what it writes (damaged, or naming a
    class that is not a dataclass of the pipeline)."""
    try:
        return json.loads(text, object_hook=_rebuild)
    except (TypeError, KeyError, AttributeError, ImportError, RecursionError) as exc:
        raise ValueError(f"not a stored value: {exc}") from exc


def _plain(value):
    kind = type(value)
    if kind is str or kind is int or kind is float or kind is bool or value is None:
        return value
    if kind is list:
        return [_plain(item) for item in value]
    if kind is dict:
        if _TAG not in value and all(type(key) is str for key in value):
            return {key: _plain(item) for key, item in value.items()}
        return {_TAG: "dict", "v": [[_plain(key), _plain(item)] for key, item in value.items()]}
    if kind is tuple:
        return {_TAG: "tuple", "v": [_plain(item) for item in value]}
    if kind is set or kind is frozenset:
        return {_TAG: kind.__name__, "v": [_plain(item) for item in value]}
    path = f"{kind.__module__}:{kind.__qualname__}"
    if isinstance(value, enum.Enum) and _CLASS_PATH.fullmatch(path):
        return {_TAG: path, "e": _plain(value.value)}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        if not _CLASS_PATH.fullmatch(path):
            raise TypeError(f"the cache stores only the pipeline's own dataclasses, not {path}")
        return {_TAG: path, "v": [_plain(getattr(value, f.name)) for f in dataclasses.fields(value)]}
    raise TypeError(f"the cache cannot store a {kind.__module__}.{kind.__qualname__}: use lists, dicts, tuples, "
                    "sets, text, numbers, or a dataclass or enumeration of the pipeline package")


_BUILTIN = {"tuple": tuple, "set": set, "frozenset": frozenset}


def _rebuild(obj: dict):
    tag = obj.get(_TAG)
    if tag is None:
        return obj
    if "e" in obj:
        return _pipeline_class(tag, lambda cls: issubclass(cls, enum.Enum))(obj["e"])
    values = obj["v"]
    if type(values) is not list:
        raise TypeError("a tagged value holds no list")
    if tag in _BUILTIN:
        return _BUILTIN[tag](values)
    if tag == "dict":
        return {key: value for key, value in values}
    cls, fields = _dataclass(tag)
    if len(values) != len(fields):
        raise TypeError(f"{tag} has {len(fields)} fields, the stored value {len(values)}")
    made = cls(**{f.name: v for f, v in zip(fields, values) if f.init})
    for f, v in zip(fields, values):
        if not f.init:
            object.__setattr__(made, f.name, v)
    return made


_FIELDS: dict[str, tuple[type, tuple]] = {}


def _dataclass(path: str) -> tuple[type, tuple]:
    """The dataclass ``module:Name`` names, and its fields."""
    if path not in _FIELDS:
        cls = _pipeline_class(path, dataclasses.is_dataclass)
        _FIELDS[path] = (cls, dataclasses.fields(cls))
    return _FIELDS[path]


def _pipeline_class(path: str, kind) -> type:
    """The class ``module:Name`` names, when it is defined in a module of the pipeline package that this
    process has imported (a cache file cannot make it import anything) and is of the ``kind`` expected
    (a dataclass, an enumeration): all a cache file can make this codec build."""
    match = _CLASS_PATH.fullmatch(path)
    if match is None:
        raise TypeError(f"{path!r} is not a class of the {_PACKAGE} package")
    module = sys.modules.get(match.group(1))
    if module is None:
        raise TypeError(f"{match.group(1)} is not imported: nothing of it was stored by this run's code")
    cls = getattr(module, match.group(2))
    if not (isinstance(cls, type) and cls.__module__ == match.group(1) and kind(cls)):
        raise TypeError(f"{path} is not a class of that kind defined in {match.group(1)}")
    return cls
