from django.urls import path

from . import views

app_name = "replies"

urlpatterns = [
    path("start/<int:inquiry_pk>/", views.start, name="start"),
    path("preview/", views.preview_markdown, name="preview_markdown"),
    path("<int:pk>/", views.compose, name="compose"),
    path("<int:pk>/title/", views.title, name="title"),
    path("<int:pk>/add/section/", views.add_section, name="add_section"),
    path("<int:pk>/add/standard/", views.add_standard, name="add_standard"),
    path("<int:pk>/add/custom/", views.add_custom, name="add_custom"),
    path("<int:pk>/use-topic/", views.use_topic, name="use_topic"),
    path("<int:pk>/start-from-letter/", views.start_from_letter, name="start_from_letter"),
    path("<int:pk>/kind/", views.kind, name="kind"),
    path("<int:pk>/blocks/<int:block_id>/move/", views.move, name="move"),
    path("<int:pk>/blocks/<int:block_id>/remove/", views.remove, name="remove"),
    path("<int:pk>/blocks/<int:block_id>/refresh/", views.refresh, name="refresh"),
    path("<int:pk>/blocks/<int:block_id>/edit/", views.edit, name="edit"),
    path("<int:pk>/review/<slug:action>/", views.review, name="review"),
]
