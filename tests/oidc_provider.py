"""A real OpenID Connect provider on loopback for the login tests (oidc-provider-mock).

It runs the provider's own Flask app in a thread: real discovery document, real RS256 keys, real
authorisation, token and end-session endpoints. The portal talks to it over HTTP exactly as it
would to Entra ID or AD FS; nothing inside the portal is replaced.

Beside it, `MetadataServer` serves a provider description the tests write themselves: a
discovery document that names another issuer, or a key set with the provider's key id but
another key, to see that the portal refuses what such a provider hands out.
"""

from __future__ import annotations

import io
import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import requests
import werkzeug.serving

CLIENT_ID = "sikkerhedsportalen"
CLIENT_SECRET = "test-secret-not-used-anywhere-else"

# The provider speaks plain HTTP on loopback; authlib refuses that unless told.
os.environ.setdefault("AUTHLIB_INSECURE_TRANSPORT", "1")


@dataclass
class Provider:
    url: str  # also its issuer
    token_requests: list[dict] = field(default_factory=list)

    def set_user(self, sub: str, **claims) -> None:
        """What the provider says about `sub` from the next login on."""
        response = requests.put(f"{self.url}/users/{sub}", json=claims, timeout=5)
        response.raise_for_status()

    def discovery(self) -> dict:
        return requests.get(f"{self.url}/.well-known/openid-configuration", timeout=5).json()

    def jwks(self) -> dict:
        return requests.get(f"{self.url}/jwks", timeout=5).json()

    def authorize(self, authorize_url: str, sub: str, **replace: str) -> str:
        """Log `sub` in at the provider for this authorisation request (with some parameters
        replaced, as a forger would) and return where the provider sends the browser back."""
        parts = urlsplit(authorize_url)
        query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        query.update(replace)
        response = requests.post(
            f"{self.url}{parts.path}?{urlencode(query)}",
            data={"sub": sub},
            allow_redirects=False,
            timeout=5,
        )
        assert response.status_code == 302, response.text[:500]
        return response.headers["Location"]

    def deny(self, authorize_url: str) -> str:
        """Refuse the login at the provider (a person it no longer accepts)."""
        parts = urlsplit(authorize_url)
        response = requests.post(
            f"{self.url}{parts.path}?{parts.query}",
            data={"action": "deny"},
            allow_redirects=False,
            timeout=5,
        )
        assert response.status_code == 302, response.text[:500]
        return response.headers["Location"]


def _recording(app, provider: Provider):
    """WSGI middleware that keeps each token request's form, to check the PKCE verifier."""

    def wrapped(environ, start_response):
        if environ.get("PATH_INFO") == "/oauth2/token":
            body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            environ["wsgi.input"] = io.BytesIO(body)
            form = {key: values[0] for key, values in parse_qs(body.decode()).items()}
            provider.token_requests.append(form)
        return app(environ, start_response)

    return wrapped


@contextmanager
def running_provider() -> Iterator[Provider]:
    from oidc_provider_mock import app as provider_app

    flask_app = provider_app(require_nonce=True)
    provider = Provider(url="")
    server = werkzeug.serving.make_server(
        "localhost", 0, _recording(flask_app, provider), threaded=True
    )
    provider.url = f"http://localhost:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()


class MetadataServer:
    """Serves JSON documents the test sets, at paths the test chooses."""

    def __init__(self) -> None:
        self.documents: dict[str, dict] = {}
        documents = self.documents

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                document = documents.get(self.path)
                body = json.dumps(document).encode()
                self.send_response(200 if document is not None else 404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("localhost", 0), Handler)
        self.url = f"http://localhost:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
