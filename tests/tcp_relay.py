"""A TCP relay for fault tests: put it between a client and a server, then break the connection on purpose.

- :meth:`Relay.cut`: drop every open connection and turn new ones away — a server restart as its
  clients see it (used in front of PostgreSQL);
- :meth:`Relay.blackhole`: keep every connection open but let nothing through, in either
  direction — a network that died without closing anything (laptop asleep, Wi-Fi gone);
- :meth:`Relay.restore`: connections work again; the ones that were open during a blackhole are
  dropped (they died meanwhile), new ones go through.

Only the relay's own sockets are touched; the server behind it is not.
"""

from __future__ import annotations

import socket
import threading


class Relay:
    """Forward 127.0.0.1:<port> to ``host:port``, with switches to break the connection."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.mode = "up"
        self._socks: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._stopped = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._stopped:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if self.mode != "up":
                client.close()  # refused while cut (a blackhole would leave it hanging; close is enough here)
                continue
            try:
                server = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            with self._lock:
                self._socks |= {client, server}
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                if self.mode == "blackhole":
                    continue  # swallowed: the other side hears nothing, not even a close
                dst.sendall(data)
        except OSError:
            pass
        finally:
            if self.mode != "blackhole":
                self._close(src, dst)

    def _close(self, *socks: socket.socket) -> None:
        for s in socks:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()
        with self._lock:
            self._socks -= set(socks)

    def _drop_all(self) -> None:
        with self._lock:
            socks = list(self._socks)
        self._close(*socks)

    def cut(self) -> None:
        """Drop every open connection and refuse new ones."""
        self.mode = "cut"
        self._drop_all()

    def blackhole(self) -> None:
        """Let nothing through any more, without closing anything."""
        self.mode = "blackhole"

    def restore(self) -> None:
        """Work again: connections that were open during a blackhole are dropped, new ones go through."""
        if self.mode == "blackhole":
            self._drop_all()
        self.mode = "up"

    def close(self) -> None:
        self._stopped = True
        self._drop_all()
        self._listener.close()
