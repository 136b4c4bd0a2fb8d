"""Options and argument helpers shared by several commands."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from datetime import date, datetime

import click

from archiver.models import ARTICLE_FIELDS


def read_inputs(args: tuple[str, ...], what: str) -> Iterable[str]:
    """The arguments, or stdin's non-blank lines when the argument is '-' or none is given."""
    if args and args != ("-",):
        if "-" in args:
            raise click.UsageError(f"'-' (stdin) cannot be mixed with other {what}")
        return args
    if not args and sys.stdin.isatty():
        raise click.UsageError(f"no {what} given (pass them as arguments or on stdin)")
    return _stdin_lines()


def _stdin_lines() -> Iterator[str]:
    for line in sys.stdin:
        line = line.strip()
        if line and not line.startswith("#"):
            yield line


def parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Validate an ISO date or datetime and return it as given (compared as ISO text)."""
    if value is None:
        return None
    try:
        if len(value) == 10:
            date.fromisoformat(value)
        else:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an ISO date (YYYY-MM-DD)") from None
    return value


def parse_fields(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[str, ...]:
    """A comma-separated list of metadata field names, each checked.

    The text is not metadata (`show --text` and `export` give it), and stored records have no
    status or error: asking for them would only print nulls.
    """
    if not value:
        return ()
    fields = tuple(f.strip() for f in value.split(",") if f.strip())
    known = tuple(f for f in ARTICLE_FIELDS if f != "text")
    for name in fields:
        if name not in known:
            raise click.BadParameter(f"unknown field {name!r}; known: {', '.join(known)}")
    return fields
