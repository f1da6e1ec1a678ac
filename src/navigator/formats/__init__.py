"""The field's open formats: importers and exporters, calendar files and printable take-homes."""
