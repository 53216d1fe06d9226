"""The edge of `kg add`: read the files, import each (pure, :mod:`kg_builder.importers`), write the
results through :mod:`kg_builder.storage`."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .. import storage
from ..config import Settings, load_wikitext_rules
from ..errors import InputError
from . import Imported, import_documents
from .download import download, is_url

__all__ = ["AddReport", "add_documents"]

# The largest file kg add reads (a long article's export is a few MB).
MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class AddReport:
    document: str
    written: tuple[Path, ...]
    unfilled: tuple[str, ...]


def _stem(imported: Imported, path: Path) -> str:
    """A corpus name from the title, else the file name: lower-case words joined by '_'."""
    base = unicodedata.normalize("NFKD", str(imported.fields.get("title") or path.stem))
    base = "".join(c for c in base if not unicodedata.combining(c))
    return re.sub(r"[^\w]+", "_", base.lower(), flags=re.ASCII).strip("_")[:80].rstrip("_") or "document"


def _read(path: Path) -> bytes:
    try:
        size = path.stat().st_size
    except OSError as e:
        raise InputError(f"cannot read: {e.strerror}", path=path) from e
    if size > MAX_BYTES:
        raise InputError(f"the file is {size:,} bytes; kg add reads files up to {MAX_BYTES:,}", path=path)
    return path.read_bytes()


@dataclass(frozen=True)
class _Source:
    """A document to import: where it is (a file or an address), its name and its bytes."""

    where: str
    name: str
    data: bytes
    url: str | None = None


def _source(item: str, timeout: float) -> _Source:
    if is_url(item):
        got = download(item, MAX_BYTES, timeout)
        return _Source(got.url, got.name, got.data, got.url)
    path = Path(item)
    return _Source(str(path), path.name, _read(path))


def add_documents(settings: Settings, items: list[str], kind: str | None = None, stem: str | None = None,
                  language: str | None = None, timeout: float = 30.0, title: str | None = None) -> list[AddReport]:
    """Import every document of ``items`` (files or web addresses; every page of an export) into the
    corpus. All are read and imported before anything is written, so a bad one writes nothing."""
    rules = load_wikitext_rules(settings.root)
    todo: list[tuple[_Source, Imported]] = []
    for item in items:
        source = _source(item, timeout)
        todo.extend((source, imported) for imported in import_documents(source.data, source.where, rules, kind))
    for option, value in (("--stem", stem), ("--title", title)):
        if value is not None and len(todo) != 1:
            raise InputError(f"{option} names one document, and these hold {len(todo)}", path=items[0])
    names = [stem or _stem(imported, Path(source.name)) for source, imported in todo]
    for name, (source, _) in zip(names, todo, strict=True):  # every name checked before anything is written
        if names.count(name) > 1:
            raise InputError(f"two documents would be named {name!r}; import them one by one with --stem",
                             path=source.where)
        storage.check_imported_names(settings.corpus_dir, name, source.name)
    reports = []
    for name, (source, imported) in zip(names, todo, strict=True):
        # A title given on the command line is the cataloguer's, not the document's (title_supplied).
        named = {"title": title, "title_supplied": True} if title else {}
        fields = {**imported.fields, **named, "language": imported.fields.get("language") or language,
                  "url": imported.fields.get("url") or source.url,
                  "format": imported.format, "sha256": imported.sha256}
        annex = storage.annex_json(imported.links, imported.pages) if imported.links or imported.pages else None
        written = storage.write_imported(settings.corpus_dir, name, imported.text, fields, source.data, source.name,
                                         annex)
        unfilled = tuple(k for k in imported.unfilled if fields.get(k) is None)
        reports.append(AddReport(name, tuple(written), unfilled))
    return reports
