"""docs/network.md: the worked account runs, its tables match the code, every name is documented."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import kamlib.network as network

PAGE = Path(__file__).resolve().parents[2] / "docs" / "network.md"


def _run_example() -> dict[str, Any]:
    text = PAGE.read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)
    assert len(blocks) == 1
    namespace: dict[str, Any] = {}
    exec(compile(blocks[0], str(PAGE), "exec"), namespace)
    return namespace


def _table_after(heading: str) -> list[list[str]]:
    text = PAGE.read_text(encoding="utf-8")
    rest = text[text.index(heading) :]
    rows = []
    for line in rest.splitlines()[1:]:
        if line.startswith("|"):
            rows.append([c.strip() for c in line.strip("|").split("|")])
        elif rows:
            break
    return rows[2:]  # drop the header and the rule


def test_worked_account_runs() -> None:
    ns = _run_example()
    assert ns["meet"].person_id == "P2"


def test_edge_table_is_the_graph() -> None:
    ns = _run_example()
    rows = _table_after("The standing graph of the account, as a table of edges:")
    table = [(r[0], r[1], r[2], float(r[3]), r[4] == "True") for r in rows]
    assert table == ns["edges"]


def test_flag_table_is_the_result() -> None:
    ns = _run_example()
    rows = _table_after("Its flags:")
    got = [(r[0].strip("`"), r[1], r[2]) for r in rows]
    want = [(f.code.value, ", ".join(f.people), f.text) for f in ns["flags"].flags]
    assert got == want


def test_every_public_name_is_on_the_page() -> None:
    text = PAGE.read_text(encoding="utf-8")
    for name in network.__all__:
        assert f"::: kamlib.network.{name}" in text, name


def test_every_flag_code_and_feature_is_documented() -> None:
    text = PAGE.read_text(encoding="utf-8")
    for code in network.FlagCode:
        assert f"`{code.value}`" in text, code
    for column in network.RELATIONSHIP_FEATURES:
        assert f"`{column}`" in text, column
