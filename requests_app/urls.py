from django.urls import path

from . import views

app_name = "requests"

urlpatterns = [
    path("", views.request_list, name="mine"),
    path("new/", views.request_new, name="new"),
    path("topics/", views.topics_partial, name="topics"),
    path("<int:pk>/", views.request_detail, name="detail"),
    path("<int:pk>/edit/", views.request_edit, name="edit"),
    path("<int:pk>/cancel/", views.request_cancel_view, name="cancel"),
    # The attachment's random id, never a file path: no name to guess, no storage layout shown.
    path("files/<uuid:pk>/", views.attachment_file, name="attachment"),
    path("files/<uuid:pk>/preview/", views.attachment_preview, name="attachment_preview"),
]
