"""Writing records to stdout (JSON Lines, CSV, TSV) and messages to stderr."""

from __future__ import annotations

import csv
import json
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TextIO

import click

from archiver.models import STATUSES, Article, Outcome
from cli.exit import ExitCode, exit_code_for_statuses


def to_json(data: dict[str, Any]) -> str:
    """One JSON line, UTF-8 kept as is."""
    return json.dumps(data, ensure_ascii=False)


def write_jsonl(rows: Iterable[dict[str, Any]], out: TextIO | None = None) -> int:
    """Write each row as a JSON line, flushed at once so pipes see it; return the row count."""
    out = out or sys.stdout
    count = 0
    for row in rows:
        out.write(to_json(row) + "\n")
        out.flush()
        count += 1
    return count


def write_table(
    rows: Iterable[dict[str, Any]], fields: Sequence[str], fmt: str, out: TextIO | None = None
) -> int:
    r"""Write rows as CSV or TSV with a header; lists and dicts become JSON in their cell.

    CSV quotes as RFC 4180 does. TSV never quotes: a backslash, tab, newline or carriage return
    inside a value is written `\\`, `\t`, `\n`, `\r` (PostgreSQL's COPY text format), so every
    row is one line and `cut -f` gives the value; null is an empty cell.
    """
    out = out or sys.stdout
    if fmt == "tsv":
        write_line = _tsv_writer(out)
    else:
        write_line = csv.writer(out, lineterminator="\n").writerow
    write_line(list(fields))
    count = 0
    for row in rows:
        write_line([_cell(row.get(name)) for name in fields])
        count += 1
    out.flush()
    return count


def _tsv_writer(out: TextIO) -> Callable[[list[str]], object]:
    def write_line(cells: list[str]) -> object:
        return out.write("\t".join(c.translate(_TSV_ESCAPES) for c in cells) + "\n")

    return write_line


_TSV_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False)
    return str(value)


def write_rows(
    rows: Iterable[dict[str, Any]], fields: Sequence[str], fmt: str, out: TextIO | None = None
) -> int:
    """Write rows as JSON Lines, or as CSV/TSV with `fields` as columns."""
    return write_jsonl(rows, out) if fmt == "jsonl" else write_table(rows, fields, fmt, out)


def member_row(article: Article) -> dict[str, Any]:
    """One member of a dedup cluster, as `show` and `clusters` list it."""
    return {
        "id": article.id,
        "url": article.url,
        "outlet": article.outlet,
        "published": article.published,
        "duplicate_of": article.duplicate_of,
        "similarity": article.similarity,
        "method": article.dedup_method,
    }


class Tally:
    """Counts outcomes as they stream to stdout, for the summary line and the exit code."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.started = time.monotonic()

    def write(self, outcomes: Iterable[Outcome], out: TextIO | None = None) -> None:
        """Write each outcome as a JSON line as soon as it exists, counting it."""
        write_jsonl(self._counted(outcomes), out)

    def _counted(self, outcomes: Iterable[Outcome]) -> Iterator[dict[str, Any]]:
        for outcome in outcomes:
            self.counts[outcome.status] += 1
            yield outcome.to_dict()

    def summary(self, command: str) -> str:
        """e.g. 'fetch: 3 stored, 1 duplicate, 0 unchanged, 0 skipped, 1 failed in 2.1 s'."""
        parts = [f"{self.counts.get(s, 0)} {s}" for s in STATUSES]
        elapsed = time.monotonic() - self.started
        return f"{command}: {', '.join(parts)} in {elapsed:.1f} s"

    def finish(self, command: str, *, quiet: bool) -> None:
        """Print the summary (with `quiet`, only when something failed) and exit: 3 when any
        item failed, else 0."""
        code = exit_code_for_statuses(self.counts)
        if not quiet or code != ExitCode.OK:
            echo_err(self.summary(command))
        click.get_current_context().exit(int(code))


def echo_err(message: str) -> None:
    """One line on stderr."""
    print(message, file=sys.stderr, flush=True)
