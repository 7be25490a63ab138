"""The background tasks (django-tasks). Each is a thin wrapper: the work and its rules are in the modules of
tracker.delivery (outbox, webhooks, notifications), and every task is safe to run twice or late (see
tracker.delivery.outbox).

Run them with `manage.py db_worker` (TASKS_BACKEND=db, the default) or, in development only, in the process
that queues them (TASKS_BACKEND=immediate). The modules doing the work import this one (to queue tasks), so
each task imports its module when it runs.
"""

from django_tasks import task

__all__ = ["announce_disabled_webhook", "deliver_webhook", "deliver_webhooks", "dispatch_events", "send_notification"]


@task()
def dispatch_events():
    """Fan out the events past the dispatch cursor into notifications and webhook deliveries."""
    from tracker.delivery import outbox

    return outbox.dispatch().as_dict()


@task()
def deliver_webhook(delivery_id):
    """Make one attempt at a webhook delivery, if it is due."""
    from tracker.delivery import webhooks

    return webhooks.attempt(delivery_id)


@task()
def deliver_webhooks(delivery_ids):
    """Make the first attempt at each of a subscription's new deliveries, in order (webhooks.fan_out)."""
    from tracker.delivery import webhooks

    return webhooks.attempt_many(delivery_ids)


@task()
def send_notification(notification_id):
    """Send one notification email, if it is due."""
    from tracker.delivery import notifications

    return notifications.send(notification_id)


@task()
def announce_disabled_webhook(subscription_id):
    """Tell the owner of a webhook subscription that it was disabled for failures."""
    from tracker.delivery import webhooks

    return webhooks.announce_disabled(subscription_id)
