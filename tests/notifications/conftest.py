"""The cast of the notification tests: a real HTTP receiver on loopback, partner regions, initiatives shared
and internal, API keys and their webhook subscriptions."""

import shutil
import ssl
import subprocess
import threading

import pytest

from tests import factories
from tests.notifications import QuietServer, Receiver, receiver_handler
from tracker.domain.choices import Visibility
from tracker.models import WebhookSubscription


@pytest.fixture
def receiver():
    receiver = Receiver()
    server = QuietServer(("127.0.0.1", 0), receiver_handler(receiver))
    receiver.url = f"http://127.0.0.1:{server.server_port}/hooks/tracker"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield receiver
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def _webhook_settings(settings):
    """Deliveries may go to the loopback receiver; retries come quickly (the backoff shape is tested apart)."""
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True
    settings.WEBHOOK_RETRY_BASE = 0.02
    settings.WEBHOOK_RETRY_CAP = 0.1
    settings.WEBHOOK_TIMEOUT = 1
    settings.SITE_URL = "https://tracker.example.org"


@pytest.fixture
def shared_initiative(owner, partner_region):
    return factories.InitiativeFactory(
        code="shared-lipetsk", owner=owner, partner_region=partner_region, visibility=Visibility.SHARED
    )


@pytest.fixture
def subscribe(make_key, receiver):
    """subscribe(key=None, *, events=("*",), **fields) -> a subscription of `key` (a new write key by default)
    to the receiver."""

    def make(key=None, *, events=("*",), **fields):
        fields.setdefault("url", receiver.url)
        return WebhookSubscription.objects.create(api_key=key or make_key(write=True)[0], events=list(events), **fields)

    return make


def _openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture
def https_receiver(receiver, tmp_path, monkeypatch):
    """The receiver behind TLS, with a certificate for `localhost` from a test CA that the client trusts."""
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command to make a test certificate")
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
             "-subj", "/CN=Test CA", "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign", cwd=tmp_path)  # fmt: skip
    _openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "leaf.key", "-out", "leaf.csr",
             "-subj", "/CN=localhost", cwd=tmp_path)  # fmt: skip
    (tmp_path / "ext").write_text("subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\n")
    _openssl("x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
             "-out", "leaf.pem", "-days", "2", "-extfile", "ext", cwd=tmp_path)  # fmt: skip
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "ca.pem"))  # the client trusts the test CA
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(tmp_path / "leaf.pem", tmp_path / "leaf.key")
    server = QuietServer(("127.0.0.1", 0), receiver_handler(receiver))
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    receiver.url = f"https://localhost:{server.server_port}/hooks/tracker"
    yield receiver
    server.shutdown()
    server.server_close()
