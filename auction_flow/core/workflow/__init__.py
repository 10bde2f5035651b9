"""Workflow definitions: the frozen model, the loader that validates a file once, and the
registry of the workflows folder. Callers use the names re-exported here."""

from auction_flow.core.workflow.loader import load, parse
from auction_flow.core.workflow.model import KINDS, PREVIOUS, SAME, ClockRule, Field, Period, Regime, State, Trigger, Workflow
from auction_flow.core.workflow.registry import DATA_FILES, definition_files, get, load_cached

__all__ = ["load", "parse", "KINDS", "PREVIOUS", "SAME", "ClockRule", "Field", "Period", "Regime", "State", "Trigger",
           "Workflow", "DATA_FILES", "definition_files", "get", "load_cached"]
