"""gunicorn settings, read from the working directory (`make run`, the HTTP tests).

Threads, so one slow request (an export, a search at its time budget) does not hold up the
others queued behind it on a sync worker; see docs/search.md "Serving" for the measurement.
"""

import os

workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))

# The app answers a URL over its MAX_URL_LENGTH (4096 bytes) with the JSON error shape (414).
# gunicorn refuses a longer request line itself, in HTML, before the app sees it: raised from
# its default 4094 to its maximum, so that only request lines over 8 KiB meet that page.
limit_request_line = 8190
