from django.apps import AppConfig


class RepliesConfig(AppConfig):
    name = "replies"
    verbose_name = "Replies and deliveries"

    def ready(self):
        from .letter import fonts  # noqa: F401 (registers the system check of the letter's fonts)
