"""Benchmark: CKAN ``package_search`` over N synthetic Vietnamese datasets.

    python bench/catalog_search.py                       # 100,000 datasets, SQLite
    python bench/catalog_search.py --n 10000             # smaller, to iterate
    python bench/catalog_search.py --database-url postgres://postgres@127.0.0.1:5432/tinhso_bench

1. Builds N datasets with fast bulk inserts (organizations, 15 groups, tags, licences,
   1–3 resources each), then times ``tinhso catalog reindex`` (the index build).
2. Runs a fixed, seeded mix of ``package_search`` calls (free text with and without
   diacritics, prefixes, facets, fq filters, sorts, deep pages) three ways, in the same run:
   * through Django's test client (``/api/3/action/package_search``),
   * over HTTP against ``tinhso serve`` (gunicorn) on 127.0.0.1 and a free port,
   * as bare SQL on the same index (the floor): the SQL statements each call runs,
     captured once and replayed with a plain DB-API cursor (fetching every row), i.e. the
     database's share of the call without Django, the ORM, JSON or HTTP.
3. Prints p50/p95/p99 per path, the overhead ratio over the floor, and checks that every
   API answer has the same count as the floor.

The database is the benchmark's own: SQLite under ``--var-dir`` (default
``/tmp/tinhso-bench``), or a PostgreSQL database whose name contains ``bench`` (created if
missing). Its catalog tables are emptied and refilled unless ``--reuse`` finds N datasets.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlparse

T = TypeVar("T")
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

TOPICS = [
    ("Dân số", "dân cư, hộ gia đình, tỷ lệ sinh"),
    ("Giáo dục", "trường học, học sinh, giáo viên"),
    ("Y tế", "bệnh viện, trạm y tế, tiêm chủng"),
    ("Giao thông", "tuyến đường, cầu, xe khách"),
    ("Du lịch", "khách sạn, lượt khách, điểm đến"),
    ("Môi trường", "chất lượng không khí, nước thải, rác thải"),
    ("Nông nghiệp", "diện tích lúa, sản lượng, chăn nuôi"),
    ("Tài chính", "thu ngân sách, chi ngân sách, thuế"),
    ("Đầu tư", "dự án, vốn đầu tư, khu công nghiệp"),
    ("Công thương", "doanh nghiệp, chợ, xuất khẩu"),
    ("Văn hóa", "di tích, lễ hội, thư viện"),
    ("Lao động", "việc làm, bảo hiểm xã hội, hộ nghèo"),
    ("Xây dựng", "quy hoạch, nhà ở, giấy phép xây dựng"),
    ("Thông tin", "bưu chính, viễn thông, chuyển đổi số"),
    ("Khoa học", "đề tài, sáng chế, công nghệ"),
]
PLACES = [
    "Thanh Hóa",
    "Sầm Sơn",
    "Bỉm Sơn",
    "Nghi Sơn",
    "Hoằng Hóa",
    "Hậu Lộc",
    "Nga Sơn",
    "Thọ Xuân",
    "Triệu Sơn",
    "Quảng Xương",
    "Tĩnh Gia",
    "Đông Sơn",
    "Yên Định",
    "Vĩnh Lộc",
    "Thạch Thành",
    "Cẩm Thủy",
    "Ngọc Lặc",
    "Lang Chánh",
    "Bá Thước",
    "Quan Hóa",
    "Mường Lát",
]
KINDS = ["Danh sách", "Thống kê", "Số liệu", "Báo cáo", "Bản đồ", "Chỉ tiêu"]
TAGS = [
    *sorted({w.strip() for _t, words in TOPICS for w in words.split(",")}),
    "thống kê",
    "mở",
    "hằng năm",
    "cấp xã",
    "cấp tỉnh",
    "thanh hóa",
]
FORMATS = ["CSV", "XLSX", "JSON", "PDF", "XML"]
LICENCES = ["CC-BY-4.0", "CC0-1.0", "ODC-BY-1.0", "ODbL-1.0", "other-open"]
GROUP_NAMES = [
    "dan-so",
    "giao-duc",
    "y-te",
    "giao-thong",
    "du-lich",
    "moi-truong",
    "nong-nghiep",
    "tai-chinh",
    "dau-tu",
    "cong-thuong",
    "van-hoa",
    "lao-dong",
    "xay-dung",
    "thong-tin",
    "khoa-hoc",
]
ORG_NAMES = [f"so-{i:02d}" for i in range(1, 21)]

# --- set-up ---------------------------------------------------------------------------------


def configure(args: argparse.Namespace) -> None:
    var_dir = Path(args.var_dir)
    var_dir.mkdir(parents=True, exist_ok=True)
    os.environ["TINHSO_VAR_DIR"] = str(var_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tinhso.settings"
    os.environ.setdefault("TINHSO_ENV", "development")
    os.environ["DEBUG"] = "false"
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ["TASK_BACKEND"] = "immediate"
    if args.database_url:
        url = urlparse(args.database_url)
        name = url.path.lstrip("/")
        if "bench" not in name:
            raise SystemExit("--database-url: the database name must contain 'bench' (it is wiped)")
        ensure_postgres_database(args.database_url, name)
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{var_dir / f'bench-{args.n}.sqlite3'}"
    import django

    django.setup()


def ensure_postgres_database(url: str, name: str) -> None:
    import psycopg

    admin_url = urlparse(url)._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def build(n: int, seed: int) -> dict[str, float]:
    """Fill the catalog with ``n`` datasets (bulk inserts) and rebuild the search index."""
    from django.core.management import call_command
    from django.db import connection, transaction

    from tinhso.catalog.models import (
        Dataset,
        Group,
        License,
        Organization,
        Resource,
        Tag,
    )
    from tinhso.core.models import Agency
    from tinhso.core.text import fold

    rng = random.Random(seed)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    with transaction.atomic():
        with connection.cursor() as cursor:
            for table in (
                "catalog_searchfacet",
                "catalog_searchentry",
                "catalog_resource",
                "catalog_dataset_tags",
                "catalog_dataset_groups",
                "catalog_dataset_spatial",
                "catalog_activity",
                "catalog_harvesteddataset",
                "catalog_dataset",
            ):
                cursor.execute(f"DELETE FROM {table}")
        province = Agency.objects.filter(code="000.00.00.H99").first() or Agency.objects.create(
            code="000.00.00.H99", name="Ủy ban nhân dân tỉnh Thử Nghiệm", level="province"
        )
        orgs = []
        for i, name in enumerate(ORG_NAMES, 1):
            agency, _ = Agency.objects.get_or_create(
                code=f"000.00.{i:02d}.H99",
                defaults={"name": f"Sở thử nghiệm {i}", "level": "department", "parent": province},
            )
            org, _ = Organization.objects.get_or_create(
                name=name, defaults={"agency": agency, "title": f"Sở thử nghiệm {i}"}
            )
            orgs.append(org)
        groups = []
        for (title, _words), name in zip(TOPICS, GROUP_NAMES, strict=True):
            group, _ = Group.objects.get_or_create(name=name, defaults={"title": title})
            groups.append(group)
        tags = [Tag.objects.get_or_create(name=t)[0] for t in TAGS]
        licences = {lic.id for lic in License.objects.all()}
        assert set(LICENCES) <= licences, "licences are seeded by migration 0004"

        now = datetime.now(UTC)
        datasets: list[Dataset] = []
        group_links: list[Any] = []
        tag_links: list[Any] = []
        resources: list[Resource] = []
        GroupLink = Dataset.groups.through
        TagLink = Dataset.tags.through
        for i in range(n):
            topic = rng.randrange(len(TOPICS))
            title_topic, words = TOPICS[topic]
            place = rng.choice(PLACES)
            year = rng.randint(2010, 2025)
            title = f"{rng.choice(KINDS)} {title_topic.lower()} {place} năm {year} ({i})"
            notes = (
                f"Bộ dữ liệu về {title_topic.lower()} ({words}) trên địa bàn {place}, "
                f"cập nhật năm {year}. Nguồn: {orgs[topic % len(orgs)].title}."
            )
            modified = now - timedelta(minutes=rng.randint(0, 5 * 365 * 24 * 60))
            state = "active" if rng.random() < 0.97 else rng.choice(["draft", "deleted"])
            dataset = Dataset(
                id=uuid.UUID(int=rng.getrandbits(128)),
                name=f"bo-du-lieu-{i:06d}",
                title=title,
                notes=notes,
                organization=orgs[(topic + rng.randrange(3)) % len(orgs)],
                license_id=rng.choice(LICENCES),
                state=state,
                private=rng.random() < 0.02,
                metadata_created=modified - timedelta(days=rng.randint(0, 400)),
                metadata_modified=modified,
                search_title=fold(title),
            )
            datasets.append(dataset)
            for g in {topic, rng.randrange(len(groups))} if rng.random() < 0.3 else {topic}:
                group_links.append(GroupLink(dataset_id=dataset.id, group_id=groups[g].id))
            for tag in rng.sample(tags, rng.randint(2, 5)):
                tag_links.append(TagLink(dataset_id=dataset.id, tag_id=tag.id))
            for position in range(rng.randint(1, 3)):
                fmt = rng.choice(FORMATS)
                resources.append(
                    Resource(
                        dataset_id=dataset.id,
                        name=f"{title_topic} {year} ({fmt})",
                        url=f"https://dulieu.example.vn/files/{i}/{position}.{fmt.lower()}",
                        format=fmt,
                        position=position,
                        size=rng.randint(1_000, 5_000_000),
                    )
                )
        Dataset.objects.bulk_create(datasets, batch_size=2000)
        GroupLink.objects.bulk_create(group_links, batch_size=5000)
        TagLink.objects.bulk_create(tag_links, batch_size=5000)
        Resource.objects.bulk_create(resources, batch_size=2000)
    timings["insert_seconds"] = time.perf_counter() - started
    started = time.perf_counter()
    call_command("catalog", "reindex", stdout=io.StringIO())
    timings["index_build_seconds"] = time.perf_counter() - started
    return timings


# --- the query mix --------------------------------------------------------------------------


@dataclass
class Query:
    q: str = ""
    filters: list[tuple[str, str]] = field(default_factory=list)  # (CKAN field, value)
    sort: str = ""
    start: int = 0
    rows: int = 10
    facets: bool = False
    kind: str = ""

    def params(self) -> dict[str, str]:
        params: dict[str, str] = {"rows": str(self.rows), "start": str(self.start)}
        if self.q:
            params["q"] = self.q
        if self.filters:
            params["fq"] = " ".join(f'{f}:"{v}"' for f, v in self.filters)
        if self.sort:
            params["sort"] = self.sort
        if self.facets:
            params["facet.field"] = json.dumps(
                ["organization", "groups", "tags", "res_format", "license_id"]
            )
            params["facet.limit"] = "50"
        return params


def query_mix(count: int, seed: int, n: int) -> list[Query]:
    from tinhso.core.text import fold

    rng = random.Random(seed + 1)
    texts = (
        [t.lower() for t, _ in TOPICS]
        + [p for p in PLACES]
        + [
            "dân số thanh hóa",
            "bệnh viện",
            "trường học",
            "khách sạn sầm sơn",
            "tiêm chủng",
            "thu ngân sách",
            "năm 2020",
            "chất lượng không khí",
            "giấy phép xây dựng",
        ]
    )
    prefixes = ["gia", "dan", "thanh h", "bao c", "nong ngh", "du li", "mo", "ho"]
    sorts = ["metadata_modified desc", "title_string asc", "name asc", "name desc"]
    queries: list[Query] = []
    for _ in range(count):
        r = rng.random()
        text = rng.choice(texts)
        if r < 0.25:
            queries.append(Query(q=text, kind="text (diacritics)"))
        elif r < 0.45:
            queries.append(Query(q=fold(text), kind="text (no diacritics)"))
        elif r < 0.52:
            queries.append(Query(q=rng.choice(prefixes), kind="prefix"))
        elif r < 0.65:
            queries.append(
                Query(filters=[rng.choice(_filters(rng))], facets=True, kind="filter + facets")
            )
        elif r < 0.80:
            queries.append(
                Query(
                    q=rng.choice([text, fold(text)]),
                    filters=[rng.choice(_filters(rng))],
                    facets=True,
                    kind="text + filter + facets",
                )
            )
        elif r < 0.90:
            queries.append(
                Query(
                    sort=rng.choice(sorts),
                    start=rng.randrange(n // 4, max(n // 4 + 1, n // 2)),
                    rows=rng.choice([10, 100]),
                    kind="deep page",
                )
            )
        else:
            queries.append(Query(sort=rng.choice(sorts), facets=True, kind="all + facets"))
    return queries


def _filters(rng: random.Random) -> list[tuple[str, str]]:
    return [
        ("organization", rng.choice(ORG_NAMES)),
        ("groups", rng.choice(GROUP_NAMES)),
        ("tags", rng.choice(TAGS)),
        ("res_format", rng.choice(FORMATS)),
        ("license_id", rng.choice(LICENCES)),
    ]


def fresh_mix(count: int, seed: int, seen: Sequence[Query]) -> list[Query]:
    """``count`` text queries that differ from each other and from the main mix, so no
    per-process cache has their answer: word pairs of the synthetic vocabulary (kinds,
    topics, places, years, topic words) and 2–4-letter prefixes, half without diacritics,
    a third with a filter and facets."""
    from tinhso.core.text import fold

    rng = random.Random(seed + 2)
    words = sorted(
        {
            w
            for phrase in [*KINDS, *PLACES, *(t for t, _ in TOPICS), *TAGS]
            for w in phrase.lower().split()
        }
    )
    years = [str(y) for y in range(2010, 2026)]
    taken = {fold(q.q) for q in seen if q.q}
    queries: list[Query] = []
    while len(queries) < count:
        r = rng.random()
        if r < 0.4:
            text = f"{rng.choice(words)} {rng.choice(words)}"
        elif r < 0.6:
            text = f"{rng.choice(words)} {rng.choice(years)}"
        elif r < 0.8:
            word = fold(rng.choice([w for w in words if len(fold(w)) >= 3]))
            text = word[: rng.randint(2, min(4, len(word)))]
        else:
            first, second = rng.choice(words), fold(rng.choice(words))
            text = f"{first} {second[: rng.randint(1, len(second))]}"
        if rng.random() < 0.5:
            text = fold(text)
        key = fold(text)
        if key in taken or len(set(key.split())) < len(key.split()):
            continue
        taken.add(key)
        kind = "never-seen prefix" if len(key) <= 4 and " " not in key else "never-seen text"
        if rng.random() < 0.33:
            queries.append(
                Query(q=text, filters=[rng.choice(_filters(rng))], facets=True, kind=kind)
            )
        else:
            queries.append(Query(q=text, kind=kind))
    return queries


# --- the floor: the same statements as bare SQL --------------------------------------------


class Floor:
    """The SQL statements a ``package_search`` call runs (captured once per query with
    ``connection.execute_wrapper``), replayed with a plain DB-API cursor and fetched: the
    database's share of the call, without Django, the ORM, JSON or HTTP."""

    def __init__(self, queries: Sequence[Query]) -> None:
        from django.db import connection

        self.connection = connection
        self.statements: dict[int, list[tuple[str, Any]]] = {}
        call = client_call()
        for index, query in enumerate(queries):
            captured: list[tuple[str, Any]] = []

            def capture(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
                captured.append((sql, params))  # noqa: B023 - consumed in this iteration
                return execute(sql, params, many, context)

            with connection.execute_wrapper(capture):
                call(query)
            self.statements[index] = [
                (sql, params)
                for sql, params in captured
                if sql.lstrip().upper().startswith("SELECT")
            ]

    def run(self, index: int) -> int:
        raw = self.connection.connection  # the DB-API connection
        cursor = raw.cursor()
        try:
            for sql, params in self.statements[index]:
                if self.connection.vendor == "sqlite":
                    sql = sql.replace("%s", "?")
                cursor.execute(sql, params or ())
                cursor.fetchall()
        finally:
            cursor.close()
        return len(self.statements[index])


# --- runners --------------------------------------------------------------------------------

URL = "/api/3/action/package_search"


def time_all(queries: Sequence[T], call: Callable[[T], int]) -> tuple[list[float], list[int]]:
    times: list[float] = []
    counts: list[int] = []
    for query in queries:
        started = time.perf_counter()
        counts.append(call(query))
        times.append((time.perf_counter() - started) * 1000)
    return times, counts


def client_call() -> Callable[[Query], int]:
    from django.test import Client

    client = Client()

    def call(query: Query) -> int:
        response = client.get(URL, query.params())
        if response.status_code != 200:
            raise RuntimeError(f"{query}: HTTP {response.status_code} {response.content[:300]!r}")
        return int(json.loads(response.content)["result"]["count"])

    return call


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, workers: int) -> None:
        self.port = free_port()
        tinhso = shutil.which("tinhso", path=os.path.dirname(sys.executable)) or "tinhso"
        env = {**os.environ, "ALLOWED_HOSTS": "127.0.0.1,localhost"}
        self.process = subprocess.Popen(
            [tinhso, "serve", "--port", str(self.port), "--workers", str(workers)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.base = f"http://127.0.0.1:{self.port}"
        import httpx

        self.client = httpx.Client(base_url=self.base, timeout=60)
        deadline = time.monotonic() + 60
        while True:
            try:
                if self.client.get("/api/3/action/status_show").status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                raise RuntimeError("tinhso serve did not start")
            time.sleep(0.3)

    def call(self, query: Query) -> int:
        response = self.client.get(URL, params=query.params())
        if response.status_code != 200:
            raise RuntimeError(f"{query}: HTTP {response.status_code} {response.text[:300]}")
        return int(response.json()["result"]["count"])

    def stop(self) -> None:
        self.client.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def percentiles(values: list[float]) -> tuple[float, float, float]:
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98]


def profile_client(queries: Sequence[Query]) -> str:
    call = client_call()
    profiler = cProfile.Profile()
    profiler.enable()
    for query in queries:
        call(query)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=100_000, help="number of datasets (100000)")
    parser.add_argument("--queries", type=int, default=500, help="package_search calls (500)")
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument("--database-url", default="", help="postgres://…/<name with 'bench'>")
    parser.add_argument("--var-dir", default=str(Path(tempfile.gettempdir()) / "tinhso-bench"))
    parser.add_argument("--reuse", action="store_true", help="keep the data if N datasets exist")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument(
        "--fresh", type=int, default=100, help="never-seen text queries, reported apart (100)"
    )
    parser.add_argument("--no-http", action="store_true", help="skip the HTTP run")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the client run")
    parser.add_argument("--json", default="", help="also write the results to this JSON file")
    args = parser.parse_args()
    configure(args)

    from django.core.management import call_command
    from django.db import connection

    from tinhso.catalog import search
    from tinhso.catalog.models import Dataset

    call_command("migrate", verbosity=0)
    engine = f"{connection.vendor} {connection.Database.sqlite_version if connection.vendor == 'sqlite' else connection.cursor().connection.info.server_version}"
    timings: dict[str, float] = {}
    if args.reuse and Dataset.objects.count() == args.n:
        print(f"reusing {args.n} datasets")
        started = time.perf_counter()
        call_command("catalog", "reindex", stdout=io.StringIO())
        timings["index_build_seconds"] = time.perf_counter() - started
    else:
        print(f"building {args.n} datasets on {engine} …", flush=True)
        timings = build(args.n, args.seed)
    print(
        f"insert {timings.get('insert_seconds', 0):.1f} s, "
        f"index build (tinhso catalog reindex) {timings['index_build_seconds']:.1f} s",
        flush=True,
    )

    queries = query_mix(args.queries, args.seed, args.n)
    fresh = fresh_mix(args.fresh, args.seed, queries)
    everything = [*queries, *fresh]
    warmup = queries[: min(50, len(queries))]
    if connection.vendor == "postgresql":
        # Steady state, as autovacuum leaves it: hint bits and visibility map set.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    call = client_call()
    time_all(warmup, call)
    floor = Floor(everything)
    server = None if args.no_http else Server(args.workers)
    paths: dict[str, Callable[[int], int]] = {
        "bare SQL (floor)": floor.run,
        "Django test client": lambda i: call(everything[i]),
    }
    if server is not None:
        paths[f"HTTP (gunicorn, {args.workers} workers)"] = lambda i: server.call(everything[i])
    load_before = os.getloadavg()
    results: dict[str, tuple[list[float], list[int]]] = {name: ([], []) for name in paths}
    try:
        for run in paths.values():
            time_all(range(len(warmup)), run)
        # Interleaved: each query goes through every path in turn, so drift in the machine's
        # load or the database's state does not favour the path measured last.
        for index in range(len(everything)):
            for name, run in paths.items():
                if index >= len(queries) and name == "Django test client":
                    # Never-seen queries: the floor's capture ran them in this process.
                    search.clear_text_cache()
                times, counts = time_all([index], run)
                results[name][0].extend(times)
                results[name][1].extend(counts)
    finally:
        if server is not None:
            server.stop()
    load_after = os.getloadavg()
    print()
    print(
        f"package_search, {args.n:,} datasets, {engine}, {os.cpu_count()} CPUs, "
        f"{platform.python_implementation()} {platform.python_version()}; load average "
        f"{load_before[0]:.2f} before, {load_after[0]:.2f} after the measured calls"
    )
    main_results = {
        name: (t[: len(queries)], c[: len(queries)]) for name, (t, c) in results.items()
    }
    table = report(f"the mix, {len(queries)} calls", queries, main_results)
    fresh_table: list[dict[str, Any]] = []
    if fresh:
        fresh_results = {
            name: (t[len(queries) :], c[len(queries) :]) for name, (t, c) in results.items()
        }
        fresh_table = report(
            f"never-seen text queries, {len(fresh)} calls (no cache has them)",
            fresh,
            fresh_results,
        )
    statements = statistics.mean(len(v) for v in floor.statements.values())
    print(f"\nSQL statements per package_search call: {statements:.1f}")
    if args.profile:
        print(profile_client(queries[:200]))
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "n": args.n,
                    "engine": engine,
                    "timings": timings,
                    "load_average": [load_before, load_after],
                    "table": table,
                    "never_seen": fresh_table,
                    "statements_per_call": statements,
                },
                indent=2,
            ),
            encoding="utf-8",
        )


def report(
    title: str, queries: Sequence[Query], results: dict[str, tuple[list[float], list[int]]]
) -> list[dict[str, Any]]:
    """Print p50/p95/p99 per path and p95 per kind of query; return the rows."""
    floor_times = results["bare SQL (floor)"][0]
    client_counts = results["Django test client"][1]
    _p50, floor_p95, _p99 = percentiles(floor_times)
    print(f"\n{title}")
    print(
        f"{'path':34} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'p95 / floor':>12} {'mean ms':>8}"
    )
    table: list[dict[str, Any]] = []
    for name, (times, counts) in results.items():
        p50, p95, p99 = percentiles(times)
        mismatches = (
            0
            if name == "bare SQL (floor)"
            else sum(1 for a, b in zip(counts, client_counts, strict=True) if a != b)
        )
        ratio = p95 / floor_p95 if floor_p95 else float("nan")
        note = f"  ({mismatches} counts differ from the test client!)" if mismatches else ""
        print(
            f"{name:34} {p50:8.1f} {p95:8.1f} {p99:8.1f} {ratio:11.1f}× {statistics.mean(times):8.1f}{note}"
        )
        table.append(
            {
                "path": name,
                "p50": p50,
                "p95": p95,
                "p99": p99,
                "ratio_p95": ratio,
                "mean": statistics.mean(times),
                "count_mismatches": mismatches,
            }
        )
    print("p95 by kind of query (ms):")
    kinds = sorted({q.kind for q in queries})
    header = "".join(f"{name[:22]:>24}" for name in results)
    print(f"{'kind':24} {'n':>4}{header}")
    for kind in kinds:
        idx = [i for i, q in enumerate(queries) if q.kind == kind]
        row = "".join(
            f"{percentiles([times[i] for i in idx])[1] if len(idx) > 1 else times[idx[0]]:24.1f}"
            for times, _ in results.values()
        )
        print(f"{kind:24} {len(idx):4}{row}")
    return table


if __name__ == "__main__":
    main()
