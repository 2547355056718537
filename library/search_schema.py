"""Database objects that search needs beyond the models: FTS5 on SQLite, GIN indexes on PostgreSQL.

Installed by migration 0002 and checked again after every migrate: SQLite rebuilds a table
to alter it, which drops its triggers, and a silently unsynced index would be a bug.
"""

SQLITE_TRIGGERS = {
    "library_section_fts_ai": """
        CREATE TRIGGER library_section_fts_ai AFTER INSERT ON library_section BEGIN
            INSERT INTO library_section_fts(rowid, heading, body) VALUES (new.id, new.heading, new.body);
        END""",
    "library_section_fts_ad": """
        CREATE TRIGGER library_section_fts_ad AFTER DELETE ON library_section BEGIN
            INSERT INTO library_section_fts(library_section_fts, rowid, heading, body)
            VALUES ('delete', old.id, old.heading, old.body);
        END""",
    "library_section_fts_au": """
        CREATE TRIGGER library_section_fts_au AFTER UPDATE OF heading, body ON library_section BEGIN
            INSERT INTO library_section_fts(library_section_fts, rowid, heading, body)
            VALUES ('delete', old.id, old.heading, old.body);
            INSERT INTO library_section_fts(rowid, heading, body) VALUES (new.id, new.heading, new.body);
        END""",
}

SQLITE_TABLE = """
    CREATE VIRTUAL TABLE IF NOT EXISTS library_section_fts USING fts5(
        heading, body, content='library_section', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    )"""

# The expressions must match search.py's queries exactly, or PostgreSQL won't use the indexes.
PG_TOPIC_NAMES = "lower(name || ' ' || synonyms::text)"
PG_SECTION_VECTOR = "to_tsvector('english'::regconfig, heading || ' ' || body)"

POSTGRES = [
    f"CREATE INDEX IF NOT EXISTS library_topic_names_trgm ON library_topic USING gin (({PG_TOPIC_NAMES}) gin_trgm_ops)",
    f"CREATE INDEX IF NOT EXISTS library_section_fts ON library_section USING gin (({PG_SECTION_VECTOR}))",
]


def install(connection) -> None:
    """Create what is missing; rebuild the SQLite index when a trigger had been lost."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for statement in POSTGRES:
                cursor.execute(statement)
            return
        if connection.vendor != "sqlite":
            return
        cursor.execute(SQLITE_TABLE)
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'library_section_fts_%'")
        present = {row[0] for row in cursor.fetchall()}
        missing = [name for name in SQLITE_TRIGGERS if name not in present]
        for name in missing:
            cursor.execute(SQLITE_TRIGGERS[name])
        if missing:
            cursor.execute("INSERT INTO library_section_fts(library_section_fts) VALUES ('rebuild')")


def uninstall(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP INDEX IF EXISTS library_topic_names_trgm")
            cursor.execute("DROP INDEX IF EXISTS library_section_fts")
        elif connection.vendor == "sqlite":
            for name in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute("DROP TABLE IF EXISTS library_section_fts")
