from django.urls import path

from . import views

app_name = "volunteers"

urlpatterns = [
    path("", views.volunteer_profile, name="profile"),
    path("register/", views.volunteer_register_view, name="register"),
    path("edit/", views.volunteer_edit, name="edit"),
    path("pause/", views.volunteer_pause_view, name="pause"),
    path("resume/", views.volunteer_resume_view, name="resume"),
]
