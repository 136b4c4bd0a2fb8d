"""Extraction quality and speed: archiver's `extract_html` against raw trafilatura, same run.

    python bench/extract_eval.py [--runs 3] [--skip-speed]

1. ../shared/data/scrapinghub-aeb (181 real pages with gold text): bag-of-words token precision,
   recall and F1 per page, averaged; archiver vs `trafilatura.extract` (defaults); pages where
   archiver is more than 0.05 F1 worse are listed.
2. ../shared/data/arabic-fixtures: trailing comment/disclaimer lines gone, gold text kept.
3. tests/fixtures/pages (fictional Syrian-style pages with gold expectations): boilerplate leak
   rate, kept-line rate, title, date and language accuracy, archiver vs raw trafilatura
   (`bare_extraction(with_metadata=True)`).
4. Throughput on the 181 pages, pinned to one core: archiver vs
   `trafilatura.bare_extraction(with_metadata=True)`, with and without trafilatura's fast mode;
   every page goes through all contenders back to back, --runs times; reported: the median of
   the run totals and the sum of each page's fastest time (robust on a shared, noisy machine).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import trafilatura

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archiver.extract import ExtractOptions, extract_html  # noqa: E402
from archiver.normalize import fold  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
AEB = DATA / "scrapinghub-aeb"
ARABIC = DATA / "arabic-fixtures"
PAGES = ROOT / "tests" / "fixtures" / "pages"


def tokens(text: str | None) -> Counter[str]:
    return Counter(re.findall(r"\w+", (text or "").lower()))


def prf(predicted: str | None, gold: str) -> tuple[float, float, float]:
    p, g = tokens(predicted), tokens(gold)
    common = sum((p & g).values())
    precision = common / sum(p.values()) if p else 0.0
    recall = common / sum(g.values()) if g else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def load_aeb() -> list[tuple[str, str, str, str]]:
    """(id, url, html, gold text) for the 181 pages."""
    truth = json.loads((AEB / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for key in sorted(truth):
        html = gzip.decompress((AEB / "html" / f"{key}.html.gz").read_bytes()).decode("utf-8")
        pages.append((key, truth[key]["url"], html, truth[key]["articleBody"]))
    return pages


def ours(html: str, url: str | None, fast: bool = False) -> str | None:
    result = extract_html(html, url, ExtractOptions(fast=fast))
    return result.text if result else None


def mean3(rows: list[tuple[float, float, float]]) -> str:
    return " / ".join(f"{statistics.mean(r[i] for r in rows):.4f}" for i in range(3))


def eval_aeb(pages: list[tuple[str, str, str, str]]) -> None:
    print("== scrapinghub-aeb: token P / R / F1 (mean over pages)")
    base, mine, mine_fast = [], [], []
    for _, url, html, gold in pages:
        base.append(prf(trafilatura.extract(html, url=url), gold))
        mine.append(prf(ours(html, url), gold))
        mine_fast.append(prf(ours(html, url, fast=True), gold))
    print(f"trafilatura.extract      {mean3(base)}")
    print(f"archiver                 {mean3(mine)}")
    print(f"archiver fast=True       {mean3(mine_fast)}")
    for label, rows in (("archiver", mine), ("archiver fast=True", mine_fast)):
        worse = [
            (pages[i][0][:12], round(rows[i][2] - base[i][2], 3))
            for i in range(len(pages))
            if rows[i][2] < base[i][2] - 0.05
        ]
        better = sum(rows[i][2] > base[i][2] + 0.005 for i in range(len(pages)))
        lower = sum(rows[i][2] < base[i][2] - 0.005 for i in range(len(pages)))
        print(f"{label}: {better} pages better, {lower} worse by >0.005, >0.05 worse: {worse}")


def eval_arabic() -> None:
    print("\n== arabic-fixtures")
    cnn = ARABIC / "cnn-arabic-2013"
    html = (cnn / "arabic_article.html").read_text(encoding="utf-8")
    gold = (cnn / "arabic.txt").read_text(encoding="utf-8")
    for label, text in (("trafilatura", trafilatura.extract(html)), ("archiver", ours(html, None))):
        p, r, f = prf(text, gold)
        print(f"cnn-arabic {label:12} P {p:.3f} R {r:.3f} F1 {f:.3f}")
    record = json.loads((ARABIC / "assabah-tn" / "evaldata-record.json").read_text("utf-8"))
    spec = next(iter(record.values()))
    html = (ARABIC / "assabah-tn" / "assabah.com.tn.article.html").read_text(encoding="utf-8")
    for label, text in (("trafilatura", trafilatura.extract(html)), ("archiver", ours(html, None))):
        folded = fold(text or "")
        kept = sum(fold(s) in folded for s in spec["with"])
        leaked = [s for s in spec["without"] if fold(s) in folded]
        print(f"assabah {label:12} with {kept}/{len(spec['with'])}  leaked {leaked}")
    lbc = ARABIC / "lbcgroup-lb"
    html = gzip.decompress((lbc / "LBCGroup_2026_01_08.html.gz").read_bytes()).decode("utf-8")
    data = json.loads((lbc / "LBCGroup.json").read_text(encoding="utf-8"))["V1"]
    paragraphs = [p for s in data["body"]["sections"] for p in s["paragraphs"]]
    for label, text in (("trafilatura", trafilatura.extract(html)), ("archiver", ours(html, None))):
        folded = fold(text or "")
        kept = sum(fold(p) in folded for p in paragraphs)
        p, r, f = prf(text, "\n".join(paragraphs))
        print(f"lbc {label:12} paragraphs kept {kept}/{len(paragraphs)}  P {p:.3f} R {r:.3f}")


def fixture_pages() -> list[tuple[str, str, dict[str, Any]]]:
    pages = []
    for spec_path in sorted(PAGES.glob("*.json")):
        html = spec_path.with_suffix(".html").read_text(encoding="utf-8")
        pages.append((spec_path.stem, html, json.loads(spec_path.read_text(encoding="utf-8"))))
    return pages


def score_fixture(
    text: str, title: Any, date: Any, lang: Any, spec: dict[str, Any]
) -> dict[str, Any]:
    folded = fold(text or "")
    out_lines = {fold(line) for line in (text or "").split("\n")}
    return {
        # a drop line leaks when it survives as a line (or, if long, anywhere in the text)
        "leaks": sum(
            fold(d) in out_lines or (len(d) > 60 and fold(d) in folded) for d in spec["drop"]
        ),
        "drop": len(spec["drop"]),
        "kept": sum(fold(line) in folded for line in spec["keep"]),
        "keep": len(spec["keep"]),
        "title": (title or None) == spec["title"],
        "date": (date or None) == spec["published"],
        "date_day": (date or "")[:10] == spec["published"][:10],
        "language": (lang or None) == spec["language"],
    }


def eval_fixtures() -> None:
    pages = fixture_pages()
    print(f"\n== fixture pages ({len(pages)}: tests/fixtures/pages)")
    results: dict[str, list[dict[str, Any]]] = {"trafilatura": [], "archiver": []}
    for _, html, spec in pages:
        raw = trafilatura.bare_extraction(html, url=spec["url"], with_metadata=True)
        doc = raw.as_dict() if raw is not None else {}
        results["trafilatura"].append(
            score_fixture(
                doc.get("text") or "", doc.get("title"), doc.get("date"), doc.get("language"), spec
            )
        )
        got = extract_html(html, spec["url"])
        results["archiver"].append(
            score_fixture(
                got.text if got else "",
                got.title if got else None,
                got.published if got else None,
                got.language if got else None,
                spec,
            )
        )
    for label, rows in results.items():
        drop = sum(r["drop"] for r in rows)
        leaks = sum(r["leaks"] for r in rows)
        keep = sum(r["keep"] for r in rows)
        kept = sum(r["kept"] for r in rows)
        n = len(rows)
        print(
            f"{label:12} leaks {leaks}/{drop} ({leaks / max(drop, 1):.1%})  kept {kept}/{keep}  "
            f"titles {sum(r['title'] for r in rows) / n:.1%}  "
            f"dates {sum(r['date'] for r in rows) / n:.1%}  "
            f"(same day {sum(r['date_day'] for r in rows) / n:.1%})  "
            f"language {sum(r['language'] for r in rows) / n:.1%}"
        )


def pin_one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def eval_speed(pages: list[tuple[str, str, str, str]], runs: int) -> None:
    pin_one_core()
    print(f"\n== throughput, one core, {len(pages)} pages, {runs} runs interleaved page by page")
    contenders: dict[str, Callable[[str, str], object]] = {
        "trafilatura bare_extraction(with_metadata=True)": lambda h, u: trafilatura.bare_extraction(
            h, url=u, with_metadata=True
        ),
        "archiver extract_html": lambda h, u: extract_html(h, u),
        "trafilatura bare_extraction(with_metadata=True, fast=True)": lambda h, u: (
            trafilatura.bare_extraction(h, url=u, with_metadata=True, fast=True)
        ),
        "archiver extract_html(fast=True)": lambda h, u: extract_html(
            h, u, ExtractOptions(fast=True)
        ),
    }
    # Each page runs through every contender back to back, so a burst of load from other
    # processes hits all of them alike; per run the page times add up to a total.
    totals: dict[str, list[float]] = {name: [] for name in contenders}
    fastest: dict[str, list[float]] = {name: [float("inf")] * len(pages) for name in contenders}
    for _ in range(runs):
        run_total = dict.fromkeys(contenders, 0.0)
        for index, (_, url, html, _) in enumerate(pages):
            for name, run in contenders.items():
                start = time.perf_counter()
                run(html, url)
                took = time.perf_counter() - start
                run_total[name] += took
                fastest[name][index] = min(fastest[name][index], took)
        for name in contenders:
            totals[name].append(run_total[name])
    medians = {name: statistics.median(t) for name, t in totals.items()}
    best = {name: sum(t) for name, t in fastest.items()}
    print(f"{'':60} median of runs     sum of per-page best")
    for name in contenders:
        print(
            f"{name:60} {len(pages) / medians[name]:6.1f} docs/s ({medians[name]:.2f} s)"
            f"   {len(pages) / best[name]:6.1f} docs/s ({best[name]:.2f} s)"
        )
    names = list(contenders)
    for label, table in (("median of runs", medians), ("per-page best", best)):
        print(
            f"time ratio ({label}): "
            f"archiver / trafilatura {table[names[1]] / table[names[0]]:.3f}; "
            f"archiver fast / trafilatura {table[names[3]] / table[names[0]]:.3f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3, help="timing runs (median reported)")
    parser.add_argument("--skip-speed", action="store_true", help="quality figures only")
    parser.add_argument(
        "--only", choices=["aeb", "arabic", "fixtures", "speed"], help="one section"
    )
    args = parser.parse_args()
    pages = load_aeb() if args.only in (None, "aeb", "speed") else []
    if args.only in (None, "aeb"):
        eval_aeb(pages)
    if args.only in (None, "arabic"):
        eval_arabic()
    if args.only in (None, "fixtures"):
        eval_fixtures()
    if args.only in (None, "speed") and not args.skip_speed:
        eval_speed(pages, args.runs)


if __name__ == "__main__":
    main()
