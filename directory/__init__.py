"""The public directory of Malang's featured small businesses.

`create_app()` wires config -> database -> search index -> API -> errors -> CLI.
"""

import os
from urllib.parse import urlsplit

from flask import Flask


def default_config(instance_path: str) -> dict:
    """Return the defaults; instance/config.py and then DIRECTORY_<KEY> in the environment
    override any key."""
    from .search import DEFAULT_ANALYZER, SEARCH_TIME_LIMIT  # search's own defaults, once

    return {
        "SQLALCHEMY_DATABASE_URI": "sqlite:///" + os.path.join(instance_path, "directory.sqlite3"),
        # Seconds to wait for PostgreSQL to accept a connection before answering 503, and
        # the Retry-After of that 503 (docs/scaling.md).
        "DATABASE_CONNECT_TIMEOUT": 5,
        "DATABASE_RETRY_AFTER": 5,
        "SEARCH_INDEX_DIR": os.path.join(instance_path, "index"),
        # Applying the change log waits this long for Whoosh's write lock (then it is left
        # to the next search or the follower: the write itself is committed already).
        "SEARCH_WRITE_TIMEOUT": 10.0,
        # Each worker's background applier looks at the change log this often (on
        # PostgreSQL a NOTIFY wakes it at once); 0: only writes and searches catch up.
        "SEARCH_FOLLOW_SECONDS": 0.25,
        # Change-log entries superseded by a later one of the same business are pruned
        # after this many days, once every index seen within INDEX_FORGET_AFTER_DAYS has
        # passed them (one silent longer is ignored; it still catches up when it returns:
        # every business keeps its latest entry).
        "CHANGE_LOG_KEEP_DAYS": 30,
        "INDEX_FORGET_AFTER_DAYS": 7,
        "SEARCH_MAX_QUERY_LENGTH": 200,
        # A running reindex job writes a heartbeat this often; a job silent for longer than
        # JOB_INTERRUPTED_AFTER_SECONDS reads as failed ("interrupted") on every machine.
        "JOB_HEARTBEAT_SECONDS": 5.0,
        "JOB_INTERRUPTED_AFTER_SECONDS": 30.0,
        # "indonesian" (stems, variants, places, typos) or "plain" (the core's words only).
        # Changing it needs `flask --app directory reindex`.
        "SEARCH_ANALYZER": DEFAULT_ANALYZER,
        # Seconds a search may run before it answers with the hits found so far.
        "SEARCH_TIME_LIMIT": SEARCH_TIME_LIMIT,
        # A staff upload: a sheet, a photo, or a .zip of a sheet and its photos.
        "MAX_CONTENT_LENGTH": 30 * 1024 * 1024,
        # Bytes of path + query; longer gets a JSON 414. Below gunicorn's own limit
        # (gunicorn.conf.py), which would answer in HTML before the app saw the request.
        "MAX_URL_LENGTH": 4096,
        # Photos: stored by content hash here; one upload at most this large; more pixels
        # than this is a decompression bomb (None: Pillow's own limit, ~89 megapixels).
        "PHOTO_DIR": os.path.join(instance_path, "photos"),
        "PHOTO_MAX_BYTES": 10 * 1024 * 1024,
        "PHOTO_MAX_PIXELS": None,
        "PHOTO_MAX_PER_BUSINESS": 12,
        "API_TITLE": "Direktori UMKM Kota Malang",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api",
        "OPENAPI_JSON_PATH": "openapi.json",
        # Public reads: browsers and proxies may keep an answer this long, then revalidate.
        "HTTP_CACHE_MAX_AGE": 300,
        # Answers holding open_now / next_change (they depend on the clock): at most this.
        "HTTP_CACHE_CLOCK_MAX_AGE": 60,
        # Search answers each worker keeps ready to send (api/answer_cache.py): at most this
        # many, and this many megabytes of JSON. 0 entries: none kept.
        "HTTP_ANSWER_CACHE_ENTRIES": 512,
        "HTTP_ANSWER_CACHE_MB": 32,
        # Map tiles: an XYZ URL such as https://tile.openstreetmap.org/{z}/{x}/{y}.png (mind
        # the tile server's usage policy) and the attribution it asks for. Empty: the maps
        # show their markers on a plain background and load nothing from elsewhere.
        "MAP_TILE_URL": "",
        "MAP_TILE_ATTRIBUTION": "© OpenStreetMap contributors",
        # "*" or a comma-separated list of origins whose scripts may read the public API.
        "CORS_ORIGINS": "*",
        # Per client (IP address) over the whole public API; exports have their own budget.
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_APPLICATION": "300 per minute",
        # Enough to fetch every file the Statistik page links a few times over in an hour;
        # 304 revalidations and the data dictionary do not count.
        "RATELIMIT_EXPORT": "60 per hour",
        "RATELIMIT_HEADERS_ENABLED": True,
        # A file every worker shares; redis://host:6379 when running on several machines.
        "RATELIMIT_STORAGE_URI": "sqlite:///" + os.path.join(instance_path, "ratelimit.sqlite3"),
        # While that storage (a Redis) is unreachable, each process counts on its own
        # rather than answering 500; flask-limiter returns to it once it answers again.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        # Set to the number of proxies in front of the app so the client's address is used.
        "PROXY_FIX_X_FOR": 0,
        # Where the public reaches this site (scheme and host): canonical links, og:url,
        # JSON-LD, feeds, the sitemap and the catalogue use it, never the request's Host
        # header, which anyone can set.
        "PUBLIC_BASE_URL": "http://127.0.0.1:5000",
        # The query log (docs/privacy.md): searches counted per day and normalised text only.
        "LOG_QUERIES": True,
        "QUERY_LOG_DAYS": 180,  # day rows older than this are deleted
        "QUERY_LOG_MIN_COUNT": 3,  # a query seen fewer times in a day is never listed
        "QUERY_LOG_FLUSH_SECONDS": 5.0,  # counters reach the database this long after a search
        # The city's own accounts: an @mention of these in a caption is not the business's.
        "INSTAGRAM_OWN_ACCOUNTS": ["pemkotmalang"],
        # Images of Instagram drafts, kept for staff until a draft is published.
        "DRAFT_PHOTO_DIR": os.path.join(instance_path, "drafts"),
        "DATA_LICENCE_NAME": "CC BY 4.0",
        "DATA_LICENCE_URL": "https://creativecommons.org/licenses/by/4.0/",
        # Authority of the feeds' tag: ids (RFC 4151); never change it once feeds are read.
        "FEED_ID_AUTHORITY": "malangkota.go.id,2021",
        # The catalogue's contact point (data portals show it for questions about the data).
        "CATALOGUE_CONTACT_NAME": "Pemerintah Kota Malang",
        "CATALOGUE_CONTACT_EMAIL": "",
    }


def _keeps_files_in(folder: str, config) -> bool:
    # Made only when used: an app configured elsewhere (tests, a server) leaves no empty folder.
    keys = ("SQLALCHEMY_DATABASE_URI", "SEARCH_INDEX_DIR", "RATELIMIT_STORAGE_URI",
            "DRAFT_PHOTO_DIR", "PHOTO_DIR")
    return any(folder in str(config.get(key, "")) for key in keys)


def public_base_url(value: str) -> str:
    """Check PUBLIC_BASE_URL at start-up (a typo would put wrong links in every page)."""
    parts = urlsplit(str(value).strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(f"PUBLIC_BASE_URL must be like https://umkm.example.id, not {value!r}")
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application: defaults, then instance/config.py, then the environment, then
    `test_config` (which, as in Flask's tutorial, stands in for the instance's file)."""
    # Each machine (or each server in the tests) may keep its instance folder elsewhere.
    app = Flask(__name__, instance_relative_config=True,
                instance_path=os.environ.get("DIRECTORY_INSTANCE_PATH") or None)
    app.config.from_mapping(default_config(app.instance_path))
    if test_config is None:
        # This machine's settings, kept out of git with the rest of the instance folder.
        app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("DIRECTORY")
    if test_config:
        app.config.update(test_config)
    app.config["PUBLIC_BASE_URL"] = public_base_url(app.config["PUBLIC_BASE_URL"])
    if _keeps_files_in(app.instance_path, app.config):
        os.makedirs(app.instance_path, exist_ok=True)
    app.json.sort_keys = False  # keep fields in the schemas' order: easier to read

    from . import (
        admin,
        api,
        cli,
        cors,
        errors,
        feeds,
        follow,
        http_cache,
        index_health,
        index_recovery,
        models,
        pages,
        photo_files,
        querylog,
        ratelimit,
        search,
        vocabulary_additions,
    )

    models.init_app(app)
    search.init_app(app)
    querylog.init_app(app)
    vocabulary_additions.init_app(app)
    api.init_app(app)
    admin.init_app(app)  # staff API under /api/v1/admin
    pages.init_app(app)  # every HTML page and its files under /assets/
    photo_files.init_app(app)  # /photos/<digest>-<width>.<webp|jpg>
    feeds.init_app(app)  # canonical and feed links in every page (routes: api.init_app)
    ratelimit.init_app(app)
    http_cache.init_app(app)
    cors.init_app(app)
    errors.init_app(app)  # after the API: its handlers replace flask-smorest's
    index_recovery.init_app(app)  # a missing or damaged index: 503 for search, rebuilt
    follow.init_app(app)  # a background applier per worker keeps the index on the log
    cli.init_app(app)
    index_health.init_app(app)
    return app
