"""The only module that reads and writes files.

Reading: corpus documents (UTF-8 text) with their ``.meta.yaml`` sidecars, checked so that a bad file
gets an error naming it (and the line, where there is one).

Writing: ``graph/`` is replaced as a whole. The new files are written into a temporary folder beside
it, flushed to disk, and swapped in by two renames; a build that fails or is killed before the swap
leaves the previous ``graph/`` as it was, and one killed between the two renames is repaired by the
next command (``recover_graph_dir``).
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError, SidecarError, StorageError
from .models import Document, DocumentMeta, LinkHint, Original
from .namespaces import iri_problem, is_language_tag
from .saved import SavedQuery, parse_saved_query

__all__ = [
    "ANNEX_SUFFIX",
    "DEFAULT_MAX_BYTES",
    "SIDECAR_SUFFIX",
    "annex_json",
    "check_imported_names",
    "draft_sidecar",
    "list_corpus",
    "read_corpus",
    "read_corpus_pages",
    "read_corpus_text",
    "read_document",
    "read_graph_file",
    "read_input_text",
    "read_original",
    "read_saved_queries",
    "read_text",
    "recover_graph_dir",
    "write_graph_dir",
    "write_imported",
    "write_sidecar",
]

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
SIDECAR_SUFFIX = ".meta.yaml"
_SIDECAR_KEYS = {"title", "kind", "publisher", "author", "published", "language", "licence", "url", "title_supplied",
                 # written by `kg add`: the original's format, its file under corpus/originals/ and its
                 # SHA-256, and a wiki page's revision
                 "format", "original", "sha256", "revision", "revision_timestamp",
                 # the Wikidata item the article is about, as the page states it
                 "wikidata"}
# What kg add keeps of the original beyond its text: link hints and page starts (JSON).
ANNEX_SUFFIX = ".annex.json"
_ISO_DATE = re.compile(r"^\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?$")


def list_corpus(corpus_dir: Path) -> list[Path]:
    """The documents of a corpus: its ``*.txt`` files, in name order, each checked to be one we may read."""
    if not corpus_dir.is_dir():
        raise InputError("corpus folder not found", path=corpus_dir, hint="create it and put documents in it")
    docs = sorted(p for p in corpus_dir.iterdir() if p.suffix == ".txt" and (p.is_file() or p.is_symlink()))
    for doc in docs:
        _check_name(doc)
        _check_inside(doc, corpus_dir)
    return docs


def _check_name(path: Path) -> None:
    """A file name becomes the source's IRI and its identifier in the graph: it must be text."""
    try:
        path.name.encode("utf-8")
    except UnicodeEncodeError as e:
        raise InputError("the file name is not valid UTF-8", path=path.parent / ascii(path.name),
                         hint="rename the file with a UTF-8 name") from e


def _check_inside(path: Path, corpus_dir: Path) -> Path:
    """The file ``path`` really is, refused unless it lies inside the corpus folder.

    A symbolic link is followed only when it stays inside ``corpus/``: one to ``/etc/passwd`` or to a
    file of another project would otherwise be built and served to anyone who can reach the server.
    """
    real = path.resolve()
    if not real.is_relative_to(corpus_dir.resolve()):
        raise InputError(f"this is a symbolic link to {real}, outside the corpus folder; it is not read",
                         path=path, hint=f"copy the file into {corpus_dir} if it belongs to the corpus")
    if not real.is_file():
        raise InputError("this is a symbolic link to nothing readable (a broken link or a folder)", path=path,
                         hint="remove the link or point it at a document in the corpus folder")
    return real


def _decode(path: Path, data: bytes) -> str:
    if not data.strip():
        raise InputError("the document is empty", path=path, hint="remove it or give it text")
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise InputError("this is a binary file, not a text document (it contains NUL bytes)", path=path,
                         line=line, hint="corpus documents are UTF-8 text files")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise InputError(f"not valid UTF-8 (byte {e.start}: {data[e.start:e.start + 1]!r})", path=path, line=line,
                         hint="convert the file to UTF-8, e.g. iconv -f latin1 -t utf-8") from e


def _read_bytes(path: Path, real: Path | None = None) -> bytes:
    try:
        return (real or path).read_bytes()
    except OSError as e:
        raise InputError(f"cannot read: {e.strerror}", path=path) from e


def _load_sidecar(path: Path, real: Path) -> tuple[dict[str, Any], list[str]]:
    """The sidecar's fields and its lines (to name the line of a bad field)."""
    try:
        text = real.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise SidecarError("not valid UTF-8", path=path) from e
    except OSError as e:
        raise SidecarError(f"cannot read: {e.strerror}", path=path) from e
    try:
        data: Any = yaml.safe_load(text)
    except yaml.MarkedYAMLError as e:
        line = e.problem_mark.line + 1 if e.problem_mark else None
        raise SidecarError(f"invalid YAML: {e.problem}", path=path, line=line) from e
    if not isinstance(data, dict):
        raise SidecarError("expected a mapping of fields (title:, kind:, language:, ...)", path=path)
    return data, text.splitlines()


def _line_of(lines: list[str], key: str) -> int | None:
    return next((n for n, text in enumerate(lines, 1) if text.startswith(f"{key}:")), None)


def _check_fields(path: Path, data: dict[str, Any], lines: list[str]) -> None:
    """Every field known and of its type; the values that reach the graph as they are, valid there."""
    unknown = sorted(set(map(str, data)) - _SIDECAR_KEYS)
    if unknown:
        raise SidecarError(f"unknown field {unknown[0]!r}", path=path, line=_line_of(lines, unknown[0]),
                           hint="fields are " + ", ".join(sorted(_SIDECAR_KEYS)))
    for key in ("title", "kind", "language"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise SidecarError(f"field {key!r} is required and must be text", path=path, line=_line_of(lines, key))
    if data["kind"] not in ("encyclopedia", "news"):
        raise SidecarError(f"kind must be encyclopedia or news, not {data['kind']!r}", path=path,
                           line=_line_of(lines, "kind"))
    for key in ("publisher", "author", "licence", "url", "published", "format", "original", "sha256", "revision",
                "revision_timestamp"):
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            raise SidecarError(f"field {key!r} must be text or null (quote dates: \"2025-05-23\")", path=path,
                               line=_line_of(lines, key))
    wikidata = data.get("wikidata")
    if wikidata is not None and not (isinstance(wikidata, str) and re.fullmatch(r"Q[1-9]\d*", wikidata)):
        raise SidecarError(f"wikidata must be an item id such as Q42, not {wikidata!r}", path=path,
                           line=_line_of(lines, "wikidata"))
    if data.get("format") is not None and not (data.get("original") and data.get("sha256")):
        raise SidecarError("an imported document's sidecar names its original and the original's sha256",
                           path=path, line=_line_of(lines, "format"))
    published = data.get("published")
    if published is not None and not _ISO_DATE.match(published):
        raise SidecarError(f"published must be an ISO date (YYYY, YYYY-MM or YYYY-MM-DD), not {published!r}",
                           path=path, line=_line_of(lines, "published"))
    # The language becomes the tag of the title's literal and the URL an IRI of the graph: a value
    # that is not valid there would make a graph that RDF readers (and kg serve) refuse to load.
    language = data["language"].strip()
    if not is_language_tag(language):
        raise SidecarError(f"language must be a BCP 47 language tag such as en, fa or pt-BR, not {language!r}",
                           path=path, line=_line_of(lines, "language"),
                           hint="see https://www.rfc-editor.org/info/bcp47 for the syntax")
    url = data.get("url")
    problem = iri_problem(url) if url is not None else None
    if problem:
        raise SidecarError(f"url must be an http(s) URL (RFC 3986/3987), not {url!r}: {problem}", path=path,
                           line=_line_of(lines, "url"),
                           hint="percent-encode characters such as < > \" and spaces (%3C %3E %22 %20)")


def _sidecar(doc_path: Path, corpus_dir: Path) -> DocumentMeta:
    path = doc_path.with_suffix(SIDECAR_SUFFIX)
    if not (path.is_file() or path.is_symlink()):
        raise SidecarError(
            f"no metadata sidecar for {doc_path.name}",
            path=path,
            hint=f"create it (kg sidecar {doc_path} drafts one from what the document states)",
        )
    data, lines = _load_sidecar(path, _check_inside(path, corpus_dir))
    _check_fields(path, data, lines)
    return DocumentMeta(
        title=data["title"].strip(),
        kind=data["kind"],
        language=data["language"].strip(),
        publisher=data.get("publisher"),
        author=data.get("author"),
        published=data.get("published"),
        licence=data.get("licence"),
        url=data.get("url"),
        title_supplied=bool(data.get("title_supplied", False)),
        original=Original(data["original"], data["format"], data["sha256"], data.get("revision"),
                          data.get("revision_timestamp")) if data.get("format") else None,
        wikidata=data.get("wikidata"),
    )


def _bad_annex(path: Path, what: str) -> SidecarError:
    return SidecarError(f"bad annex: {what}", path=path, hint="it is written by kg add; import the original again")


def _offset(value: Any, length: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= length


def _annex(doc_path: Path, text: str) -> tuple[tuple[LinkHint, ...], tuple[tuple[int, str], ...]]:
    """The document's link hints and page starts, checked against its text; none without an annex."""
    path = doc_path.with_suffix(ANNEX_SUFFIX)
    if not path.is_file():
        return (), ()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as e:
        raise _bad_annex(path, f"not readable JSON ({e})") from e
    if not isinstance(data, dict) or set(data) - {"links", "pages"}:
        raise _bad_annex(path, "expected an object of links and pages")
    links = []
    for n, entry in enumerate(data.get("links") or [], 1):
        if not (isinstance(entry, list) and len(entry) == 3 and _offset(entry[0], len(text))
                and _offset(entry[1], len(text)) and entry[0] < entry[1] and isinstance(entry[2], str) and entry[2]):
            raise _bad_annex(path, f"link {n} is not [start, end, title] within the text")
        links.append(LinkHint(entry[0], entry[1], entry[2]))
    pages: list[tuple[int, str]] = []
    for n, entry in enumerate(data.get("pages") or [], 1):
        if not (isinstance(entry, list) and len(entry) == 2 and _offset(entry[0], len(text))
                and isinstance(entry[1], str) and (not pages or pages[-1][0] <= entry[0])):
            raise _bad_annex(path, f"page {n} is not [start, label] in order within the text")
        pages.append((entry[0], entry[1]))
    return tuple(links), tuple(pages)


def annex_json(links: tuple[LinkHint, ...], pages: tuple[tuple[int, str], ...]) -> bytes:
    """The annex file's bytes: one entry a line, so that it reads and compares well."""
    rows = ['"links": [\n' + ",\n".join(json.dumps([h.start, h.end, h.target], ensure_ascii=False) for h in links)
            + "\n]", '"pages": [\n' + ",\n".join(json.dumps([s, label], ensure_ascii=False) for s, label in pages)
            + "\n]"]
    return ("{\n" + ",\n".join(rows) + "\n}\n").encode("utf-8")


def read_document(path: Path, max_bytes: int = DEFAULT_MAX_BYTES, corpus_dir: Path | None = None) -> Document:
    """Read and check one corpus document and its sidecar.

    ``corpus_dir`` (default: the document's folder) is where the document and its sidecar must lie,
    symbolic links resolved.
    """
    corpus_dir = corpus_dir if corpus_dir is not None else path.parent
    _check_name(path)
    real = _check_inside(path, corpus_dir)
    try:
        size = real.stat().st_size
    except OSError as e:
        raise InputError(f"cannot read: {e.strerror}", path=path) from e
    if size > max_bytes:
        raise InputError(f"document is too large ({size:,} bytes; the limit is {max_bytes:,})", path=path,
                         hint="split it, or raise the limit with kg build --max-bytes")
    text = _decode(path, _read_bytes(path, real))
    links, pages = _annex(path, text)
    return Document(doc_id=path.stem, path=str(path), text=text, meta=_sidecar(path, corpus_dir), links=links,
                    pages=pages)


def read_corpus(corpus_dir: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Document]:
    """Every document of a corpus, checked."""
    docs = [read_document(p, max_bytes, corpus_dir) for p in list_corpus(corpus_dir)]
    if not docs:
        raise InputError("the corpus has no documents (*.txt)", path=corpus_dir)
    for suffix in (SIDECAR_SUFFIX, ANNEX_SUFFIX):
        for side in sorted(corpus_dir.glob(f"*{suffix}")):
            if not side.with_name(side.name[: -len(suffix)] + ".txt").is_file():
                raise SidecarError("sidecar without a document", path=side,
                                   hint="remove it or add the document it describes")
    return docs


def read_corpus_text(corpus_dir: Path, name: str) -> str:
    """The text of the corpus file ``name`` (as the graph records it), for the server's source reader.

    The same rules as a build: a name with a folder in it, or a symbolic link that leads out of the
    corpus folder, is refused (``InputError``), so the server never shows a file the build did not read.
    """
    path, real = _served(corpus_dir, corpus_dir, name)
    return _decode(path, _read_bytes(path, real))


def _served(corpus_dir: Path, folder: Path, name: str) -> tuple[Path, Path]:
    """The file ``name`` of ``folder`` (the corpus folder or one inside it) that the server may read,
    and what it really is: a name with a folder in it, or a symbolic link out of the corpus folder,
    is refused (``InputError``)."""
    path = folder / name
    if Path(name).name != name or name.startswith("."):
        raise InputError("not the name of a file in the corpus folder", path=path)
    return path, _check_inside(path, corpus_dir)


def read_corpus_pages(corpus_dir: Path, name: str, text: str) -> tuple[tuple[int, str], ...]:
    """Where each page of the corpus file ``name``'s original begins (its annex); none without one."""
    path, _ = _served(corpus_dir, corpus_dir, name)
    return _annex(path, text)[1]


def read_original(corpus_dir: Path, name: str) -> bytes:
    """The bytes of the original ``name`` under ``corpus/originals/``, for the server; the same rules as
    :func:`read_corpus_text` (no folders, no links out of the corpus folder)."""
    path, real = _served(corpus_dir, corpus_dir / ORIGINALS, name)
    return _read_bytes(path, real)


def read_text(path: Path) -> str:
    """Read a UTF-8 text file of the project (the ontology, the shapes)."""
    try:
        return path.read_text(encoding="utf-8")
    except OSError as e:
        raise StorageError(f"cannot read: {e.strerror}", path=path) from e


def read_input_text(path: Path) -> str:
    """Read a UTF-8 text file a user names on the command line (a gold file of ``kg eval``).

    Unlike the project's own files, a missing or undecodable one is the user's input to fix: an
    ``InputError`` naming the file, and the line of the first byte that is not UTF-8."""
    data = _read_bytes(path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError(f"not valid UTF-8 (byte {e.start}: {data[e.start:e.start + 1]!r})", path=path,
                         line=data[: e.start].count(b"\n") + 1, hint="save the file as UTF-8") from e


def _backup(graph_dir: Path) -> Path:
    return graph_dir.with_name(graph_dir.name + ".previous")


_WRITABLE_HINT = ("check that the project folder is writable (not a read-only mount) and its disk has room; "
                  "the graph that was there is left as it was")


def _storage_error(what: str, e: OSError, graph_dir: Path) -> StorageError:
    """An OSError of graph/ as the error users see, naming the file it was about."""
    where = e.filename if isinstance(e.filename, str) else graph_dir
    return StorageError(f"{what}: {e.strerror or e}", path=where, hint=_WRITABLE_HINT)


def recover_graph_dir(graph_dir: Path) -> None:
    """Finish or undo a swap that a killed build left half done."""
    try:
        _recover(graph_dir)
    except OSError as e:
        raise _storage_error("cannot repair the graph folder left by an interrupted build", e, graph_dir) from e


def _recover(graph_dir: Path) -> None:
    backup = _backup(graph_dir)
    if backup.is_dir() and not graph_dir.exists():
        backup.rename(graph_dir)
    elif backup.is_dir():
        shutil.rmtree(backup)
    for stale in graph_dir.parent.glob(f".{graph_dir.name}-tmp-*"):
        shutil.rmtree(stale, ignore_errors=True)


@contextmanager
def _graph_lock(graph_dir: Path) -> Iterator[None]:
    """One writer at a time: a second build waits for the first to finish its swap."""
    graph_dir.parent.mkdir(parents=True, exist_ok=True)
    with open(graph_dir.with_name(f".{graph_dir.name}.lock"), "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def write_graph_dir(graph_dir: Path, files: dict[str, bytes]) -> None:
    """Replace ``graph_dir`` with exactly ``files``, atomically.

    Whatever the operating system refuses (a read-only or full disk, a folder that is a file) ends in
    a ``StorageError`` naming the path, never a traceback, and leaves the previous graph/ in place.
    """
    if graph_dir.exists() and not graph_dir.is_dir():
        # Swapping would move the user's file aside and put a folder in its place: refuse instead.
        raise StorageError("this is not a folder, so the graph cannot be written here", path=graph_dir,
                           hint="move the file away (kg build writes graph/ as a folder of its own)")
    try:
        with _graph_lock(graph_dir):
            _write_graph_dir(graph_dir, files)
    except OSError as e:
        raise _storage_error("cannot write the graph", e, graph_dir) from e


def _write_graph_dir(graph_dir: Path, files: dict[str, bytes]) -> None:
    _recover(graph_dir)
    tmp = Path(tempfile.mkdtemp(prefix=f".{graph_dir.name}-tmp-", dir=graph_dir.parent))
    try:
        for name, data in sorted(files.items()):
            with open(tmp / name, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        os.chmod(tmp, 0o755)
        backup = _backup(graph_dir)
        if graph_dir.exists():
            graph_dir.rename(backup)
        tmp.rename(graph_dir)
        _fsync_dir(graph_dir.parent)
        if backup.exists():
            shutil.rmtree(backup)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
        _recover(graph_dir)
        raise


def _fsync_dir(folder: Path) -> None:
    """Make the renames durable, not only atomic."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def read_graph_file(graph_dir: Path, name: str) -> bytes:
    """One file of a built graph."""
    recover_graph_dir(graph_dir)
    path = graph_dir / name
    if not path.is_file():
        raise StorageError("the graph has not been built", path=path, hint="run kg build")
    try:
        return path.read_bytes()
    except OSError as e:
        raise StorageError(f"cannot read: {e.strerror}", path=path) from e


def draft_sidecar(path: Path) -> str:
    """A sidecar for a document, filled with what the document itself states (to be checked by a person)."""
    text = _decode(path, _read_bytes(path))
    first = text.lstrip().splitlines()[0] if text.strip() else ""
    title_m = re.match(r"^=\s*(.+?)\s*=\s*$", first)
    date_m = re.match(r"^\s*date\s+(\d{4}-\d{2}-\d{2})", text)
    by_m = re.search(r"^\s*\*{2,}\s*(?:By\s+)+(.+?)\s*$", text, re.M)
    pub_m = re.search(r"originally published (?:on|by|in) (?:the )?(.+?)(?: [Ww]ebsite)?\s*\)?\s*$", text, re.M)
    kind = "encyclopedia" if re.search(r"^Infobox\s*$", text, re.M) else "news"
    fields: dict[str, Any] = {
        "title": title_m.group(1) if title_m else f"[{path.stem}]",
        "title_supplied": title_m is None,
        "kind": kind,
        "publisher": pub_m.group(1).strip() if pub_m else None,
        "author": by_m.group(1).strip() if by_m else None,
        "published": date_m.group(1) if date_m else None,
        "language": "en",
        "licence": None,
        "url": None,
    }
    return "# Drafted from what the document states; check every field.\n" + yaml.safe_dump(
        fields, sort_keys=False, allow_unicode=True)


def write_sidecar(document: Path) -> Path:
    """Write the drafted sidecar next to a document; never overwrites one."""
    target = document.with_suffix(SIDECAR_SUFFIX)
    if target.exists():
        raise SidecarError("a sidecar exists already; not overwritten", path=target)
    target.write_text(draft_sidecar(document), encoding="utf-8")
    return target


def _write_temp(path: Path, data: bytes) -> Path:
    """``data`` in a temporary file beside ``path``, flushed to disk (removed again if writing fails)."""
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name)


def write_file_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, moved in at the end."""
    folder = path.resolve().parent
    if not folder.is_dir():
        raise StorageError("the folder to write into does not exist", path=folder)
    tmp = _write_temp(folder / path.name, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def read_saved_queries(queries_dir: Path) -> list[SavedQuery]:
    """Every saved query (``queries/*.rq``), by name."""
    if not queries_dir.is_dir():
        return []
    out = []
    for path in sorted(queries_dir.glob("*.rq")):
        out.append(parse_saved_query(path.stem, read_text(path), str(path)))
    return out


ORIGINALS = "originals"


def _imported_paths(corpus_dir: Path, stem: str, original_name: str) -> tuple[Path, Path, Path, Path]:
    """The document, sidecar, original and annex files of an imported document named ``stem``."""
    suffix = Path(original_name).suffix or ".orig"
    return (corpus_dir / f"{stem}.txt", corpus_dir / f"{stem}{SIDECAR_SUFFIX}",
            corpus_dir / ORIGINALS / f"{stem}{suffix}", corpus_dir / f"{stem}{ANNEX_SUFFIX}")


def check_imported_names(corpus_dir: Path, stem: str, original_name: str) -> None:
    """StorageError unless ``stem`` is a good document name whose files do not exist yet (checked for
    every document of an import before any is written)."""
    if not re.fullmatch(r"[\w.-]+", stem) or stem.startswith("."):
        raise StorageError(f"the document name {stem!r} may hold only letters, digits, '.', '-' and '_'",
                           path=corpus_dir / stem)
    for target in _imported_paths(corpus_dir, stem, original_name):
        if target.exists():
            raise StorageError("a file of this name exists already; nothing was written", path=target,
                               hint="choose another name with --stem")


def write_imported(corpus_dir: Path, stem: str, text: str, sidecar: dict[str, Any], original: bytes,
                   original_name: str, annex: bytes | None = None) -> list[Path]:
    """Write an imported document, its sidecar and its original (``corpus/originals/``), never over an
    existing file: every file is written to a temporary name first, and all are moved in only when
    none of the targets exists (StorageError naming the first that does)."""
    check_imported_names(corpus_dir, stem, original_name)
    originals = corpus_dir / ORIGINALS
    originals.mkdir(parents=True, exist_ok=True)
    text_path, sidecar_path, original_path, annex_path = _imported_paths(corpus_dir, stem, original_name)
    targets = {text_path: text.encode("utf-8"),
               sidecar_path: yaml.safe_dump({**sidecar, "original": f"{ORIGINALS}/{original_path.name}"},
                                            sort_keys=False, allow_unicode=True).encode("utf-8"),
               original_path: original}
    if annex is not None:
        targets[annex_path] = annex
    temps: list[tuple[Path, Path]] = []
    linked: list[Path] = []
    try:
        for target, data in targets.items():
            temps.append((_write_temp(target, data), target))
        for tmp, dest in temps:
            os.link(tmp, dest)  # fails, rather than replaces, if the target appeared meanwhile
            linked.append(dest)
    except FileExistsError as e:
        for done in linked:
            done.unlink(missing_ok=True)
        raise StorageError("a file of this name appeared while writing; nothing was written",
                           path=Path(e.filename or corpus_dir)) from e
    except BaseException:
        for done in linked:
            done.unlink(missing_ok=True)
        raise
    finally:
        for temp, _ in temps:
            temp.unlink(missing_ok=True)
    return list(targets)

