from django.urls import path

from . import views

app_name = "inquiries"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("inquiries/", views.queue, name="queue"),
    path("inquiries/export.csv", views.export_csv, name="export"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("notifications/settings/", views.notification_settings, name="notification_settings"),
    path("notifications/<int:pk>/open/", views.notification_open, name="notification_open"),
    path("reports/", views.report, name="report"),
    path("reports/export.<str:fmt>", views.report_export, name="report_export"),
    path("inquiries/bulk/", views.bulk, name="bulk"),
    path("inquiries/filters/", views.filter_save, name="filter_save"),
    path("inquiries/filters/<int:pk>/delete/", views.filter_delete, name="filter_delete"),
    path("inquiries/new/", views.new, name="new"),
    path("inquiries/<int:pk>/", views.detail, name="detail"),
    path("inquiries/<int:pk>/take/", views.take, name="take"),
    path("inquiries/<int:pk>/assign/", views.assign, name="assign"),
    path("inquiries/<int:pk>/move/", views.move, name="move"),
    path("inquiries/<int:pk>/close/", views.close, name="close"),
    path("inquiries/<int:pk>/reopen/", views.reopen, name="reopen"),
    path("inquiries/<int:pk>/note/", views.note, name="note"),
    path("inquiries/<int:pk>/requester/", views.requester_update, name="requester_update"),
    path("inquiries/<int:pk>/topics/", views.topics, name="topics"),
    path("inquiries/<int:pk>/research/", views.research, name="research"),
    path("inquiries/<int:pk>/attachments/<int:attachment_pk>/", views.attachment, name="attachment"),
]
