"""notify-svc: pushes complaint status changes to citizens, live (SSE and the citizen page)."""
