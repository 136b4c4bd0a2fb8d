"""Settings: the example file equals the defaults, errors name file + key + problem, CLI exits 2."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from archiver.config import _SECTIONS, Outlet, Settings, load_settings
from archiver.errors import ConfigError
from cli import main

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "config.example.toml"

OUTLET = """
[[outlets]]
name = "orontes-courier"
url = "https://courier.example/"
language = "en"
article_pattern = "/news/\\\\d+"
"""


def write(tmp_path: Path, text: str, name: str = "config.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# -- the example file ------------------------------------------------------------------------


def test_example_config_loads_to_exactly_the_defaults_plus_its_outlets() -> None:
    loaded = load_settings(EXAMPLE)
    assert loaded == dataclasses.replace(Settings(), outlets=loaded.outlets)
    for section in _SECTIONS:  # field by field too, for a readable failure
        assert getattr(loaded, section) == getattr(Settings(), section), section


def test_example_config_documents_every_key_with_a_comment() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    for section, cls in _SECTIONS.items():
        match = re.search(rf"^\[{section}\]$(.*?)(?=^\[)", text, re.M | re.S)
        assert match, f"[{section}] missing"
        lines = match.group(1).splitlines()
        for fld in dataclasses.fields(cls):
            pattern = re.compile(rf"^#?\s*{fld.name}\s*=")
            index = next((i for i, line in enumerate(lines) if pattern.match(line)), None)
            assert index is not None, f"{section}.{fld.name} is not in its section"
            # A comment above the key, or above the group of keys it belongs to.
            above = index - 1
            while above >= 0 and re.match(r"^[a-z0-9_]+\s*=", lines[above]):
                above -= 1
            assert above >= 0 and lines[above].startswith("#"), f"{section}.{fld.name}"
    for fld in dataclasses.fields(Outlet):
        assert re.search(rf"^{fld.name}\s*=", text, re.M), f"outlets.{fld.name} never shown"


def test_example_config_lists_the_syrian_outlets() -> None:
    outlets = load_settings(EXAMPLE).outlets
    assert len(outlets) >= 8
    hosts = " ".join(o.url for o in outlets)
    for needle in (
        "english.enabbaladi.net",
        "www.enabbaladi.net",
        "baladi-news",
        "sana.sy",
        "syriadirect",
        "syriahr",
        "npasyria",
    ):
        assert needle in hosts, needle
    assert {o.language for o in outlets} == {"ar", "en"}
    for outlet in outlets:
        re.compile(outlet.article_pattern)


def test_no_file_means_builtin_defaults() -> None:
    assert load_settings(None) == Settings()


def test_partial_file_overrides_only_its_keys(tmp_path: Path) -> None:
    path = write(tmp_path, "[fetch]\ndelay = 2\nretries = 0\n" + OUTLET)
    settings = load_settings(path)
    assert settings.fetch.delay == 2.0 and isinstance(settings.fetch.delay, float)
    assert settings.fetch.retries == 0
    assert settings.fetch.timeout == Settings().fetch.timeout
    assert settings.source == path
    (outlet,) = settings.outlets
    assert outlet.feeds == ()
    assert settings.outlet_for_url("https://www.courier.example/news/1") == outlet
    assert settings.outlet_for_url("https://elsewhere.example/news/1") is None


# -- errors name the file, the key and the problem ------------------------------------------


@pytest.mark.parametrize(
    ("text", "key", "problem"),
    [
        ("[fetch]\ndelays = 1.0\n", "fetch.delays", "unknown key"),
        ("[fetcher]\ndelay = 1.0\n", "fetcher", "unknown key"),
        ('[fetch]\nretries = "3"\n', "fetch.retries", "must be an integer"),
        ("[fetch]\nretries = 1.5\n", "fetch.retries", "must be an integer"),
        ("[fetch]\nrespect_robots = 1\n", "fetch.respect_robots", "true or false"),
        ("[fetch]\ndelay = -1\n", "fetch.delay", "negative"),
        ("[fetch]\ndelay = true\n", "fetch.delay", "must be a number"),
        ("fetch = 3\n", "[fetch]", "must be a table"),
        (OUTLET.replace("\\\\d+", "(unclosed"), "outlets[0].article_pattern", "not a valid regex"),
        (OUTLET + 'colour = "red"\n', "outlets[0].colour", "unknown key"),
        (OUTLET.replace('language = "en"', "language = 5"), "outlets[0].language", "string"),
        (OUTLET.replace('url = "https://courier.example/"', ""), "outlets[0].url", "required"),
        (OUTLET.replace("https://courier", "ftp://courier"), "outlets[0].url", "http(s) URL"),
        (OUTLET + 'feeds = "https://courier.example/feed"\n', "outlets[0].feeds", "list"),
        (OUTLET.replace("orontes-courier", "Orontes Courier"), "outlets[0].name", "lowercase"),
        (OUTLET + OUTLET, "outlets[1].name", "used twice"),
        ('[fetch]\nuser_agent = "أرشيف/0.1"\n', "fetch.user_agent", "printable ASCII"),
        ('[fetch]\nuser_agent = "a/1\\r\\nX-Evil: 1"\n', "fetch.user_agent", "printable ASCII"),
        ('[fetch]\nuser_agent = ""\n', "fetch.user_agent", "non-empty"),
        ('[fetch]\nengine = "curl"\n', "fetch.engine", '"h11" or "httpx"'),
        ('[fetch]\nproxy = "ftp://proxy.example:21"\n', "fetch.proxy", "not an http(s) URL"),
        ("[fetch]\ntimeout = 0\n", "fetch.timeout", "greater than 0"),
        ("[fetch]\nper_host_concurrency = 0\n", "fetch.per_host_concurrency", "greater than 0"),
    ],
)
def test_config_errors_name_file_key_and_problem(
    tmp_path: Path, text: str, key: str, problem: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    message = str(info.value)
    assert str(path) in message
    assert key in message
    assert problem in message


def test_unknown_key_suggests_the_close_one(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"did you mean fetch\.max_bytes\?"):
        load_settings(write(tmp_path, "[fetch]\nmax_byte = 10\n"))


def test_invalid_toml_and_missing_file(tmp_path: Path) -> None:
    bad = write(tmp_path, "[fetch\ndelay = 1\n")
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_settings(bad)
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "absent.toml")
    latin = tmp_path / "latin.toml"
    latin.write_bytes("[archive]\npath = 'caf\xe9'\n".encode("latin-1"))
    with pytest.raises(ConfigError, match="cannot read"):
        load_settings(latin)


# -- the CLI: exit 2, one line on stderr, nothing on stdout ---------------------------------


@pytest.mark.parametrize("command", [["ls"], ["stats"], ["fetch", "https://courier.example/"]])
def test_cli_config_error_exits_2_with_one_line(tmp_path: Path, command: list[str]) -> None:
    path = write(tmp_path, '[fetch]\nretries = "many"\n')
    result = CliRunner().invoke(main, ["--config", str(path), *command])
    assert result.exit_code == 2
    assert result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("Error:") and "fetch.retries" in line and str(path) in line
    assert "Traceback" not in result.stderr


def test_cli_reads_archiver_config_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, "[fetch]\nbogus = 1\n")
    monkeypatch.setenv("ARCHIVER_CONFIG", str(path))
    result = CliRunner().invoke(main, ["ls"])
    assert result.exit_code == 2 and "fetch.bogus" in result.stderr


def test_cli_reads_the_user_config_dir(tmp_path: Path, hermetic_env: Path) -> None:
    user_config = hermetic_env / "config" / "archiver" / "config.toml"
    user_config.parent.mkdir(parents=True)
    user_config.write_text("[archive]\npath = 'from-user-config'\n")
    result = CliRunner().invoke(main, ["fetch"], input="")
    assert result.exit_code == 0, result.stderr
    # A relative archive path is taken relative to the config file.
    assert (user_config.parent / "from-user-config" / "index.sqlite").exists()


def test_cli_archive_defaults_to_archiver_home_then_xdg_data(
    tmp_path: Path, hermetic_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert CliRunner().invoke(main, ["fetch"], input="").exit_code == 0
    assert (hermetic_env / "archiver-home" / "index.sqlite").exists()
    monkeypatch.delenv("ARCHIVER_HOME")
    assert CliRunner().invoke(main, ["fetch"], input="").exit_code == 0
    assert (hermetic_env / "data" / "archiver" / "index.sqlite").exists()


def test_cli_archive_option_wins(tmp_path: Path) -> None:
    config = write(tmp_path, "[archive]\npath = 'configured'\n")
    target = tmp_path / "given"
    result = CliRunner().invoke(
        main, ["--config", str(config), "--archive", str(target), "fetch"], input=""
    )
    assert result.exit_code == 0, result.stderr
    assert (target / "index.sqlite").exists()
    assert not (tmp_path / "configured").exists()


def test_outlets_sharing_a_host_are_told_apart_by_their_home_page_path(tmp_path: Path) -> None:
    # One agency, two languages: English under /en/, Arabic at the root (SANA, SOHR, North Press)
    path = write(
        tmp_path,
        '[[outlets]]\nname = "agency-en"\nurl = "https://agency.example/en/"\n'
        '[[outlets]]\nname = "agency-ar"\nurl = "https://www.agency.example/"\n',
    )
    settings = load_settings(path)

    def name(url: str) -> str | None:
        outlet = settings.outlet_for_url(url)
        return outlet.name if outlet else None

    assert name("https://agency.example/?p=2215080") == "agency-ar"
    assert name("https://www.agency.example/%d9%85%d9%82%d8%aa%d9%84/712345/") == "agency-ar"
    assert name("https://agency.example/en/?p=358811") == "agency-en"
    assert name("https://www.agency.example/en/news/1/") == "agency-en"
    assert name("https://agency.example/en") == "agency-en"
    assert name("https://agency.example/english/1") == "agency-ar"  # a prefix of words, not letters
    assert name("https://elsewhere.example/en/1") is None


def test_the_example_config_files_arabic_agency_pages_under_the_arabic_outlets() -> None:
    settings = load_settings(Path(__file__).parent.parent / "config.example.toml")

    def owner(url: str) -> str | None:
        outlet = settings.outlet_for_url(url)
        return outlet.name if outlet else None

    assert owner("https://sana.sy/?p=2215080") == "sana-ar"
    assert owner("https://sana.sy/en/?p=358811") == "sana-en"
    assert owner("https://npasyria.com/53409/") == "north-press-ar"
    assert owner("https://npasyria.com/en/123/") == "north-press-en"
    assert owner("https://www.syriahr.com/%d9%85%d9%82%d8%aa%d9%84/481744/") == "sohr-ar"
