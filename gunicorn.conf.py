"""gunicorn settings, read from the working directory (`make run`, the HTTP tests).

Threads, so one slow request (an export, a search at its time budget) does not hold up the
others queued behind it on a sync worker; see docs/search.md "Serving" for the measurement.
"""

import os

workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
