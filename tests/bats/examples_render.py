# SPDX-License-Identifier: MIT
# examples_render.py PLAYBOOK - print the command tasks of an example
# playbook as JSON lines {"task", "argv", "register", "changed_when",
# "when"}, one per task and loop item, with the playbook's own vars put in
# for the few Jinja expressions the examples use. A test helper: no Ansible
# needed, and an expression it does not know is an error, not a guess.
import json
import re
import sys

import yaml

EXPR = re.compile(r"\{\{\s*(.*?)\s*\}\}")


def value(expr, env):
    """Evaluate the Jinja expressions the examples use."""
    m = re.fullmatch(r"(\w+) \| map\(attribute='(\w+)'\) \| join\('(.*)'\)", expr)
    if m:
        return m.group(3).join(str(x[m.group(2)]) for x in env[m.group(1)])
    path = expr.split(".")
    if not all(re.fullmatch(r"\w+", p) for p in path):
        raise SystemExit(f"unknown expression: {expr}")
    obj = env
    for p in path:
        obj = obj[p]
    return obj


def render(text, env):
    """Put values in for every {{ ... }} of text."""
    return EXPR.sub(lambda m: str(value(m.group(1), env)), text)


def main():
    plays = yaml.safe_load(open(sys.argv[1]))
    for play in plays:
        vars_ = play.get("vars", {})
        for task in play["tasks"]:
            cmd = task.get("ansible.builtin.command") or task.get("command")
            if cmd is None:
                raise SystemExit(f"task without command: {task['name']}")
            loop = task.get("loop")
            if loop is None:
                items = [None]
            elif loop == "{{ guests }}":
                items = vars_["guests"]
            elif loop.endswith(".results }}"):
                # the loop over an earlier task's results: item.item is the guest
                items = [{"item": g} for g in vars_["guests"]]
            else:
                raise SystemExit(f"unknown loop: {loop}")
            for item in items:
                env = dict(vars_, item=item)
                print(json.dumps({
                    "task": task["name"],
                    "argv": [render(a, env) for a in cmd["argv"]],
                    "register": task.get("register"),
                    "changed_when": task.get("changed_when"),
                    "failed_when": task.get("failed_when"),
                    "when": task.get("when"),
                }))


main()
