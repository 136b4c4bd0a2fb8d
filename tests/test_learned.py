"""Layer 3: lines and title affixes learned per outlet, persisted in a real SQLite file."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from archiver.extract import ExtractOptions, extract_html
from archiver.learned import (
    SCHEMA,
    learned_affixes,
    learned_lines,
    learned_options,
    observe_article,
    observe_lines,
    observe_title,
)
from archiver.models import Removal
from archiver.normalize import fold, match_key

APPEAL = "ادعموا صحافتنا المستقلة بالتبرع عبر موقعنا الإلكتروني"


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(tmp_path / "index.sqlite")
    connection.executescript(SCHEMA)
    yield connection
    connection.close()


def _article(n: int) -> str:
    return "\n".join(
        [
            f"الخبر رقم {n}: قال المجلس المحلي إن أعمال الصيانة في الحي {n} ستبدأ الأحد.",
            f"وأضاف أن كلفة المشروع رقم {n} تبلغ نحو {n * 1000} دولار بحسب التقديرات الأولية.",
            "ولم يصدر أي تعليق رسمي من المحافظة حتى الآن.",
            APPEAL,
        ]
    )


def test_a_line_on_many_articles_is_learned_only_for_its_outlet(conn: sqlite3.Connection) -> None:
    for n in range(3):
        observe_lines(conn, "zaytoun", _article(n))
    assert learned_lines(conn, "zaytoun") == frozenset()  # too few articles yet
    observe_lines(conn, "zaytoun", _article(3))
    learned = learned_lines(conn, "zaytoun")
    assert fold(APPEAL) in learned
    assert not any("الخبر رقم" in line for line in learned)  # unique lines never learned
    assert learned_lines(conn, "other-outlet") == frozenset()


def test_share_threshold_grows_with_the_archive(conn: sqlite3.Connection) -> None:
    # a sentence on 4 of 40 articles (10%) is not boilerplate; one on all 40 is
    for n in range(40):
        text = _article(n).replace(APPEAL, "") + (
            "\nجملة تكررت في عدد قليل من الأخبار فقط" if n < 4 else ""
        )
        observe_lines(conn, "zaytoun", text + "\n" + APPEAL)
    learned = learned_lines(conn, "zaytoun")
    assert fold(APPEAL) in learned
    assert fold("جملة تكررت في عدد قليل من الأخبار فقط") not in learned


def test_removed_learned_lines_keep_counting(conn: sqlite3.Connection) -> None:
    for n in range(5):
        observe_lines(conn, "zaytoun", _article(n))
    text_without = _article(5).replace("\n" + APPEAL, "")
    for n in range(20):
        observe_article(conn, f"id{n}", "zaytoun", text_without, [Removal(APPEAL, "learned-line")])
    assert fold(APPEAL) in learned_lines(conn, "zaytoun")


def test_an_article_is_observed_in_one_transaction(conn: sqlite3.Connection) -> None:
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    observe_article(conn, "id0", "zaytoun", _article(0), html_title="خبر - زيتون بوست")
    conn.set_trace_callback(None)
    assert [s for s in statements if s.startswith(("BEGIN", "COMMIT"))] == [
        "BEGIN IMMEDIATE",
        "COMMIT",
    ]
    assert not conn.in_transaction


def test_learned_options_are_the_lines_and_the_affixes(conn: sqlite3.Connection) -> None:
    for n in range(6):
        observe_article(
            conn, f"id{n}", "site.example", _article(n), html_title=f"خبر {n} - زيتون بوست"
        )
    lines, affixes = learned_options(conn, "site.example")
    assert lines == learned_lines(conn, "site.example") and fold(APPEAL) in lines
    assert affixes == learned_affixes(conn, "site.example")
    assert match_key("زيتون بوست") in affixes.suffixes


def test_learned_lines_persist_and_feed_extraction(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite"
    with sqlite3.connect(path) as first:
        first.executescript(SCHEMA)
        for n in range(6):
            observe_lines(first, "zaytoun", _article(n))
    first.close()
    second = sqlite3.connect(path)
    learned = learned_lines(second, "zaytoun")
    second.close()
    paragraphs = "".join(f"<p>{line}</p>" for line in _article(99).split("\n"))
    html = f"<html lang='ar'><body><article><h1>عنوان</h1>{paragraphs}</article></body></html>"
    result = extract_html(
        html, "https://zaytoun.example/a/99", ExtractOptions(learned_lines=learned)
    )
    assert result is not None
    assert APPEAL not in result.text
    assert ("learned-line", APPEAL) in [(r.reason, r.text) for r in result.removed]
    plain = extract_html(html, "https://zaytoun.example/a/99")
    assert plain is not None and APPEAL in plain.text


def test_title_affixes_are_learned_by_side(conn: sqlite3.Connection) -> None:
    for n in range(5):
        observe_title(conn, "baladi", f"خبر رقم {n} عن المياه - It's Over 9000!")
    observe_title(conn, "baladi", "عنوان بلا لاحقة")
    affixes = learned_affixes(conn, "baladi")
    assert match_key("It's Over 9000!") in affixes.suffixes
    assert affixes.prefixes == frozenset()
    assert learned_affixes(conn, "other").suffixes == frozenset()


def test_one_off_lines_are_pruned_and_the_table_stays_bounded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import archiver.learned

    monkeypatch.setattr(archiver.learned, "PRUNE_EVERY", 10)
    monkeypatch.setattr(archiver.learned, "PRUNE_AGE", 20)
    conn = sqlite3.connect(":memory:")
    conn.executescript(SCHEMA)
    slogan = "زيتون بوست: صوت من لا صوت لهم منذ عام 2012"
    for n in range(200):
        news = [f"خبر رقم {n} السطر {i}: تفاصيل جديدة عن أعمال الصيانة في الحي" for i in range(10)]
        observe_lines(conn, "zaytoun", "\n".join([*news, slogan]))
    rows = conn.execute("SELECT COUNT(*) FROM learned_line_counts").fetchone()[0]
    assert rows <= 1 + 30 * 10  # the slogan and at most the last ~30 articles' own lines
    assert fold(slogan) in learned_lines(conn, "zaytoun")
    texts = conn.execute("SELECT COUNT(*) FROM learned_line_counts WHERE line IS NOT NULL")
    assert texts.fetchone()[0] == 1  # only a repeated line keeps its text


def test_an_article_stored_again_counts_once(conn: sqlite3.Connection) -> None:
    # One story updated five times (an id stored again with a new line each time) is one
    # article: its lines stay at one sighting and the outlet at one article.
    counted = [
        observe_article(conn, "live", "zaytoun", _article(0) + f"\nتحديث رقم {n} عن الخبر نفسه")
        for n in range(5)
    ]
    assert counted == [True, False, False, False, False]
    assert conn.execute("SELECT articles FROM learned_outlets").fetchall() == [(1,)]
    assert conn.execute("SELECT MAX(articles) FROM learned_line_counts").fetchone() == (1,)
    assert learned_lines(conn, "zaytoun") == frozenset()
    for n in range(1, 4):  # three more articles with the appeal: four distinct ones
        observe_article(conn, f"a{n}", "zaytoun", _article(n))
    learned = learned_lines(conn, "zaytoun")
    assert fold(APPEAL) in learned and not any("تحديث" in line for line in learned)
