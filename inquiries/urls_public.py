from django.urls import path

from library.views import topic_autocomplete

from . import views_public

app_name = "ask"

urlpatterns = [
    path("", views_public.ask, name="form"),
    path("thanks/<str:token>/", views_public.thanks, name="thanks"),
    path("topics/", topic_autocomplete, name="topics"),
]
