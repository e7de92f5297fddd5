"""Synthetic scenarios with known truth: victims, the lists that record them, and who is who.

Everything this module makes is SYNTHETIC. Typical use::

    from uncounted.simulate import scenario_config, simulate_scenario, write_scenario
    sc = simulate_scenario(scenario_config("demo"), seed=1)
    write_scenario(sc, "out/")
"""

from __future__ import annotations

from uncounted.simulate.config import (
    LIST_KINDS,
    PERPETRATORS,
    SCENARIOS,
    STATUSES,
    VIOLATIONS,
    ListHabits,
    ListSpec,
    ScenarioConfig,
    SimulationError,
    default_lists,
    scenario_config,
)
from uncounted.simulate.scenario import Scenario, simulate_scenario, write_scenario

__all__ = [
    "LIST_KINDS", "PERPETRATORS", "SCENARIOS", "STATUSES", "VIOLATIONS",
    "ListHabits", "ListSpec", "Scenario", "ScenarioConfig", "SimulationError",
    "default_lists", "scenario_config", "simulate_scenario", "write_scenario",
]
