"""Amendment decisions: decision text -> operations -> consolidated text -> discrepancies."""
from .apply import Consolidation, apply
from .check import Discrepancy, check
from .decision import Decision, parse_decision
from .ops import LawPart, Op, Problem

__all__ = ["Consolidation", "Decision", "Discrepancy", "LawPart", "Op", "Problem", "apply", "check",
           "parse_decision"]
