#!/bin/bash
# Builds the layer and the SAM template with wrapgen (tests/test_examples.py runs these lines and compares).
set -euo pipefail
cd "$(dirname "$0")"
wrapgen python --preset importtime --layer build/wrapgen-python.zip --iac sam > template.yaml
