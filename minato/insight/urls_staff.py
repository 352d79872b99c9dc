from django.urls import path

from minato.insight.views import staff

app_name = "insight"

urlpatterns = [
    path("voices/", staff.voices, name="voices"),
    path("voices/import/", staff.voices_import, name="voices_import"),
    path("voices/<uuid:public_id>/", staff.voice, name="voice"),
    path("topics/", staff.topics, name="topics"),
    path("topics/<uuid:public_id>/", staff.run, name="run"),
    path("topics/<uuid:public_id>/report.csv", staff.run_report, name="run_report"),
    path("topics/<uuid:public_id>/<uuid:topic_id>/", staff.topic, name="topic"),
    path("indicators/", staff.indicators, name="indicators"),
    path("statistics/", staff.statistics, name="statistics"),
    path("surveys/", staff.surveys, name="surveys"),
    path("surveys/<uuid:public_id>/", staff.survey, name="survey"),
    path("surveys/<uuid:public_id>/paper/", staff.survey_paper, name="survey_paper"),
]
