"""The domain: the rules of initiatives, milestones and trade figures, and the services that are the only code
writing them (tracker.domain.initiatives, .observations, .workflow, .milestones, .reference). The admin, the API,
the pages, the commands, imports and seeds call these and only translate input and output; import-linter
(`make lint`) keeps this package from importing any of them."""
