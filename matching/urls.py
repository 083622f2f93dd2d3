from django.urls import path

from . import views

app_name = "matching"

urlpatterns = [
    path("", views.my_matches, name="mine"),
    path("board/", views.board, name="board"),
    path("board/<int:pk>/", views.task_detail, name="task"),
    path("board/<int:pk>/accept/", views.task_accept, name="accept"),
    path("board/<int:pk>/decline/", views.task_decline_view, name="decline"),
    path("<int:pk>/", views.match_detail, name="detail"),
    path("<int:pk>/accept/", views.match_accept_proposal_view, name="accept_proposal"),
    path("<int:pk>/reconfirm/", views.match_reconfirm_view, name="reconfirm"),
    path("<int:pk>/withdraw/", views.match_withdraw_view, name="withdraw"),
    path("<int:pk>/phone/", views.match_phone, name="phone"),
    path("<int:pk>/feedback/", views.match_feedback, name="feedback"),
    path("<int:pk>/ofp/", views.match_ofp_request, name="ofp_request"),
    path("ofp/<int:pk>/", views.ofp_detail, name="ofp"),
    path("ofp/<int:pk>/consent/", views.ofp_consent_view, name="ofp_consent"),
    path("ofp/<int:pk>/checkins/<int:checkin_pk>/", views.ofp_checkin_view, name="ofp_checkin"),
    path("ofp/<int:pk>/end/", views.ofp_end_view, name="ofp_end"),
]
