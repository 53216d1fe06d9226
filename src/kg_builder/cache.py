"""What one document's extraction gave, kept between builds (``.kg-cache/``, outside ``graph/``).

An entry is keyed by everything the extraction depends on: the document's name, text, sidecar and
annex, and a fingerprint of the rules (every file of ``ontology/``) and of the code (every module of
this package), so that a change to any of them is a miss, never a stale hit. An entry holds its own
key and the SHA-256 of its payload: a corrupt, truncated or foreign file is detected, removed and
rebuilt, never trusted. Entries are written to a temporary file and moved in, so a build that is
killed leaves whole entries or none. This is the edge of the build that keeps state; the stages
themselves stay pure.

The same folder keeps the results of the two cross-document stages that are pure functions of their
whole input and cost the most when nothing changed: the reasoner's closure (by its input) and the
validator's report (by the data's N-Triples and the validator). A build whose input is unchanged
takes them as they were; any change to the input, the rules, the code or an engine's version is a
miss.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, TypeVar

from . import storage
from .extract import DocumentExtraction
from .models import Document

__all__ = ["CACHE_DIR", "ExtractionCache", "Remember", "compute_always", "fingerprint"]

CACHE_DIR = ".kg-cache"
T = TypeVar("T")
_MISSING = object()  # no entry (as against a broken one)
_MAGIC = b"kg-extraction 1\n"


# The libraries whose results are kept: a new version of one may answer otherwise.
_ENGINES = ("rdflib", "owlrl", "reasonable", "pyshacl", "shacl")


def _engine_versions() -> bytes:
    from importlib.metadata import PackageNotFoundError, version

    def one(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "-"

    return " ".join(f"{name}={one(name)}" for name in _ENGINES).encode()


def fingerprint(ontology_dir: Path) -> str:
    """A hash of the rules (every file of ``ontology/``) and of the code (this package's modules, the
    Python that pickles the entries, and the versions of the reasoners and validators)."""
    h = hashlib.sha256(sys.version.encode() + b"\0" + _engine_versions())
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


class Remember(Protocol):
    """How a build keeps a cross-document stage's result (see ExtractionCache.remember)."""

    def __call__(self, stage: str, given: Iterable[str], compute: Callable[[], T], kind: type[T]) -> T: ...


def compute_always(stage: str, given: Iterable[str], compute: Callable[[], T], kind: type[T]) -> T:
    """A build without a cache: every stage computed."""
    return compute()


@dataclass
class ExtractionCache:
    """The entries of one project (``folder``) under one fingerprint of rules and code."""

    folder: Path
    rules: str
    hits: int = 0
    misses: int = 0
    broken: list[str] = field(default_factory=list)  # entries found corrupt, and rebuilt
    used: set[str] = field(default_factory=set)  # the keys this build asked for
    reused: list[str] = field(default_factory=list)  # the cross-document stages taken from the cache

    def _path(self, key: str) -> Path:
        if key.startswith("stage-"):  # a cross-document stage's result (see remember)
            return self.folder / "stages" / f"{key}.pickle"
        return self.folder / key[:2] / f"{key}.pickle"

    def get(self, doc: Document) -> DocumentExtraction | None:
        key = _document_key(doc, self.rules)
        found = self._load(key)
        if not isinstance(found, DocumentExtraction) or found.doc_id != doc.doc_id:
            if found is not _MISSING:
                self._drop(key)
            self.misses += 1
            return None
        self.hits += 1
        return found

    def remember(self, stage: str, given: Iterable[str], compute: Callable[[], T], kind: type[T]) -> T:
        """What ``compute`` gives for ``given``, the whole input of a cross-document stage that is a
        pure function of it (the reasoner's closure of its input, the validator's verdict on the data):
        kept from the last build that had the same input, else computed and kept."""
        h = hashlib.sha256(self.rules.encode() + b"\0" + stage.encode() + b"\0")
        for part in given:  # the whole graph, in parts: hashed a part at a time, never copied whole
            h.update(part.encode("utf-8") + b"\0")
        key = f"stage-{stage}-{h.hexdigest()}"
        found = self._load(key)
        if isinstance(found, kind):
            self.reused.append(stage)
            return found
        if found is not _MISSING:
            self._drop(key)
        value = compute()
        self._store(key, value)
        return value

    def _load(self, key: str) -> object:
        """The entry of ``key``; _MISSING when there is none, None when it is broken."""
        self.used.add(key)
        try:
            data = self._path(key).read_bytes()
        except OSError:
            return _MISSING
        return self._decode(data, key)

    def _drop(self, key: str) -> None:
        path = self._path(key)
        self.broken.append(str(path))
        path.unlink(missing_ok=True)

    @staticmethod
    def _decode(data: bytes, key: str) -> object:
        """The entry's value, if the file is whole and is the entry of this key."""
        head = _MAGIC + key.encode() + b"\n"
        digest_at = len(head)
        if not data.startswith(head) or len(data) < digest_at + 65:
            return None
        digest, payload = data[digest_at:digest_at + 64], data[digest_at + 65:]
        if hashlib.sha256(payload).hexdigest().encode() != digest:
            return None
        try:
            # Our own file, whose hash was just checked: written by this package for this key.
            return pickle.loads(payload)
        except Exception:  # an entry that cannot be read is rebuilt, whatever the reason
            return None

    def put(self, doc: Document, extraction: DocumentExtraction) -> None:
        self._store(_document_key(doc, self.rules), extraction)

    def _store(self, key: str, value: object) -> None:
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
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
