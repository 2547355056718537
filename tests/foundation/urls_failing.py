"""A URL configuration with one view that fails, for the 500 page tests."""

from django.urls import include, path


def failing_view(request):
    raise RuntimeError("the view failed")


urlpatterns = [path("fail/", failing_view), path("", include("config.urls"))]
