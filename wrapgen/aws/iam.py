"""The least-privilege IAM policy of each command that reaches AWS: the actions of the calls it makes (a test records
every call of each command against moto and holds these to them), each on the resources Lambda checks it on.
`wrapgen iam-policy COMMAND` prints one."""

from __future__ import annotations

FUNCTION = "arn:aws:lambda:*:*:function:*"
LAYER = "arn:aws:lambda:*:*:layer:*"
LAYER_VERSION = "arn:aws:lambda:*:*:layer:*:*"
ANY = "*"
"""ListFunctions and ListLayerVersions are granted on no resource of their own: "*"."""
_SID = {FUNCTION: "Functions", LAYER: "Layers", LAYER_VERSION: "LayerVersions", ANY: "Lists"}

RESOURCE = {
    "lambda:GetFunctionConfiguration": FUNCTION,
    "lambda:UpdateFunctionConfiguration": FUNCTION,
    "lambda:ListTags": FUNCTION,
    "lambda:ListFunctions": ANY,
    "lambda:GetLayerVersion": LAYER_VERSION,
    "lambda:ListLayerVersions": ANY,
    "lambda:PublishLayerVersion": LAYER,
}

_FLEET = ("lambda:ListFunctions", "lambda:ListTags", "lambda:GetFunctionConfiguration")
"""Choosing the functions (--all-with-layer, --tag, --all) and reading each (the update waiter reads it too)."""

ACTIONS: dict[str, tuple[str, ...]] = {
    "publish": ("lambda:ListLayerVersions", "lambda:GetLayerVersion", "lambda:PublishLayerVersion"),
    "attach": (*_FLEET, "lambda:GetLayerVersion", "lambda:UpdateFunctionConfiguration"),
    "detach": (*_FLEET, "lambda:GetLayerVersion", "lambda:UpdateFunctionConfiguration"),
    "status": (*_FLEET, "lambda:ListLayerVersions", "lambda:GetLayerVersion"),
    "build": (),
}
"""Each command's actions: those of the calls it makes, and those of IMPLIED."""

_LAYERS_SET = ("UpdateFunctionConfiguration needs it on every layer it sets on the function (the version attach"
               " replaced, put back)")  # fmt: skip
IMPLIED: dict[str, dict[str, str]] = {"detach": {"lambda:GetLayerVersion": _LAYERS_SET}}
"""Actions a command needs without calling them itself: why."""


def policy(command: str) -> dict[str, object]:
    """The IAM policy document: one statement for each kind of resource, its actions sorted."""
    by_resource: dict[str, list[str]] = {}
    for action in sorted(ACTIONS[command]):
        by_resource.setdefault(RESOURCE[action], []).append(action)
    statements = [{"Sid": f"Wrapgen{command.capitalize()}{_SID[resource]}", "Effect": "Allow", "Action": actions,
                   "Resource": resource} for resource, actions in by_resource.items()]  # fmt: skip
    return {"Version": "2012-10-17", "Statement": statements}
