"""Many sessions searching at once against a running app, for ``python -m navigator bench``.

A small client of Streamlit's own websocket protocol (what the browser sends: a ``rerun_script``
BackMsg with the page's query string), so 20 sessions cost the machine 20 sockets rather than 20
browser tabs drawing maps, and what is timed is the server: from the search sent to the run's
``script_finished``, every element of the results received. Run from the project folder:

    python -m ui.session_load URL SESSIONS ZIP [ZIP ...]

It prints one JSON line: the seconds each session's search took, all sent at once after every
session has drawn its first page.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
import urllib.parse

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

TIMEOUT_S = 120


class Session:
    def __init__(self, url: str):
        self.url = url
        self.socket = None

    async def connect(self) -> None:
        parts = urllib.parse.urlsplit(self.url)
        address = f"ws://{parts.netloc}/_stcore/stream"
        self.socket = await websockets.connect(
            address, subprotocols=["streamlit"], origin=f"http://{parts.netloc}", max_size=None
        )

    async def run(self, query_string: str) -> float:
        """Seconds from sending a run of the Find page with ``query_string`` to its last element."""
        message = BackMsg()
        message.rerun_script.query_string = query_string
        message.rerun_script.page_script_hash = ""
        started = time.perf_counter()
        await self.socket.send(message.SerializeToString())
        while True:
            reply = ForwardMsg()
            reply.ParseFromString(await asyncio.wait_for(self.socket.recv(), TIMEOUT_S))
            if reply.WhichOneof("type") == "script_finished":
                return time.perf_counter() - started

    async def close(self) -> None:
        await self.socket.close()


async def measure(url: str, sessions: int, zips: list[str]) -> list[float]:
    clients = [Session(url) for _ in range(sessions)]
    await asyncio.gather(*(client.connect() for client in clients))
    await asyncio.gather(*(client.run("") for client in clients))  # each session's first page
    seconds = await asyncio.gather(
        *(client.run(urllib.parse.urlencode({"near": zips[n % len(zips)]})) for n, client in enumerate(clients))
    )
    await asyncio.gather(*(client.close() for client in clients))
    return list(seconds)


def main(argv: list[str]) -> int:
    url, sessions, *zips = argv
    print(json.dumps({"seconds": asyncio.run(measure(url, int(sessions), zips))}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
