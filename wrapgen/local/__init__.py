"""What runs code on this machine that wrapgen did not write, and the stand-ins it runs it with: the sandbox
(sandbox.py over children.py), explain, try (trial.py, emulation.py, runtime_api.py, relay.py, runtime_clients/),
--verify-with (verify.py), Lambda's bootstrap (bootstrap.py) and layers unpacked at /opt (optdir.py)."""
