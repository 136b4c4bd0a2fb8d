"""`archiver fetch` against a real local server: records, statuses, exit codes, idempotency."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from archiver.store import Store
from archiver.urls import article_id
from tests.cli.helpers import (
    by_input,
    invoke,
    query,
    records,
    story,
    warc_records,
    write_config,
)
from tests.servers import (
    AR_PARAGRAPHS,
    AR_TITLE,
    EN_PARAGRAPHS,
    EN_TITLE,
    NewsSite,
    TestServer,
    article_html,
    install_news_site,
    static,
)

pytestmark = pytest.mark.usefixtures("fast_backoff")


@pytest.fixture
def site(server: TestServer) -> NewsSite:
    return install_news_site(server)


@pytest.fixture
def config(tmp_path: Path, server: TestServer) -> Path:
    return write_config(tmp_path, [("orontes-courier", server.url("/"), "en")])


def test_fetch_stores_articles_and_prints_one_record_each(
    tmp_path: Path, site: NewsSite, config: Path
) -> None:
    archive = tmp_path / "archive"
    result = invoke(config, archive, "fetch", site.en, site.ar)
    assert result.exit_code == 0, result.stderr
    got = by_input(result)
    assert set(got) == {site.en, site.ar}
    en, ar = got[site.en], got[site.ar]
    assert en["status"] == "stored" and en["error"] is None
    assert en["id"] == article_id(site.en) and en["cluster"] == en["id"]
    assert en["url"] == en["canonical_url"] == site.en
    assert en["outlet"] == "orontes-courier"
    assert en["title"] == EN_TITLE and en["language"] == "en"
    assert en["published"].startswith("2025-03-04")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", en["fetched_at"])
    assert en["word_count"] > 100 and len(en["sha256"]) == 64
    assert en["duplicate_of"] is None and "text" in en
    assert ar["title"] == AR_TITLE and ar["language"] == "ar"
    # UTF-8 is written as is, not as \u escapes.
    assert AR_TITLE in result.stdout
    # Only records on stdout; the summary goes to stderr.
    assert "fetch: 2 stored, 0 duplicate, 0 unchanged, 0 skipped, 0 failed" in result.stderr
    assert "stored" not in result.stderr.replace("2 stored", "")
    with Store.open(archive) as store:
        assert store.count() == 2


def test_urls_from_stdin(tmp_path: Path, site: NewsSite, config: Path) -> None:
    archive = tmp_path / "archive"
    lines = f"{site.en}\n\n# a comment line\n{site.en2}\n"
    for args in (["fetch"], ["fetch", "-"]):
        result = invoke(config, archive, *args, input=lines)
        assert result.exit_code == 0, result.stderr
        assert set(by_input(result)) == {site.en, site.en2}


def test_mixing_stdin_and_urls_is_a_usage_error(
    tmp_path: Path, site: NewsSite, config: Path
) -> None:
    result = invoke(config, tmp_path / "archive", "fetch", "-", site.en)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "cannot be mixed" in result.stderr


def test_failures_give_exit_3_and_still_valid_stdout(
    tmp_path: Path, site: NewsSite, config: Path
) -> None:
    result = invoke(config, tmp_path / "archive", "fetch", site.en, site.missing, site.gone)
    assert result.exit_code == 3
    got = by_input(result)
    assert got[site.en]["status"] == "stored"
    assert got[site.missing]["status"] == "failed" and got[site.missing]["error"] == "HTTP 404"
    assert got[site.gone]["error"] == "HTTP 410"
    assert "2 failed" in result.stderr


def test_bad_inputs_are_skipped_or_failed_with_a_reason(
    tmp_path: Path, site: NewsSite, config: Path
) -> None:
    archive = tmp_path / "archive"
    urls = [site.pdf, site.json, site.empty, site.oversized, site.bomb, site.endless, site.private]
    result = invoke(config, archive, "fetch", *urls)
    assert result.exit_code == 3
    got = by_input(result)
    assert got[site.pdf] | {"status": "skipped"} == got[site.pdf]
    assert "not HTML (application/pdf)" in got[site.pdf]["error"]
    assert got[site.json]["status"] == "skipped"
    assert got[site.empty]["status"] == "skipped" and "empty" in got[site.empty]["error"]
    for url in (site.oversized, site.bomb, site.endless):
        assert got[url]["status"] == "failed" and "max_bytes" in got[url]["error"], url
    # a robots.txt refusal is the site's choice, not a failure: skipped, as `crawl` says too
    assert got[site.private]["status"] == "skipped" and "robots.txt" in got[site.private]["error"]
    assert site.server.hits("/private/leak") == 0
    # Nothing was archived from any of them, and the archive is sound.
    with Store.open(archive) as store:
        assert store.count() == 0
    assert query(archive, "PRAGMA integrity_check") == [("ok",)]
    outcomes = dict(query(archive, "SELECT outcome, COUNT(*) FROM fetches GROUP BY 1"))
    assert outcomes == {"skipped": 4, "failed": 3}


def test_broken_html_is_handled(tmp_path: Path, site: NewsSite, config: Path) -> None:
    result = invoke(config, tmp_path / "archive", "fetch", site.broken)
    (record,) = records(result)
    assert record["status"] == "stored"  # unclosed tags and all, the story is there
    assert result.exit_code == 0 and "Traceback" not in result.stderr
    assert "ten thousandth book" in record["text"]


@pytest.mark.parametrize("which", ["ar_1256_header", "ar_1256_no_header", "ar_1256_wrong_header"])
def test_windows_1256_pages_are_decoded(
    tmp_path: Path, site: NewsSite, config: Path, which: str
) -> None:
    url = getattr(site, which)
    result = invoke(config, tmp_path / "archive", "fetch", url)
    assert result.exit_code == 0, result.stderr
    (record,) = records(result)
    assert record["title"] == AR_TITLE
    assert record["encoding"] == "cp1256"
    assert "سوق الخضار المسقوف" in record["text"] and "\ufffd" not in record["text"]


def test_a_windows_1256_page_under_apache_s_latin_1_default_header_is_decoded(
    tmp_path: Path, site: NewsSite, config: Path
) -> None:
    page = article_html(AR_TITLE, AR_PARAGRAPHS, lang="ar", meta_charset="windows-1256")
    url = site.server.route(
        "/ar/apache-default", static(page.encode("cp1256"), "text/html; charset=ISO-8859-1")
    )
    result = invoke(config, tmp_path / "archive", "fetch", url)
    assert result.exit_code == 0, result.stderr
    (record,) = records(result)
    assert (record["title"], record["encoding"], record["language"]) == (AR_TITLE, "cp1256", "ar")
    assert AR_PARAGRAPHS[0] in record["text"]


def test_redirect_records_the_final_url(tmp_path: Path, site: NewsSite, config: Path) -> None:
    result = invoke(config, tmp_path / "archive", "fetch", site.redirect)
    (record,) = records(result)
    assert record["status"] == "stored"
    assert record["input"] == site.redirect
    assert record["url"] == site.en and record["id"] == article_id(site.en)


def test_retries_recover_503_and_429(tmp_path: Path, site: NewsSite, config: Path) -> None:
    result = invoke(config, tmp_path / "archive", "fetch", site.flaky)
    assert records(result)[0]["status"] == "stored"
    result = invoke(config, tmp_path / "archive2", "fetch", site.busy)
    assert records(result)[0]["status"] == "stored"
    first, second = site.server.requests_to("/busy")
    assert second.started - first.started >= 0.95  # Retry-After: 1


def test_exact_duplicate_under_another_url(
    tmp_path: Path, server: TestServer, site: NewsSite, config: Path
) -> None:
    mirror = TestServer()  # a repost site: another host, not a configured outlet
    mirror.start()
    try:
        mirror.route(
            "/reposts/market",
            static(article_html(EN_TITLE + " - Repost", EN_PARAGRAPHS, site_name="Repost Hub")),
        )
        copy = mirror.url("/reposts/market?utm_source=feed")
        canonical = mirror.url("/reposts/market")
        archive = tmp_path / "archive"
        first = records(invoke(config, archive, "fetch", site.en))[0]
        result = invoke(config, archive, "fetch", copy)
    finally:
        mirror.stop()
    assert result.exit_code == 0
    (dup,) = records(result)
    assert dup["status"] == "duplicate"
    assert dup["id"] != first["id"]
    assert dup["duplicate_of"] == first["id"] and dup["cluster"] == first["id"]
    assert dup["similarity"] == 1.0 and dup["dedup_method"] == "exact"
    assert dup["canonical_url"] == canonical  # tracking parameter dropped
    # A duplicate is archived too: its own record, text and WARC record.
    with Store.open(archive) as store:
        assert store.count() == 2
        stored = store.get(dup["id"])
        assert stored is not None and stored.text == dup["text"]
    responses = [r for r in warc_records(archive) if r[0] == "response"]
    assert [r[1] for r in responses] == [site.en, copy]


def test_refetch_is_unchanged_and_stores_nothing_twice(
    tmp_path: Path, site: NewsSite, config: Path
) -> None:
    archive = tmp_path / "archive"
    urls = [site.en, site.ar, site.en2]
    first = invoke(config, archive, "fetch", *urls)
    assert [r["status"] for r in records(first)].count("stored") == 3
    warcs_before = warc_records(archive)
    files_before = sorted(p.name for p in (archive / "articles").rglob("*") if p.is_file())
    again = invoke(config, archive, "fetch", *urls)
    assert again.exit_code == 0
    got = by_input(again)
    assert {r["status"] for r in got.values()} == {"unchanged"}
    assert {u: r["id"] for u, r in got.items()} == {r["input"]: r["id"] for r in records(first)}
    assert warc_records(archive) == warcs_before  # no new WARC records at all
    assert sorted(p.name for p in (archive / "articles").rglob("*") if p.is_file()) == files_before
    assert query(archive, "SELECT COUNT(*) FROM articles") == [(3,)]
    # The same URL given twice in one run is stored once.
    twice = invoke(config, tmp_path / "archive2", "fetch", site.en, site.en)
    assert sorted(r["status"] for r in records(twice)) == ["stored", "unchanged"]
    # Every line names the item as it was given, also when the record's URL differs from it.
    tracked = f"{site.en}?utm_source=rss&utm_medium=feed"
    (line,) = records(invoke(config, archive, "fetch", tracked))
    assert line["status"] == "unchanged" and line["input"] == tracked
    assert line["id"] == article_id(site.en)


def test_changed_page_is_updated_in_place(tmp_path: Path, server: TestServer, config: Path) -> None:
    url = server.route("/live", static(article_html(EN_TITLE, EN_PARAGRAPHS)))
    archive = tmp_path / "archive"
    assert records(invoke(config, archive, "fetch", url))[0]["status"] == "stored"
    server.route(
        "/live",
        static(article_html(EN_TITLE, [*EN_PARAGRAPHS, "Correction: the vote was on Monday."])),
    )
    (record,) = records(invoke(config, archive, "fetch", url))
    assert record["status"] == "stored" and "Correction" in record["text"]
    assert query(archive, "SELECT COUNT(*) FROM articles") == [(1,)]
    assert query(archive, "SELECT COUNT(*) FROM versions") == [(1,)]


def test_an_updated_article_counts_once_toward_learned_boilerplate(
    tmp_path: Path, server: TestServer, config: Path
) -> None:
    # A small outlet (ten other stories) and a developing story fetched five times, one more
    # "Update" line each time: its paragraphs are on one article, not on five, so they never
    # become the outlet's boilerplate (4 articles and 20% of the outlet's would be needed).
    others = [server.route(f"/other/{n}", static(article_html(*story(n)))) for n in range(10)]
    archive = tmp_path / "archive"
    assert invoke(config, archive, "fetch", *others).exit_code == 0
    url = server.url("/live")
    for n in range(1, 7):
        updates = [
            f"Update {k}: volunteers reached {k * 7} more homes by {k + 8} o'clock."
            for k in range(1, n)
        ]
        server.route("/live", static(article_html(EN_TITLE, [*EN_PARAGRAPHS, *updates])))
        (record,) = records(invoke(config, archive, "fetch", url))
        assert record["status"] == "stored", n
        assert all(paragraph in record["text"] for paragraph in EN_PARAGRAPHS), n
        assert "learned-line" not in {r["reason"] for r in record["removed"]}, n
    outlet = "SELECT articles FROM learned_outlets WHERE outlet = 'orontes-courier'"
    assert query(archive, outlet) == [(11,)]
    assert query(archive, "SELECT MAX(articles) FROM learned_line_counts") == [(1,)]
    # Fetching another story of the outlet that quotes the same paragraph keeps it too.
    quoting = server.route(
        "/quoting", static(article_html(*story(99)[:1], [EN_PARAGRAPHS[0], *story(99)[1]]))
    )
    (record,) = records(invoke(config, archive, "fetch", quoting))
    assert EN_PARAGRAPHS[0] in record["text"]


def test_locked_archive_exits_75(tmp_path: Path, site: NewsSite, config: Path) -> None:
    archive = tmp_path / "archive"
    with Store.open(archive, write=True):
        result = invoke(config, archive, "fetch", site.en)
    assert result.exit_code == 75
    assert result.stdout == ""
    assert "locked" in result.stderr and "pid" in result.stderr
    assert site.server.hits("/en/market-reopens") == 0  # refused before any request


def test_unusable_archive_path_exits_1(tmp_path: Path, site: NewsSite, config: Path) -> None:
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("x")
    result = invoke(config, not_a_dir / "archive", "fetch", site.en)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error:") and "Traceback" not in result.stderr


def test_malformed_urls_and_pages_fail_alone(
    tmp_path: Path, server: TestServer, site: NewsSite, config: Path
) -> None:
    bad_canonical = server.route(
        "/bad-canonical",
        static(
            article_html(EN_TITLE, EN_PARAGRAPHS, canonical="http://[oops/x").replace(
                EN_PARAGRAPHS[0], "A different opening line for this page."
            )
        ),
    )
    result = invoke(config, tmp_path / "archive", "fetch", "http://[bad", bad_canonical, site.en2)
    assert "Traceback" not in result.stderr and "unexpected" not in result.stderr
    got = by_input(result)
    assert got["http://[bad"]["status"] == "failed" and "invalid URL" in got["http://[bad"]["error"]
    assert got[site.en2]["status"] == "stored"
    # Stored, with its bad canonical link ignored in favour of the fetched URL.
    assert got[bad_canonical]["status"] == "stored"
    assert got[bad_canonical]["canonical_url"] == bad_canonical
    assert result.exit_code == 3


def test_verbosity_changes_stderr_only(tmp_path: Path, site: NewsSite, config: Path) -> None:
    archive = tmp_path / "archive"
    quiet = invoke(config, archive, "-q", "fetch", site.en)
    assert quiet.exit_code == 0 and quiet.stderr == ""
    assert records(quiet)[0]["status"] == "stored"
    loud = invoke(config, archive, "-vv", "fetch", site.en, site.missing)
    assert loud.exit_code == 3
    assert sorted(r["status"] for r in records(loud)) == ["failed", "unchanged"]  # JSON only
    assert "unchanged" in loud.stderr and "INFO" in loud.stderr


def test_slow_page_times_out_as_a_failure(
    tmp_path: Path, site: NewsSite, server: TestServer
) -> None:
    config = write_config(tmp_path, [("orontes-courier", server.url("/"), "en")], timeout=0.3)
    result = invoke(config, tmp_path / "archive", "fetch", site.slow, site.en2)
    assert result.exit_code == 3
    got = by_input(result)
    assert got[site.slow]["status"] == "failed" and "timed out" in got[site.slow]["error"]
    assert got[site.en2]["status"] == "stored"


# A partner site's own follow-up below three syndicated paragraphs (fictional); the page names
# the original as its canonical.
FOLLOW_UP = (
    "Traders in the neighbouring villages told our correspondent they would wait for the first "
    "week of sales before deciding whether to rent a stall in the restored hall.",
    "The partner network will publish a longer report on rents and repairs next month, with "
    "figures from the council's own budget and interviews with the stall holders.",
    "Readers can send questions about the market to the newsroom through the usual form on "
    "the partner site, which is checked by the editors every morning.",
)


NOTES = (
    "The newsroom is closed on Friday for the holiday; the duty editor can be reached by phone "
    "for urgent corrections to published reports.",
    "Subscribers who changed their address this month should write to the distribution desk "
    "so that the printed weekly reaches them without delay.",
)


@pytest.mark.parametrize("original_first", [True, False])
def test_a_cross_site_canonical_makes_a_url_copy_either_way_round(
    tmp_path: Path, site: NewsSite, config: Path, original_first: bool
) -> None:
    partner = TestServer()  # a syndication partner: another host, not a configured outlet
    partner.start()
    try:
        page = article_html(
            EN_TITLE, [*EN_PARAGRAPHS[:3], *FOLLOW_UP[:2]], site_name="Partner", canonical=site.en
        )
        partner.route("/syndicated/market", static(page))
        # A page whose canonical names the same original but shares none of its text (a
        # template's mistake).
        unrelated = article_html("Partner newsroom notes", NOTES, canonical=site.en)
        partner.route("/notes", static(unrelated))
        copy, notes = partner.url("/syndicated/market"), partner.url("/notes")
        archive = tmp_path / "archive"
        order = [site.en, copy, notes] if original_first else [copy, notes, site.en]
        for url in order:
            assert invoke(config, archive, "fetch", url).exit_code == 0
    finally:
        partner.stop()
    with Store.open(archive) as store:
        original = store.get(article_id(site.en))
        syndicated = store.get(article_id(copy))
        noted = store.get(article_id(notes))
    assert original is not None and syndicated is not None and noted is not None
    assert syndicated.declared_original == site.en and original.declared_original is None
    assert (original.cluster, original.duplicate_of) == (original.id, None)
    assert (syndicated.cluster, syndicated.duplicate_of) == (original.id, original.id)
    assert syndicated.dedup_method == "url" and 0.5 <= (syndicated.similarity or 0) < 1
    assert (noted.cluster, noted.duplicate_of) == (noted.id, None)
