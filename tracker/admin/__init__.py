"""The Django admin for every tracker model, one module per group of models.

Importing this package registers the admins (Django's autodiscovery imports `tracker.admin`).
"""

from tracker.admin import (  # noqa: F401  (registers the admins)
    access,
    initiatives,
    journal,
    notifications,
    reference,
    trade,
    webhooks,
)
