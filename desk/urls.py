"""The staff desk's pages live under /<lang>/admin/desk/ and go through the admin's login."""

from django.contrib import admin
from django.urls import path

from . import views

app_name = "desk"

urlpatterns = [
    path("numbers/", admin.site.admin_view(views.dashboard), name="dashboard"),
]
