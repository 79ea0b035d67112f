"""The web platform: FastAPI app, server-rendered pages (Jinja2 + HTMX) and the JSON API under /api/v1."""
