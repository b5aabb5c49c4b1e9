"""Doctest namespace for the examples in kamlib's docstrings."""

from __future__ import annotations

import shutil
from typing import Any

import networkx as nx
import numpy as np
import pytest

import kamlib
import kamlib.scoring  # import the canonical modules before doctest collection


def _missing(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is None


# The adapters' doctests need their extras (and Spark a Java runtime); CI installs both.
collect_ignore = [
    name
    for name, absent in (
        ("dask.py", _missing("dask")),
        ("spark.py", _missing("pyspark") or shutil.which("java") is None),
    )
    if absent
]

# With --import-mode=importlib a doctest module collected before its package could be loaded
# a second time under another name; classes would then not pickle ("not the same object").


@pytest.fixture(autouse=True)
def _doctest_namespace(doctest_namespace: dict[str, Any]) -> None:
    doctest_namespace["kamlib"] = kamlib
    doctest_namespace["np"] = np
    doctest_namespace["nx"] = nx
