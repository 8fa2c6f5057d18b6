"""The composition root's one call: the three adapters built from notify-svc's settings, secrets from there."""

import httpx

from palapa.notify.channels.providers import provider_channels, provider_client
from palapa.notify.settings import NotifySettings


async def test_the_three_channels_are_built_from_the_settings_and_point_where_they_say():
    settings = NotifySettings(whatsapp_base_url="https://graph.facebook.com/", whatsapp_phone_number_id="12345678",
                              whatsapp_access_token="t", whatsapp_app_secret="s", sms_api_secret="s",
                              sms_base_url="https://sms.example.id", smtp_host="smtp.example.id", smtp_port=587)
    async with provider_client(settings) as http:
        channels = provider_channels(settings, http)
    assert {name: channel.name for name, channel in channels.items()} == {
        "whatsapp": "whatsapp", "sms": "sms", "email": "email"}
    assert channels["whatsapp"].url == "https://graph.facebook.com/v21.0/12345678/messages"
    assert channels["sms"].base == "https://sms.example.id"
    assert (channels["email"].host, channels["email"].port) == ("smtp.example.id", 587)
    assert isinstance(http, httpx.AsyncClient)


async def test_a_channel_whose_secrets_are_not_given_is_not_built():
    settings = NotifySettings(sms_api_secret="s")
    async with provider_client(settings) as http:
        assert set(provider_channels(settings, http)) == {"sms"}
