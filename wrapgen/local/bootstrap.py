"""What Lambda's bootstrap (/var/runtime/bootstrap, a bash script) does before it execs AWS_LAMBDA_EXEC_WRAPPER:
the environment it has set, and its checks of the wrapper's file. explain and try start a wrapper the same way."""

from __future__ import annotations

import os

LAMBDA_PATH = "/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin"
"""PATH as Lambda sets it for a runtime."""


def bootstrap_environment(runtime: str, handler: str, api: str, *, task_root: str = "/var/task",
                          runtime_dir: str = "/var/runtime", path: str = LAMBDA_PATH) -> dict[str, str]:  # fmt: skip
    """The variables Lambda's bootstrap has set when it execs AWS_LAMBDA_EXEC_WRAPPER (example values where they
    are the function's: its name, memory, log names, region). The caller adds AWS_LAMBDA_EXEC_WRAPPER."""
    name = "wrapgen-try"
    return {
        "PATH": path,
        "LD_LIBRARY_PATH": "/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib"
        ":/opt/lib",
        "LANG": "en_US.UTF-8",
        "TZ": ":UTC",
        "_HANDLER": handler,
        "LAMBDA_TASK_ROOT": task_root,
        "LAMBDA_RUNTIME_DIR": runtime_dir,
        "AWS_LAMBDA_RUNTIME_API": api,
        "AWS_EXECUTION_ENV": f"AWS_Lambda_{runtime}",
        "AWS_LAMBDA_FUNCTION_NAME": name,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "1024",
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
        "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{name}",
        "AWS_LAMBDA_LOG_STREAM_NAME": "2026/01/01/[$LATEST]00000000000000000000000000000000",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
    }


def bootstrap_check(path: str, shown: str | None = None) -> tuple[int, str] | None:
    """What Lambda's bootstrap says of AWS_LAMBDA_EXEC_WRAPPER's file before it execs it: (exit status, message
    naming it as `shown`, by default its path), or None where it execs it."""
    if not os.path.isfile(path):
        return 127, f"{shown or path}: does not exist"
    if not os.access(path, os.X_OK):
        return 126, f"{shown or path}: is not an executable"
    return None
