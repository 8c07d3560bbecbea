"""gunicorn configuration used by ``tinhso serve`` (``-c python:tinhso.gunicorn_conf``).

``post_worker_init`` runs in each worker after it has forked and loaded the Django
application, before it accepts a request: it loads the catalogue's facet bitmaps
(about a second at 100,000 datasets), so no visitor's request pays for it. The worker
opens its own database connection for this (nothing is opened before the fork) and closes
it afterwards.
"""

from __future__ import annotations

import logging
import time
from typing import Any

logger = logging.getLogger("tinhso.serve")


def post_worker_init(worker: Any) -> None:
    from django.db import connections

    from tinhso.catalog.search import facet_index

    started = time.perf_counter()
    try:
        facet_index()
        worker.log.info("catalog facet bitmaps loaded in %.2f s", time.perf_counter() - started)
    except Exception:  # a missing table or database must not stop the worker
        logger.exception("catalog facet bitmaps not warmed")
    finally:
        connections.close_all()
