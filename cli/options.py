"""Options and argument helpers shared by several commands."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator

import click

from archiver.models import ARTICLE_FIELDS
from archiver.store import parse_date_bound


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
    """Validate a --since/--until date or datetime; the store compares it (see ArticleFilter)."""
    if value is None:
        return None
    try:
        parse_date_bound(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not an ISO date (YYYY-MM-DD) or datetime (2025-03-05T20:00:00Z)"
        ) from None
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
