"""The dashboard's date-filter tests, run again on SQLite (the database of `make run`)."""

from tests.monitoring.test_date_filters import (  # noqa: F401 - collected here a second time, on SQLite
    near_midnight,
    test_a_day_filter_keeps_the_sessions_held_on_that_local_day,
    test_the_dashboard_with_date_filters_answers_and_counts_the_day,
)
