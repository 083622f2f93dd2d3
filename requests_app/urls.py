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
]
