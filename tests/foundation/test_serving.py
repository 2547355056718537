"""The production set-up for real: migrate, collectstatic and gunicorn, as `make serve` runs them."""

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str, **headers) -> urllib.request.addinfourl:
    return urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=20)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("serve")
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DEBUG")},
        "DEBUG": "0",
        "SECRET_KEY": "serving-test-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "REDIS_URL": "redis://127.0.0.1:6379/1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": f"sqlite:///{tmp}/db.sqlite3",
        "STATIC_ROOT": str(tmp / "static"),
        "MEDIA_ROOT": str(tmp / "media"),
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
    }
    for step in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        subprocess.run([sys.executable, "manage.py", *step], cwd=ROOT, env=env, check=True, capture_output=True)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [gunicorn, "--config", "config/gunicorn.py", "config.wsgi"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            get(base + "/healthz")
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail("gunicorn did not start: " + process.stdout.read().decode()[-2000:])
            time.sleep(0.3)
    yield base
    process.terminate()
    process.wait(timeout=30)


def test_it_serves_the_public_form_with_gunicorn(server):
    response = get(server + "/ask/")
    assert response.status == 200
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-ID"])


def test_it_serves_hashed_compressed_static_files_with_far_future_cache_headers(server):
    page = get(server + "/ask/").read().decode()
    (hashed,) = re.findall(r'href="(/static/vendor/bootstrap/bootstrap\.min\.[0-9a-f]{12}\.css)"', page)
    response = get(server + hashed, **{"Accept-Encoding": "gzip"})
    assert response.status == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert "immutable" in response.headers["Cache-Control"]
    assert int(re.search(r"max-age=(\d+)", response.headers["Cache-Control"]).group(1)) >= 365 * 24 * 3600


def test_it_answers_health_checks(server):
    body = json.loads(get(server + "/healthz").read())
    assert body["database"] is True and body["cache"] is True


def test_it_shows_the_styled_404_page(server):
    with pytest.raises(urllib.error.HTTPError) as error:
        get(server + "/no-such-page/")
    assert error.value.code == 404
    assert "Page not found" in error.value.read().decode()
