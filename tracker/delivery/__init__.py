"""Delivery: reading the event log (the outbox) and sending what it holds, as notification emails and webhook
deliveries, from background tasks. The models never import this package; it subscribes to the event log in
TrackerConfig.ready()."""
