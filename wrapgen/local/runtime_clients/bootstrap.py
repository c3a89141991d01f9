"""wrapgen's emulation of the managed Python runtime's /var/runtime/bootstrap.py, for `wrapgen try`.

Like Lambda's, it is run as `python3.X .../bootstrap.py` (the wrapper's program): it puts the function's code
(LAMBDA_TASK_ROOT) first on sys.path, and the layers' paths when PYTHONPATH is unset, then hands the handler
(_HANDLER) to the real runtime interface client, awslambdaric, which speaks the Runtime API.
"""

import os
import sys


def main() -> None:
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    if "PYTHONPATH" not in os.environ:
        version = f"{sys.version_info[0]}.{sys.version_info[1]}"
        sys.path[:0] = ["/opt/python", f"/opt/python/lib/python{version}/site-packages"]
    sys.path.insert(0, os.environ["LAMBDA_TASK_ROOT"])
    from awslambdaric.__main__ import main as ric_main  # type: ignore[import-untyped]

    ric_main([sys.argv[0], os.environ["_HANDLER"]])


if __name__ == "__main__":
    main()
