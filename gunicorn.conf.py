"""gunicorn's settings, read from the working directory by `make run` and the tests' servers."""

# The app answers a URL over its MAX_URL_LENGTH (4096 bytes) with the JSON error shape (414).
# gunicorn refuses a longer request line itself, in HTML, before the app sees it: raised from
# its default 4094 to its maximum, so that only request lines over 8 KiB meet that page.
limit_request_line = 8190
