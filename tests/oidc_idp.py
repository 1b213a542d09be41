"""A small real OIDC issuer for tests: a discovery document and a JWKS served over HTTP on
loopback, keys it can rotate, tokens it signs, and a count of what it was asked."""
import json
import threading
import time
import uuid
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa


class LocalIdp:
    def __init__(self, algorithm: str = "RS256"):
        self.algorithm = algorithm
        self.keys: dict[str, object] = {}
        self.requests: Counter = Counter()
        self.down = False
        self.rotate()
        idp = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                idp.requests[self.path] += 1
                if idp.down:
                    self.send_response(502)
                    self.end_headers()
                    return
                if self.path == "/.well-known/openid-configuration":
                    body = {"issuer": idp.issuer, "jwks_uri": f"{idp.issuer.rstrip('/')}/jwks"}
                elif self.path == "/jwks":
                    body = {"keys": [idp.public_jwk(kid) for kid in idp.keys]}
                else:
                    self.send_response(404)
                    self.end_headers()
                    return
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.issuer = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def new_key(self):
        if self.algorithm.startswith("ES"):
            return ec.generate_private_key(ec.SECP256R1())
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def rotate(self, keep_old: bool = False) -> str:
        kid = uuid.uuid4().hex[:12]
        self.keys = {**(self.keys if keep_old else {}), kid: self.new_key()}
        return kid

    @property
    def kid(self) -> str:
        return list(self.keys)[-1]

    def public_jwk(self, kid: str) -> dict:
        algorithm = jwt.get_algorithm_by_name(self.algorithm)
        jwk = json.loads(algorithm.to_jwk(self.keys[kid].public_key()))
        return {**jwk, "kid": kid, "use": "sig", "alg": self.algorithm}

    def token(self, *, kid: str | None = None, key=None, ttl: int = 300, **claims) -> str:
        now = int(time.time())
        body = {"iss": self.issuer, "aud": "omsorg", "sub": "5c1e0a2b", "preferred_username": "f3a1-user", "iat": now, "exp": now + ttl, **claims}
        kid = kid or self.kid
        return jwt.encode(body, key or self.keys.get(kid) or self.new_key(), algorithm=self.algorithm,
                          headers={"kid": kid})

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
