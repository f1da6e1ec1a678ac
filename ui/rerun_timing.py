"""Times reruns of the Find page through Streamlit's AppTest, for ``python -m navigator bench``.

The benchmark lives in the domain package, which never imports Streamlit, so it runs this module
in a child process from the project folder:

    python -m ui.rerun_timing APP_SCRIPT DIRECTORY CACHE_DIR RERUNS QUERY_PARAMS_JSON

and reads the one JSON line it prints: the seconds each rerun took, after a first run that loads
the directory into Streamlit's resource cache.
"""

from __future__ import annotations

import json
import os
import sys
import time


def main(argv: list[str]) -> int:
    script, directory, cache_dir, reruns, params = argv
    os.environ["NAVIGATOR_DIRECTORY"] = directory
    os.environ["NAVIGATOR_CACHE_DIR"] = cache_dir
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(script, default_timeout=120)
    app.query_params.update(json.loads(params))
    app.run()
    seconds = []
    for _ in range(int(reruns)):
        if app.exception:
            break
        started = time.perf_counter()
        app.run()
        seconds.append(time.perf_counter() - started)
    if app.exception:
        print(f"the Find page failed: {app.exception[0].message}", file=sys.stderr)
        return 1
    # The headings on the page (one per result shown, opening its card's text, and a few more)
    # show the search found things.
    headings = len(app.subheader) + sum(block.value.startswith("### ") for block in app.markdown)
    print(json.dumps({"seconds": seconds, "query_params": dict(app.query_params), "headings_shown": headings}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
