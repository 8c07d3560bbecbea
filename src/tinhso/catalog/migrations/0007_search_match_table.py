"""PostgreSQL: a narrow table for matching (who matches, not how well).

Finding which entries match a query (counts and facets come from those ids) visits the
heap of every matching row; ``catalog_searchentry`` rows are wide (text, sort keys and the
weighted ``document``), so a broad prefix such as "dan" read most of its 96 MB at 100,000
datasets. ``catalog_searchmatch`` holds per entry only the lexemes, without positions or
weights (``strip``): ``body`` for the whole text and ``title`` for the title, each with a
GIN index, about a third of the size. Triggers keep it in step with the entries; ranking
still reads ``document``. Nothing changes on SQLite (FTS5 answers from its own index).
"""

from django.db import migrations

POSTGRES_FORWARD = [
    """CREATE TABLE catalog_searchmatch (
        id integer PRIMARY KEY,
        body tsvector NOT NULL,
        title tsvector NOT NULL)""",
    """CREATE OR REPLACE FUNCTION catalog_searchmatch_sync() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            DELETE FROM catalog_searchmatch WHERE id = OLD.id;
            RETURN OLD;
        END IF;
        INSERT INTO catalog_searchmatch (id, body, title)
        VALUES (NEW.id, strip(NEW.document),
                strip(to_tsvector('simple'::regconfig, coalesce(NEW.text_title, ''))))
        ON CONFLICT (id) DO UPDATE SET body = EXCLUDED.body, title = EXCLUDED.title;
        RETURN NEW;
    END
    $$ LANGUAGE plpgsql""",
    """CREATE OR REPLACE FUNCTION catalog_searchmatch_truncate() RETURNS trigger AS $$
    BEGIN
        TRUNCATE catalog_searchmatch;
        RETURN NULL;
    END
    $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER catalog_searchentry_match_tg
        AFTER INSERT OR DELETE OR UPDATE OF text_title, text_body ON catalog_searchentry
        FOR EACH ROW EXECUTE FUNCTION catalog_searchmatch_sync()""",
    """CREATE TRIGGER catalog_searchentry_match_truncate_tg
        AFTER TRUNCATE ON catalog_searchentry
        FOR EACH STATEMENT EXECUTE FUNCTION catalog_searchmatch_truncate()""",
    """INSERT INTO catalog_searchmatch (id, body, title)
        SELECT id, strip(coalesce(document, ''::tsvector)),
               strip(to_tsvector('simple'::regconfig, coalesce(text_title, '')))
        FROM catalog_searchentry""",
    "CREATE INDEX catalog_searchmatch_body_gin ON catalog_searchmatch USING gin (body)",
    "CREATE INDEX catalog_searchmatch_title_gin ON catalog_searchmatch USING gin (title)",
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS catalog_searchentry_match_truncate_tg ON catalog_searchentry",
    "DROP TRIGGER IF EXISTS catalog_searchentry_match_tg ON catalog_searchentry",
    "DROP FUNCTION IF EXISTS catalog_searchmatch_truncate()",
    "DROP FUNCTION IF EXISTS catalog_searchmatch_sync()",
    "DROP TABLE IF EXISTS catalog_searchmatch",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0006_search_covering_indexes")]
    operations = [migrations.RunPython(forward, backward)]
