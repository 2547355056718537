from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from config.views import healthz
from lib.roles import home

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("ask/", include("inquiries.urls_public")),
    path("desk/", include("inquiries.urls")),
    path("desk/library/", include("library.urls")),
    path("desk/replies/", include("replies.composer.urls")),
    path("desk/deliveries/", include("replies.outbox.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
