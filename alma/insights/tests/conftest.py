from alma.insights.tests.world import test_kinds  # noqa: F401 - a fixture for every test here
