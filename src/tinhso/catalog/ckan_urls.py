"""CKAN Action API v3 routes (no language prefix): /api/3/action/<name> and /api/action/<name>."""



urlpatterns: list = []
