"""Django's SQLite backend, with a ``flush`` that behaves like PostgreSQL's TRUNCATE."""
