"""`wrapgen attach` and `wrapgen detach` on one function: put a layer and its wrapper on a function's
configuration without clobbering what is there (other layers, variables, options variables, another wrapper),
record what was added in the configuration itself, and take exactly that off again.

Every update names the RevisionId it was computed from: a change made by anyone in between makes AWS refuse it
(PreconditionFailedException) rather than be overwritten. Each update is awaited (LastUpdateStatus) before the next.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from wrapgen.aws.client import AwsError, code_of, translated
from wrapgen.aws.publish import wrapper_from_description
from wrapgen.aws.record import NAME, Record, RecordError, decode, encode
from wrapgen.envmode import check_configuration
from wrapgen.errors import InvalidValue, WrapgenError
from wrapgen.links import KNOWN, SEPARATOR, check_chain, check_link
from wrapgen.printable import printable
from wrapgen.runtimes import MERGED_VARIABLES
from wrapgen.variables import units

WRAPPER = "AWS_LAMBDA_EXEC_WRAPPER"
FIRST = "WRAPGEN_FIRST"
THEN = "WRAPGEN_THEN"
MARK = NAME
"""What attach added (wrapgen.aws.record): detach reads it and undoes exactly that."""
MAX_LAYERS = 5
WAIT = {"Delay": 2, "MaxAttempts": 150}


class Refused(WrapgenError):
    """The function is left as it is, for a reason that is no error of AWS's: a limit, a runtime, a clash."""


@dataclass(frozen=True)
class Function:
    name: str
    arn: str
    runtime: str | None
    package_type: str
    architectures: tuple[str, ...]
    layers: tuple[str, ...]
    env: dict[str, str]
    revision: str | None
    """None where the configuration has no RevisionId (moto as it ships): a change made meanwhile goes unseen."""


@dataclass
class Change:
    function: Function
    layers: list[str]
    env: dict[str, str]
    notes: list[str] = field(default_factory=list)
    remaining: list[str] = field(default_factory=list)
    """What detach could not undo, because it was changed since attach (kept in WRAPGEN_ATTACHED)."""

    @property
    def unfinished(self) -> str | None:
        """Where detach could not undo everything: what is left, and what to do about it."""
        if not self.remaining:
            return None
        return (f"changed since attach, left as it is (kept in {MARK}): {'; '.join(self.remaining)} (put it back by"
                " hand and detach again, or detach --force to put back what attach recorded)")  # fmt: skip

    @property
    def changed(self) -> bool:
        return self.layers != list(self.function.layers) or self.env != self.function.env

    def diff(self) -> str:
        """The exact before/after of Layers and Environment, as a unified diff of their JSON."""

        def shown(layers: Sequence[str], env: dict[str, str]) -> list[str]:
            text = json.dumps({"Layers": list(layers), "Environment": {"Variables": env}}, indent=2,
                              ensure_ascii=False)  # fmt: skip
            return text.splitlines()

        name = self.function.name
        lines = difflib.unified_diff(shown(self.function.layers, self.function.env), shown(self.layers, self.env),
                                     f"{name} (now)", f"{name} (after)", lineterm="", n=1000)  # fmt: skip
        return "".join(printable(line) + "\n" for line in lines)


def layer_name(arn: str) -> str:
    """A layer version's ARN without its version: arn:aws:lambda:REGION:ACCOUNT:layer:NAME."""
    parts = arn.split(":")
    return ":".join(parts[:7]) if len(parts) >= 8 and parts[5] == "layer" else arn


def read_function(client: Any, function: str) -> Function:
    """The function's configuration; waits first while an update of it is in progress."""
    with translated(function):
        config = client.get_function_configuration(FunctionName=function)
        if config.get("LastUpdateStatus") == "InProgress" or config.get("State") == "Pending":
            client.get_waiter("function_updated").wait(FunctionName=function, WaiterConfig=WAIT)
            config = client.get_function_configuration(FunctionName=function)
    return Function(
        name=str(config["FunctionName"]),
        arn=str(config["FunctionArn"]),
        runtime=config.get("Runtime"),
        package_type=str(config.get("PackageType") or "Zip"),
        architectures=tuple(config.get("Architectures") or ("x86_64",)),
        layers=tuple(str(layer["Arn"]) for layer in config.get("Layers") or ()),
        env=dict((config.get("Environment") or {}).get("Variables") or {}),
        revision=config.get("RevisionId"),
    )


class OwnLinks(NamedTuple):
    """The links a wrapper was built with (its --first and --then, in its header): it runs them itself, WRAPGEN_FIRST's
    before its --first ones and WRAPGEN_THEN's after its --then ones."""

    first: tuple[str, ...] = ()
    then: tuple[str, ...] = ()


@dataclass(frozen=True)
class LayerInfo:
    arn: str
    wrapper: str | None
    runtimes: tuple[str, ...]
    architectures: tuple[str, ...]
    own: OwnLinks | str = "not read"
    """The wrapper's own links (wrapgen.aws.chain.own_links, from the layer's zip), or why they are unknown."""


def read_layer(client: Any, arn: str, wrapper: str | None = None) -> LayerInfo:
    """The layer version: its runtimes and architectures, and the wrapper path (--wrapper, or as wrapgen's publish
    wrote it in the description)."""
    version = arn.rpartition(":")[2]
    if layer_name(arn) == arn or not version.isdigit():
        raise InvalidValue(f"--layer {printable(arn)}: not a layer version's ARN (arn:...:layer:NAME:VERSION)")
    with translated(f"layer {arn}"):
        # GetLayerVersion with the layer's ARN is GetLayerVersionByArn's answer (which moto lacks).
        found = client.get_layer_version(LayerName=layer_name(arn), VersionNumber=int(version))
    path = wrapper or wrapper_from_description(found.get("Description"))
    if path is not None and not path.startswith("/opt/"):
        raise InvalidValue(f"--wrapper {printable(path)}: a layer's file is under /opt")
    return LayerInfo(str(found["LayerVersionArn"]), path, tuple(found.get("CompatibleRuntimes") or ()),
                     tuple(found.get("CompatibleArchitectures") or ()))  # fmt: skip


def _check_function(function: Function, layer: LayerInfo, force: bool) -> None:
    if function.package_type == "Image":
        raise Refused(f"{function.name}: a container image function: layers cannot be attached to it",
                      "put the wrapper in the image: wrapgen FAMILY --dockerfile")  # fmt: skip
    runtime = function.runtime or ""
    if runtime.startswith("provided"):
        raise Refused(f"{function.name}: runtime {runtime}: OS-only runtimes ignore {WRAPPER}")
    if force:
        return
    if layer.runtimes and runtime not in layer.runtimes:
        raise Refused(f"{function.name}: runtime {runtime} is not one the layer is for ({', '.join(layer.runtimes)})",
                      "--force to attach it anyway")  # fmt: skip
    wrong = [arch for arch in function.architectures if layer.architectures and arch not in layer.architectures]
    if wrong:
        raise Refused(f"{function.name}: architecture {wrong[0]} is not one the layer is for", "--force")


def plan_attach(function: Function, layer: LayerInfo, env: Sequence[tuple[str, str]] = (), force: bool = False,
                first: Sequence[str] = (), then: Sequence[str] = (),
                chained: tuple[list[str], list[str]] | None = None) -> Change:  # fmt: skip
    """The configuration with the layer, the wrapper (with its chain: links added before it in WRAPGEN_FIRST and
    after it in WRAPGEN_THEN, another wrapper already there first after it unless `first` or `then` places it) and
    the variables. `chained`: the chain's links to extend instead of the function's (an attach again's)."""
    _check_function(function, layer, force)
    if MARK in function.env:
        return _again(function, layer, env, force, first, then)
    layers, replaced = _with_layer(function, layer)
    if layer.wrapper is None:
        raise InvalidValue(f"{layer.arn}: its description names no wrapper (not published by wrapgen)",
                           "say --wrapper /opt/wrapgen/NAME")  # fmt: skip
    variables = _Variables(function, force, dict(function.env))
    notes = variables.chain(layer, first, then, chained)
    for name, value in env:
        variables.add(name, value)
    new = variables.env
    new[MARK] = encode(Record(layer.arn, replaced, variables.sets, variables.appended))
    try:
        check_configuration(list(new.items()))
    except InvalidValue as error:
        raise Refused(f"{function.name}: {error.message}") from None
    notes = ([f"replaced {replaced}"] if replaced else []) + notes
    return Change(function, layers, new, notes)


def _again(function: Function, layer: LayerInfo, env: Sequence[tuple[str, str]], force: bool,
           first: Sequence[str], then: Sequence[str]) -> Change:  # fmt: skip
    """A function wrapgen attached (a version of) this layer to already: the earlier attach undone on paper (the
    configuration from before it, as detach would put it back), this one planned on that, and the change written
    from the function as it is. WRAPGEN_ATTACHED then records what this attach added to the original configuration,
    so detach still restores it exactly; another version, or other --env, replace the earlier ones; the chain's
    links (WRAPGEN_FIRST, WRAPGEN_THEN) are extended."""
    attached = _record(function).layer
    if layer_name(attached) != layer_name(layer.arn):
        raise Refused(f"{function.name}: wrapgen attached {attached} already", "wrapgen detach it first")
    undone = plan_detach(function)
    if undone.remaining:
        raise Refused(f"{function.name}: changed since wrapgen attached {attached}: {'; '.join(undone.remaining)}",
                      "wrapgen detach it first")  # fmt: skip
    original = dataclasses.replace(function, layers=tuple(undone.layers), env=undone.env)
    planned = plan_attach(original, layer, env, force, first, then, (links_of(function.env, FIRST),
                                                                     links_of(function.env, THEN)))  # fmt: skip
    now, then_env = _unmarked(function.env), _unmarked(planned.env)
    updated = ["Layers"] if planned.layers != list(function.layers) else []
    updated += sorted(name for name in {*now, *then_env} if now.get(name) != then_env.get(name))
    if attached != layer.arn:
        note = f"moved from {attached}"
    elif updated or decode(planned.env[MARK]) != _record(function):
        note = f"attached again: {', '.join(updated) or MARK} updated"
    else:
        return Change(function, list(function.layers), dict(function.env), ["already attached: nothing to do"])
    return Change(function, planned.layers, planned.env, [note, *planned.notes])


def given_links(first: Sequence[str], then: Sequence[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """--first and --then: each a path a list of links can hold; one given twice kept once; none in both."""
    both = next((path for path in first if path in then), None)
    if both is not None:
        raise InvalidValue(f"--first and --then {printable(both)!r}: a link runs once", "give it once")
    return tuple(dict.fromkeys(check_link("--first", path) for path in first)), tuple(
        dict.fromkeys(check_link("--then", path) for path in then)
    )


def links_of(env: dict[str, str], name: str) -> list[str]:
    """The links WRAPGEN_FIRST or WRAPGEN_THEN holds, in order (an empty entry is none, as the wrapper reads it)."""
    return [link for link in (env.get(name) or "").split(SEPARATOR) if link]


def chain_of(env: dict[str, str]) -> list[str]:
    """The chain a configuration runs, in order: WRAPGEN_FIRST's links, AWS_LAMBDA_EXEC_WRAPPER, WRAPGEN_THEN's
    (a wrapgen wrapper's own links are in it, not here)."""
    wrapper = env.get(WRAPPER)
    return [*links_of(env, FIRST), *([wrapper] if wrapper is not None else []), *links_of(env, THEN)]


def _unmarked(env: dict[str, str]) -> dict[str, str]:
    return {name: value for name, value in env.items() if name != MARK}


def _with_layer(function: Function, layer: LayerInfo) -> tuple[list[str], str | None]:
    """The function's layers with ours: in place of another version of it (which it returns), else last."""
    layers = list(function.layers)
    same = [i for i, arn in enumerate(layers) if layer_name(arn) == layer_name(layer.arn)]
    if not same:
        if len(layers) >= MAX_LAYERS:
            raise Refused(f"{function.name}: it has {len(layers)} layers, Lambda's most: a sixth cannot be added")
        return [*layers, layer.arn], None
    replaced = layers[same[0]]
    layers[same[0]] = layer.arn
    for i in reversed(same[1:]):
        del layers[i]
    return layers, replaced


@dataclass
class _Variables:
    """The function's variables as attach changes them, and what it changed (for the record)."""

    function: Function
    force: bool
    env: dict[str, str]
    sets: dict[str, tuple[str | None, str]] = field(default_factory=dict)
    appended: dict[str, tuple[str, bool]] = field(default_factory=dict)

    def set(self, name: str, value: str) -> None:
        if self.env.get(name) == value:
            return
        before = self.sets[name][0] if name in self.sets else self.env.get(name)  # the function's, not an --env's
        if before is not None and not self.force:
            raise Refused(f"{self.function.name}: {name} is set already (to {printable(before)!r}); attach does not"
                          " overwrite it", "--force to replace it (detach puts it back)")  # fmt: skip
        self.sets[name] = (before, value)
        self.env[name] = value

    def chain(self, layer: LayerInfo, first: Sequence[str], then: Sequence[str],
              chained: tuple[list[str], list[str]] | None) -> list[str]:  # fmt: skip
        """AWS_LAMBDA_EXEC_WRAPPER ours; another wrapper there chained (where `first` or `then` names it, else first
        in WRAPGEN_THEN); `first` and `then` added to WRAPGEN_FIRST and WRAPGEN_THEN (a link there already is kept
        where it is, once); the whole chain checked. The notes: what was done."""
        ours = str(layer.wrapper)
        current = self.env.get(WRAPPER)
        before, after = chained or (links_of(self.env, FIRST), links_of(self.env, THEN))
        before, after = list(before), list(after)
        own = layer.own if isinstance(layer.own, OwnLinks) else OwnLinks()
        theirs = None if current in (None, ours) or current in [*before, *after, *own.first, *own.then] else current
        if theirs is not None and theirs not in [*first, *then]:
            after.insert(0, theirs)
        kept = [current] if chained is None and current not in (None, ours) and theirs is None else []
        kept += self._placed(before, first, after, "--first", own) + self._placed(after, then, before, "--then", own)
        chain = self._checked(before, after, ours, theirs, own)
        self._chained(WRAPPER, current, ours)
        for name, links in ((FIRST, before), (THEN, after)):
            if links != links_of(self.env, name):
                self._chained(name, self.env.get(name), SEPARATOR.join(links))
        notes = [f"{path}: in the chain already, kept where it is" for path in kept]
        if theirs is not None:
            notes.append(f"chained: {theirs} runs {'before' if theirs in before else 'after'} {ours}"
                         f" ({FIRST if theirs in before else THEN})")  # fmt: skip
        if len(chain) > 1:
            notes.append("chain: " + " -> ".join(map(printable, chain)))
            if not isinstance(layer.own, OwnLinks):
                notes.append(f"the wrapper's own links (--first, --then) not read: {layer.own}; the chain was"
                             " checked without them")  # fmt: skip
        return notes

    def _placed(self, links: list[str], added: Sequence[str], other: list[str], option: str,
                own: OwnLinks) -> list[str]:  # fmt: skip
        """`added` appended to `links`, each once: those there already (or the wrapper's own), returned."""
        kept = []
        for path in added:
            if path in other:
                where = FIRST if option == "--then" else THEN
                raise Refused(f"{self.function.name}: {option} {printable(path)}: it is in the chain already, in"
                              f" {where}", f"give it where it is, or change {where} by hand first")  # fmt: skip
            if path in links or path in own.first or path in own.then:
                kept.append(path)
            else:
                links.append(path)
        return kept

    def _checked(self, before: list[str], after: list[str], ours: str, theirs: str | None,
                 own: OwnLinks) -> list[str]:  # fmt: skip
        """The chain (the wrapper's own links in it), checked as generation checks it: each link a path a list of
        links can hold, none twice, none but the last replacing the runtime."""
        try:
            for name, links in ((FIRST, before), (THEN, after)):
                for path in links:
                    if path == ours:
                        raise InvalidValue(f"{name}: {ours} is the wrapper attached: it is not a link of its own chain")
                    check_link(WRAPPER if path == theirs else name, path)
            check_chain([*before, *own.first], [*own.then, *after])
        except InvalidValue as error:
            hint = error.hint
            if any(KNOWN[path].replaces for path in [*before, *own.first, *own.then, *after] if path in KNOWN):
                hint = ("a link that replaces the runtime must be last: --first and --then place the links given and"
                        f" the function's own wrapper; {FIRST}'s and {THEN}'s stay in their order (change them by"
                        " hand); the wrapper's own links (its --first, --then) run next to it")  # fmt: skip
            raise Refused(f"{self.function.name}: {error.message}", hint) from None
        return [*before, *own.first, ours, *own.then, *after]

    def _chained(self, name: str, before: str | None, value: str) -> None:
        """A variable of the chain set, whatever it held (recorded, so detach puts it back)."""
        if before == value:
            return
        self.sets[name] = (self.sets[name][0] if name in self.sets else before, value)
        self.env[name] = value

    def add(self, name: str, value: str) -> None:
        """--env: a list variable appended to, unit by unit (a unit there already is not added); another set."""
        if name in (WRAPPER, FIRST, THEN, MARK):
            raise InvalidValue(f"--env {name}: attach sets it itself")
        if name not in MERGED_VARIABLES:
            self.set(name, value)
            return
        separator = MERGED_VARIABLES[name]
        before = self.env.get(name)
        there = units(name, before or "")
        added = [unit for unit in units(name, value) if unit not in there]
        if not added:
            return
        text = (separator if before else "") + separator.join(added)
        self.env[name] = (before or "") + text
        previous = self.appended.get(name)
        self.appended[name] = (previous[0] + text, previous[1]) if previous else (text, before is not None)


def _record(function: Function) -> Record:
    try:
        return decode(function.env[MARK])
    except RecordError as error:
        raise Refused(f"{function.name}: {error.message}: left as it is") from None


def recorded_layers(env: dict[str, str]) -> list[str]:
    """The layer version WRAPGEN_ATTACHED names, which a detach that left something to undo may have taken off."""
    try:
        return [decode(env[MARK]).layer] if MARK in env else []
    except RecordError:
        return []


def plan_detach(function: Function, layer: str | None = None, force: bool = False) -> Change:
    """The configuration without what attach recorded in WRAPGEN_ATTACHED: everything else byte for byte. What was
    changed since attach, so that it cannot be put back exactly, is left as it is, named in `remaining` and kept in
    the record (for a detach after it is fixed); with force, the recorded originals are put back regardless."""
    if MARK not in function.env:
        return Change(function, list(function.layers), dict(function.env), ["nothing attached by wrapgen"])
    record = _record(function)
    if layer is not None and layer not in (record.layer, layer_name(record.layer)):
        return Change(function, list(function.layers), dict(function.env),
                      [f"wrapgen attached {record.layer}, not that"])  # fmt: skip
    change = Change(function, list(function.layers), dict(function.env))
    _layer_back(change, record, force)
    sets = {name: pair for name, pair in record.sets.items() if not _set_back(change, name, *pair, force)}
    appended = {name: pair for name, pair in record.appended.items() if not _taken_off(change, name, *pair, force)}
    if change.remaining:
        change.env[MARK] = encode(record._replace(sets=sets, appended=appended))
    else:
        del change.env[MARK]
    return change


def _layer_back(change: Change, record: Record, force: bool) -> None:
    """Our layer taken off, the version it replaced put back in its place (with force where ours is gone: last)."""
    layers = change.layers
    at = next((i for i, arn in enumerate(layers) if layer_name(arn) == layer_name(record.layer)), None)
    now = None if at is None else layers[at]
    if now == record.replaced:
        return  # as it was before attach already
    if now != record.layer and not force:
        change.remaining.append(f"layer {now or 'none'} now, {record.replaced or 'none'} before attach (wrapgen"
                                f" attached {record.layer})")  # fmt: skip
        return
    if at is not None:
        del layers[at]
    if record.replaced is not None:
        layers.insert(len(layers) if at is None else at, record.replaced)


def _set_back(change: Change, name: str, before: str | None, ours: str, force: bool) -> bool:
    """A variable attach set, back to the value it had (None: none); False where it was changed since."""
    now = change.env.get(name)
    if now not in (ours, before) and not force:
        change.remaining.append(f"{name} is {_shown(now)} now, {_shown(before)} before attach")
        return False
    if before is None:
        change.env.pop(name, None)
    else:
        change.env[name] = before
    return True


def _taken_off(change: Change, name: str, text: str, existed: bool, force: bool) -> bool:
    """What attach appended to a list variable, taken off its end (with force: wherever it is); False where it was
    changed since and some of it is still there."""
    now = change.env.get(name) or ""
    if now.endswith(text) or (force and text in now):
        at = now.rfind(text)
        rest = now[:at] + now[at + len(text) :]
        if rest or existed:
            change.env[name] = rest
        else:
            change.env.pop(name, None)
        return True
    if not set(units(name, text)) & set(units(name, now)):
        return True  # taken out by hand: nothing of attach's is left in it
    if force:
        change.notes.append(f"{name}: {printable(text)!r} is not in it as attach appended it: left as it is")
        return True
    change.remaining.append(f"{name} is {_shown(change.env.get(name))} now: attach appended {printable(text)!r} to"
                            f" {'it' if existed else 'nothing'}")  # fmt: skip
    return False


def _shown(value: str | None) -> str:
    return "unset" if value is None else repr(printable(value))


def apply(client: Any, change: Change) -> dict[str, Any]:
    """Update the function from the revision the change was computed on, and wait until Lambda has applied it."""
    function = change.function
    revision = {"RevisionId": function.revision} if function.revision else {}
    if not revision:
        change.notes.append("no RevisionId: written without one, so a change made meanwhile was not seen")
    with translated(function.name):
        try:
            answer = client.update_function_configuration(
                FunctionName=function.arn, Layers=change.layers, Environment={"Variables": change.env}, **revision
            )
        except Exception as error:
            if code_of(error) == "PreconditionFailedException":
                raise AwsError(f"{function.name}: changed by someone else since it was read (RevisionId"
                               f" {function.revision}): nothing was written", "run it again") from None  # fmt: skip
            raise
        client.get_waiter("function_updated").wait(FunctionName=function.arn, WaiterConfig=WAIT)
    return dict(answer)
