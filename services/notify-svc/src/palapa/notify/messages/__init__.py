"""Messages to citizens and staff by WhatsApp, SMS and e-mail (issue 19): templates, preferences, dispatch, API."""
