"""The HTTP/1.1 parser every service serves with: httptools (C), with an unreadable request refused in the platform's
refusal shape. uvicorn answers a request httptools cannot parse (an unknown method such as `FOO`, a malformed
request line or header) itself, in plain text, before any app sees it; the pure-Python h11 parser took unknown
methods and the app answered 405 with a reason. Same status, same connection close, our JSON body."""

from __future__ import annotations

import json

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

UNREADABLE = {"detail": "Permintaan HTTP tidak dapat dibaca", "reason": "invalid_http_request"}
_BODY = json.dumps(UNREADABLE).encode()


class RefusingHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, whose parse errors answer 400 `{"detail", "reason"}`."""

    def send_400_response(self, msg: str) -> None:
        head = [b"HTTP/1.1 400 Bad Request\r\n"]
        for name, value in self.server_state.default_headers:
            head.extend([name, b": ", value, b"\r\n"])
        head += [b"content-type: application/json\r\n", b"content-length: " + str(len(_BODY)).encode() + b"\r\n",
                 b"connection: close\r\n", b"\r\n", _BODY]
        self.transport.write(b"".join(head))
        self.transport.close()
