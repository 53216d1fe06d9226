"""The error tree. Every error knows its CLI exit code and its HTTP status.

    KgError                      exit 1   (500)
    ├── ConfigError              exit 2   (500)  a settings or ontology data file is wrong
    ├── OptionError              exit 2   (400)  an option of a command or request is not one we know
    ├── InputError               exit 3   (400)  a corpus document or sidecar is wrong
    │   ├── SidecarError
    │   └── InfoboxError
    ├── ValidationError          exit 4   (500)  the built graph breaks a SHACL shape
    ├── StorageError             exit 5   (500)  graph/ could not be read or written
    ├── NetworkError             exit 9   (502)  Wikidata, a web address or a Dask scheduler cannot be reached
    ├── WorkerError              exit 10  (500)  a worker of the build (a process, a Dask worker) died
    └── QueryError               exit 7   (400)  a SPARQL query cannot be run
        ├── QuerySyntaxError              (400)  the query does not parse
        ├── QueryRejected                 (400)  the query would read files or reach the network
        ├── ParameterError                (400)  a saved query's parameter is unknown or mistyped
        ├── NotFound             exit 8   (404)  no such saved query or resource
        ├── UpdateForbidden               (403)  updates are off, or the token is wrong
        ├── NotAcceptable                 (406)  no result format fits the Accept header
        ├── RequestTooLarge               (413)  a query, a form field or a body is over its limit
        ├── QueryTimeout                  (503)  the query ran past the time limit and was stopped
        ├── QueryOverMemory               (503)  the query needed more memory than a worker may use
        ├── WorkerStopped                 (503)  the query's worker crashed; a new one took its place
        └── Overloaded                    (503)  too many queries are waiting; retry after a while

Callers catch ``KgError``; the CLI turns it into a message and ``exit_code``.
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "ConfigError",
    "InfoboxError",
    "InputError",
    "KgError",
    "NetworkError",
    "NotAcceptable",
    "NotFound",
    "OptionError",
    "Overloaded",
    "ParameterError",
    "QueryError",
    "QueryOverMemory",
    "QueryRejected",
    "QuerySyntaxError",
    "QueryTimeout",
    "RequestTooLarge",
    "SidecarError",
    "StorageError",
    "UpdateForbidden",
    "ValidationError",
    "WorkerError",
    "WorkerStopped",
]


class KgError(Exception):
    """Base of every error the builder raises on purpose."""

    exit_code = 1
    http_status = 500

    def __init__(self, message: str, *, path: Path | str | None = None, line: int | None = None,
                 hint: str | None = None) -> None:
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.hint = hint
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = self.path + (f":{self.line}" if self.line is not None else "") + ": "
        text = where + self.message
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


class ConfigError(KgError):
    """A settings or curated-knowledge file under ontology/ is missing or malformed."""

    exit_code = 2


class OptionError(KgError):
    """An option given to a command or a request (a format, a flag) is not one we know."""

    exit_code = 2
    http_status = 400
    kind = "bad_option"


class NetworkError(KgError):
    """An outside service (Wikidata, for ``kg link``) cannot be reached or refused the request."""

    exit_code = 9
    http_status = 502


class WorkerError(KgError):
    """A worker that ran the per-document stages died (killed, out of memory) before it finished."""

    exit_code = 10


class InputError(KgError):
    """A corpus document cannot be used as it is."""

    exit_code = 3
    http_status = 400


class SidecarError(InputError):
    """A document's metadata sidecar is missing or invalid."""


class InfoboxError(InputError):
    """An infobox line is malformed."""


class ValidationError(KgError):
    """The built graph violates a SHACL shape in ontology/shapes.ttl."""

    exit_code = 4


class StorageError(KgError):
    """graph/ could not be written or read."""

    exit_code = 5


class QueryError(KgError):
    """A SPARQL query or a request for one cannot be answered."""

    exit_code = 7
    http_status = 400
    kind = "query_error"


class QuerySyntaxError(QueryError):
    """The query does not parse."""

    kind = "syntax_error"


class QueryRejected(QueryError):
    """The query asks for something the endpoint never does (SERVICE, FROM a foreign IRI, LOAD, ...)."""

    kind = "query_rejected"


class ParameterError(QueryError):
    """A saved query's parameter is unknown or has the wrong type."""

    kind = "bad_parameter"


class NotFound(QueryError):
    """No saved query or resource by that name."""

    exit_code = 8
    http_status = 404
    kind = "not_found"


class UpdateForbidden(QueryError):
    """Updates are turned off, or the request lacks the update token."""

    http_status = 403
    kind = "update_forbidden"


class QueryTimeout(QueryError):
    """The query ran past the time limit; its worker was stopped."""

    http_status = 503
    kind = "timeout"


class NotAcceptable(QueryError):
    """No result format the endpoint has fits the request's Accept header or format name."""

    http_status = 406
    kind = "not_acceptable"


class RequestTooLarge(QueryError):
    """A query, a form field or a request body is longer than the endpoint accepts."""

    http_status = 413
    kind = "too_large"


class QueryOverMemory(QueryError):
    """The query needed more memory than a worker may use; the worker was replaced."""

    http_status = 503
    kind = "over_memory"


class WorkerStopped(QueryError):
    """The worker running the query stopped (it crashed); a new one was started."""

    http_status = 503
    kind = "worker_stopped"


class Overloaded(QueryError):
    """Too many queries are waiting, in all or from this client; ``retry_after`` says when to retry."""

    http_status = 503
    kind = "overloaded"

    def __init__(self, message: str, *, retry_after: int = 1, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.retry_after = retry_after
