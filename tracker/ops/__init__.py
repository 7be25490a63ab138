"""Running the service: health probes, log formats, backups, start-up checks, manage.py's command line and the
database connection's timestamp loader."""
