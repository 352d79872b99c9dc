"""The form builder in the staff console: ``/staff/forms/`` (namespace ``staff:forms``)."""

from django.urls import path

from minato.procedures.views import builder

app_name = "forms"

# Fixed words contain a hyphen, which page, question and exit ids cannot (ID_PATTERN).
PAGE = "<slug:slug>/pages/<slug:page_id>/"
QUESTION = PAGE + "questions/<slug:question_id>/"
CHILD = PAGE + "groups/<slug:group_id>/questions/<slug:question_id>/"

urlpatterns = [
    path("", builder.procedure_list, name="list"),
    path("new/", builder.procedure_create, name="procedure_create"),
    path("<slug:slug>/", builder.overview, name="overview"),
    path("<slug:slug>/entry/", builder.procedure_edit, name="procedure_edit"),
    path("<slug:slug>/publish/", builder.publish, name="publish"),
    path("<slug:slug>/export/", builder.export, name="export"),
    path("<slug:slug>/import/", builder.import_json, name="import"),
    path("<slug:slug>/declaration/", builder.declaration, name="declaration"),
    path("<slug:slug>/add-exit/", builder.exit_edit, name="exit_add"),
    path("<slug:slug>/exits/<slug:exit_id>/", builder.exit_edit, name="exit_edit"),
    path("<slug:slug>/exits/<slug:exit_id>/remove/", builder.exit_remove, name="exit_remove"),
    path("<slug:slug>/add-page/", builder.page_add, name="page_add"),
    path(PAGE, builder.page_edit, name="page_edit"),
    path(PAGE + "remove/", builder.page_remove, name="page_remove"),
    path(PAGE + "move/", builder.page_move, name="page_move"),
    path(PAGE + "routing/", builder.routing, name="routing"),
    path(PAGE + "add-question/", builder.question_add, name="question_add"),
    path(QUESTION, builder.question_edit, name="question_edit"),
    path(QUESTION + "remove/", builder.question_remove, name="question_remove"),
    path(QUESTION + "move/", builder.question_move, name="question_move"),
    path(QUESTION + "condition/", builder.condition, name="condition"),
    path(PAGE + "groups/<slug:group_id>/add-question/", builder.question_add, name="child_add"),
    path(CHILD, builder.question_edit, name="child_edit"),
    path(CHILD + "remove/", builder.question_remove, name="child_remove"),
    path(CHILD + "move/", builder.question_move, name="child_move"),
    path("<slug:slug>/preview/", builder.preview_start, name="preview"),
    path("<slug:slug>/preview/check-answers/", builder.preview_check, name="preview_check"),
    path("<slug:slug>/preview/exit/<slug:exit_id>/", builder.preview_exit, name="preview_exit"),
    path("<slug:slug>/preview/<slug:page_id>/", builder.preview_page, name="preview_page"),
]
