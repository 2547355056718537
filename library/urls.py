from django.urls import path

from library import views

app_name = "library"

urlpatterns = [
    path("", views.search, name="search"),
    path("topics/<int:pk>/", views.topic, name="topic"),
    path("suggest.json", views.suggestions, name="suggest"),
    path("review/", views.review_list, name="review"),
    path("sections/<int:pk>/reviewed/", views.mark_reviewed, name="mark_reviewed"),
]
