"""Deadlines in working days: the pure clocks, the calendar, the checker, marks and ratings, per-OPD figures."""
