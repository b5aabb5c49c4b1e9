"""House rule for constants: a public constant has a docstring with a doctested example.

A constant's docstring is the string literal right after its assignment (mkdocstrings
renders it); Python does not attach it to the value, so ``--doctest-modules`` never runs
it. This test reads each public constant's docstring from the source of the packages of
issues 11 to 13 (``kamlib.operations``, ``kamlib.planning``, ``kamlib.scoring``) and runs its
examples.
"""

from __future__ import annotations

import ast
import doctest
import importlib
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "kamlib"
PACKAGES = ("operations", "planning", "scoring")


def _constants() -> list[tuple[str, str, int, str | None]]:
    found = []
    for package in PACKAGES:
        for path in sorted((SRC / package).glob("_*.py")):
            if path.name == "__init__.py":
                continue
            module = f"kamlib.{package}.{path.stem}"
            public = set(getattr(importlib.import_module(module), "__all__", ()))
            body = ast.parse(path.read_text(encoding="utf-8")).body
            for i, node in enumerate(body):
                if isinstance(node, ast.Assign) and len(node.targets) == 1:
                    target = node.targets[0]
                elif isinstance(node, ast.AnnAssign):
                    target = node.target
                else:
                    continue
                if not isinstance(target, ast.Name) or target.id not in public:
                    continue
                nxt = body[i + 1] if i + 1 < len(body) else None
                doc = None
                if (
                    isinstance(nxt, ast.Expr)
                    and isinstance(nxt.value, ast.Constant)
                    and isinstance(nxt.value.value, str)
                ):
                    doc = nxt.value.value
                found.append((f"{module}.{target.id}", str(path), node.lineno, doc))
    return found


CONSTANTS = _constants()


def test_the_packages_have_public_constants() -> None:
    assert len(CONSTANTS) > 20


@pytest.mark.parametrize(("name", "path", "line", "doc"), CONSTANTS, ids=[c[0] for c in CONSTANTS])
def test_a_public_constant_has_a_docstring_whose_examples_run(
    name: str, path: str, line: int, doc: str | None
) -> None:
    assert doc, f"{name} ({path}:{line}) has no docstring"
    assert "Examples:" in doc, f"{name} has no Examples: section"
    assert ">>>" in doc, f"{name} has no doctest in its Examples: section"
    test = doctest.DocTestParser().get_doctest(
        doc,
        {},
        name,
        path,
        line,
    )
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    runner.run(test, out=lambda _: None)
    assert runner.failures == 0, f"{name}: {runner.failures} failing example(s)"
