"""reverse_each: one reverse() for the URLs of a page's rows."""

from django.urls import reverse

from lib.urls import reverse_each


def test_it_gives_each_id_the_url_reverse_would():
    ids = [1, 42, 2147483647, 9000000000]
    assert reverse_each("replies:move", ids, 7) == {pk: reverse("replies:move", args=[7, pk]) for pk in ids}
    assert reverse_each("inquiries:detail", ids) == {pk: reverse("inquiries:detail", args=[pk]) for pk in ids}
