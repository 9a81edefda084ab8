#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# check_docs.py - the documentation of an Ansible module of zap agrees with
# its code: DOCUMENTATION, EXAMPLES and RETURN are YAML, every option of
# ARGUMENT_SPEC is documented with its type, default and choices and no
# other is, and the examples use only documented options. Prints
# "N options documented"; exits 1 naming the first disagreement.
#
# Copyright zap developers 2026

import importlib.util
import sys

import yaml


# Load the module file @path as a Python module (its main() does not run).
def load(path):
    spec = importlib.util.spec_from_file_location('module_under_test', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# The disagreements between @spec (ARGUMENT_SPEC) and @options (documented).
def disagreements(spec, options):
    for name in sorted(set(spec) | set(options)):
        if name not in options:
            yield '%s: in ARGUMENT_SPEC, not documented' % name
            continue
        if name not in spec:
            yield '%s: documented, not in ARGUMENT_SPEC' % name
            continue
        code, doc = spec[name], options[name]
        if not doc.get('description'):
            yield '%s: no description' % name
        for key in ('type', 'default', 'choices', 'required', 'elements'):
            if code.get(key) != doc.get(key):
                yield '%s: %s is %r in the code, %r in the documentation' % \
                    (name, key, code.get(key), doc.get(key))


# The option names that the examples of @examples give the module @name.
def example_options(examples, name):
    for task in examples:
        yield from (task.get(name) or {}).keys()


# Check the module file named on the command line.
def main():
    path = sys.argv[1]
    module = load(path)
    name = path.rsplit('/', 1)[-1].rsplit('.', 1)[0]
    try:
        doc = yaml.safe_load(module.DOCUMENTATION)
        examples = yaml.safe_load(module.EXAMPLES)
        returns = yaml.safe_load(module.RETURN)
    except yaml.YAMLError as error:
        print('%s: %s' % (path, ' '.join(str(error).split())))
        sys.exit(1)
    problems = list(disagreements(module.ARGUMENT_SPEC, doc['options']))
    if doc.get('module') != name:
        problems.append('module: %r, the file is %s' % (doc.get('module'),
                                                       path))
    problems += ['EXAMPLES: unknown option %s' % option
                 for option in example_options(examples, name)
                 if option not in doc['options']]
    problems += ['RETURN: %s has no description' % key
                 for key, value in returns.items()
                 if not value.get('description')]
    if problems:
        print('%s: %s' % (path, problems[0]))
        sys.exit(1)
    print('%d options documented' % len(doc['options']))


if __name__ == '__main__':
    main()
