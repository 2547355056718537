"""One archive file per backup: the database snapshot, the uploaded files, the letter archive
and a manifest (row counts, SHA-256 of every file). Restoring checks every hash first.

Layout of the .tar.gz: manifest.json; database.dump (pg_dump custom format) or
database.sqlite3; media/<path> for each uploaded file; letters/delivery-<id>.eml|pdf, the
archived letters as sent, readable without restoring anything.
"""

import hashlib
import io
import json
import shutil
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from . import databases
from .databases import BackupError

FORMAT = 1
MANIFEST = "manifest.json"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> str:
    info = tarfile.TarInfo(name)
    info.size, info.mtime = len(data), int(timezone.now().timestamp())
    tar.addfile(info, io.BytesIO(data))
    return hashlib.sha256(data).hexdigest()


def media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else []


def backup_create(*, output: Path) -> dict:
    """Write the archive to `output` (whole or not at all) and return its manifest."""
    manifest: dict = {"format": FORMAT, "created_at": timezone.now().isoformat(), "vendor": connection.vendor}
    files: dict[str, str] = {}
    partial = output.with_name(output.name + ".partial")
    with tempfile.TemporaryDirectory() as work, tarfile.open(partial, "w:gz") as tar:
        # The database first: every uploaded file its rows name exists by then (files are
        # written before their row and, apart from the purge, never removed).
        with databases.snapshot(Path(work)) as (dump, cursor, tables):
            manifest["counts"] = databases.table_counts(cursor, tables)
            letters = {}
            for delivery_id, kind, data in databases.archived_letters(cursor):
                name = f"letters/delivery-{delivery_id}.{kind}"
                files[name] = _add_bytes(tar, name, data)
                letters.setdefault(str(delivery_id), {})[kind] = name
        manifest["database"] = dump.name
        files[dump.name] = sha256_file(dump)
        tar.add(dump, dump.name)
        root = Path(settings.MEDIA_ROOT)
        for path in media_files():
            name = "media/" + path.relative_to(root).as_posix()
            files[name] = _add_bytes(tar, name, path.read_bytes())
        manifest["letters"], manifest["files"] = letters, files
        _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=2, sort_keys=True).encode())
    partial.replace(output)
    return manifest


def _read_checked(archive: Path, into: Path) -> dict:
    """Extract and check every file against the manifest; raise before anything is restored."""
    try:
        with tarfile.open(archive, "r:*") as tar:
            tar.extractall(into, filter="data")  # refuses absolute paths, "..", links out
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"{archive} is not a readable backup archive: {exc}") from exc
    try:
        manifest = json.loads((into / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"{archive} has no readable {MANIFEST}.") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r} (this version reads {FORMAT}).")
    present = {p.relative_to(into).as_posix() for p in into.rglob("*") if p.is_file()} - {MANIFEST}
    if present != set(manifest["files"]):
        raise BackupError(f"The archive's files differ from its manifest: {sorted(present ^ set(manifest['files']))}")
    bad = [name for name, digest in manifest["files"].items() if sha256_file(into / name) != digest]
    if bad:
        raise BackupError(f"SHA-256 mismatch, the archive is damaged: {', '.join(sorted(bad))}")
    return manifest


def _check_restored(manifest: dict) -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = databases.table_counts(cursor, connection.introspection.table_names(cursor))
        letters = {
            f"letters/delivery-{delivery_id}.{kind}": hashlib.sha256(data).hexdigest()
            for delivery_id, kind, data in databases.archived_letters(cursor)
        }
    if counts != manifest["counts"]:
        raise BackupError("The restored database's row counts differ from the manifest's.")
    expected = {name: manifest["files"][name] for kinds in manifest["letters"].values() for name in kinds.values()}
    if letters != expected:
        raise BackupError("The restored letter archive differs from the manifest's hashes.")
    return counts


def backup_restore(*, archive: Path, force: bool = False) -> dict[str, int]:
    """Restore into an empty database and media folder (or over them with force); the row counts."""
    media = Path(settings.MEDIA_ROOT)
    if not force:
        if not databases.database_is_empty():
            raise BackupError("The database is not empty: restore into a new database, or pass --force.")
        if media_files():
            raise BackupError(f"The media folder {media} is not empty: use an empty one, or pass --force.")
    with tempfile.TemporaryDirectory() as work:
        manifest = _read_checked(archive, Path(work))
        if manifest["vendor"] != connection.vendor:
            raise BackupError(f"This is a {manifest['vendor']} backup; the database here is {connection.vendor}.")
        databases.restore(Path(work) / manifest["database"], force=force)
        source = Path(work) / "media"
        if source.is_dir():
            shutil.copytree(source, media, dirs_exist_ok=True)
    return _check_restored(manifest)
