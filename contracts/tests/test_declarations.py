"""An event is declared in one place: its class in its domain module, and its place in one of that module's topics."""

import ast
import inspect
import pkgutil

import pytest

import palapa.contracts
from palapa.contracts import events, topics
from palapa.contracts.events import ALL_EVENTS, DOMAINS, Event, Topic
from palapa.contracts.topics import ALL_TOPICS


def _short(module) -> str:
    return module.__name__.rsplit(".", 1)[-1]


def _own(module, kind):
    """The instances or subclasses of kind that module defines itself (not those it imports)."""
    for name, value in vars(module).items():
        if isinstance(value, type) and issubclass(value, kind) and value.__module__ == module.__name__:
            yield name, value
        elif kind is Topic and isinstance(value, Topic) and name != "TOPICS":
            yield name, value


def _events_of(module):
    """The concrete events a domain module defines (a shared base such as TaxBill has no event type of its own)."""
    return [cls for _, cls in _own(module, Event) if "event_type" in vars(cls)]


@pytest.mark.parametrize("domain", DOMAINS, ids=_short)
def test_every_event_a_domain_defines_travels_on_exactly_one_of_its_topics(domain):
    for event in _events_of(domain):
        carriers = [t.name for t in domain.TOPICS if event in t.events]
        assert len(carriers) == 1, (
            f"{event.__name__} is on {carriers or 'no topic'}: name it in the `events` of exactly one topic of "
            f"palapa.contracts.events.{_short(domain)} (its TOPICS)"
        )


@pytest.mark.parametrize("domain", DOMAINS, ids=_short)
def test_every_topic_a_domain_defines_is_in_its_topics(domain):
    for name, topic in _own(domain, Topic):
        assert any(topic is t for t in domain.TOPICS), f"add {name} to {_short(domain)}.TOPICS"


def _defined(module) -> set[str]:
    """The public names a module's own top-level statements bind (classes, functions, constants)."""
    names = set()
    for node in ast.parse(inspect.getsource(module)).body:
        if isinstance(node, ast.ClassDef | ast.FunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return {n for n in names if not n.startswith("_")} - {"TOPICS"}


@pytest.mark.parametrize("domain", [events.base, *DOMAINS], ids=_short)
def test_every_public_name_a_domain_defines_is_exported(domain):
    missing = _defined(domain) - set(domain.__all__)
    assert missing == set(), f"add {sorted(missing)} to {_short(domain)}.__all__ (the package re-exports it)"


def test_every_module_of_the_events_package_is_a_listed_domain():
    modules = {m.name for m in pkgutil.iter_modules(events.__path__)} - {"base"}
    assert modules == {_short(d) for d in DOMAINS}, "list the domain module in palapa.contracts.events.DOMAINS"


def test_every_declared_topic_is_registered_exactly_once():
    declared = [t.name for d in DOMAINS for t in d.TOPICS]
    registered = [t.name for t in ALL_TOPICS]
    assert len(registered) == len(set(registered))
    assert sorted(registered) == sorted(declared)


def test_every_event_the_domains_define_is_registered_once_and_nothing_else_is():
    defined = {e for d in DOMAINS for e in _events_of(d)}
    assert len(ALL_EVENTS) == len(set(ALL_EVENTS))
    assert set(ALL_EVENTS) == defined
    assert all(topics.topic_for(e) in ALL_TOPICS for e in ALL_EVENTS)


def test_the_topics_keep_the_order_they_were_introduced_in():
    assert [t.name for t in ALL_TOPICS][:14] == [
        "palapa.complaints.intake.v1", "palapa.complaints.updates.v1", "palapa.bridges.quarantine.v1",
        "palapa.bridges.heartbeats.v1", "palapa.platform.deadletter.v1", "palapa.emergency.incidents.v1",
        "palapa.tax.bills.v1", "palapa.transport.cameras.v1", "palapa.service_requests.v1", "palapa.health.queues.v1",
        "palapa.tickets.updates.v1", "palapa.complaints.sla.v1", "palapa.catalog.apps.v1", "palapa.curhat.commands.v1",
    ]


def test_everything_public_is_importable_from_the_package_itself():
    for name in [*events.__all__, *topics.__all__]:
        module = events if name in events.__all__ else topics
        assert getattr(palapa.contracts, name) is getattr(module, name), name
