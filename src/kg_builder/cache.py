"""What one document's extraction gave, kept between builds (``.kg-cache/``, outside ``graph/``).

An entry is keyed by everything the extraction depends on: the document's name, text, sidecar and
annex, and a fingerprint of the rules (every file of ``ontology/``) and of the code (every module of
this package), so that a change to any of them is a miss, never a stale hit. An entry holds its own
key and the SHA-256 of its payload: a corrupt, truncated or foreign file is detected, removed and
rebuilt, never trusted. Entries are written to a temporary file and moved in, so a build that is
killed leaves whole entries or none. This is the edge of the build that keeps state; the stages
themselves stay pure.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from dataclasses import dataclass, field
from pathlib import Path

from . import storage
from .extract import DocumentExtraction
from .models import Document

__all__ = ["CACHE_DIR", "ExtractionCache", "fingerprint"]

CACHE_DIR = ".kg-cache"
_MAGIC = b"kg-extraction 1\n"


def fingerprint(ontology_dir: Path) -> str:
    """A hash of the rules (every file of ``ontology/``) and of the code (this package's modules and
    the Python that pickles the entries)."""
    h = hashlib.sha256(sys.version.encode())
    package = Path(__file__).resolve().parent
    for folder, pattern in ((ontology_dir, "*"), (package, "*.py")):
        for path in sorted(p for p in folder.rglob(pattern) if p.is_file() and "__pycache__" not in p.parts):
            h.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def _document_key(doc: Document, rules: str) -> str:
    h = hashlib.sha256(rules.encode())
    for part in (doc.doc_id, Path(doc.path).name, doc.text, repr(doc.meta), repr(doc.links), repr(doc.pages)):
        h.update(part.encode("utf-8") + b"\0")
    return h.hexdigest()


@dataclass
class ExtractionCache:
    """The entries of one project (``folder``) under one fingerprint of rules and code."""

    folder: Path
    rules: str
    hits: int = 0
    misses: int = 0
    broken: list[str] = field(default_factory=list)  # entries found corrupt, and rebuilt
    used: set[str] = field(default_factory=set)  # the keys this build asked for

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.pickle"

    def get(self, doc: Document) -> DocumentExtraction | None:
        key = _document_key(doc, self.rules)
        self.used.add(key)
        path = self._path(key)
        try:
            data = path.read_bytes()
        except OSError:
            self.misses += 1
            return None
        found = self._decode(data, key)
        if found is None or found.doc_id != doc.doc_id:
            self.broken.append(str(path))
            path.unlink(missing_ok=True)
            self.misses += 1
            return None
        self.hits += 1
        return found

    @staticmethod
    def _decode(data: bytes, key: str) -> DocumentExtraction | None:
        """The entry's extraction, if the file is whole and is the entry of this key."""
        head = _MAGIC + key.encode() + b"\n"
        digest_at = len(head)
        if not data.startswith(head) or len(data) < digest_at + 65:
            return None
        digest, payload = data[digest_at:digest_at + 64], data[digest_at + 65:]
        if hashlib.sha256(payload).hexdigest().encode() != digest:
            return None
        try:
            # Our own file, whose hash was just checked: written by this package for this key.
            found = pickle.loads(payload)
        except Exception:  # an entry that cannot be read is rebuilt, whatever the reason
            return None
        return found if isinstance(found, DocumentExtraction) else None

    def put(self, doc: Document, extraction: DocumentExtraction) -> None:
        key = _document_key(doc, self.rules)
        payload = pickle.dumps(extraction, protocol=pickle.HIGHEST_PROTOCOL)
        data = _MAGIC + key.encode() + b"\n" + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload
        path = self._path(key)
        try:
            os.makedirs(path.parent, exist_ok=True)
            storage.write_file_atomic(path, data)
        except OSError:
            pass  # a cache that cannot be written only makes the next build slower

    def prune(self) -> None:
        """Remove the entries this build did not use (documents since changed or removed, older rules
        or code), so that the cache holds one corpus's entries and does not grow without end."""
        for path in self.folder.glob("*/*.pickle"):
            if path.stem not in self.used:
                path.unlink(missing_ok=True)
