"""A fault-injecting HTTP proxy on loopback, for the fault-tolerance tests.

It stands between scs-iaas and one real box service (an ``<service>_endpoint_override`` in a
test clouds.yaml points at it) and, per request, either forwards it or injects a fault:

- ``pass``: forward (the request gets ``Connection: close``, so every request is a new
  connection and the proxy sees each one);
- ``freeze``: accept the connection and the request, never answer (a hung API process);
- ``status``: answer with an HTTP status (503, 500, …) without asking the service;
- ``reset``: read the request, then close with a TCP RST (SO_LINGER 0);
- ``delay``: forward after ``delay`` seconds (a slow but healthy API).

``inject(mode, count)`` applies a fault to the next ``count`` requests (then ``pass`` again);
``count=None`` keeps it until the next call; ``method`` limits it to e.g. POSTs. The proxy only ever touches its own sockets:
nothing of the shared box is stopped, so other tests on the box are not disturbed.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time
from dataclasses import dataclass, field


@dataclass
class Seen:
    method: str
    path: str
    fault: str


@dataclass
class FaultProxy:
    upstream_port: int
    host: str = "127.0.0.1"
    port: int = 0
    seen: list[Seen] = field(default_factory=list)
    _mode: str = "pass"
    _status: int = 503
    _left: int | None = None
    _method: str | None = None
    _delay: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stop: threading.Event = field(default_factory=threading.Event)
    _held: list[socket.socket] = field(default_factory=list)

    def start(self) -> FaultProxy:
        self._server = socket.create_server((self.host, 0))
        self._server.settimeout(0.2)
        self.port = self._server.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True, name=f"proxy-{self.port}").start()
        return self

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def inject(
        self,
        mode: str,
        count: int | None = None,
        *,
        status: int = 503,
        method: str | None = None,
        delay: float = 0.0,
    ) -> None:
        """Fault the next ``count`` requests (of ``method`` only, when given)."""
        assert mode in ("pass", "freeze", "status", "reset", "delay"), mode
        with self._lock:
            self._mode, self._left, self._status, self._method = mode, count, status, method
            self._delay = delay
            if mode != "freeze":
                self._release()

    def faults(self) -> list[Seen]:
        return [s for s in self.seen if s.fault != "pass"]

    def close(self) -> None:
        self._stop.set()
        with self._lock:
            self._release()
        self._server.close()

    def _release(self) -> None:
        for sock in self._held:
            with contextlib.suppress(OSError):
                sock.close()
        self._held.clear()

    def _next_fault(self, method: str) -> str:
        with self._lock:
            if self._method and method != self._method:
                return "pass"
            mode = self._mode
            if self._left is not None:
                self._left -= 1
                if self._left <= 0:
                    self._mode, self._left = "pass", None
            return mode

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        head = b""
        try:
            client.settimeout(30)
            while b"\r\n\r\n" not in head:
                chunk = client.recv(65536)
                if not chunk:
                    client.close()
                    return
                head += chunk
        except OSError:
            client.close()
            return
        header, _, rest = head.partition(b"\r\n\r\n")
        lines = header.split(b"\r\n")
        method, path = ([*lines[0].decode("latin-1").split(" "), "", ""])[:2]
        fault = self._next_fault(method)
        self.seen.append(Seen(method, path, fault if fault != "status" else str(self._status)))
        if fault == "freeze":
            with self._lock:
                self._held.append(client)
            return
        if fault == "reset":
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            client.close()
            return
        if fault == "status":
            body = b'{"error": "injected by the fault proxy"}'
            client.sendall(
                b"HTTP/1.1 %d Injected\r\nContent-Type: application/json\r\n"
                b"Content-Length: %d\r\nConnection: close\r\n\r\n%s"
                % (self._status, len(body), body)
            )
            client.close()
            return
        if fault == "delay":
            time.sleep(self._delay)
        kept = [line for line in lines if not line.lower().startswith(b"connection:")]
        request = b"\r\n".join([*kept, b"Connection: close"]) + b"\r\n\r\n" + rest
        try:
            upstream = socket.create_connection((self.host, self.upstream_port), timeout=300)
        except OSError:
            client.close()
            return
        upstream.sendall(request)
        threading.Thread(target=_pipe, args=(client, upstream), daemon=True).start()
        _pipe(upstream, client)


def _pipe(src: socket.socket, dst: socket.socket) -> None:
    """Copy until ``src`` closes, then close both (the client sees the end of the response)."""
    try:
        while True:
            chunk = src.recv(65536)
            if not chunk:
                break
            dst.sendall(chunk)
    except OSError:
        pass
    finally:
        for sock in (src, dst):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                sock.close()
