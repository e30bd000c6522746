"""Named points where a test can stop this process, to kill -9 it there
(tests/index/test_crashes.py).

`DIRECTORY_TEST_PAUSE_AT=<name>` in the environment: on reaching that point the process
says so on stderr and waits forever. Unset (always, outside those tests) it costs one dict
lookup. Never imports Flask.
"""

import os
import sys
import time

PAUSED = "paused at "  # the line a test waits for on stderr


def pause(name: str) -> None:
    if os.environ.get("DIRECTORY_TEST_PAUSE_AT") != name:
        return
    sys.stderr.write(f"{PAUSED}{name}\n")
    sys.stderr.flush()
    while True:
        time.sleep(60)
