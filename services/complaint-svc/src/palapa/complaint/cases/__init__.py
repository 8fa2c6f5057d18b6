"""The case API: one case or a listing as the caller's role may see it, staff moves, ratings."""
