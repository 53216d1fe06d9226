"""Security headers on every answer of the app, as a pure ASGI middleware.

Every response, whatever produced it (pages, the API, static files, ``/sparql``, error answers, CORS
preflights), leaves with:

- ``Content-Security-Policy``: the site's own origin only (no third-party host), no inline script, no
  plugin, no framing, no ``<base>`` or form target elsewhere. A route that needs more (the API docs, with
  their inline start-up script) sets its own header, which is then left as it is.
- ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: no-referrer``, ``X-Frame-Options: DENY``.

Starlette's ``@app.middleware("http")`` would wrap every request in extra tasks and streams (see
``_Intercept`` in app.py); this only rewrites the ``http.response.start`` message on its way out.
"""

from __future__ import annotations

import base64
import hashlib
import inspect
import re
from collections.abc import Iterable, Mapping

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["SECURITY_HEADERS", "VENDOR_STYLES", "SecurityHeaders", "content_security_policy", "inline_script_hashes",
           "source_hash"]

# The <style> elements that the vendored libraries insert at run time, word for word: allowing their
# hashes keeps style-src free of 'unsafe-inline'. cytoscape (static/vendor/cytoscape/) adds one to the
# page it draws in; YASGUI's results table (static/yasgui/, its column resizer) adds one when it draws a
# table and one while a column is dragged. Updating either library means checking these again (the
# browser test reports any style the policy blocks).
VENDOR_STYLES = (
    ".__________cytoscape_container { position: relative; }",
    (" .grip-resizable{table-layout:fixed;} .grip-resizable > tbody > tr > td, .grip-resizable > tbody > tr > th"
     "{overflow:hidden} .grip-padding > tbody > tr > td, .grip-padding > tbody > tr > th{padding-left:0!important;"
     " padding-right:0!important;} .grip-container{ height:0px; position:relative;} .grip-handle{margin-left:-5px;"
     " position:absolute; z-index:5; } .grip-handle .grip-resizable{position:absolute;background-color:red;"
     "filter:alpha(opacity=1);opacity:0;width:10px;height:100%;cursor: col-resize;top:0px} .grip-lastgrip"
     "{position:absolute; width:1px; } .grip-drag{ border-left:1px dotted black;\t} .grip-flex{width:auto!important;}"
     " .grip-handle.grip-disabledgrip .grip-resizable{cursor:default; display:none;}"),
    "*{cursor:col-resize!important}",
)


def source_hash(text: str) -> str:
    """The CSP source expression that allows exactly this inline script or style element's text."""
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
    return f"'sha256-{digest}'"


def content_security_policy(*, script_src: Iterable[str] = ()) -> str:
    """The site's policy, with sources besides ``'self'`` for scripts (hashes of a page's inline scripts)."""
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", *script_src],
        "style-src": ["'self'", *(source_hash(style) for style in VENDOR_STYLES)],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


def inline_script_hashes(html: str) -> list[str]:
    """Hash sources for every inline ``<script>`` of a page (scripts with ``src`` need none)."""
    return [source_hash(m.group(1)) for m in re.finditer(r"<script>(.*?)</script>", html, re.DOTALL)]


SECURITY_HEADERS: Mapping[str, str] = {
    "Content-Security-Policy": content_security_policy(),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


class SecurityHeaders:
    """Pure ASGI middleware: add ``headers`` to every HTTP response that does not set them itself.

    Added last (outermost of the app's middleware), it also covers answers that ``_Intercept`` gives for
    ``/sparql`` and CORS preflights. Starlette always puts its ServerErrorMiddleware outside every user
    middleware, so an unexpected exception would leave through it without these headers: this catches
    it first, sends the answer of the app's own ``Exception`` handler (the one error shape) with the
    headers, and raises it again so it is still logged (ServerErrorMiddleware sees that an answer went
    out and sends no second one).
    """

    def __init__(self, app: ASGIApp, headers: Mapping[str, str] = SECURITY_HEADERS) -> None:
        self.app = app
        self.headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message = {**message, "headers": self._merged(message.get("headers", []))}
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception as e:
            response = None if started else await _error_answer(scope, e)
            if response is not None:
                await response(scope, receive, send_with_headers)
            raise

    def _merged(self, headers: Iterable[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
        out = list(headers)
        present = {name.lower() for name, _ in out}
        out += [(name, value) for name, value in self.headers if name not in present]
        return out


async def _error_answer(scope: Scope, error: Exception) -> Response | None:
    """What the app's handler for ``Exception`` answers (as ServerErrorMiddleware would ask it), or None."""
    app = scope.get("app")
    handler = getattr(app, "exception_handlers", {}).get(Exception) or getattr(app, "exception_handlers", {}).get(500)
    if handler is None:
        return None
    answer = handler(Request(scope), error)
    if inspect.isawaitable(answer):
        answer = await answer
    return answer if isinstance(answer, Response) else None
