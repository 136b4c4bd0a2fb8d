"""The httpx engine: the same interface as `archiver.http1.HostPool`, on one httpx client per host.

The lean h11 pool is the default because it costs a quarter of the CPU per page (see http1.py).
This engine is for what the lean pool does not do: proxies (`[fetch] proxy`, or the standard
HTTP_PROXY / HTTPS_PROXY / ALL_PROXY / NO_PROXY variables, which httpx reads) and anything else
httpx's client stack handles that a researcher's network may need.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx

from archiver.errors import FetchError
from archiver.http1 import TransportError


class HttpxResponse:
    """Status line and headers of a response whose body is still to be read."""

    def __init__(self, response: httpx.Response) -> None:
        self._response = response
        self.status = response.status_code
        self.headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in response.headers.raw]
        self.http_version = response.http_version
        self.request_headers = list(response.request.headers.multi_items())

    async def chunks(self) -> AsyncIterator[bytes]:
        """The body as it arrives (still content-encoded: the Fetcher inflates under its cap)."""
        try:
            async for chunk in self._response.aiter_raw():
                yield chunk
        except httpx.TimeoutException:
            raise TransportError("timeout", "read timed out") from None
        except httpx.TransportError as exc:
            raise TransportError("network", str(exc) or type(exc).__name__) from None

    def close(self) -> None:
        """Release the connection (a no-op when the body was read to the end)."""
        if not self._response.is_closed:
            # Closing is a coroutine in httpx; the Fetcher's callers are all on the event loop.
            task = asyncio.ensure_future(self._response.aclose())
            _PENDING.add(task)
            task.add_done_callback(_PENDING.discard)


# Strong references to close tasks, so they are not collected before they run.
_PENDING: set[asyncio.Future[None]] = set()


class HttpxHostPool:
    """Connections to one scheme://host:port through an httpx.AsyncClient."""

    def __init__(
        self, timeout: float, user_agent: str, *, connections: int, proxy: str | None = None
    ) -> None:
        self._client = httpx.AsyncClient(
            headers={"User-Agent": user_agent, "Accept": "*/*"},
            timeout=timeout,
            follow_redirects=False,  # the Fetcher follows them, each hop through robots and limits
            limits=httpx.Limits(max_connections=connections, max_keepalive_connections=connections),
            proxy=proxy or None,
            trust_env=True,
        )

    async def get(self, url: str, headers: dict[str, str]) -> HttpxResponse:
        """Send GET `url`; return once the response headers are in."""
        request = self._client.build_request("GET", url, headers=headers)
        try:
            response = await self._client.send(request, stream=True)
        except httpx.TimeoutException:
            raise TransportError("timeout", "timed out") from None
        except httpx.ConnectError as exc:
            raise TransportError("connect", str(exc) or type(exc).__name__) from None
        except httpx.RemoteProtocolError as exc:
            if "location" in str(exc).lower():
                # httpx reads a redirect's target even when not following it; a broken one is
                # the page's fault and will not improve on retry.
                raise FetchError(f"invalid URL in redirect: {exc}", permanent=True) from None
            raise TransportError("network", str(exc) or type(exc).__name__) from None
        except httpx.TransportError as exc:
            raise TransportError("network", str(exc) or type(exc).__name__) from None
        return HttpxResponse(response)

    async def aclose(self) -> None:
        """Close the client and its connections."""
        await self._client.aclose()
