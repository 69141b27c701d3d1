"""The offline eval suite: scenario loader, runner, metrics and reports. Nothing imports it."""
