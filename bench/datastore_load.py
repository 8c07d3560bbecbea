"""DataStore load benchmark (issue 5).

Generates a CSV of ``--rows`` rows × 12 columns (Vietnamese text, integers, decimals,
dd/mm/yyyy dates, có/không booleans; ~123 MB at 1,000,000 rows) and, in the same run, measures:

* SQLite: tinhso's full load (parse, infer types over every value, load, index, swap)
  against ``sqlite-utils insert --csv`` (detects types) and against a bare floor (Python's
  ``csv`` reader feeding ``executemany`` into an all-text table, one transaction);
* PostgreSQL: tinhso's full load against a bare ``COPY`` of the same file into an
  all-text table;
* peak RSS of each loading process (each load runs in its own subprocess; ``os.wait4``);
* ``datastore_search`` p50/p95 through the CKAN action (Django test client) on the
  loaded table: filter + sort + paging, with ``include_total``.

Usage: python bench/datastore_load.py [--rows 1000000] [--pg postgres://postgres@127.0.0.1:5432]
       [--pg-db tinhso_bench_datastore] [--skip-pg] [--workdir /tmp/tinhso-bench]

The ratio column also gives the CPU seconds (user + system) of each load, measured in its
process around the load itself (sqlite-utils: the whole command); on a shared machine the
SQLite CPU ratio moves less than the wall-clock one. For PostgreSQL that is the client's
share only (the server's work is not counted there).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
PROVINCES = [
    "Thanh Hóa",
    "Nghệ An",
    "Hà Tĩnh",
    "Ninh Bình",
    "Hòa Bình",
    "Sơn La",
    "Quảng Bình",
    "Hà Nội",
    "Đà Nẵng",
    "Thừa Thiên Huế",
    "Lào Cai",
    "Điện Biên",
    "Bắc Giang",
    "Cần Thơ",
    "Hải Phòng",
]
SURNAMES = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quốc", "Thu", "Xuân", "Hoài"]
GIVEN = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hằng",
    "Hương",
    "Khánh",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Nam",
    "Nga",
    "Phúc",
    "Quân",
    "Sơn",
    "Thảo",
    "Trang",
    "Tuấn",
    "Việt",
    "Yến",
    "Ánh",
    "Đạt",
]
COMMUNES = [
    f"{kind} {name}"
    for kind in ("Xã", "Phường", "Thị trấn")
    for name in (
        "Quảng Phú",
        "Đông Hương",
        "Hoằng Đạo",
        "Thiệu Dương",
        "Nga Sơn",
        "Tĩnh Gia",
        "Yên Định",
        "Thọ Xuân",
        "Nông Cống",
        "Như Thanh",
        "Cẩm Thủy",
        "Bá Thước",
        "Lang Chánh",
        "Mường Lát",
    )
]
NOTES = [
    "",
    "Đã xác minh tại địa phương",
    "Hộ nghèo",
    "Cận nghèo",
    "Gia đình chính sách",
    "Chuyển đến từ tỉnh khác",
    "Đang cập nhật",
    "Thiếu giấy tờ, cần bổ sung",
]
HEADER = [
    "Mã hồ sơ",
    "Họ và tên",
    "Tỉnh/Thành phố",
    "Xã/Phường",
    "Giới tính",
    "Năm sinh",
    "Ngày đăng ký",
    "Thu nhập (triệu đồng)",
    "Diện tích đất (m²)",
    "Số nhân khẩu",
    "Ghi chú",
    "Đã xác minh",
]


def generate(path: Path, rows: int) -> None:
    rnd = random.Random(38)
    start = dt.date(2015, 1, 1)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        for i in range(1, rows + 1):
            day = start + dt.timedelta(days=rnd.randrange(3650))
            w.writerow(
                [
                    100000 + i,
                    f"{rnd.choice(SURNAMES)} {rnd.choice(MIDDLE)} {rnd.choice(GIVEN)}",
                    rnd.choice(PROVINCES),
                    rnd.choice(COMMUNES),
                    rnd.choice(("Nam", "Nữ")),
                    rnd.randrange(1940, 2010),
                    f"{day.day:02d}/{day.month:02d}/{day.year}",
                    f"{rnd.uniform(1, 500):.2f}",
                    f"{rnd.uniform(20, 5000):.1f}",
                    rnd.randrange(1, 12),
                    rnd.choice(NOTES),
                    rnd.choice(("có", "không")),
                ]
            )


# ---------------------------------------------------------------- children


def _django(db_url: str, var_dir: Path) -> None:
    os.environ["DATABASE_URL"] = db_url
    os.environ["TINHSO_VAR_DIR"] = str(var_dir)
    os.environ.setdefault("TINHSO_ENV", "development")
    os.environ["TASK_BACKEND"] = "immediate"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tinhso.settings")
    import django

    django.setup()


def child_migrate(db_url: str, var_dir: str) -> dict[str, Any]:
    _django(db_url, Path(var_dir))
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return {}


def child_tinhso(db_url: str, var_dir: str, csv_path: str) -> dict[str, Any]:
    _django(db_url, Path(var_dir))
    from django.conf import settings
    from tests.catalog.factories import DatasetFactory

    from tinhso.catalog.models import Resource
    from tinhso.datastore.services import datastore_load

    media = Path(settings.MEDIA_ROOT)
    target = media / "bench" / "data.csv"
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists() or target.is_symlink():
        target.unlink()
    target.symlink_to(csv_path)
    import uuid

    dataset = DatasetFactory(name=f"bench-{uuid.uuid4().hex[:12]}")
    from django.db.models.signals import post_save

    post_save.disconnect(sender=Resource, dispatch_uid="datastore_resource_post_save")
    resource = Resource(dataset=dataset, name="bench", format="CSV")
    resource.upload.name = "bench/data.csv"
    resource.save()
    started, cpu_started = time.perf_counter(), time.process_time()
    table = datastore_load(resource=resource)
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    if table.status != "active":
        raise SystemExit(f"load failed: {table.error}")
    from tinhso.datastore.models import LoadLog

    log = LoadLog.objects.filter(resource=resource).first()
    phases = [
        e["message"] for e in (log.entries if log else []) if e["message"].startswith("PostgreSQL:")
    ]
    return {
        "phases": phases[0] if phases else "",
        "seconds": seconds,
        "cpu": cpu,
        "rows": table.row_count,
        "resource_id": str(resource.pk),
        "types": {f["id"]: f["type"] for f in table.fields},
        "indexed": [f["id"] for f in table.fields if f.get("indexed")],
    }


def child_search(db_url: str, var_dir: str, resource_id: str, n: int) -> dict[str, Any]:
    _django(db_url, Path(var_dir))
    from django.test import Client

    client = Client()
    rnd = random.Random(5)
    url = "/api/3/action/datastore_search"

    def timed(params: dict[str, Any]) -> float:
        t0 = time.perf_counter()
        r = client.get(url, params)
        elapsed = time.perf_counter() - t0
        assert r.status_code == 200, r.content[:300]
        return elapsed * 1000

    for _ in range(5):  # warm-up
        timed({"resource_id": resource_id, "limit": 10})
    filtered, totals = [], []
    for _ in range(n):
        filtered.append(
            timed(
                {
                    "resource_id": resource_id,
                    "filters": json.dumps({"tinh_thanh_pho": rnd.choice(PROVINCES)}),
                    "sort": rnd.choice(
                        ["ngay_dang_ky desc", "thu_nhap_trieu_dong asc", "nam_sinh desc"]
                    ),
                    "limit": 100,
                    "offset": rnd.choice([0, 100, 500, 1000]),
                    "include_total": "true",
                }
            )
        )
        totals.append(
            timed(
                {
                    "resource_id": resource_id,
                    "filters": json.dumps(
                        {
                            "gioi_tinh": rnd.choice(["Nam", "Nữ"]),
                            "so_nhan_khau": rnd.randrange(1, 12),
                        }
                    ),
                    "limit": 100,
                    "include_total": "true",
                }
            )
        )
    return {"filter_sort_page": _pct(filtered), "two_filters_total": _pct(totals)}


def _pct(values: list[float]) -> dict[str, float]:
    values = sorted(values)
    return {"p50": statistics.median(values), "p95": values[int(len(values) * 0.95) - 1]}


def child_floor_sqlite(db_path: str, csv_path: str) -> dict[str, Any]:
    import sqlite3

    started, cpu_started = time.perf_counter(), time.process_time()
    conn = sqlite3.connect(db_path)
    with open(csv_path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        cols = ", ".join(f'"c{i}" TEXT' for i in range(len(header)))
        conn.execute(f"CREATE TABLE floor ({cols})")
        marks = ", ".join("?" * len(header))
        with conn:
            conn.executemany(f"INSERT INTO floor VALUES ({marks})", reader)
    conn.close()
    return {"seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu_started}


def child_floor_pg(db_url: str, csv_path: str) -> dict[str, Any]:
    import psycopg

    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_floor")
        conn.execute(
            "CREATE TABLE bench_floor (" + ", ".join(f"c{i} text" for i in range(12)) + ")"
        )
        started = time.perf_counter()
        with (
            conn.cursor() as cur,
            cur.copy("COPY bench_floor FROM STDIN (FORMAT csv, HEADER)") as copy,
            open(csv_path, "rb") as fh,
        ):
            while chunk := fh.read(1024 * 1024):
                copy.write(chunk)
        seconds = time.perf_counter() - started
        conn.execute("DROP TABLE bench_floor")
    return {"seconds": seconds}


CHILDREN = {
    "migrate": child_migrate,
    "tinhso": child_tinhso,
    "search": child_search,
    "floor_sqlite": child_floor_sqlite,
    "floor_pg": child_floor_pg,
}


CPU: dict[str, float] = {}  # CPU seconds (user + system) of each loading process


def run_child(name: str, *args: Any) -> tuple[dict[str, Any], float, float]:
    """Run a child; return its JSON result, wall seconds and peak RSS in MB (its CPU
    seconds go to ``CPU[name]``)."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", name, *map(str, args)]
    env = {**os.environ, "PYTHONPATH": f"{REPO}:{REPO / 'src'}"}
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, env=env, cwd=REPO)
    out = proc.stdout.read() if proc.stdout else b""
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if status != 0:
        raise SystemExit(f"child {name} failed ({status})")
    proc.returncode = 0
    CPU[name] = usage.ru_utime + usage.ru_stime
    return json.loads(out.decode().strip().splitlines()[-1]), wall, usage.ru_maxrss / 1024


def run_cli(cmd: list[str]) -> tuple[float, float]:
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        raise SystemExit(f"{cmd[0]} failed")
    CPU[cmd[1]] = usage.ru_utime + usage.ru_stime
    return time.perf_counter() - t0, usage.ru_maxrss / 1024


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def commit() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "src/tinhso/datastore", "bench"],
            cwd=REPO,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except OSError:
        return "?"
    return head + (" (with uncommitted changes)" if dirty else "")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument(
        "--pg-db",
        default="tinhso_bench_datastore",
        help="database created (dropped first) on --pg for the run",
    )
    parser.add_argument("--skip-pg", action="store_true")
    parser.add_argument("--searches", type=int, default=200)
    parser.add_argument(
        "--workdir", default=str(Path(tempfile.gettempdir()) / "tinhso-bench-datastore")
    )
    parser.add_argument("--child", nargs="+")
    args = parser.parse_args()
    if args.child:
        name, *rest = args.child
        fn = CHILDREN[name]
        print(json.dumps(fn(*[int(x) if x.isdigit() else x for x in rest])))
        return

    work = Path(args.workdir)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    csv_path = work / "data.csv"
    t0 = time.perf_counter()
    generate(csv_path, args.rows)
    size_mb = csv_path.stat().st_size / 1e6
    print(
        f"generated {args.rows:,} rows × 12 columns, {size_mb:.0f} MB in {time.perf_counter() - t0:.1f} s",
        file=sys.stderr,
    )
    results: list[tuple[str, float, float, str]] = []
    load_before = load_average()

    # SQLite
    var = work / "var-sqlite"
    db_url = f"sqlite:///{var}/tinhso.sqlite3"
    var.mkdir(exist_ok=True)
    run_child("migrate", db_url, var)
    floor, _w, floor_rss = run_child("floor_sqlite", work / "floor.sqlite3", csv_path)
    results.append(
        (
            "SQLite bare floor (csv + executemany, all text)",
            floor["seconds"],
            floor_rss,
            f"1.00× floor; CPU {floor['cpu']:.1f} s",
        )
    )
    su_seconds, su_rss = run_cli(
        [
            str(Path(sys.executable).parent / "sqlite-utils"),
            "insert",
            str(work / "su.sqlite3"),
            "data",
            str(csv_path),
            "--csv",
        ]
    )
    results.append(
        (
            "SQLite sqlite-utils insert --csv (detects types)",
            su_seconds,
            su_rss,
            f"{su_seconds / floor['seconds']:.2f}× floor; CPU {CPU['insert']:.1f} s",
        )
    )
    ts, _w, ts_rss = run_child("tinhso", db_url, var, csv_path)
    results.append(
        (
            "SQLite tinhso full load (typed + indexed)",
            ts["seconds"],
            ts_rss,
            f"{ts['seconds'] / floor['seconds']:.2f}× floor, {ts['seconds'] / su_seconds:.2f}× sqlite-utils; "
            f"CPU {ts['cpu']:.1f} s ({ts['cpu'] / floor['cpu']:.2f}× the floor's)",
        )
    )
    search_sqlite, _w, _r = run_child("search", db_url, var, ts["resource_id"], args.searches)

    search_pg = None
    if not args.skip_pg:
        import psycopg

        with psycopg.connect(f"{args.pg}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{args.pg_db}"')
            conn.execute(f'CREATE DATABASE "{args.pg_db}"')
        pg_url = f"{args.pg}/{args.pg_db}"
        var_pg = work / "var-pg"
        var_pg.mkdir(exist_ok=True)
        run_child("migrate", pg_url, var_pg)
        pfloor, _w, pfloor_rss = run_child("floor_pg", pg_url, csv_path)
        results.append(
            ("PostgreSQL bare COPY (all text)", pfloor["seconds"], pfloor_rss, "1.00× COPY")
        )
        pts, _w, pts_rss = run_child("tinhso", pg_url, var_pg, csv_path)
        results.append(
            (
                "PostgreSQL tinhso full load (typed + indexed)",
                pts["seconds"],
                pts_rss,
                f"{pts['seconds'] / pfloor['seconds']:.2f}× COPY; client CPU {pts['cpu']:.1f} s",
            )
        )
        search_pg, _w, _r = run_child("search", pg_url, var_pg, pts["resource_id"], args.searches)

    print(
        f"\n{args.rows:,} rows × 12 columns, {size_mb:.0f} MB CSV — {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, commit {commit()}; "
        f"load average {load_before} before, {load_average()} after\n"
    )
    print("| load | seconds | peak RSS (MB) | ratio |")
    print("|---|---:|---:|---|")
    for name, seconds, rss, ratio in results:
        print(f"| {name} | {seconds:.1f} | {rss:.0f} | {ratio} |")
    print(f"\ntypes inferred: {ts['types']}\nindexed (SQLite): {ts['indexed']}")
    if not args.skip_pg:
        print(f"types (PostgreSQL): {pts['types']}\nindexed (PostgreSQL): {pts['indexed']}")
        print(f"phases: {pts['phases']}")
    print()
    print("| datastore_search (CKAN action, test client) | p50 ms | p95 ms |")
    print("|---|---:|---:|")
    for label, res in (("SQLite", search_sqlite), ("PostgreSQL", search_pg)):
        if res:
            for kind, title in (
                ("filter_sort_page", "filter + sort + offset paging + total"),
                ("two_filters_total", "two filters + total"),
            ):
                print(f"| {label}: {title} | {res[kind]['p50']:.1f} | {res[kind]['p95']:.1f} |")


if __name__ == "__main__":
    main()
