"""`./palapa reconcile`: every bridged app's rows compared with the platform's views (issue 17)."""
