"""The bench's arithmetic: how it scales errdex's times to the machine the targets were set on."""

from bench.run import HUGO_REFERENCE_SECONDS, machine_speed


def test_machine_speed_scales_by_the_median_of_hugos_slowdowns():
    hugo = {1000: HUGO_REFERENCE_SECONDS[1000] * 2.0, 10000: HUGO_REFERENCE_SECONDS[10000] * 3.0}
    lines = machine_speed(hugo, {"seed site": 0.5, "100,000 codes": 75.0})
    assert lines[0].startswith("machine speed: Hugo took 2.00× its reference time at 1,000 codes")
    assert "3.00× its reference time at 10,000 codes" in lines[0]
    # The median of 2.0 and 3.0 is 2.5.
    assert lines[1] == "  at the reference speed (÷2.50): seed site 0.20 s (0.50 s here)"
    assert lines[2] == "  at the reference speed (÷2.50): 100,000 codes 30.00 s (75.00 s here)"


def test_machine_speed_needs_hugo_at_a_reference_size():
    assert machine_speed({}, {"seed site": 0.5}) == []
    assert machine_speed({100000: 400.0}, {"seed site": 0.5}) == []
