#!/usr/bin/python
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: MIT
#
# zap_config.py - the Ansible module zap_config: makes the AP (crypto)
# configuration of an IBM Z KVM host what a zap-config(5) document says by
# running "chzap --apply ... --json" on the managed host. It owns only the
# translation between Ansible and chzap: options to chzap's command line,
# chzap's JSON object to the task's result, check mode to --dry-run, and the
# --diff view (lszap --export before, the document applied after). Every
# decision (what is safe, what changes) is chzap's.
#
# Copyright zap developers 2026

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: zap_config
short_description: Make an IBM Z KVM host's AP configuration what a zap-config document says
version_added: "0.1.0"
description:
  - Takes the desired AP (crypto) configuration of an IBM Z / LinuxONE KVM
    host as a zap-config(5) document, inline (I(config)) or in a file on the
    managed host (I(src)), and runs C(chzap --apply ... --json) there.
  - chzap audits the desired state first (no APQN shared by two mdevs, none
    held by an mdev and the host), then makes the live configuration (with
    I(persistent=both) also the persistent one, with I(persistent=persistent)
    only that) equal the document in one checked plan, under the AP
    configuration lock, rolled back on failure. Nothing is written when
    nothing differs, and the task then reports no change.
  - mdevs the document does not mention are kept, unless I(prune=true).
  - The host's masks (or queue overrides) are changed only when the document
    has C(ownership) and C(vfio_ap); a document made by
    C(lszap --export -m UUID) changes one mdev and nothing of the host.
  - C(changed) is what chzap reports. A failure (a refused document, bad
    input, a failed write) fails the task with chzap's one-line message as
    C(msg) and chzap's exit code as C(rc).
options:
  config:
    description:
      - The desired configuration, a zap-config(5) document as a dictionary
        (C(version), C(ownership), C(vfio_ap), C(mdevs)), sent to chzap on
        its standard input as JSON.
      - chzap checks the document; a bad one (an unknown key, an id out of
        range, a UUID given twice) fails with chzap's message naming the key
        and the value, exit code 1, and nothing is written.
      - Ids are JSON integers (C(71), not C("0x47")). Template whole lists
        or whole mdevs (C(mdevs) set to C("{{ guests }}")), not single ids,
        for Ansible may turn a templated id into a string, which chzap
        refuses.
      - Exactly one of I(config) and I(src) is required.
    type: dict
  src:
    description:
      - Path of a zap-config(5) document on the managed host, for example
        one written by C(lszap --export). chzap reads the file itself, so
        its messages name it.
      - Exactly one of I(config) and I(src) is required.
    type: path
  persistent:
    description:
      - Which configuration to change.
      - C(live) changes the running configuration only (sysfs).
      - C(both) also changes the persistent configuration (mdevctl
        definitions, 41-ap.rules) as C(chzap -p) does.
      - C(persistent) changes only the persistent configuration, the one
        after a reboot, as C(chzap -P) does.
    type: str
    choices: [ live, both, persistent ]
    default: live
  prune:
    description:
      - Remove the mdevs the document does not mention (C(chzap --prune)).
        chzap refuses to remove an mdev in use by a running guest unless
        I(force=true).
    type: bool
    default: false
  force:
    description:
      - Remove mdevs in use by a running guest and move queues that have
        requests pending (C(chzap --force)).
    type: bool
    default: false
  lock_timeout:
    description:
      - Seconds to wait for the AP configuration lock
        (C(chzap --lock-timeout)); C(0) tries once. chzap's default (90)
        when not given.
    type: int
  chzap_path:
    description:
      - Path of chzap on the managed host. Default the first C(chzap) on
        C(PATH) or in the system's sbin directories.
    type: path
  lszap_path:
    description:
      - Path of lszap on the managed host, used only for C(--diff). Default
        the first C(lszap) on C(PATH) or in the system's sbin directories.
    type: path
attributes:
  check_mode:
    support: full
    description:
      - Runs C(chzap --apply --dry-run --json), which writes nothing; the
        task is changed when chzap reports a change or lists writes it would
        make.
  diff_mode:
    support: full
    description:
      - I(before) is C(lszap --export) (C(lszap --export --persistent) with
        I(persistent=persistent)); I(after) is the configuration the host
        will have - the document, with the host part and the unmentioned
        mdevs of I(before) where the document leaves them alone, UUIDs in
        lower case, ids and mdevs sorted.
      - Both are laid out as C(lszap --export) lays out a document, one mdev
        a line, so an mdev changed, added or removed is one line of the
        diff, and a document that changes nothing shows none.
notes:
  - Needs zap's chzap with C(--apply) and, for C(--diff), lszap with
    C(--export) on the managed host, and root there (C(become=true)).
  - chzap and lszap honour C(SYSFS_ROOT) and C(ZAP_ROOT) from the task's
    C(environment), to work on a copy of a host's tree or on apsim.
  - The document format, its keys and its errors are described in
    zap-config(5); the refusals and exit codes in chzap(8).
requirements:
  - zap (chzap, lszap) on the managed host
author:
  - zap developers
'''

EXAMPLES = r'''
- name: Two guests with crypto queues, live and after a reboot; no other mdev
  zap_config:
    persistent: both
    prune: true
    config:
      version: 1
      ownership: masks
      vfio_ap:
        adapters: []
        domains: [4, 71, 171, 255]
      mdevs:
        - uuid: 62177883-f1bb-47f0-914d-32a22e3a8804
          adapters: [5, 6]
          domains: [4, 171]
          control_domains: [4, 171]
          autostart: true
        - uuid: cef03c3c-903d-4ecc-9a83-40694cb8aee4
          adapters: [5]
          domains: [71, 255]
          control_domains: [71, 255]
          autostart: true
  become: true

- name: The mdevs from the inventory's variables; a guest removed from them loses its mdev
  zap_config:
    persistent: both
    prune: true
    config:
      version: 1
      mdevs: "{{ guests }}"
  vars:
    guests:
      - uuid: 62177883-f1bb-47f0-914d-32a22e3a8804
        adapters: [5, 6]
        domains: [4, 171]
        control_domains: [4, 171]
        autostart: true
  become: true

- name: Give a guest the mdev exported on its old host (lszap --export -m UUID)
  zap_config:
    src: /root/guest.json
    persistent: both
  become: true

- name: Would a host take this guest? (check mode writes nothing)
  zap_config:
    src: /root/guest.json
  check_mode: true
  register: target
  become: true
'''

RETURN = r'''
changed:
  description: What chzap reports - true when a write is in effect; in check
    mode, when chzap reports a change or lists writes it would make.
  returned: always
  type: bool
chzap:
  description:
    - chzap's JSON object, as chzap(8) describes it under JSON OUTPUT -
      changed, uuid, writes, apqns_moved, assigned, unassigned, refused,
      error.
  returned: when chzap printed it (always but for a chzap that could not run)
  type: dict
  sample:
    changed: true
    uuid: null
    writes:
      - path: /sys/bus/ap/aqmask
        value: "0xd7fffffffffffffffeffffffffffffffffffffffffeffffffffffffffffffffe"
        result: ok
    apqns_moved:
      host_to_vfio: ["05.0002", "06.0002"]
      vfio_to_host: []
    assigned: []
    unassigned: []
    refused: []
    error: null
rc:
  description: chzap's exit code - 0 done, 1 usage error or bad document,
    2 not found, 3 refused, 4 a write failed (rolled back), 5 lock not
    obtained, 6 a write and its rollback failed.
  returned: when chzap ran
  type: int
  sample: 0
cmd:
  description: The command line chzap ran with.
  returned: when chzap ran
  type: list
  elements: str
  sample: [/usr/sbin/chzap, --apply, "-", -p, --prune, --json]
stderr:
  description: chzap's standard error (quiet with --json but for usage
    errors).
  returned: when chzap ran
  type: str
msg:
  description: On failure, chzap's one-line message (its C(error)), for a
    refusal the messages of all refusals joined by "; ".
  returned: failure
  type: str
  sample: "mdev aaaaaaaa-0000-4000-8000-000000000001 would share APQNs with
    mdev bbbbbbbb-0000-4000-8000-000000000002: 06.0004"
'''

import json

from ansible.module_utils.basic import AnsibleModule

# chzap's option for each value of "persistent"
PERSISTENT_FLAGS = {'live': [], 'both': ['-p'], 'persistent': ['-P']}

# the module's options, as DOCUMENTATION describes them
ARGUMENT_SPEC = dict(
    config=dict(type='dict'),
    src=dict(type='path'),
    persistent=dict(type='str', default='live',
                    choices=['live', 'both', 'persistent']),
    prune=dict(type='bool', default=False),
    force=dict(type='bool', default=False),
    lock_timeout=dict(type='int'),
    chzap_path=dict(type='path'),
    lszap_path=dict(type='path'),
)

# the id lists of an mdev in a zap-config document
ID_LISTS = ('adapters', 'domains', 'control_domains')


# The first line of @text that is not blank, without "@tool: ", or None.
def first_line(text, tool):
    for line in (text or '').splitlines():
        line = line.strip()
        if line:
            prefix = tool + ': '
            return line[len(prefix):] if line.startswith(prefix) else line
    return None


# chzap's command line for the module's parameters.
def chzap_argv(module, chzap):
    params = module.params
    argv = [chzap, '--apply', params['src'] if params['src'] else '-']
    argv += PERSISTENT_FLAGS[params['persistent']]
    if params['prune']:
        argv.append('--prune')
    if params['force']:
        argv.append('--force')
    if params['lock_timeout'] is not None:
        argv.append('--lock-timeout=%d' % params['lock_timeout'])
    if module.check_mode:
        argv.append('--dry-run')
    argv.append('--json')
    return argv


# The document to apply, parsed: @config, or the JSON of the file @src;
# the file's text when it is not JSON, None when it cannot be read.
def desired_document(module):
    if module.params['config'] is not None:
        return module.params['config']
    try:
        with open(module.params['src'], 'rb') as src:
            text = src.read().decode('utf-8', 'replace')
    except (IOError, OSError):
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


# The configuration before the change, as lszap --export prints it.
def export_before(module):
    lszap = module.params['lszap_path'] or \
        module.get_bin_path('lszap', required=True)
    argv = [lszap, '--export']
    if module.params['persistent'] == 'persistent':
        argv.append('--persistent')
    rc, out, err = module.run_command(argv)
    if rc != 0:
        module.fail_json(msg='lszap --export failed: %s' %
                         (first_line(err, 'lszap') or 'exit code %d' % rc),
                         rc=rc, cmd=argv, stderr=err)
    try:
        return json.loads(out)
    except ValueError:
        module.fail_json(msg='lszap --export printed no JSON document',
                         rc=rc, cmd=argv, stdout=out, stderr=err)


# @mdev with its UUID in lower case and its id lists sorted, as lszap
# writes them (values that are not a list of integers are left as given).
def normal_mdev(mdev):
    mdev = dict(mdev)
    if isinstance(mdev.get('uuid'), str):
        mdev['uuid'] = mdev['uuid'].lower()
    for key in ID_LISTS:
        ids = mdev.get(key)
        if isinstance(ids, list) and \
                all(isinstance(i, int) and not isinstance(i, bool)
                    for i in ids):
            mdev[key] = sorted(ids)
    return mdev


# The UUID of @mdev in lower case, '' when it has none.
def mdev_key(mdev):
    uuid = mdev.get('uuid') if isinstance(mdev, dict) else None
    return uuid.lower() if isinstance(uuid, str) else ''


# The configuration the host will have after applying @desired to @before
# (both zap-config documents), as lszap --export would print it: the host
# part of @desired if it has one, else that of @before; the mdevs of
# @desired, and, without @prune, those of @before it does not mention.
# A document of another shape is returned as it is (chzap refuses it).
def expected_after(before, desired, prune):
    if not isinstance(desired, dict) or \
            not isinstance(desired.get('mdevs'), list) or \
            not all(isinstance(m, dict) for m in desired['mdevs']):
        return desired
    if not isinstance(before, dict):
        before = {}
    after = {}
    if 'version' in desired:
        after['version'] = desired['version']
    host_keys = ('ownership', 'vfio_ap')
    source = desired if any(k in desired for k in host_keys) else before
    for key in host_keys:
        if key in source:
            after[key] = source[key]
    mdevs = [normal_mdev(m) for m in desired['mdevs']]
    if not prune:
        named = set(mdev_key(m) for m in mdevs)
        mdevs += [m for m in before.get('mdevs') or []
                  if mdev_key(m) not in named]
    after['mdevs'] = sorted(mdevs, key=mdev_key)
    return after


# @value as one line of JSON, keys in the order given.
def one_line(value):
    return json.dumps(value, separators=(', ', ': '))


# The text of the zap-config document @doc laid out as lszap --export lays
# it out (the host part first, one mdev a line), so that a diff shows each
# mdev changed as one line; another value as indented JSON.
def document_text(doc):
    if not isinstance(doc, dict) or not isinstance(doc.get('mdevs'), list):
        return json.dumps(doc, indent=2, sort_keys=True) + '\n'
    order = ['version', 'ownership', 'vfio_ap', 'mdevs']
    keys = [k for k in order if k in doc] + \
        sorted(k for k in doc if k not in order)
    lines = []
    for key in keys:
        if key != 'mdevs':
            lines.append('  %s: %s' % (json.dumps(key), one_line(doc[key])))
            continue
        mdevs = ['    ' + one_line(mdev_ordered(m)) for m in doc['mdevs']]
        lines.append('  "mdevs": [' + ('\n' + ',\n'.join(mdevs) + '\n  ]'
                                      if mdevs else ']'))
    return '{\n' + ',\n'.join(lines) + '\n}\n'


# @mdev with its keys in the order of zap-config(5), others after them.
def mdev_ordered(mdev):
    if not isinstance(mdev, dict):
        return mdev
    order = ('uuid',) + ID_LISTS + ('autostart',)
    keys = [k for k in order if k in mdev] + \
        sorted(k for k in mdev if k not in order)
    return dict((k, mdev[k]) for k in keys)


# The --diff view: before = lszap --export, after = what the host will be,
# both as text laid out as lszap --export lays it out.
def diff_view(module, before):
    desired = desired_document(module)
    if desired is None:
        return None
    after = expected_after(before, desired, module.params['prune'])
    return {'before': document_text(before), 'after': document_text(after)}


# chzap's answer on @out as a dict, or None when it printed none.
def parse_answer(out):
    try:
        answer = json.loads(out)
    except ValueError:
        return None
    return answer if isinstance(answer, dict) else None


# Run chzap --apply and report its outcome as the task's result.
def main():
    module = AnsibleModule(
        argument_spec=ARGUMENT_SPEC,
        mutually_exclusive=[('config', 'src')],
        required_one_of=[('config', 'src')],
        supports_check_mode=True,
    )
    chzap = module.params['chzap_path'] or \
        module.get_bin_path('chzap', required=True)
    before = export_before(module) if module._diff else None

    argv = chzap_argv(module, chzap)
    data = None
    if module.params['config'] is not None:
        data = json.dumps(module.params['config']) + '\n'
    rc, out, err = module.run_command(argv, data=data, binary_data=True)
    answer = parse_answer(out)
    result = dict(rc=rc, cmd=argv, stderr=err)
    if answer is None:
        result['stdout'] = out
        msg = first_line(err, 'chzap') or \
            'chzap printed no JSON object (exit code %d)' % rc
        module.fail_json(msg=msg, changed=False, **result)
    result['chzap'] = answer
    result['changed'] = answer.get('changed') is True
    if module.check_mode and answer.get('writes'):
        result['changed'] = True
    if rc != 0:
        msg = answer.get('error') or first_line(err, 'chzap') or \
            'chzap failed with exit code %d' % rc
        module.fail_json(msg=msg, **result)
    if module._diff:
        diff = diff_view(module, before)
        if diff is not None:
            result['diff'] = diff
    module.exit_json(**result)


if __name__ == '__main__':
    main()
