"""Back up a seeded database, restore it into a new one, compare every table and every letter."""

import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from inquiries.models import Inquiry
from inquiries.services import inquiry_attach
from lib import roles
from replies.models import Delivery, Reply
from replies.outbox.deliveries import delivery_queue

# Real commits: pg_dump reads the database from its own session.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def seeded(media):
    """The demo data, an uploaded attachment, and one letter sent by email with its PDF."""
    for name in roles.ALL_ROLES:  # a transactional test before this one may have flushed them
        Group.objects.get_or_create(name=name)
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    sender = User.objects.get(username="specialist")
    inquiry_attach(
        inquiry=Inquiry.objects.first(), upload=SimpleUploadedFile("scan.pdf", b"%PDF-1.4 scan"), by=sender
    )
    reply = Reply.objects.first()
    Reply.objects.filter(pk=reply.pk).update(status=Reply.Status.APPROVED)
    delivery = delivery_queue(
        reply=reply, by=sender, method=Delivery.Method.EMAIL, attach_pdf=True, confirm_stale=True
    )
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT and delivery.eml and delivery.pdf
    return delivery


def restore_elsewhere(archive: Path, database_url: str, media: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url, "MEDIA_ROOT": str(media), "DEBUG": "1"}
    return subprocess.run(
        [sys.executable, "manage.py", "restore", str(archive), *args],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=300,
    )


def source_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


LETTERS = "SELECT id, eml, pdf FROM replies_delivery"


def letter_hashes(rows) -> dict[tuple[int, str], str]:
    return {
        (pk, kind): hashlib.sha256(bytes(data)).hexdigest()
        for pk, eml, pdf in rows
        for kind, data in (("eml", eml), ("pdf", pdf))
        if data
    }


@pytest.fixture
def target(tmp_path):
    """(DATABASE_URL of a new, empty database, a function reading it: counts and letter hashes)."""
    if connection.vendor == "sqlite":
        path = tmp_path / "restored.sqlite3"
        tables_sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"

        def read():
            with sqlite3.connect(path) as db:
                tables = [r[0] for r in db.execute(tables_sql)]
                counts = {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}  # noqa: S608
                return counts, letter_hashes(db.execute(LETTERS) if counts else [])

        yield f"sqlite:///{path}", read
        return
    source = connection.settings_dict
    name = f"{source['NAME']}_restore"
    tables_sql = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
    params = {"host": source["HOST"], "port": source["PORT"], "user": source["USER"], "password": source["PASSWORD"]}
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')

    def read():
        with psycopg.connect(dbname=name, **params) as db:
            tables = [r[0] for r in db.execute(tables_sql)]
            counts = {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}  # noqa: S608
            return counts, letter_hashes(db.execute(LETTERS) if counts else [])

    user = f"{source['USER']}:{source['PASSWORD']}@" if source["PASSWORD"] else f"{source['USER']}@"
    yield f"postgres://{user}{source['HOST']}:{source['PORT']}/{name}", read
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_it_restores_every_row_file_and_letter_into_a_new_database(seeded, media, target, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", "--output", str(archive), stdout=open(os.devnull, "w"))  # noqa: SIM115
    database_url, read_target = target

    result = restore_elsewhere(archive, database_url, tmp_path / "restored-media")

    assert result.returncode == 0, result.stderr
    assert "every hash checked" in result.stdout
    counts, letters = read_target()
    expected = source_counts()
    assert counts == expected
    assert expected["replies_delivery"] == 1 and expected["inquiries_inquiry"] > 0
    assert letters == {
        (seeded.pk, "eml"): seeded.eml_sha256, (seeded.pk, "pdf"): seeded.pdf_sha256
    }
    (uploaded,) = [p for p in media.rglob("*") if p.is_file()]
    restored = tmp_path / "restored-media" / uploaded.relative_to(media)
    assert restored.read_bytes() == uploaded.read_bytes()
    assert f"{expected['inquiries_inquiry']:>10}  inquiries_inquiry" in result.stdout


def test_it_writes_a_manifest_with_counts_and_the_hash_of_every_file(seeded, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", "--output", str(archive), stdout=open(os.devnull, "w"))  # noqa: S108, SIM115
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        members = {m.name: hashlib.sha256(tar.extractfile(m).read()).hexdigest() for m in tar if m.isfile()}
    assert manifest["counts"] == source_counts()
    assert members.pop("manifest.json")
    assert members == manifest["files"]
    assert manifest["files"][f"letters/delivery-{seeded.pk}.pdf"] == seeded.pdf_sha256
    assert any(name.startswith("media/inquiries/attachments/") for name in members)


def test_it_refuses_a_damaged_archive_and_restores_nothing(seeded, target, tmp_path):
    archive, damaged = tmp_path / "backup.tar.gz", tmp_path / "damaged.tar.gz"
    call_command("backup", "--output", str(archive), stdout=open(os.devnull, "w"))  # noqa: SIM115
    with tarfile.open(archive) as source, tarfile.open(damaged, "w:gz") as copy:
        for member in source:
            data = source.extractfile(member).read()
            if member.name.endswith(".eml"):
                data = data.replace(b"Subject:", b"Subject: [changed]", 1)
                member.size = len(data)
            copy.addfile(member, io.BytesIO(data))
    database_url, read_target = target

    result = restore_elsewhere(damaged, database_url, tmp_path / "restored-media")

    assert result.returncode != 0
    assert "SHA-256 mismatch" in result.stderr and f"letters/delivery-{seeded.pk}.eml" in result.stderr
    assert read_target()[0] == {}
    assert not (tmp_path / "restored-media").exists()


def test_it_refuses_to_restore_over_a_database_in_use(seeded, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", "--output", str(archive), stdout=open(os.devnull, "w"))  # noqa: SIM115
    before = source_counts()
    with pytest.raises(CommandError, match="The database is not empty"):
        call_command("restore", str(archive))
    assert source_counts() == before
