"""An HTTP server for a simulated platform: a free port on 127.0.0.1, served from a daemon thread."""

import threading
from http.server import ThreadingHTTPServer


class LoopbackServer:
    def __init__(self, handler_class):
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler_class)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> "LoopbackServer":
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
