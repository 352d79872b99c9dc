from django.urls import path

from minato.information.views import portal

app_name = "information"

urlpatterns = [
    path("", portal.notice_list, name="notices"),
    path("feed.atom", portal.atom_feed, name="feed_atom"),
    path("feed.rss", portal.rss_feed, name="feed_rss"),
    path("<uuid:public_id>/", portal.notice_detail, name="notice"),
]
