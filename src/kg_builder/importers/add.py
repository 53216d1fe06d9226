"""The edge of `kg add`: read the files, import each (pure, :mod:`kg_builder.importers`), write the
results through :mod:`kg_builder.storage`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .. import storage
from ..config import Settings, load_wikitext_rules
from ..errors import InputError
from . import Imported, import_documents

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
    base = str(imported.fields.get("title") or path.stem)
    return re.sub(r"[^\w]+", "_", base.lower(), flags=re.ASCII).strip("_")[:80] or "document"


def _read(path: Path) -> bytes:
    try:
        size = path.stat().st_size
    except OSError as e:
        raise InputError(f"cannot read: {e.strerror}", path=path) from e
    if size > MAX_BYTES:
        raise InputError(f"the file is {size:,} bytes; kg add reads files up to {MAX_BYTES:,}", path=path)
    return path.read_bytes()


def add_documents(settings: Settings, paths: list[Path], kind: str | None = None, stem: str | None = None,
                  language: str | None = None) -> list[AddReport]:
    """Import every document of ``paths`` (every page of an export) into the corpus."""
    rules = load_wikitext_rules(settings.root)
    todo: list[tuple[Path, bytes, Imported]] = []
    for path in paths:
        data = _read(path)
        todo.extend((path, data, imported) for imported in import_documents(data, str(path), rules, kind))
    if stem is not None and len(todo) != 1:
        raise InputError(f"--stem names one document, and these files hold {len(todo)}", path=paths[0])
    reports = []
    for path, data, imported in todo:  # all imported before anything is written: a bad file writes nothing
        fields = {**imported.fields, "language": imported.fields.get("language") or language,
                  "format": imported.format, "sha256": imported.sha256}
        name = stem or _stem(imported, path)
        written = storage.write_imported(settings.corpus_dir, name, imported.text, fields, data, path.name)
        unfilled = tuple(k for k in imported.unfilled if not (k == "language" and language))
        reports.append(AddReport(name, tuple(written), unfilled))
    return reports
