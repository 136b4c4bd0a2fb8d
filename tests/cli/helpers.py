"""Helpers for the command tests: config files, CliRunner calls, WARC captures, archive checks."""

from __future__ import annotations

import io
import json
import random
import sqlite3
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from click.testing import CliRunner, Result
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from cli import main
from tests.servers import (
    AR_PARAGRAPHS,
    AR_TITLE,
    EN2_TITLE,
    EN_PARAGRAPHS,
    EN_PARAGRAPHS_2,
    EN_TITLE,
    article_html,
)

REPO = Path(__file__).resolve().parents[2]


def write_config(
    tmp_path: Path, outlets: Sequence[tuple[str, str, str]] = (), **fetch: Any
) -> Path:
    """A config with fast, test-sized fetch settings and (name, url, language) outlets."""
    values: dict[str, Any] = {"delay": 0.0, "retries": 1, "timeout": 5.0, "max_bytes": 1_000_000}
    values.update(fetch)
    lines = ["[fetch]"]
    for key, value in values.items():
        lines.append(f"{key} = {json.dumps(value)}")
    for name, url, language in outlets:
        lines += ["[[outlets]]", f'name = "{name}"', f'url = "{url}"', f'language = "{language}"']
    path = tmp_path / "config.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def invoke(
    config: Path | None,
    archive: Path,
    *args: str,
    input: str | None = None,  # noqa: A002
) -> Result:
    """Run `archiver [--config C] --archive A ARGS` in-process; stdout and stderr apart."""
    argv = ["--config", str(config)] if config else []
    return CliRunner().invoke(main, [*argv, "--archive", str(archive), *args], input=input)


def records(result: Result) -> list[dict[str, Any]]:
    """Every stdout line parsed as JSON (fails on any line that is not)."""
    return [json.loads(line) for line in result.stdout.splitlines()]


def by_input(result: Result) -> dict[str, dict[str, Any]]:
    """Records keyed by the URL they were asked for."""
    return {r["input"]: r for r in records(result)}


def cli_argv() -> list[str]:
    """How to start the installed command in a subprocess."""
    script = Path(sys.executable).parent / "archiver"
    return [str(script)] if script.exists() else [sys.executable, "-m", "cli"]


# -- reading an archive back -----------------------------------------------------------------


def integrity(archive: Path) -> str:
    conn = sqlite3.connect(archive / "index.sqlite")
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def query(archive: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(archive / "index.sqlite")
    try:
        return list(conn.execute(sql, params))
    finally:
        conn.close()


def warc_records(archive: Path) -> list[tuple[str, str | None, str | None]]:
    """(type, target URI, record id) of every record in every WARC of the archive."""
    found = []
    for path in sorted((archive / "warc").glob("*.warc.gz")):
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream):
                found.append(
                    (
                        record.rec_type,
                        record.rec_headers.get_header("WARC-Target-URI"),
                        record.rec_headers.get_header("WARC-Record-ID"),
                    )
                )
    return found


# -- WARC captures of a fictional outlet and a mirror ---------------------------------------


@dataclass(frozen=True)
class Capture:
    url: str
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    date: str = "2024-11-02T08:15:00Z"
    record_id: str = ""
    kind: str = "response"


ORIGIN = "https://courier.example"
MIRROR = "https://mirror.example"


def outlet_captures() -> list[Capture]:
    """The 'Orontes Courier' (3 articles, a PDF, a 404) and a mirror reposting one story."""
    en = article_html(EN_TITLE, EN_PARAGRAPHS, published="2024-10-30T09:00:00+03:00")
    en2 = article_html(EN2_TITLE, EN_PARAGRAPHS_2, published="2024-11-01T18:45:00+03:00")
    ar = article_html(
        AR_TITLE, AR_PARAGRAPHS, lang="ar", published="2024-10-15", site_name="صدى العاصي"
    )
    mirror = article_html(
        EN_TITLE, EN_PARAGRAPHS, published="2024-10-30T09:00:00+03:00", site_name="Mirror Blog"
    )
    return [
        Capture(
            f"{ORIGIN}/en/market",
            en.encode(),
            record_id="<urn:uuid:1b4f0e9d-0000-4000-8000-000000000001>",
        ),
        Capture(
            f"{ORIGIN}/ar/souq",
            ar.replace('<meta charset="utf-8">', "").encode("cp1256"),
            "text/html; charset=windows-1256",
            date="2024-11-02T08:16:30Z",
            record_id="<urn:uuid:1b4f0e9d-0000-4000-8000-000000000002>",
        ),
        Capture(
            f"{ORIGIN}/en/library",
            en2.encode(),
            date="2024-11-03T07:00:00Z",
            record_id="<urn:uuid:1b4f0e9d-0000-4000-8000-000000000003>",
        ),
        Capture(f"{ORIGIN}/files/budget.pdf", b"%PDF-1.4\n%fictional\n", "application/pdf"),
        Capture(f"{ORIGIN}/missing", b"<html>not found</html>", status=404),
        Capture(
            f"{MIRROR}/2024/11/market-copy",
            mirror.encode(),
            date="2024-11-05T12:00:00Z",
            record_id="<urn:uuid:1b4f0e9d-0000-4000-8000-000000000004>",
        ),
    ]


def build_warc(path: Path, captures: Iterable[Capture], *, with_requests: bool = True) -> Path:
    """Write captures as a gzipped WARC (warcinfo, then request + response per capture)."""
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test-suite"}))
        for cap in captures:
            warc_headers = {"WARC-Date": cap.date}
            if cap.record_id:
                warc_headers["WARC-Record-ID"] = cap.record_id
            http = StatusAndHeaders(
                f"{cap.status} {'OK' if cap.status == 200 else 'Not Found'}",
                [("Content-Type", cap.content_type), ("Content-Length", str(len(cap.body)))],
                protocol="HTTP/1.1",
            )
            record = writer.create_warc_record(
                cap.url,
                cap.kind,
                payload=io.BytesIO(cap.body),
                http_headers=http if cap.kind == "response" else None,
                warc_headers_dict=warc_headers,
                warc_content_type=None if cap.kind == "response" else cap.content_type,
            )
            if with_requests:
                request = writer.create_warc_record(
                    cap.url,
                    "request",
                    payload=io.BytesIO(b""),
                    http_headers=StatusAndHeaders(
                        f"GET {urlsplit(cap.url).path} HTTP/1.1",
                        [("Host", urlsplit(cap.url).netloc)],
                        is_http_request=True,
                    ),
                    warc_headers_dict={"WARC-Date": cap.date},
                )
                writer.write_record(request)
            writer.write_record(record)
    return path


def import_sample(tmp_path: Path, archive: Path, config: Path | None = None) -> Result:
    """Import the outlet + mirror captures into `archive` (no network; `config` optional)."""
    warc = build_warc(tmp_path / "courier.warc.gz", outlet_captures())
    result = invoke(config, archive, "import", str(warc))
    assert result.exit_code == 0, result.stdout + result.stderr
    return result


# -- many distinct fictional articles --------------------------------------------------------

_VOCABULARY = (
    "council market harvest olive bakery river bridge school library clinic water road "
    "farmers traders teachers students engineers drivers families neighbours volunteers "
    "opened closed repaired planted delivered announced reported counted welcomed asked "
    "morning evening winter spring summer autumn village town valley plain hills orchard "
    "bread flour diesel tomatoes mint lentils wheat cotton pistachios figs grapes apricots "
    "stalls roofs pumps panels cables pipes wells tanks ovens trucks buses bicycles carts"
).split()


def story(seed: int, paragraphs: int = 4) -> tuple[str, list[str]]:
    """A distinct fictional story (title, paragraphs) from a seed; no two seeds share text."""
    rng = random.Random(seed)
    title = f"Story {seed}: " + " ".join(rng.choice(_VOCABULARY) for _ in range(6))
    paras = [
        f"Report {seed}.{n}: "
        + " ".join(rng.choice(_VOCABULARY) for _ in range(45)).capitalize()
        + "."
        for n in range(paragraphs)
    ]
    return title, paras
