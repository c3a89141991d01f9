#!/bin/bash
# Builds the layer and wrapgen.tf (tests/test_examples.py runs these lines); main.tf is the function.
set -euo pipefail
cd "$(dirname "$0")"
wrapgen python --preset importtime --layer build/wrapgen-python.zip --iac terraform > wrapgen.tf
