"""Services: plain functions that cli.py, the scheduler and the tests all call."""
