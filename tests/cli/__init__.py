"""Tests of the ``resolve`` command line and the argument checks it shares with the API."""
