"""A threaded HTTP server on 127.0.0.1, on a free port, served from a daemon thread."""

from __future__ import annotations

import threading
from http.server import ThreadingHTTPServer


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, handler) -> None:
        super().__init__(("127.0.0.1", 0), handler)  # port 0: the kernel picks a free one
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> None:
        self._thread = threading.Thread(target=self.serve_forever, name=type(self).__name__,
                                        kwargs={"poll_interval": 0.1}, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._thread:
            self.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self.server_close()
