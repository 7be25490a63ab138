"""Data in bulk, in and out: the seed data, demo data at scale, the CSV import of trade figures, and the CSV and
XLSX exports with what spreadsheet programs need of them."""
