"""The pipeline learns an outlet's boilerplate from what it stores (a real archive on disk)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from archiver.config import Outlet, Settings
from archiver.models import Page
from archiver.pipeline import Pipeline
from archiver.store import Store

SLOGAN = "زيتون بوست: صوت من لا صوت لهم منذ عام 2012"
SUFFIX = "The Olive Press Network"


def _page(n: int, *, heading: bool = True) -> Page:
    paragraphs = "".join(
        f"<p>الخبر رقم {n}: {sentence}</p>"
        for sentence in (
            f"قال المجلس المحلي إن أعمال الصيانة في الحي رقم {n} ستبدأ يوم الأحد المقبل.",
            f"وأضاف أن كلفة المشروع تبلغ نحو {n * 1000 + 7} دولار بحسب التقديرات الأولية.",
            f"وطالب الأهالي بتسريع الأعمال في الشارع رقم {n} قبل حلول فصل الشتاء وموسم الأمطار.",
        )
    )
    html = (
        f"<html lang='ar'><head><title>الخبر {n} عن الصيانة في الحي - {SUFFIX}</title></head>"
        f"<body><article>{f'<h1>الخبر {n} عن الصيانة في الحي</h1>' if heading else ''}"
        f"{paragraphs}<p>{SLOGAN}</p>"
        "</article></body></html>"
    )
    url = f"https://zaytoun.example/a/{n}"
    return Page(
        url=url,
        final_url=url,
        status=200,
        headers=(("content-type", "text/html; charset=utf-8"),),
        body=html.encode(),
        fetched_at=datetime.now(UTC),
    )


def test_recurring_line_becomes_boilerplate_after_a_few_articles(tmp_path: Path) -> None:
    outlet = Outlet(name="zaytoun", url="https://zaytoun.example/")
    settings = Settings(outlets=(outlet,))
    with Store.open(tmp_path / "archive", write=True) as store:
        pipeline = Pipeline(settings, store)
        first = [pipeline.process_page(_page(n)) for n in range(4)]
        assert all(o.status == "stored" and o.article for o in first)
        assert all(SLOGAN in (o.article.text if o.article else "") for o in first)
        later = pipeline.process_page(_page(10))
    assert later.status == "stored" and later.article is not None
    assert SLOGAN not in later.article.text
    assert {"text": SLOGAN, "reason": "learned-line"} in later.article.removed
    assert later.article.title == "الخبر 10 عن الصيانة في الحي"
    # the learning survives reopening the archive
    with Store.open(tmp_path / "archive", write=True) as store:
        again = Pipeline(settings, store).process_page(_page(11))
    assert again.article is not None and SLOGAN not in again.article.text


def test_recurring_title_suffix_is_learned(tmp_path: Path) -> None:
    # no <h1>, no og:site_name: only the repetition says " - The Olive Press Network" is the site
    outlet = Outlet(name="zaytoun", url="https://zaytoun.example/")
    settings = Settings(outlets=(outlet,))
    with Store.open(tmp_path / "archive", write=True) as store:
        pipeline = Pipeline(settings, store)
        first = pipeline.process_page(_page(0, heading=False))
        assert first.article is not None and first.article.title is not None
        assert first.article.title.endswith(SUFFIX)
        for n in range(1, 4):
            pipeline.process_page(_page(n, heading=False))
        later = pipeline.process_page(_page(10, heading=False))
    assert later.article is not None
    assert later.article.title == "الخبر 10 عن الصيانة في الحي"


def test_an_unconfigured_site_learns_its_own_boilerplate_too(tmp_path: Path) -> None:
    # A mirror blog nobody configured: its recurring slogan is learned under its host.
    with Store.open(tmp_path / "archive", write=True) as store:
        pipeline = Pipeline(Settings(), store)
        for n in range(4):
            pipeline.process_page(_page(n))
        later = pipeline.process_page(_page(10))
    assert later.article is not None and later.article.outlet == "zaytoun.example"
    assert SLOGAN not in later.article.text
    assert {"text": SLOGAN, "reason": "learned-line"} in later.article.removed


def test_an_archive_from_before_counts_its_stored_articles_as_counted(tmp_path: Path) -> None:
    # An archive written before `learned_articles` existed has none of its ids in it: opening
    # it marks every stored article as counted, so their next update does not count again.
    settings = Settings(outlets=(Outlet(name="zaytoun", url="https://zaytoun.example/"),))
    with Store.open(tmp_path / "archive", write=True) as store:
        for n in range(3):
            Pipeline(settings, store).process_page(_page(n))
        store.conn.execute("DROP TABLE learned_articles")
    with Store.open(tmp_path / "archive", write=True) as store:
        counted = {row[0] for row in store.conn.execute("SELECT id FROM learned_articles")}
        assert len(counted) == 3
        updated = replace(
            _page(1), body=_page(1).body.replace(b"</article>", b"<p>x y z</p></article>")
        )
        assert Pipeline(settings, store).process_page(updated).status == "stored"
        outlet = store.conn.execute("SELECT articles FROM learned_outlets").fetchall()
    assert [tuple(row) for row in outlet] == [(3,)]
