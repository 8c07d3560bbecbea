"""The ``tinhso`` command: Django's management commands plus a few of our own.

``tinhso demo``, ``tinhso serve``, ``tinhso worker``, ``tinhso token create USERNAME``,
``tinhso audit verify`` and every ``manage.py`` command (``tinhso migrate``…).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tinhso.settings")
    if len(argv) > 1 and argv[1] == "demo":
        os.environ.setdefault("TINHSO_ENV", "demo")
    from tinhso.config import ConfigError

    try:
        import django
        from django.core.management import execute_from_command_line

        django.setup()
    except ConfigError as exc:
        print(f"tinhso: cấu hình không hợp lệ — {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
