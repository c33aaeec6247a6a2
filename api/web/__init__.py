"""The clerks' web workbench: server-rendered pages (Jinja2) with a little htmx, in Simplified Chinese."""
