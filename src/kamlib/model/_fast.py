"""A fused fast path in front of attrs' generated ``__init__`` for the hot record classes.

attrs calls every field's converter and validator one by one, and a Python call costs
more than the check it makes. `fast_init` reads a class's own field declarations and
compiles (as attrs itself does) an ``__init__`` that tests every field at once with
inline expressions that hold only for values the field's validator certainly accepts
(``x.__class__ is str and x and not x[0].isspace()`` for `non_empty_str`, ...). When all
of them hold, the fields are set, any validator without such a test is called, and
``__attrs_post_init__`` runs, exactly as attrs would. When one does not hold, the
arguments go, unchanged, to attrs' own ``__init__``: every refusal is still attrs'
verdict, with the same error, path and message, in the same field order.

A validator offers its test with ``fast_test(var, ns)``: an expression over the variable
``var`` (it may put the objects it needs into the namespace ``ns``), or ``None``. A
converter that returns some classes unchanged is listed in `kamlib.model._checks.KEEPS`,
one that looks an exact ``str`` up in a dict (the enum converters) in ``LOOKUPS``, one
that turns a ``list`` into a tuple in ``LISTS``.
"""

from __future__ import annotations

from typing import Any, TypeVar

import attrs

from kamlib.model._checks import KEEPS, LISTS, LOOKUPS

__all__ = ["fast_init", "fast_test"]

C = TypeVar("C", bound=type)

_setattr_get = object.__setattr__.__get__


def fast_test(validator: object, var: str, ns: dict[str, Any]) -> str | None:
    """The validator's inline acceptance test over ``var``, or ``None`` if it has none.

    ``attrs.validators.and_`` (a list of validators) is the conjunction of its parts' tests.
    """
    parts = getattr(validator, "_validators", None)  # attrs' and_ validator
    if isinstance(parts, tuple):
        tests = [fast_test(v, var, ns) for v in parts]
        if any(t is None for t in tests):
            return None
        return " and ".join(f"({t})" for t in tests)
    method = getattr(validator, "fast_test", None)
    if method is None:
        return None
    test: str | None = method(var, ns)
    return test


def fast_init(cls: C) -> C:
    """Give the attrs class ``cls`` a fused fast ``__init__`` (see the module docstring).

    Classes this cannot serve unchanged (a factory default, an ``init=False`` field with a
    default, a pre-init hook, an ``attrs.Converter``) keep attrs' ``__init__``.
    """
    slow = cls.__init__  # type: ignore[misc]
    ns: dict[str, Any] = {"_slow": slow, "_setattr_get": _setattr_get}
    params: list[str] = []
    kw_params: list[str] = []
    body: list[str] = []
    tests: list[str] = []
    sets: list[str] = []
    late: list[str] = []
    for i, a in enumerate(attrs.fields(cls)):
        if not a.init:
            if a.default is not attrs.NOTHING:
                return cls
            continue
        if isinstance(a.default, attrs.Factory) or isinstance(a.converter, attrs.Converter):  # type: ignore[arg-type]
            return cls
        arg = a.alias or a.name
        if a.default is attrs.NOTHING:
            param = arg
        else:
            ns[f"_d{i}"] = a.default
            param = f"{arg}=_d{i}"
        (kw_params if a.kw_only else params).append(param)
        value = f"_x{i}"
        if a.converter is None:
            body.append(f"    {value} = {arg}")
        else:
            ns[f"_c{i}"] = a.converter
            keeps, lookup = KEEPS.get(a.converter), LOOKUPS.get(a.converter)
            call = f"_c{i}({arg})"
            if lookup is not None:  # an exact str is looked up, as the converter would
                ns[f"_m{i}"] = lookup
                call = f"_m{i}.get({arg}, {arg}) if {arg}.__class__ is str else {call}"
            if a.converter in LISTS:
                call = f"tuple({arg}) if {arg}.__class__ is list else {call}"
            if keeps:
                ns[f"_k{i}"] = keeps
                call = f"{arg} if {arg}.__class__ in _k{i} else {call}"
            body.append(f"    {value} = {call}")
        sets.append(f"        _setattr({a.name!r}, {value})")
        if a.validator is not None:
            test = fast_test(a.validator, value, ns)
            if test is None:
                ns[f"_v{i}"], ns[f"_a{i}"] = a.validator, a
                late.append(f"        _v{i}(self, _a{i}, {value})")
            else:
                tests.append(f"({test})")
    if hasattr(cls, "__attrs_pre_init__"):
        return cls
    signature = ", ".join(["self", *params, *(["*", *kw_params] if kw_params else [])])
    passed = ", ".join(
        f"{(a.alias or a.name)}={(a.alias or a.name)}" for a in attrs.fields(cls) if a.init
    )
    post = ["        self.__attrs_post_init__()"] if hasattr(cls, "__attrs_post_init__") else []
    lines = [
        f"def __init__({signature}):",
        *body,
        f"    if {' and '.join(tests) or 'True'}:",
        "        _setattr = _setattr_get(self)",
        *sets,
        *late,
        *post,
        "    else:",
        f"        _slow(self, {passed})",
    ]
    source = "\n".join(lines) + "\n"
    exec(compile(source, f"<kamlib fast __init__ of {cls.__qualname__}>", "exec"), ns)
    init = ns["__init__"]
    init.__annotations__ = dict(slow.__annotations__)
    init.__doc__ = slow.__doc__
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    init.__kamlib_attrs_init__ = slow  # attrs' own __init__, for tests
    init.__kamlib_source__ = source
    cls.__init__ = init  # type: ignore[misc]
    return cls
