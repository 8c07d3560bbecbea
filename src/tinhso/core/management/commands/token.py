from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tinhso.core.models import ApiToken, User
from tinhso.core.services import DomainError, token_create, token_revoke


class Command(BaseCommand):
    help = "Tạo, liệt kê hoặc thu hồi khoá API: token create USERNAME | token list USERNAME | token revoke PREFIX"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="tạo khoá mới và in ra một lần")
        create.add_argument("username")
        create.add_argument("--name", default="cli", help="tên gợi nhớ của khoá")
        listing = sub.add_parser("list", help="liệt kê khoá của một người dùng")
        listing.add_argument("username")
        revoke = sub.add_parser("revoke", help="thu hồi khoá theo tiền tố")
        revoke.add_argument("prefix")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "revoke":
            tokens = list(
                ApiToken.objects.filter(prefix=options["prefix"], revoked_at__isnull=True)
            )
            if not tokens:
                raise CommandError(
                    f"Không có khoá đang hiệu lực với tiền tố {options['prefix']!r}."
                )
            for t in tokens:
                token_revoke(token=t)
            self.stdout.write(f"Đã thu hồi {len(tokens)} khoá.")
            return
        try:
            user = User.objects.get(username=options["username"])
        except User.DoesNotExist:
            raise CommandError(f"Không có người dùng {options['username']!r}.") from None
        if action == "list":
            for t in ApiToken.objects.filter(user=user).order_by("created_at"):
                state = (
                    "đã thu hồi" if t.revoked_at else ("hết hạn" if not t.is_active else "hiệu lực")
                )
                self.stdout.write(
                    f"{t.prefix}  {t.name}  {state}  dùng lần cuối: {t.last_used_at or '-'}"
                )
            return
        try:
            _token, key = token_create(user=user, name=options["name"])
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(key)
