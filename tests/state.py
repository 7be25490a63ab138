"""What the database holds, for tests that check a command changed nothing (or only what it should)."""

from django.apps import apps


def snapshot():
    """Every tracker row's (pk, version, updated_at), history tables included, by model."""
    state = {}
    for model in apps.get_app_config("tracker").get_models(include_auto_created=True):
        names = {field.name for field in model._meta.get_fields()}
        columns = ["pk", *(name for name in ("version", "updated_at") if name in names)]
        state[model._meta.label] = sorted(model._default_manager.values_list(*columns))
    return state
