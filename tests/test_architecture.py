"""The core does no I/O: no printing, files, environment, clock or unseeded randomness.

Only ``kamlib/__main__.py`` (the demo CLI) and the doctest ``conftest.py`` are exempt.
The check walks each module's AST, so it catches calls however they are spelled in
the source (``print(...)``, ``os.environ[...]``, ``datetime.now()``, ``np.random.rand``).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "kamlib"
EXEMPT = {"__main__.py", "conftest.py"}
MODULES = sorted(p for p in SRC.rglob("*.py") if p.name not in EXEMPT)

FORBIDDEN_CALLS = {
    "print": "prints",
    "open": "opens files",
    "input": "reads stdin",
    "breakpoint": "debugs",
}
FORBIDDEN_ATTR_CALLS = {
    "now": "reads the clock",
    "today": "reads the clock",
    "utcnow": "reads the clock",
    "time": "reads the clock",  # time.time()
    "perf_counter": "reads the clock",
    "monotonic": "reads the clock",
    "getenv": "reads the environment",
    "open": "opens files",
    "read_text": "reads files",
    "write_text": "writes files",
    "urlopen": "uses the network",
    "basicConfig": "configures logging handlers",
    "addHandler": "configures logging handlers",
}
# numpy / stdlib random module-level draws (global, unseeded state)
UNSEEDED_RANDOM = {
    "rand",
    "randn",
    "randint",
    "random",
    "choice",
    "shuffle",
    "permutation",
    "uniform",
    "normal",
    "seed",
    "sample",
    "gauss",
}


def _violations(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "environ":
            found.append(f"{path.name}:{node.lineno} reads the environment (environ)")
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names]
            mod = node.module if isinstance(node, ast.ImportFrom) else None
            if mod in {"os", "sys"} and any(n in {"environ", "getenv"} for n in names):
                found.append(f"{path.name}:{node.lineno} imports the environment")
            if ("random" in names and mod is None) or mod == "random":
                found.append(f"{path.name}:{node.lineno} imports the random module")
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in FORBIDDEN_CALLS:
            found.append(f"{path.name}:{node.lineno} {FORBIDDEN_CALLS[func.id]} ({func.id})")
        if isinstance(func, ast.Attribute):
            if func.attr in FORBIDDEN_ATTR_CALLS:
                found.append(
                    f"{path.name}:{node.lineno} {FORBIDDEN_ATTR_CALLS[func.attr]} ({func.attr})"
                )
            owner = func.value
            if (
                func.attr in UNSEEDED_RANDOM
                and isinstance(owner, ast.Attribute)
                and owner.attr == "random"
            ):
                found.append(f"{path.name}:{node.lineno} draws unseeded randomness")
            if (
                func.attr == "default_rng"
                and not node.args
                and not any(k.arg == "seed" for k in node.keywords)
            ):
                found.append(f"{path.name}:{node.lineno} default_rng() without a seed")
    return found


def test_modules_found() -> None:
    assert any(p.name == "errors.py" for p in MODULES)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_core_module_does_no_io(path: Path) -> None:
    assert _violations(path) == []


@pytest.mark.parametrize(
    "source",
    [
        "print('x')",
        "import os\nos.environ['X']",
        "import datetime\ndatetime.datetime.now()",
        "import time\ntime.time()",
        "import numpy as np\nnp.random.rand(3)",
        "import numpy as np\nnp.random.default_rng()",
        "open('f')",
        "import random",
    ],
)
def test_checker_catches(tmp_path: Path, source: str) -> None:
    p = tmp_path / "m.py"
    p.write_text(source, encoding="utf-8")
    assert _violations(p), source


def test_checker_allows_seeded_rng(tmp_path: Path) -> None:
    p = tmp_path / "m.py"
    p.write_text("import numpy as np\nnp.random.default_rng(seed)\n", encoding="utf-8")
    assert _violations(p) == []


# ---------------------------------------------------------------- layers import downwards
# Package -> packages it must never import (at module level or inside a function):
# signals build on scoring (scores over time), so scoring never imports signals; the
# domain model sits below everything that scores it; research compares scorers and
# networks, so nothing it studies imports it (nor scipy, its extra).
# operations read everything below them (scores, signals, the network) to gather the review,
# so none of those imports operations; operations never needs scipy.
# planning (plans, allocation, coverage, assessment) reads the same layers as operations and
# sits below it: the review shows plan-execution and coverage alerts, so operations imports
# planning and planning never imports operations.
_ABOVE = ("kamlib.research", "kamlib.operations", "kamlib.planning", "scipy")
FORBIDDEN_IMPORTS: dict[str, tuple[str, ...]] = {
    "scoring": ("kamlib.signals", *_ABOVE),
    "model": ("kamlib.scoring", "kamlib.signals", "kamlib.network", *_ABOVE),
    "network": _ABOVE,
    "signals": _ABOVE,
    "research": ("kamlib.operations",),
    "planning": ("kamlib.operations", "kamlib.research", "scipy"),
    "operations": ("kamlib.research", "scipy"),
}


def _imports(tree: ast.AST, package: str) -> list[tuple[int, str]]:
    """Every module (or module attribute) an import names, relative imports made absolute.

    ``package`` is the package the source sits in (its directory), e.g. ``kamlib.scoring``.
    """
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, a.name) for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                head = ".".join(parts[: len(parts) - node.level + 1])
                base = f"{head}.{base}" if base else head
            found.append((node.lineno, base))
            found.extend((node.lineno, f"{base}.{a.name}") for a in node.names)
    return found


def _banned(names: list[tuple[int, str]], banned: tuple[str, ...]) -> list[tuple[int, str]]:
    return [(n, m) for n, m in names if any(m == b or m.startswith(b + ".") for b in banned)]


LAYERED = sorted(p for p in SRC.rglob("*.py") if p.relative_to(SRC).parts[0] in FORBIDDEN_IMPORTS)


def test_layered_modules_found() -> None:
    assert {p.relative_to(SRC).parts[0] for p in LAYERED} == set(FORBIDDEN_IMPORTS)
    assert (SRC / "signals" / "__init__.py").exists()


@pytest.mark.parametrize("path", LAYERED, ids=lambda p: str(p.relative_to(SRC)))
def test_layers_import_downwards(path: Path) -> None:
    rel = path.relative_to(SRC)
    package = ".".join(("kamlib", *rel.parent.parts))
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    assert _banned(_imports(tree, package), FORBIDDEN_IMPORTS[rel.parts[0]]) == []


@pytest.mark.parametrize(
    "source",
    [
        "import kamlib.signals",
        "from kamlib.signals import rescue_alerts",
        "from kamlib.signals._trends import rescue_alerts",
        "from kamlib import signals",
        "from .. import signals",
        "from ..signals import rescue_alerts",
        "def f():\n    from kamlib.signals import Override\n",
    ],
)
def test_layer_checker_catches(source: str) -> None:
    found = _banned(_imports(ast.parse(source), "kamlib.scoring"), ("kamlib.signals",))
    assert found, source


def test_layer_checker_allows_scoring_imports() -> None:
    source = "from kamlib.scoring import ScoreTable\nfrom ._kernel import seq_sum\nimport numpy"
    assert _banned(_imports(ast.parse(source), "kamlib.scoring"), ("kamlib.signals",)) == []
