"""A letter's PDF loads nothing but our static files and data: URLs; it never reads a local
file into the PDF nor calls a server, and the render goes on without what it refused."""

import io
import logging
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from pypdf import PdfReader

from replies.letter.exports import export_reply
from replies.letter.pdf import BASE_URL, FetchRefused, StaticOnlyFetcher, html_to_pdf
from replies.models import ReplyBlock

from .delivery_factories import small_reply

PNG = (
    "data:image/png;base64,"
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


class Counter(BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):  # noqa: N802 (http.server's hook name)
        Counter.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server():
    Counter.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Counter)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def hostile(server: str) -> str:
    return (
        '<link rel="attachment" href="file:///etc/passwd">\n'
        '<a rel="attachment" href="file:///etc/passwd">passwd</a>\n'
        '<img src="file:///etc/hostname" alt="host">\n'
        f"<style>p {{ background: url(file:///etc/hostname) }} h1 {{ background: url({server}/css.png) }}</style>\n"
        f'<img src="{server}/track.png" alt="tracker">\n'
        f'<link rel="stylesheet" href="{server}/evil.css">\n'
        '<img src="/static/../../../etc/hostname" alt="escape">\n'
        f"\n![pixel]({server}/markdown.png)\n"
    )


def assert_nothing_leaked(pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.attachments == {}
    assert b"/EmbeddedFile" not in pdf
    assert all(not page.images for page in reader.pages)
    secret = open("/etc/passwd", "rb").read(40)
    assert secret not in pdf
    hostname = open("/etc/hostname", "rb").read().strip()
    text = "".join(page.extract_text() for page in reader.pages)
    assert hostname.decode() not in text or hostname.decode() in ("localhost",)


def test_it_leaks_nothing_from_a_hostile_section_body(alice, local_server):
    reply = small_reply(alice)
    ReplyBlock.objects.filter(reply=reply, kind="section").update(body="Still here.\n\n" + hostile(local_server))
    pdf = export_reply(reply, "pdf")
    assert_nothing_leaked(pdf)
    assert Counter.requests == []
    assert "Still here." in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_it_refuses_and_logs_every_outside_url_in_raw_html(local_server, caplog):
    html = (
        '<!doctype html><html lang="en"><head><title>t</title></head><body><h1>Heading</h1><p>Body text</p>'
        + hostile(local_server)
        + "</body></html>"
    )
    with caplog.at_level(logging.WARNING, logger="replies.letter.pdf"):
        pdf = html_to_pdf(html)
    assert_nothing_leaked(pdf)
    assert Counter.requests == []
    refused = " ".join(record.getMessage() for record in caplog.records if record.name == "replies.letter.pdf")
    assert "file:///etc/passwd" in refused and "file:///etc/hostname" in refused and local_server in refused
    assert "Body text" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()  # the render went on


def test_it_embeds_data_urls_and_our_static_files():
    html = (
        '<!doctype html><html lang="en"><head><title>t</title>'
        '<link rel="stylesheet" href="/static/replies/letter_print.css"></head>'
        f'<body><p>Logo</p><img src="{PNG}" alt="logo"></body></html>'
    )
    reader = PdfReader(io.BytesIO(html_to_pdf(html)))
    assert len(reader.pages[0].images) == 1
    css = StaticOnlyFetcher().fetch(BASE_URL + "static/replies/letter_print.css")
    assert b"@page" in css.read() and css.content_type == "text/css"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:1/x.png",
        "https://example.org/x.png",
        BASE_URL + "static/../../../etc/passwd",
        BASE_URL + "static/%2e%2e/%2e%2e/config/settings.py",
        BASE_URL + "static/",
        BASE_URL + "media/secret.pdf",
        "ftp://127.0.0.1/x",
    ],
)
def test_it_refuses_urls_outside_the_static_files(url):
    with pytest.raises(FetchRefused):
        StaticOnlyFetcher().fetch(url)


def test_it_refuses_a_symlink_out_of_the_static_root(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    os.symlink("/etc/hostname", tmp_path / "host.png")
    with pytest.raises(FetchRefused):
        StaticOnlyFetcher().fetch(BASE_URL + "static/host.png")
