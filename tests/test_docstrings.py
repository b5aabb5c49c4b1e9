"""House rule: every public name has a Google-style docstring with a doctested Examples section.

Public = listed in a public module's ``__all__``: its classes and functions, and the public
methods and properties defined on those classes. The examples themselves run as doctests
(``--doctest-modules``); this test makes sure none is forgotten.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Iterator

import pytest

PUBLIC_MODULES = (
    "kamlib",
    "kamlib.errors",
    "kamlib.model",
    "kamlib.serde",
    "kamlib.features",
    "kamlib.frames",
    "kamlib.synthetic",
    "kamlib.scoring",
    "kamlib.scoring.health",
    "kamlib.signals",
    "kamlib.network",
    "kamlib.research",
    "kamlib.operations",
    "kamlib.planning",
    "kamlib.dask",
    "kamlib.spark",
    "kamlib.testing",
    "kamlib.testing.strategies",
)


def _public_names() -> Iterator[tuple[str, object]]:
    seen: set[int] = set()
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        yield module_name, module
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if not (inspect.isclass(obj) or inspect.isfunction(obj)) or id(obj) in seen:
                continue
            seen.add(id(obj))
            yield f"{module_name}.{name}", obj
            if not inspect.isclass(obj) or issubclass(obj, BaseException):
                continue
            for attr, value in vars(obj).items():
                if attr.startswith("_"):
                    continue
                if isinstance(value, property):
                    func = value.fget
                elif isinstance(value, classmethod | staticmethod):
                    func = value.__func__
                else:
                    func = value
                if inspect.isfunction(func):
                    yield f"{module_name}.{name}.{attr}", func


PUBLIC = sorted(dict(_public_names()).items())


@pytest.mark.parametrize(("name", "obj"), PUBLIC, ids=[n for n, _ in PUBLIC])
def test_public_name_has_a_docstring_with_examples(name: str, obj: object) -> None:
    doc = inspect.getdoc(obj) or ""
    assert doc.strip(), f"{name} has no docstring"
    assert "Examples:" in doc, f"{name} has no Examples: section"
    assert ">>>" in doc, f"{name} has no doctest in its Examples: section"


def test_cross_references_use_autorefs_never_sphinx_roles() -> None:
    """House rule: ``[`Name`][kamlib.module.Name]`` links, never ``:class:`Name``` roles."""
    import pathlib
    import re

    role = re.compile(r":(class|func|mod|meth|data|attr|exc|obj):`")
    src = pathlib.Path(__file__).resolve().parents[1] / "src" / "kamlib"
    offenders = [
        f"{p.relative_to(src)}:{i}"
        for p in sorted(src.rglob("*.py"))
        for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if role.search(line)
    ]
    assert offenders == []
