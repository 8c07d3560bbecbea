from __future__ import annotations


class LoadError(Exception):
    """A load refused or failed; ``message`` is shown to the publisher (Vietnamese)."""

    def __init__(self, message: str, *, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


class ColumnConversionError(Exception):
    """A value could not be converted to the inferred type of its column."""

    def __init__(self, column: int, value: str, line: int | None = None) -> None:
        super().__init__(f"column {column}: {value!r}")
        self.column = column
        self.value = value
        self.line = line
