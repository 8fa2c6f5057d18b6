"""An event's Kafka key is the field its topic's registry entry names, whatever the event."""

from datetime import UTC, datetime

from palapa.bridgekit.ingest import subject_of
from palapa.contracts.events import CameraWentOffline, ServiceRequestStatusChanged
from palapa.contracts.topics import ALL_TOPICS

AT = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)


def test_a_camera_event_is_keyed_by_its_camera_and_a_request_by_its_ticket():
    assert subject_of(CameraWentOffline(camera_id="CCTV-007", app_id="cctv", changed_at=AT)) == "CCTV-007"
    changed = ServiceRequestStatusChanged(ticket="SIMAKEL-3101", source_app="si-makel", source_ref="3101",
                                          status="ready", changed_at=AT)
    assert subject_of(changed) == "SIMAKEL-3101"


def test_every_topic_names_a_key_field_its_events_have():
    for topic in ALL_TOPICS:
        for event in topic.events:
            if topic.key in event.model_fields:
                continue
            assert ":" in topic.key, f"{event.__name__} has no field {topic.key!r}, the key of {topic.name}"
