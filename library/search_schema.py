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

# The expression must match search.py's query exactly, or PostgreSQL won't use the index.
# With the names in other languages (Topic.names): a Spanish query finds its topic.
PG_TOPIC_NAMES = "lower(name || ' ' || synonyms::text || ' ' || names::text)"
# A stored tsvector, kept by a trigger: ranking reads it instead of parsing every matching body.
# (A trigger, not a generated column, so that later ALTERs of heading or body still work.)
PG_SECTION_VECTOR = "search_vector"
_PG_VECTOR_OF_NEW = (
    "setweight(to_tsvector('english'::regconfig, coalesce(NEW.heading, '')), 'A')"
    " || setweight(to_tsvector('english'::regconfig, coalesce(NEW.body, '')), 'B')"
)

PG_TOPIC_INDEX = [
    "DROP INDEX IF EXISTS library_topic_names_trgm",  # over name and synonyms only, before Topic.names
    f"CREATE INDEX IF NOT EXISTS library_topic_all_names_trgm ON library_topic USING gin (({PG_TOPIC_NAMES})"
    " gin_trgm_ops)",
]
POSTGRES = [
    "DROP INDEX IF EXISTS library_section_fts",  # the expression index of the first version
    "ALTER TABLE library_section ADD COLUMN IF NOT EXISTS search_vector tsvector",
    f"""CREATE OR REPLACE FUNCTION library_section_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN NEW.search_vector := {_PG_VECTOR_OF_NEW}; RETURN NEW; END $$""",
    "DROP TRIGGER IF EXISTS library_section_search_vector ON library_section",
    """CREATE TRIGGER library_section_search_vector BEFORE INSERT OR UPDATE OF heading, body ON library_section
        FOR EACH ROW EXECUTE FUNCTION library_section_search_vector()""",
    "UPDATE library_section SET heading = heading WHERE search_vector IS NULL",
    "CREATE INDEX IF NOT EXISTS library_section_search_vector ON library_section USING gin (search_vector)",
]


def install(connection) -> None:
    """Create what is missing; rebuild the SQLite index when a trigger had been lost."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Migration 0002 runs before Topic.names exists: the check after migrate adds that index.
            columns = {c.name for c in connection.introspection.get_table_description(cursor, "library_topic")}
            for statement in POSTGRES + (PG_TOPIC_INDEX if "names" in columns else []):
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
            cursor.execute("DROP INDEX IF EXISTS library_topic_all_names_trgm")
            cursor.execute("DROP TRIGGER IF EXISTS library_section_search_vector ON library_section")
            cursor.execute("DROP FUNCTION IF EXISTS library_section_search_vector()")
            cursor.execute("ALTER TABLE library_section DROP COLUMN IF EXISTS search_vector")
        elif connection.vendor == "sqlite":
            for name in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute("DROP TABLE IF EXISTS library_section_fts")
