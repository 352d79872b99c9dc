from django.urls import path

from minato.insight.views import portal

app_name = "insight"

urlpatterns = [
    path("voices/", portal.voices_public, name="voices"),
    path("voices/new/", portal.voice_new, name="voice_new"),
    path("voices/thanks/", portal.voice_thanks, name="voice_thanks"),
    path("voices/mine/", portal.voices_mine, name="voices_mine"),
    path("voices/<uuid:public_id>/", portal.voice_public, name="voice"),
    path("indicators/", portal.indicators_public, name="indicators"),
    path("indicators.csv", portal.indicators_csv, name="indicators_csv"),
    path("statistics/", portal.statistics_public, name="statistics"),
    path("surveys/", portal.surveys_mine, name="surveys_mine"),
    path("surveys/thanks/", portal.survey_thanks, name="survey_thanks"),
    path("surveys/answer/<str:token>/", portal.survey_answer_by_link, name="survey_answer_link"),
    path("surveys/<uuid:public_id>/", portal.survey_answer_mine, name="survey_answer"),
]
