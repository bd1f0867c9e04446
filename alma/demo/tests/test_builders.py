"""Every demo builder in alma/demo/ is registered once, and the registry runs them all."""

from pathlib import Path

import alma.demo
from alma.demo.builders import BUILDERS, demo_builders

NOT_BUILDERS = {"__init__", "apps", "builders"}


def test_every_builder_module_is_registered_once():
    modules = {
        f"alma.demo.{path.stem}"
        for path in Path(alma.demo.__file__).parent.glob("*.py")
        if path.stem not in NOT_BUILDERS
    }
    assert sorted(BUILDERS) == sorted(modules)
    assert BUILDERS[0] == "alma.demo.people"  # every other builder reads the people it made


def test_each_builder_says_what_it_loads_and_can_run():
    for builder in demo_builders():
        assert builder.TITLE.strip()
        assert callable(builder.build)
