"""Full-text index per engine, kept in step with catalog_searchentry by triggers.

SQLite: an external-content FTS5 table (folded text, so unicode61 needs no diacritics
handling; prefix indexes for 2- and 3-letter prefixes; rank = bm25 with the title ×10).
PostgreSQL: a BEFORE trigger fills the weighted ``document`` tsvector (title A, body B)
with the ``simple`` configuration (no stemming: Vietnamese), plus a GIN index.
"""

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE catalog_search_fts USING fts5(
        text_title, text_body, content='catalog_searchentry', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2', prefix='2 3')""",
    "INSERT INTO catalog_search_fts(catalog_search_fts, rank) VALUES('rank', 'bm25(10.0, 1.0)')",
    """CREATE TRIGGER catalog_searchentry_fts_ai AFTER INSERT ON catalog_searchentry BEGIN
        INSERT INTO catalog_search_fts(rowid, text_title, text_body)
        VALUES (new.id, new.text_title, new.text_body); END""",
    """CREATE TRIGGER catalog_searchentry_fts_ad AFTER DELETE ON catalog_searchentry BEGIN
        INSERT INTO catalog_search_fts(catalog_search_fts, rowid, text_title, text_body)
        VALUES ('delete', old.id, old.text_title, old.text_body); END""",
    """CREATE TRIGGER catalog_searchentry_fts_au AFTER UPDATE OF text_title, text_body
        ON catalog_searchentry BEGIN
        INSERT INTO catalog_search_fts(catalog_search_fts, rowid, text_title, text_body)
        VALUES ('delete', old.id, old.text_title, old.text_body);
        INSERT INTO catalog_search_fts(rowid, text_title, text_body)
        VALUES (new.id, new.text_title, new.text_body); END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS catalog_searchentry_fts_au",
    "DROP TRIGGER IF EXISTS catalog_searchentry_fts_ad",
    "DROP TRIGGER IF EXISTS catalog_searchentry_fts_ai",
    "DROP TABLE IF EXISTS catalog_search_fts",
]
POSTGRES_FORWARD = [
    """CREATE OR REPLACE FUNCTION catalog_searchentry_document() RETURNS trigger AS $$
    BEGIN
        NEW.document :=
            setweight(to_tsvector('simple'::regconfig, coalesce(NEW.text_title, '')), 'A') ||
            setweight(to_tsvector('simple'::regconfig, coalesce(NEW.text_body, '')), 'B');
        RETURN NEW;
    END
    $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER catalog_searchentry_document_tg
        BEFORE INSERT OR UPDATE OF text_title, text_body ON catalog_searchentry
        FOR EACH ROW EXECUTE FUNCTION catalog_searchentry_document()""",
    "CREATE INDEX catalog_searchentry_document_gin ON catalog_searchentry USING gin (document)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS catalog_searchentry_document_gin",
    "DROP TRIGGER IF EXISTS catalog_searchentry_document_tg ON catalog_searchentry",
    "DROP FUNCTION IF EXISTS catalog_searchentry_document()",
]


def _run(schema_editor, statements):
    for statement in statements:
        schema_editor.execute(statement)


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_FORWARD)
    elif vendor == "postgresql":
        _run(schema_editor, POSTGRES_FORWARD)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_BACKWARD)
    elif vendor == "postgresql":
        _run(schema_editor, POSTGRES_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_search_index")]
    operations = [migrations.RunPython(forward, backward)]
