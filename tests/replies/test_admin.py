from django.contrib.auth.models import User

from .factories import make_reply


def test_it_lists_and_shows_replies_in_the_admin(alice, client):
    reply = make_reply(alice)
    admin = User.objects.create_superuser("root", "root@example.org", "x")
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/admin/replies/reply/").status_code == 200
    r = client.get(f"/admin/replies/reply/{reply.pk}/change/")
    assert r.status_code == 200 and reply.title in r.content.decode()
