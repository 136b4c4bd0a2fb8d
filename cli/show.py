"""`archiver show`: one article, as its JSON record or its clean text."""

from __future__ import annotations

import sys

import click

from archiver.errors import UsageError
from archiver.models import Article
from archiver.store import Store
from archiver.urls import url_key
from cli import App
from cli.exit import EPILOG
from cli.output import member_row, to_json


@click.command("show", epilog=EPILOG)
@click.argument("ref")
@click.option("--text", "text_only", is_flag=True, help="Print only the clean text.")
@click.pass_obj
def command(app: App, ref: str, text_only: bool) -> None:
    """Show the article with this ID or URL (the JSON record lists its cluster's members).

    \b
    Example:
        archiver show 3f2a9c0d1b7e4a55 --text
    """
    with app.open_store(write=False) as store:
        article = find_article(store, ref)
        if text_only:
            sys.stdout.write(article.text.rstrip("\n") + "\n")
        else:
            record = article.to_dict()
            # The article's cluster: every member, so copies and original are one step away.
            members = store.cluster_members(article.cluster) if article.cluster else []
            record["cluster_members"] = [member_row(m) for m in members] if len(members) > 1 else []
            sys.stdout.write(to_json(record) + "\n")


def find_article(store: Store, ref: str) -> Article:
    """The article whose id or (any form of the) URL is `ref`."""
    article = store.get(ref)
    if article is None and "://" in ref:
        article = store.get_by_url_key(url_key(ref))
    if article is None:
        raise UsageError(f"no article {ref!r} in {store.root}", "see `archiver ls`")
    return article
