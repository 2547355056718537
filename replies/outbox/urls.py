from django.urls import path

from . import views

app_name = "deliveries"

urlpatterns = [
    path("send/<int:reply_pk>/", views.send, name="send"),
    path("<int:pk>/retry/", views.retry, name="retry"),
    path("<int:pk>/arrived/", views.arrived, name="arrived"),
    path("<int:pk>/send-again/", views.send_again, name="send_again"),
    path("<int:pk>/archive/<slug:kind>/", views.archive, name="archive"),
    path("reply/<int:reply_pk>/export/<slug:fmt>/", views.export, name="export"),
    path("bulk/", views.bulk_list, name="bulk"),
    path("bulk/<int:pk>/", views.bulk_detail, name="bulk_detail"),
    path("bulk/<int:pk>/download/", views.bulk_download, name="bulk_download"),
]
