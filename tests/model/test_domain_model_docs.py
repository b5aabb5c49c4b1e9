"""The docs page's example runs, and the page documents every public name."""

from __future__ import annotations

import re
from pathlib import Path

import kamlib.model as model
from kamlib.model import LEGAL_TRANSITIONS, CommitmentState

PAGE = Path(__file__).resolve().parents[2] / "docs" / "domain-model.md"


def test_example_runs() -> None:
    text = PAGE.read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)
    assert blocks
    for block in blocks:
        exec(compile(block, str(PAGE), "exec"), {})


def test_every_public_type_is_mapped_to_a_concept() -> None:
    text = PAGE.read_text(encoding="utf-8")
    for name in model.__all__:
        if name in {"SATISFACTION_SCALE", "LEGAL_TRANSITIONS", "START_STATES", "TERMINAL_STATES"}:
            continue
        assert f"`{name}`" in text, name


def test_state_table_matches_legal_transitions() -> None:
    text = PAGE.read_text(encoding="utf-8")
    header = next(line for line in text.splitlines() if line.startswith("| from \\ to"))
    columns = [c.strip() for c in header.strip("|").split("|")][1:]
    for line in text.splitlines():
        m = re.match(r"\| \*\*(\w+)\*\* \|(.*)", line)
        if not m or "," in line.split("|")[1]:
            continue
        frm = CommitmentState(m.group(1))
        cells = [c.strip() for c in m.group(2).rstrip("|").split("|")]
        marked = {CommitmentState(col) for col, cell in zip(columns, cells, strict=True) if cell}
        assert marked == LEGAL_TRANSITIONS[frm], frm
