"""The network edge of `kg add URL`: a web address fetched with httpx, within limits.

Timeouts for connecting and reading, a size limit (checked on the announced length and again while
reading), a check of the content type against the formats kg add reads, and redirects followed by
hand so that none leads to a scheme other than http(s). Nothing is written here: the bytes go to the
same import as a file's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from ..errors import InputError, NetworkError

__all__ = ["Downloaded", "download", "is_url"]

# The content types of the formats kg add reads, and the suffix a downloaded original is kept with.
CONTENT_TYPES = {"text/html": ".html", "application/xhtml+xml": ".html", "application/pdf": ".pdf",
                 "application/xml": ".xml", "text/xml": ".xml", "text/plain": ".txt", "text/markdown": ".md",
                 "text/x-wiki": ".wiki"}
MAX_REDIRECTS = 5


@dataclass(frozen=True)
class Downloaded:
    url: str  # where the document was found, after redirects
    data: bytes
    name: str  # a file name for the original: the address's last segment, with the type's suffix


def is_url(text: str) -> bool:
    return re.match(r"https?://", text, re.IGNORECASE) is not None


def _name(url: str, content_type: str) -> str:
    segment = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1] or urlsplit(url).netloc
    suffix = CONTENT_TYPES[content_type]
    return segment if segment.lower().endswith(suffix) else f"{segment}{suffix}"


def _body(response: httpx.Response, url: str, max_bytes: int) -> bytes:
    announced = response.headers.get("content-length")
    if announced and announced.isdigit() and int(announced) > max_bytes:
        raise InputError(f"the document is {int(announced):,} bytes; kg add reads up to {max_bytes:,}", path=url)
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise InputError(f"the document is over {max_bytes:,} bytes, the most kg add reads", path=url)
        chunks.append(chunk)
    return b"".join(chunks)


def _content_type(response: httpx.Response, url: str) -> str:
    found: str = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if found not in CONTENT_TYPES:
        raise InputError(f"the address answers with content of type {found or 'unknown'!r}, which kg add does "
                         "not read", path=url, hint="kg add reads " + ", ".join(sorted(CONTENT_TYPES)))
    return found


def _get(client: httpx.Client, url: str, max_bytes: int) -> Downloaded:
    """Follow redirects (http and https only) to the document, and read it."""
    for _ in range(MAX_REDIRECTS + 1):
        with client.stream("GET", url) as response:
            if response.is_redirect:
                target = urljoin(url, response.headers.get("location", ""))
                if urlsplit(target).scheme not in ("http", "https"):
                    raise NetworkError(f"{url} redirects to {target!r}, which is not an http(s) address; not followed")
                url = target
                continue
            if response.status_code != 200:
                raise NetworkError(f"{url} answered {response.status_code} {response.reason_phrase}")
            content_type = _content_type(response, url)
            return Downloaded(url, _body(response, url, max_bytes), _name(url, content_type))
    raise NetworkError(f"{url} redirects more than {MAX_REDIRECTS} times; not followed")


def download(url: str, max_bytes: int, timeout: float = 30.0, user_agent: str = "kg-builder (kg add)") -> Downloaded:
    """The document at ``url``; NetworkError (offline, refused, an error status) or InputError (too
    large, a type kg add does not read), naming the address."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise InputError("kg add fetches http(s) addresses only", path=url)
    try:
        with httpx.Client(timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)), follow_redirects=False,
                          headers={"User-Agent": user_agent}) as client:
            return _get(client, url, max_bytes)
    except httpx.TimeoutException as e:
        raise NetworkError(f"{url} did not answer within {timeout:g} s ({type(e).__name__}); nothing was "
                           "written") from e
    except httpx.HTTPError as e:
        raise NetworkError(f"cannot reach {url} ({type(e).__name__}: {e}); is this machine online? Nothing was "
                           "written") from e
