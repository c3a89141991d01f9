#!/bin/bash
# Builds the layer and wrapgen.tf (tests/test_examples.py runs the wrapgen lines), and the function's zip from src/
# (what Terraform's archive provider would do, without a provider to download); main.tf is the function.
set -euo pipefail
cd "$(dirname "$0")"
wrapgen python --preset importtime --layer build/wrapgen-python.zip --iac terraform > wrapgen.tf
(cd src && python3 -m zipfile -c ../build/function.zip app.py)
