# The plugin under test, loaded the way a user's conftest.py loads it; pytester runs inner
# sessions for the tests of loading it with -p and of its options.
pytest_plugins = ["pytest_cupid", "pytester"]
