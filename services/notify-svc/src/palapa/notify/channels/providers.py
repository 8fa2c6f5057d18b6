"""The three channels built from notify-svc's settings (the composition root calls this once)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx

from .base import Channel, ChannelName
from .email import EmailChannel
from .sms import SmsChannel
from .whatsapp import WhatsAppChannel

if TYPE_CHECKING:
    from ..settings import ProviderSettings


def provider_client(settings: ProviderSettings) -> httpx.AsyncClient:
    """The HTTP client the WhatsApp and SMS adapters share (closed by whoever made it). Every connection is kept
    alive: the dispatcher sends a batch at once, and with httpx's default 20 kept most of a batch opened a new one."""
    return httpx.AsyncClient(timeout=httpx.Timeout(settings.provider_timeout_seconds, connect=5),
                             limits=httpx.Limits(max_connections=100, max_keepalive_connections=100))


def provider_channels(settings: ProviderSettings, http: httpx.AsyncClient) -> dict[ChannelName, Channel]:
    """The adapters whose credentials the settings give, pointed at the providers they name."""
    window = settings.callback_window_seconds
    channels: dict[ChannelName, Channel] = {}
    if settings.whatsapp_access_token and settings.whatsapp_app_secret:
        channels["whatsapp"] = WhatsAppChannel(
            http, base_url=settings.whatsapp_base_url, api_version=settings.whatsapp_api_version,
            phone_number_id=settings.whatsapp_phone_number_id,
            access_token=settings.whatsapp_access_token.get_secret_value(),
            app_secret=settings.whatsapp_app_secret.get_secret_value(), callback_window_s=window)
    if settings.sms_api_secret:
        channels["sms"] = SmsChannel(http, base_url=settings.sms_base_url, api_key=settings.sms_api_key,
                                     api_secret=settings.sms_api_secret.get_secret_value(), callback_window_s=window)
    if settings.smtp_host:
        channels["email"] = EmailChannel(
            host=settings.smtp_host, port=settings.smtp_port, sender=settings.mail_from,
            username=settings.smtp_username,
            password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
            starttls=settings.smtp_starttls, timeout_s=settings.provider_timeout_seconds)
    return channels
