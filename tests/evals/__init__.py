"""Tests of the offline eval suite (evals/)."""
