from django.urls import path

from . import views

app_name = "donations"

urlpatterns = [
    path("", views.campaign_list, name="campaigns"),
    path("<slug:slug>/", views.campaign_detail, name="campaign"),
]
