"""Check a built docs site: no raw Sphinx role and no private name in a rendered default.

Run on the directory ``mkdocs build`` wrote::

    python docs/check_site.py SITE_DIR

It reads every ``*.html`` page (scripts and styles left out) and fails, naming the page,
the object and the offending text, when

- the visible text holds a raw Sphinx role (``:class:``, ``:func:``, ``:meth:``, ``:data:``,
  ``:attr:``, ``:mod:``, ``:exc:``): mkdocs does not read them, so the reader sees the
  markup instead of a link; write an autorefs cross-reference instead,
  ``[`ValueMatrix`][kamlib.scoring.ValueMatrix]``;
- a rendered signature (``doc-signature``) or the *Default* column of a parameter table
  shows a private name (``_DEFAULT_Y``, ``_S.PROPOSED``): the reader cannot look it up or
  pass it; give the default a public name, or spell the value out.

``KNOWN_PRIVATE`` lists the private defaults found when this check was written, so that CI
passes while they are renamed in ``src/``; an entry that no longer occurs fails the check
too, so the list only shrinks. Uses the standard library only.
"""

# ruff: noqa: T201  (a command-line script: it prints its findings)

from __future__ import annotations

import html
import re
import sys
from pathlib import Path

ROLE = re.compile(r":(?:class|func|meth|data|attr|mod|exc):")
# A name that starts with one underscore and is not an attribute of something else
# (``f.__name__`` and ``x._y`` are left alone; ``_S.PROPOSED`` is caught by ``_S``).
PRIVATE = re.compile(r"(?<![\w.])_[A-Za-z]\w*")
SKIP = re.compile(r"<(script|style)\b.*?</\1\s*>", re.S | re.I)
TAG = re.compile(r"<[^>]+>")
SIGNATURE = re.compile(r'<div class="doc-signature[^"]*">(.*?)</code></pre>\s*</div>', re.S)
TABLE = re.compile(r"<table>(.*?)</table>", re.S)
ROW = re.compile(r"<tr[^>]*>(.*?)</tr>", re.S)
CELL = re.compile(r"<t([dh])[^>]*>(.*?)</t\1>", re.S)
ANCHOR = re.compile(r'id="(kamlib[\w.]*)"')

#: (page, private name) pairs known when the check was written; the lead renames them in
#: src/ and then deletes the entry. Each is listed with the source line of its default.
KNOWN_PRIVATE: frozenset[tuple[str, str]] = frozenset()


def _text(fragment: str) -> str:
    return html.unescape(TAG.sub("", fragment))


def _where(page: str, pos: int) -> str:
    """The id of the last documented object before ``pos`` (the object being rendered)."""
    ids = ANCHOR.findall(page, 0, pos)
    return ids[-1] if ids else "(page)"


def _line(text: str) -> str:
    return " ".join(text.split())[:160]


def check_page(name: str, raw: str) -> tuple[list[str], set[tuple[str, str]]]:
    """Return the problems of one page and the (page, private name) pairs it shows."""
    page = SKIP.sub("", raw)
    problems: list[str] = []
    private: dict[tuple[str, str], list[str]] = {}

    visible = _text(page)
    for m in ROLE.finditer(visible):
        around = visible[max(0, m.start() - 60) : m.end() + 60]
        problems.append(f"{name}: raw Sphinx role {m.group(0)!r}: ...{_line(around)}...")

    def note(kind: str, pos: int, fragment: str) -> None:
        text = _text(fragment)
        for m in PRIVATE.finditer(text):
            msg = f"{name}: private name {m.group(0)!r} in the {kind} of {_where(page, pos)}: "
            msgs = private.setdefault((name, m.group(0)), [])
            if not any(x.startswith(msg) for x in msgs):  # once per object and place
                msgs.append(msg + _line(text))

    for sig in SIGNATURE.finditer(page):
        note("signature", sig.start(), sig.group(1))
    for table in TABLE.finditer(page):
        rows = ROW.findall(table.group(1))
        if not rows:
            continue
        header = [_text(c).strip() for _, c in CELL.findall(rows[0])]
        if "Default" not in header:
            continue
        col = header.index("Default")
        for row in rows[1:]:
            cells = [c for _, c in CELL.findall(row)]
            if len(cells) > col:
                note("Default column", table.start(), cells[col])

    for key, msgs in private.items():
        if key not in KNOWN_PRIVATE:
            problems.extend(msgs)
    return problems, set(private)


def check_site(site: Path) -> list[str]:
    """Return every problem of the built site under ``site`` (empty: the site is clean)."""
    pages = sorted(site.rglob("*.html"))
    if not pages:
        return [f"{site}: no HTML page found (build the site first)"]
    problems: list[str] = []
    seen: set[tuple[str, str]] = set()
    for path in pages:
        name = path.relative_to(site).as_posix()
        found, private = check_page(name, path.read_text(encoding="utf-8"))
        problems.extend(found)
        seen |= private
    for page, private_name in sorted(KNOWN_PRIVATE - seen):
        problems.append(
            f"{page}: {private_name!r} no longer occurs: delete its KNOWN_PRIVATE entry in "
            "docs/check_site.py"
        )
    return problems


def main(argv: list[str]) -> int:
    """Check the site directory named by ``argv[0]``; return the exit code."""
    if len(argv) != 1:
        print("usage: python docs/check_site.py SITE_DIR", file=sys.stderr)
        return 2
    site = Path(argv[0])
    problems = check_site(site)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"check_site: {len(problems)} problem(s) in {site}", file=sys.stderr)
        return 1
    known = len(KNOWN_PRIVATE)
    print(f"check_site: {site} is clean ({known} known private default(s) still to rename)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
