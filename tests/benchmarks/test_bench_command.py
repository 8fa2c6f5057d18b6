"""`./palapa bench`: every benchmark answers --help with its own usage, and an unknown name is refused with the list."""

import pytest

from palapa.tools.bench.command import BENCHMARKS, main


@pytest.mark.parametrize("name", sorted(BENCHMARKS))
def test_every_benchmark_answers_help_with_its_own_usage(name, capsys):
    with pytest.raises(SystemExit) as done:
        main([name, "--help"])
    assert done.value.code == 0
    usage = capsys.readouterr().out
    assert usage.startswith("usage: palapa bench"), usage
    assert name in usage.splitlines()[0]


def test_the_overview_names_every_benchmark(capsys):
    main(["--help"])
    overview = capsys.readouterr().out
    assert [name for name in BENCHMARKS if f"bench {name}" not in overview and name != "latency"] == []


def test_an_unknown_benchmark_exits_non_zero_and_lists_every_name():
    with pytest.raises(SystemExit) as done:
        main(["latencyy"])
    message = str(done.value.code)
    assert done.value.code not in (0, None)
    assert "unknown benchmark 'latencyy'" in message
    assert all(name in message for name in BENCHMARKS)
