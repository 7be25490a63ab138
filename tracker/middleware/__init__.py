"""Middleware: the request id and access log (`request_id`), and answers while the database is down
(`database`). Both are listed in settings.MIDDLEWARE."""
