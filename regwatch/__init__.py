"""The top layer: the ``regwatch`` command line and the Python API it mirrors.

Everything else (diffs, snapshots, monitor, notify, review, mirror) sits below and never imports
from here.
"""
