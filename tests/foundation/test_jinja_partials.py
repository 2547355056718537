"""The queue's rows and the composer's blocks and library column are Jinja2 partials inside
Django pages (config/jinja2.py, lib/jinja.py): their forms must post with the CSRF token as the
rest of the page's do, and what they print must be escaped as the rest of the page is."""

from html.parser import HTMLParser

from django.test import Client

from replies.models import Reply
from tests.conftest import make_inquiry
from tests.replies.factories import make_reply


class PostForms(HTMLParser):
    """(action, CSRF token or None) of every <form method="post"> of a page."""

    def __init__(self, html: str):
        super().__init__()
        self.forms: list[list] = []
        self._in_form = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method") == "post":
            self.forms.append([attrs["action"], None])
            self._in_form = True
        elif tag == "input" and self._in_form and attrs.get("name") == "csrfmiddlewaretoken":
            self.forms[-1][1] = attrs["value"]

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False


def test_every_form_of_the_composer_posts_with_a_token_the_server_accepts(alice):
    reply = make_reply(alice)
    client = Client(enforce_csrf_checks=True)  # as a browser: a POST without the token is refused
    client.force_login(alice)
    forms = PostForms(client.get(reply.get_absolute_url()).content.decode()).forms
    moves = [form for form in forms if "/move/" in form[0]]
    assert len(forms) > 10 and moves, forms
    assert [action for action, token in forms if not token] == []

    action, token = next(form for form in forms if form[0].endswith("/title/"))
    response = client.post(action, {"csrfmiddlewaretoken": token, "title": "A new title", "version": reply.version})
    assert response.status_code == 302
    assert Reply.objects.get(pk=reply.pk).title == "A new title"


def test_a_name_prints_escaped_as_in_the_rest_of_the_page(alice, login):
    make_inquiry(name="Ann O'Neil \"Nan\" <b>", assignee=alice)
    html = login(alice).get("/desk/inquiries/").content.decode()
    assert "<td>Ann O&#x27;Neil &quot;Nan&quot; &lt;b&gt;</td>" in html
    assert "<b>" not in html.split('id="queue"')[1]
