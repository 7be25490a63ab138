"""The request id (X-Request-ID) on every change-log row, event and journal entry.

Rows written before this migration keep a blank id: each column is added with "" and only then given its
default, the id of the request or command writing the row (otherwise every old row would carry the id of
the `migrate` run that added the column).
"""

from django.db import migrations, models

import tracker.domain.context

HISTORY_MODELS = [
    "historicalapikey",
    "historicalarea",
    "historicalcommodity",
    "historicalinitiative",
    "historicalinitiativeindicator",
    "historicalkeycommodity",
    "historicalmeeting",
    "historicalmilestone",
    "historicalobservation",
    "historicalorganisation",
    "historicalparticipation",
    "historicalregion",
    "historicalsource",
    "historicaltradeindicator",
    "historicalwebhooksubscription",
]
COLUMNS = [("event", "request_id"), ("statusupdate", "request_id")] + [
    (model, "history_request_id") for model in HISTORY_MODELS
]


def request_id_field(default):
    return models.CharField(
        blank=True,
        default=default,
        help_text="The request or command that made the change (X-Request-ID, also in the logs).",
        max_length=64,
        verbose_name="request id",
    )


class Migration(migrations.Migration):
    dependencies = [("tracker", "0005_event_overdue_action")]

    operations = [
        migrations.AddField(model_name=model, name=name, field=request_id_field(""), preserve_default=False)
        for model, name in COLUMNS
    ] + [
        migrations.AlterField(
            model_name=model, name=name, field=request_id_field(tracker.domain.context.current_request_id)
        )
        for model, name in COLUMNS
    ]
