#!/usr/bin/env python3
"""Checks template.yaml against the deployment rules of docs/deploy-aws.md (its resource table and "Build") and issue 9:

- no Allow statement with a wildcard action, and no wildcard resource beyond the few the README allows
  (the objects of an allowed bucket, the function's own log streams, CloudTrail's own log prefix, and "*" for
  s3:ListAllMyBuckets, which has no resource ARN, granted only under conditions that hold only when ReportTargets is
  set or SweepTargets names a bucket by glob: the conditions are evaluated for sample parameter values, and a
  statement granted for values that need no ListBuckets, or whose conditions cannot be evaluated, is refused);
- no hard-coded partition: every ARN is built with ${AWS::Partition};
- no secret in a function's environment: only *_PARAMETER names (values are read from SSM at start-up);
- a Function URL only under the condition that a webhook secret parameter is configured;
- ssm and kms grants limited to reading the function's own parameters (kms only via SSM);
- failed asynchronous invocations and undeliverable events end in the dead-letter queue; the SQS event source
  has a MaximumConcurrency.

Usage: check-template.py [template.yaml]. Prints one line per violation and exits 1 if there is any.
CloudFormation's tags (!Ref, !Sub ...) need cfn-lint's YAML loader, which turns them into Fn:: mappings.
"""
import itertools
import re
import sys

from cfnlint.decode import cfn_yaml

SECRET_VARIABLES = {"COS_ACCESS_KEY_ID", "COS_SECRET_ACCESS_KEY", "COS_API_KEY", "WEBHOOK_SECRET"}
# Wildcards the README allows in an Allow statement's Resource (after ${...} references are kept as written).
ALLOWED_WILDCARD_RESOURCES = [
    re.compile(r"^arn:\$\{AWS::Partition\}:s3:::\$\{Bucket\}/\*$"),  # the objects (uploads) of one allowed bucket
    re.compile(r"^\$\{FunctionLogGroup\.Arn\}:\*$"),  # the function's own log streams
    re.compile(r"^\$\{[A-Za-z]+\.Arn\}/AWSLogs/\$\{AWS::AccountId\}/\*$"),  # CloudTrail's own prefix in its log bucket
]
# Actions without a resource ARN (IAM needs Resource "*"), each with when the function needs it: in words, sample values
# of the parameters that decide it, and the rule itself. A statement granting the action must sit under conditions
# that are false for every sample the rule says needs no such grant.
ACCOUNT_LEVEL_ACTIONS = {
    "s3:ListAllMyBuckets": (
        "ReportTargets is set or SweepTargets names a bucket by glob (* or ?)",
        {
            "ReportTargets": ["", "b", "*", "logs-*"],
            "SweepTargets": ["", "logs/tmp/:P1D", "a:P1D,b/c/:P7D", "logs-*/tmp/:P1D", "a?c:P1D", "a:P1D,b-*:P7D", "*:P1D"],
        },
        lambda p: p["ReportTargets"] != "" or "*" in p["SweepTargets"] or "?" in p["SweepTargets"],
    ),
}
PSEUDO_PARAMETERS = {
    "AWS::Region": "us-east-1", "AWS::Partition": "aws", "AWS::AccountId": "123456789012", "AWS::StackName": "stack",
    "AWS::URLSuffix": "amazonaws.com", "AWS::StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/stack/id",
}
# Beyond ReportTargets and SweepTargets: the candidate values a guard's other parameters are tried with, and at most how
# many combinations (a guard that reads more parameters than that is refused as too wide to check).
OTHER_PARAMETER_VALUES = ["", "x", "0", "true"]
MAX_COMBINATIONS = 20000
HARD_CODED_PARTITION = re.compile(r"arn:aws(-[a-z-]+)?:")
POLICY_TYPES = {
    "AWS::IAM::Role", "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::RolePolicy",
    "AWS::SQS::QueuePolicy", "AWS::S3::BucketPolicy", "AWS::SNS::TopicPolicy",
}


def strings(node, path):
    """Every string in the template with where it is; a Fn::Sub is seen as its template text."""
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from strings(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from strings(value, f"{path}[{i}]")


def branches(node):
    """The alternatives of a value: both sides of each Fn::If, lists flattened, AWS::NoValue dropped."""
    if isinstance(node, dict) and len(node) == 1 and "Fn::If" in node:
        for value in node["Fn::If"][1:]:
            yield from branches(value)
    elif isinstance(node, list):
        for value in node:
            yield from branches(value)
    elif isinstance(node, dict) and node.get("Ref") == "AWS::NoValue":
        return
    else:
        yield node


def guarded_statements(node, guards=()):
    """The statements of a policy document, each with the Fn::If conditions it sits under: (name, True) in the first
    branch, which exists when the condition holds, (name, False) in the second, which exists when it does not."""
    if isinstance(node, dict) and len(node) == 1 and "Fn::If" in node:
        condition, *values = node["Fn::If"]
        for polarity, value in zip((True, False), values):
            yield from guarded_statements(value, guards + ((condition, polarity),))
    elif isinstance(node, list):
        for value in node:
            yield from guarded_statements(value, guards)
    elif isinstance(node, dict) and node.get("Ref") == "AWS::NoValue":
        return
    else:
        yield guards, node


def text(node):
    """A resource as written: a string, a Fn::Sub template, or a readable form of another function."""
    if isinstance(node, str):
        return node
    if isinstance(node, dict) and "Fn::Sub" in node:
        sub = node["Fn::Sub"]
        return sub if isinstance(sub, str) else sub[0]
    if isinstance(node, dict) and "Fn::GetAtt" in node:
        att = node["Fn::GetAtt"]
        return "${" + (att if isinstance(att, str) else ".".join(att)) + "}"
    if isinstance(node, dict) and "Ref" in node:
        return "${" + node["Ref"] + "}"
    return repr(node)


class Unevaluable(Exception):
    pass


def evaluate(node, template, parameters, seen=()):
    """The value of a condition (or of an expression inside one) for the given parameter values, the way
    CloudFormation computes it: Fn::Equals compares the values as strings. Raises Unevaluable for what it cannot compute."""
    conditions = template.get("Conditions") or {}
    if isinstance(node, (str, int, float)) and not isinstance(node, bool):
        return str(node)
    if isinstance(node, list):
        return [evaluate(v, template, parameters, seen) for v in node]
    if not isinstance(node, dict) or len(node) != 1:
        raise Unevaluable(f"not an expression: {node!r}")
    (function, args), = node.items()
    if function == "Condition":
        if args in seen or args not in conditions:
            raise Unevaluable(f"condition {args} is {'circular' if args in seen else 'not defined'}")
        return evaluate(conditions[args], template, parameters, seen + (args,))
    if function == "Ref":
        if args in parameters:
            return parameters[args]
        if args in PSEUDO_PARAMETERS:
            return PSEUDO_PARAMETERS[args]
        raise Unevaluable(f"Ref {args} has no value")
    if function == "Fn::Equals":
        left, right = (evaluate(a, template, parameters, seen) for a in args)
        return left == right
    if function == "Fn::Not":
        return not truth(evaluate(args[0], template, parameters, seen))
    if function == "Fn::And":
        return all(truth(evaluate(a, template, parameters, seen)) for a in args)
    if function == "Fn::Or":
        return any(truth(evaluate(a, template, parameters, seen)) for a in args)
    if function == "Fn::Select":
        index, values = int(evaluate(args[0], template, parameters, seen)), evaluate(args[1], template, parameters, seen)
        if not isinstance(values, list) or not 0 <= index < len(values):
            raise Unevaluable(f"Fn::Select {index} of {values!r}")
        return values[index]
    if function == "Fn::Split":
        delimiter, source = (evaluate(a, template, parameters, seen) for a in args)
        return source.split(delimiter)
    if function == "Fn::Join":
        delimiter, values = evaluate(args[0], template, parameters, seen), evaluate(args[1], template, parameters, seen)
        return delimiter.join(values)
    raise Unevaluable(f"{function} is not evaluated here")


def truth(value):
    if not isinstance(value, bool):
        raise Unevaluable(f"{value!r} is not a condition")
    return value


def referenced_parameters(node, template, seen=()):
    """The parameters a condition reads, through the conditions it names."""
    conditions = template.get("Conditions") or {}
    found = set()
    if isinstance(node, list):
        for v in node:
            found |= referenced_parameters(v, template, seen)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key == "Ref" and isinstance(value, str):
                found.add(value)
            elif key == "Condition" and isinstance(value, str) and value not in seen:
                found |= referenced_parameters(conditions.get(value), template, seen + (value,))
            elif key == "Fn::If" and isinstance(value, list) and value and isinstance(value[0], str) and value[0] not in seen:
                found |= referenced_parameters(conditions.get(value[0]), template, seen + (value[0],))
                found |= referenced_parameters(value[1:], template, seen)
            else:
                found |= referenced_parameters(value, template, seen)
    return found


def parameter_candidates(name, declaration):
    """Values to try a parameter other than the deciding ones with: its default, its allowed values and a few more."""
    declaration = declaration or {}
    values = [str(v) for v in declaration.get("AllowedValues") or []]
    values += [str(declaration["Default"])] if "Default" in declaration else []
    values += OTHER_PARAMETER_VALUES
    values = list(dict.fromkeys(values))
    if str(declaration.get("Type", "")).startswith(("CommaDelimitedList", "List<")):
        return [v.split(",") for v in values]
    return values


def unneeded_grant(action, guards, template):
    """None when the statement under these guards is granted only when the action is needed, else why not."""
    needed_when, samples, needed = ACCOUNT_LEVEL_ACTIONS[action]
    declared = template.get("Parameters") or {}
    conditions = template.get("Conditions") or {}
    others = set()
    for name, _ in guards:
        if name not in conditions:
            return f"its condition {name} is not defined"
        others |= referenced_parameters({"Condition": name}, template)
    others = sorted(p for p in others if p not in samples and p not in PSEUDO_PARAMETERS)
    axes = [(p, values) for p, values in samples.items()] + [(p, parameter_candidates(p, declared.get(p))) for p in others]
    combinations = 1
    for _, values in axes:
        combinations *= len(values)
    if combinations > MAX_COMBINATIONS:
        return f"its conditions read too many parameters to check ({', '.join(others)})"
    for values in itertools.product(*(v for _, v in axes)):
        parameters = dict(zip((p for p, _ in axes), values))
        try:
            granted = all(truth(evaluate({"Condition": name}, template, parameters)) == polarity for name, polarity in guards)
        except Unevaluable as e:
            return f"its conditions cannot be evaluated ({e})"
        if granted and not needed(parameters):
            shown = ", ".join(f"{p}={v!r}" for p, v in parameters.items())
            return f"granted when it is not needed ({shown}); it is needed only when {needed_when}"
    return None


def policy_documents(name, resource):
    props = resource.get("Properties") or {}
    kind = resource.get("Type")
    if kind == "AWS::IAM::Role":
        for policy in branches(props.get("Policies") or []):
            yield f"{name}.Policies[{policy.get('PolicyName')}]", policy.get("PolicyDocument") or {}
    elif kind in POLICY_TYPES:
        yield name, props.get("PolicyDocument") or {}
    elif kind == "AWS::Serverless::Function":
        for i, policy in enumerate(branches(props.get("Policies") or [])):
            if isinstance(policy, dict) and "Statement" in policy:
                yield f"{name}.Policies[{i}]", policy


def check(template):
    problems = []
    resources = template.get("Resources") or {}
    conditions = template.get("Conditions") or {}

    for path, value in strings(template, "template"):
        if HARD_CODED_PARTITION.search(value):
            problems.append(f"{path}: hard-coded partition in '{value}'; use ${{AWS::Partition}}")

    for name, resource in resources.items():
        for where, document in policy_documents(name, resource):
            for guards, statement in guarded_statements(document.get("Statement") or []):
                sid = statement.get("Sid", "?")
                label = f"{where}.{sid}"
                if statement.get("Effect") != "Allow":
                    continue  # a Deny may be as wide as it likes
                actions = [text(a) for a in branches(statement.get("Action"))]
                for action in actions:
                    if "*" in action:
                        problems.append(f"{label}: wildcard action '{action}'")
                account_level = bool(actions) and all(a in ACCOUNT_LEVEL_ACTIONS for a in actions)
                for resource_arn in (text(r) for r in branches(statement.get("Resource"))):
                    if resource_arn == "*" and account_level:
                        continue
                    if "*" in resource_arn and not any(p.match(resource_arn) for p in ALLOWED_WILDCARD_RESOURCES):
                        problems.append(f"{label}: wildcard resource '{resource_arn}' beyond what the README allows")
                resource_guards = ((resource["Condition"], True),) if isinstance(resource.get("Condition"), str) else ()
                for action in actions:
                    if action in ACCOUNT_LEVEL_ACTIONS:
                        why = unneeded_grant(action, resource_guards + guards, template)
                        if why:
                            problems.append(f"{label}: '{action}': {why}")
                if "NotAction" in statement or "NotResource" in statement:
                    problems.append(f"{label}: NotAction/NotResource in an Allow statement")
                if statement.get("Principal") == "*" or statement.get("Principal") == {"AWS": "*"}:
                    problems.append(f"{label}: Allow to any principal")
                for action in actions:
                    if action.startswith("ssm:") and action not in ("ssm:GetParameters", "ssm:GetParameter"):
                        problems.append(f"{label}: '{action}': the function only reads its own parameters")
                    if action.startswith("kms:"):
                        if action != "kms:Decrypt":
                            problems.append(f"{label}: '{action}': the function only decrypts")
                        via = ((statement.get("Condition") or {}).get("StringEquals") or {}).get("kms:ViaService")
                        if via is None:
                            problems.append(f"{label}: kms:Decrypt without a kms:ViaService condition")

        props = resource.get("Properties") or {}
        kind = resource.get("Type")
        if kind in ("AWS::Serverless::Function", "AWS::Lambda::Function"):
            variables = ((props.get("Environment") or {}).get("Variables")) or {}
            for variable, value in variables.items():
                if variable in SECRET_VARIABLES:
                    problems.append(f"{name}: secret {variable} in the environment; name an SSM parameter in {variable}_PARAMETER")
                for _, s in strings(value, variable):
                    if "{{resolve:" in s:
                        problems.append(f"{name}: {variable} resolves a secret into the environment ({s})")
            if "FunctionUrlConfig" in props:
                problems.append(f"{name}: FunctionUrlConfig cannot be conditional; declare an AWS::Lambda::Url with the webhook-secret condition")
            if kind == "AWS::Serverless::Function":
                on_failure = (((props.get("EventInvokeConfig") or {}).get("DestinationConfig") or {}).get("OnFailure")) or {}
                if not on_failure.get("Destination"):
                    problems.append(f"{name}: no on-failure destination for asynchronous invocations")
                for event_name, event in (props.get("Events") or {}).items():
                    if event.get("Type") == "SQS" and not ((event.get("Properties") or {}).get("ScalingConfig") or {}).get("MaximumConcurrency"):
                        problems.append(f"{name}.Events.{event_name}: SQS event source without ScalingConfig.MaximumConcurrency")
                    if event.get("Type") in ("EventBridgeRule", "Schedule", "CloudWatchEvent", "ScheduleV2"):
                        problems.append(f"{name}.Events.{event_name}: declare the rule as AWS::Events::Rule with a DeadLetterConfig")
        if kind in ("AWS::Lambda::Url",) or (kind == "AWS::Lambda::Permission" and "FunctionUrlAuthType" in props):
            condition = resource.get("Condition")
            if condition is None or "WebhookSecretParameter" not in repr(conditions.get(condition)):
                problems.append(f"{name}: a Function URL (or its permission) without the webhook-secret condition")
        if kind == "AWS::Events::Rule":
            for target in branches(props.get("Targets") or []):
                if not (target.get("DeadLetterConfig") or {}).get("Arn"):
                    problems.append(f"{name}: target {target.get('Id')} has no DeadLetterConfig")
    return problems


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "template.yaml"
    problems = check(cfn_yaml.load(path))
    for p in problems:
        print(p)
    if problems:
        sys.exit(1)
    print(f"check-template: {path} OK")


if __name__ == "__main__":
    main()
