"""The person's own data: the "My data" page, its downloads and account deletion."""

from django.urls import path

from . import data_views

app_name = "accounts"

urlpatterns = [
    path("my-data/", data_views.my_data, name="my_data"),
    path("my-data/export.json", data_views.my_data_export, name="my_data_export"),
    path("my-data/files.zip", data_views.my_data_attachments, name="my_data_attachments"),
    path("my-data/delete/", data_views.account_delete_view, name="delete"),
]
