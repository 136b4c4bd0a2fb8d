"""A real HTTP server for tests: 127.0.0.1, a free port, a thread, a route table, a request log.

Routes map a path (without query) to a handler `(Exchange) -> None` that writes the response.
Builders below make the usual ones: static bodies, redirects, status sequences (503 then 200),
Retry-After, gzip bombs, endless chunked bodies and slow answers. Every request is logged with
its path, headers and the monotonic time it arrived, so tests can measure delays and
concurrency from the server's side.
"""

from __future__ import annotations

import gzip
import io
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

# Hard bounds on anything a handler streams, so a client bug cannot make a test run forever.
ENDLESS_LIMIT_BYTES = 256 * 1024 * 1024
ENDLESS_LIMIT_SECONDS = 20.0


@dataclass(frozen=True)
class LoggedRequest:
    """One request as the server saw it."""

    method: str
    path: str  # with the query string
    headers: dict[str, str]
    started: float  # time.monotonic() when the request line was read
    finished: float | None = None


@dataclass
class Exchange:
    """What a route handler gets: the request, how often this path was hit, and the writer."""

    handler: BaseHTTPRequestHandler
    path: str
    query: str
    hit: int  # 1 for the first request to this path, 2 for the second, ...

    def send(
        self,
        status: int,
        body: bytes = b"",
        content_type: str | None = "text/html; charset=utf-8",
        headers: Iterable[tuple[str, str]] = (),
        *,
        content_length: bool = True,
    ) -> None:
        """Write a whole response."""
        h = self.handler
        h.send_response(status)
        if content_type is not None:
            h.send_header("Content-Type", content_type)
        for name, value in headers:
            h.send_header(name, value)
        if content_length:
            h.send_header("Content-Length", str(len(body)))
        else:
            h.send_header("Connection", "close")
            h.close_connection = True
        h.end_headers()
        if h.command != "HEAD":
            h.wfile.write(body)


Handler = Callable[[Exchange], None]


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        import sys

        # Clients that hang up (a max_bytes cut, a killed fetch) are expected, not errors.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class TestServer:
    """A threaded HTTP/1.1 server with a route table; `start()`, use `url(path)`, `stop()`."""

    __test__ = False  # not a pytest test class

    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.log: list[LoggedRequest] = []
        self._hits: dict[str, int] = {}
        self._lock = threading.Lock()
        self.max_in_flight_total = 0
        self._total_in_flight = 0
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> None:
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                server._serve(self)

            do_HEAD = do_GET  # noqa: N815

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass  # keep test output clean

        self._httpd = _QuietServer(("127.0.0.1", 0), _Handler)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    @property
    def port(self) -> int:
        assert self._httpd is not None
        return int(self._httpd.server_address[1])

    @property
    def host(self) -> str:
        """host:port, as the fetcher keys its per-host state."""
        return f"127.0.0.1:{self.port}"

    def url(self, path: str = "/") -> str:
        return f"http://{self.host}{path}"

    # -- routes and log ----------------------------------------------------------------------

    def route(self, path: str, handler: Handler) -> str:
        """Serve `path` with `handler`; return its absolute URL."""
        self.routes[path] = handler
        return self.url(path)

    def requests_to(self, path: str) -> list[LoggedRequest]:
        """Logged requests whose path (query ignored) is `path`, in arrival order."""
        with self._lock:
            return [r for r in self.log if urlsplit(r.path).path == path]

    def hits(self, path: str) -> int:
        return len(self.requests_to(path))

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        started = time.monotonic()
        parts = urlsplit(handler.path)
        path = parts.path
        with self._lock:
            hit = self._hits[path] = self._hits.get(path, 0) + 1
            index = len(self.log)
            self.log.append(
                LoggedRequest(handler.command, handler.path, dict(handler.headers.items()), started)
            )
            self._total_in_flight += 1
            self.max_in_flight_total = max(self.max_in_flight_total, self._total_in_flight)
        try:
            route = self.routes.get(path)
            exchange = Exchange(handler, path, parts.query, hit)
            if route is None:
                exchange.send(404, b"<html><body>not found</body></html>")
            else:
                route(exchange)
        except (BrokenPipeError, ConnectionResetError):
            handler.close_connection = True  # the client gave up (e.g. a max_bytes cut)
        finally:
            with self._lock:
                self._total_in_flight -= 1
                done = self.log[index]
                self.log[index] = LoggedRequest(
                    done.method, done.path, done.headers, done.started, time.monotonic()
                )


# -- handler builders --------------------------------------------------------------------------


def static(
    body: bytes | str,
    content_type: str | None = "text/html; charset=utf-8",
    status: int = 200,
    headers: Iterable[tuple[str, str]] = (),
) -> Handler:
    """Always the same response."""
    data = body.encode("utf-8") if isinstance(body, str) else body
    extra = tuple(headers)

    def handle(ex: Exchange) -> None:
        ex.send(status, data, content_type, extra)

    return handle


def redirect(location: str, status: int = 301) -> Handler:
    return static(b"", None, status, [("Location", location)])


def sequence(*handlers: Handler) -> Handler:
    """The n-th request gets the n-th handler; later ones get the last."""

    def handle(ex: Exchange) -> None:
        handlers[min(ex.hit, len(handlers)) - 1](ex)

    return handle


def slow(seconds: float, then: Handler) -> Handler:
    """Wait before answering (for timeouts, concurrency and kill tests)."""

    def handle(ex: Exchange) -> None:
        time.sleep(seconds)
        then(ex)

    return handle


def gated(gate: threading.Event, then: Handler, timeout: float = 20.0) -> Handler:
    """Hold the answer until the test opens `gate` (or a hard timeout passes)."""

    def handle(ex: Exchange) -> None:
        gate.wait(timeout)
        then(ex)

    return handle


def gzip_bomb(decompressed_bytes: int) -> Handler:
    """Content-Encoding: gzip of `decompressed_bytes` zeros: tiny on the wire, huge inflated."""
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=9) as gz:
        block = b"\0" * (1024 * 1024)
        for _ in range(decompressed_bytes // len(block)):
            gz.write(block)
    data = buffer.getvalue()
    return static(data, "text/html; charset=utf-8", 200, [("Content-Encoding", "gzip")])


def endless_chunked(chunk: bytes = b"<p>" + b"x" * 8189 + b"</p>") -> Handler:
    """Transfer-Encoding: chunked that never ends (until the client hangs up or a hard bound)."""

    def handle(ex: Exchange) -> None:
        h = ex.handler
        h.send_response(200)
        h.send_header("Content-Type", "text/html; charset=utf-8")
        h.send_header("Transfer-Encoding", "chunked")
        h.end_headers()
        h.close_connection = True
        sent, deadline = 0, time.monotonic() + ENDLESS_LIMIT_SECONDS
        while sent < ENDLESS_LIMIT_BYTES and time.monotonic() < deadline:
            h.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            sent += len(chunk)
        h.wfile.write(b"0\r\n\r\n")

    return handle


def truncated_body(body: bytes, declared: int) -> Handler:
    """Declare `declared` bytes, send fewer, close: a connection cut mid-body."""

    def handle(ex: Exchange) -> None:
        h = ex.handler
        h.send_response(200)
        h.send_header("Content-Type", "text/html; charset=utf-8")
        h.send_header("Content-Length", str(declared))
        h.end_headers()
        h.wfile.write(body)
        h.close_connection = True

    return handle


# -- fictional pages ---------------------------------------------------------------------------
# Invented outlets and stories, written for these tests; long enough for trafilatura to see an
# article. Any resemblance to real reporting is not intended.

EN_PARAGRAPHS = (
    "The municipal council of Tal Qamar, a small fictional town on the Orontes plain, voted on "
    "Tuesday to reopen the covered vegetable market that has stood empty for eleven winters.",
    "Council members said the decision followed months of petitions from farmers who travel "
    "before dawn with crates of tomatoes, cucumbers and mint and had been selling by the road.",
    "Engineers from the regional water office inspected the roof beams in spring and found "
    "them sound, although the drainage channels under the stalls will need to be rebuilt.",
    "Traders welcomed the vote but asked the council to keep stall fees low for the first "
    "season, arguing that most families in the area still buy only what they need each day.",
    "The market is expected to open its doors at the start of the olive harvest, when the "
    "council plans a small ceremony with a children's choir and a fair for local bakers.",
)

AR_PARAGRAPHS = (
    "قرر المجلس المحلي في بلدة تل القمر، وهي بلدة متخيلة في سهل العاصي، يوم الثلاثاء إعادة "
    "افتتاح سوق الخضار المسقوف الذي بقي مغلقاً طوال أحد عشر شتاءً.",
    "وقال أعضاء المجلس إن القرار جاء بعد أشهر من العرائض التي قدمها مزارعون يصلون قبل الفجر "
    "بصناديق الطماطم والخيار والنعناع ويبيعون بضاعتهم على جانب الطريق.",
    "وفحص مهندسون من مديرية المياه عوارض السقف في الربيع ووجدوها سليمة، لكن قنوات التصريف "
    "تحت البسطات تحتاج إلى إعادة بناء قبل موسم الأمطار المقبل.",
    "ورحب التجار بالقرار لكنهم طلبوا من المجلس إبقاء رسوم البسطات منخفضة في الموسم الأول، "
    "لأن معظم العائلات في المنطقة ما زالت تشتري حاجتها يوماً بيوم.",
    "ومن المتوقع أن يفتح السوق أبوابه مع بداية موسم قطاف الزيتون، حين يقيم المجلس احتفالاً "
    "صغيراً تشارك فيه جوقة أطفال ومعرض لخبازي البلدة.",
)

EN_PARAGRAPHS_2 = (
    "A volunteer library in the fictional village of Deir Sunbul has lent its ten thousandth "
    "book, a worn copy of a school atlas that has travelled between three households.",
    "The library began four years ago on a single shelf in the back room of a pharmacy, and now "
    "fills two rooms of the old primary school with donated novels, manuals and schoolbooks.",
    "Its founder, a retired mathematics teacher, keeps every loan in a paper ledger and says "
    "the most requested titles are repair guides for engines, pumps and solar panels.",
    "Parents say the reading hour on Friday mornings has become the busiest event in the "
    "village, with children queuing at the door long before the shutters are lifted.",
)


def article_html(
    title: str,
    paragraphs: Iterable[str],
    *,
    lang: str = "en",
    published: str | None = "2025-03-04T10:30:00+03:00",
    site_name: str = "Orontes Courier",
    canonical: str | None = None,
    meta_charset: str | None = "utf-8",
    author: str | None = "Staff Reporter",
) -> str:
    """A plausible news article page (header, nav, article, footer)."""
    direction = "rtl" if lang == "ar" else "ltr"
    head = [f"<title>{title} | {site_name}</title>"]
    if meta_charset:
        head.insert(0, f'<meta charset="{meta_charset}">')
    head.append(f'<meta property="og:title" content="{title}">')
    head.append(f'<meta property="og:site_name" content="{site_name}">')
    if published:
        head.append(f'<meta property="article:published_time" content="{published}">')
    if author:
        head.append(f'<meta name="author" content="{author}">')
    if canonical:
        head.append(f'<link rel="canonical" href="{canonical}">')
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}" dir="{direction}"><head>{"".join(head)}</head>'
        f'<body><header><nav><a href="/">Home</a> <a href="/news/">News</a></nav></header>'
        f"<main><article><h1>{title}</h1>\n{body}\n</article></main>"
        f"<footer><p>© {site_name}</p></footer></body></html>"
    )


ROBOTS_TXT = "User-agent: *\nDisallow: /private/\n"


@dataclass(frozen=True)
class NewsSite:
    """URLs of the fictional outlet installed by `install_news_site`."""

    server: TestServer
    en: str
    en2: str
    ar: str
    ar_1256_header: str
    ar_1256_no_header: str
    ar_1256_wrong_header: str
    private: str
    redirect: str
    missing: str
    gone: str
    flaky: str
    busy: str
    pdf: str
    json: str
    empty: str
    broken: str
    oversized: str
    bomb: str
    endless: str
    slow: str  # answers after `slow_seconds`


EN_TITLE = "Tal Qamar council votes to reopen the covered market"
EN2_TITLE = "Village library lends its ten thousandth book"
AR_TITLE = "مجلس تل القمر يقرر إعادة افتتاح السوق المسقوف"
BROKEN_HTML = (
    "<html><head><title>Broken page</title><body><div><article><p>"
    + "<p>".join(EN_PARAGRAPHS_2)
    + "<p>An unclosed paragraph <b>with bold <i>and italics</div></span>"
    + " and the end of a story that never closes its tags"
)


def install_news_site(
    srv: TestServer, *, oversized_bytes: int = 3_000_000, slow_seconds: float = 1.0
) -> NewsSite:
    """The usual routes of the fictional 'Orontes Courier' on `srv`."""
    en_html = article_html(EN_TITLE, EN_PARAGRAPHS)
    ar_html = article_html(AR_TITLE, AR_PARAGRAPHS, lang="ar", site_name="صدى العاصي")
    ar_1256 = article_html(
        AR_TITLE, AR_PARAGRAPHS, lang="ar", site_name="صدى العاصي", meta_charset=None
    ).encode("cp1256")
    srv.route("/robots.txt", static(ROBOTS_TXT, "text/plain"))
    ok = static(en_html)
    return NewsSite(
        server=srv,
        en=srv.route("/en/market-reopens", ok),
        en2=srv.route("/en/library", static(article_html(EN2_TITLE, EN_PARAGRAPHS_2))),
        ar=srv.route("/ar/souq", static(ar_html)),
        ar_1256_header=srv.route(
            "/ar/legacy-header", static(ar_1256, "text/html; charset=windows-1256")
        ),
        ar_1256_no_header=srv.route("/ar/legacy-plain", static(ar_1256, "text/html")),
        ar_1256_wrong_header=srv.route(
            "/ar/legacy-wrong", static(ar_1256, "text/html; charset=utf-8")
        ),
        private=srv.route("/private/leak", ok),
        redirect=srv.route("/old/market", redirect("/en/market-reopens", 301)),
        missing=srv.url("/nothing-here"),
        gone=srv.route("/gone", static(b"<html>gone</html>", status=410)),
        flaky=srv.route("/flaky", sequence(static(b"busy", "text/plain", 503), static(en_html))),
        busy=srv.route(
            "/busy",
            sequence(static(b"slow down", "text/plain", 429, [("Retry-After", "1")]), ok),
        ),
        pdf=srv.route("/report.pdf", static(b"%PDF-1.4\n%fictional\n", "application/pdf")),
        json=srv.route("/api/items", static(b'{"items": []}', "application/json")),
        empty=srv.route("/empty", static(b"")),
        broken=srv.route("/broken", static(BROKEN_HTML)),
        oversized=srv.route("/oversized", static(b"<p>" + b"y" * oversized_bytes + b"</p>")),
        bomb=srv.route("/bomb", gzip_bomb(64 * 1024 * 1024)),
        endless=srv.route("/endless", endless_chunked()),
        slow=srv.route("/slow", slow(slow_seconds, ok)),
    )
