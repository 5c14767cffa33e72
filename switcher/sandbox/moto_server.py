"""moto in server mode, in this process, on 127.0.0.1 and a free port."""

from __future__ import annotations

import logging


class MotoServer:
    def __init__(self) -> None:
        self._server = None

    def start(self) -> str:
        # werkzeug prints one line per request to stderr; requests are recorded by the
        # STS proxy instead, and a sign-in URL must never end up in a terminal log.
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        from moto.server import ThreadedMotoServer  # the costly import (~0.3 s): only here

        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self._server.start()
        host, port = self._server.get_host_and_port()
        return f"http://{host}:{port}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None
