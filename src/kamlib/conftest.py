"""Doctest namespace for the examples in kamlib's docstrings."""

from __future__ import annotations

from typing import Any

import networkx as nx
import numpy as np
import pytest

import kamlib


@pytest.fixture(autouse=True)
def _doctest_namespace(doctest_namespace: dict[str, Any]) -> None:
    doctest_namespace["kamlib"] = kamlib
    doctest_namespace["np"] = np
    doctest_namespace["nx"] = nx
