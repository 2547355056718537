from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def ask(request: HttpRequest) -> HttpResponse:
    # Placeholder until the public form is built (issue 4): it says so rather than pretend.
    return render(request, "inquiries/ask_unavailable.html", status=200)
