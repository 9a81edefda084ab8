#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# 51-ansible-module.bats - the Ansible module zap_config (ansible/library),
# run by ansible-core against localhost with a fake chzap and lszap
# (tests/ansible/fake-tool) first on PATH: the command line and standard
# input it gives chzap, changed and failures as chzap answers them, check
# mode as a dry run, the --diff view, and its documentation. Ansible's
# home, temporary and configuration files stay in the test's directory.

load helper

setup() {
	zap_common_setup
	command -v ansible-playbook > /dev/null ||
		skip "no ansible-playbook (make deps installs ansible-core)"
	command -v jq > /dev/null || skip "jq is not installed"
	DOCS="$ZAP_TOP/tests/ansible/answers"
	T="$BATS_TEST_TMPDIR"
	export ZAP_FAKE_DIR="$T/fake"
	mkdir -p "$ZAP_FAKE_DIR" "$T/home"
	: > "$T/ansible.cfg"
	export PATH="$ZAP_TOP/tests/ansible/bin:$PATH"
	export HOME="$T/home" ANSIBLE_HOME="$T/home/.ansible" \
		ANSIBLE_CONFIG="$T/ansible.cfg" \
		ANSIBLE_LOCAL_TEMP="$T/home/tmp" ANSIBLE_REMOTE_TEMP="$T/home/tmp" \
		ANSIBLE_LIBRARY="$ZAP_TOP/ansible/library" \
		ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3 \
		ANSIBLE_STDOUT_CALLBACK=json ANSIBLE_LOAD_CALLBACK_PLUGINS=1 \
		ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0
	unset SYSFS_ROOT ZAP_ROOT
}

# answer TOOL FILE [RC]: the fake TOOL prints FILE (of tests/ansible/answers)
# and exits with RC (default 0).
answer() {
	cp "$DOCS/$2" "$ZAP_FAKE_DIR/$1.out"
	echo "${3:-0}" > "$ZAP_FAKE_DIR/$1.rc"
}

# play [ANSIBLE-PLAYBOOK OPTIONS]: run one zap_config task, its arguments
# the YAML on standard input, against localhost; the json callback's
# output goes to $T/play.json. Returns ansible-playbook's exit code.
play() {
	{
		printf -- '- hosts: localhost\n  gather_facts: false\n  tasks:\n'
		printf -- '    - name: zap_config\n      zap_config:\n'
		sed 's/^/        /'
	} > "$T/play.yml"
	ansible-playbook -i localhost, -c local "$@" "$T/play.yml" \
		> "$T/play.json"
}

# result [JQ-PATH]: the task's result (or the part at JQ-PATH), compact,
# keys sorted.
result() {
	jq -cS ".plays[0].tasks[0].hosts.localhost${1:-}" "$T/play.json"
}

# diff_doc before|after: that side of the task's diff, parsed, compact,
# keys sorted.
diff_doc() {
	jq -r ".plays[0].tasks[0].hosts.localhost.diff.$1" "$T/play.json" |
		jq -cS .
}

# doc NAME [JQ-PATH]: the document NAME.json of tests/ansible/answers (or
# its part at JQ-PATH), compact, keys sorted.
doc() {
	jq -cS ".${2:-}" "$DOCS/$1.json"
}

# The inline document of the tests, as a YAML flow mapping (JSON).
desired() {
	jq -c . "$DOCS/desired.json"
}

# calls TOOL: the command lines TOOL was called with, one a line.
calls() {
	cat "$ZAP_FAKE_DIR/$1.calls" 2>/dev/null || true
}

@test "inline config: chzap --apply - --json gets the document on stdin; changed and chzap's JSON come back" {
	answer chzap applied.json
	play <<< "config: $(desired)"
	[ "$(calls chzap)" = "--apply - --json" ]
	[ "$(jq -cS . "$ZAP_FAKE_DIR/chzap.stdin")" = "$(doc desired)" ]
	[ "$(result .changed)" = true ]
	[ "$(result .rc)" = 0 ]
	[ "$(result .chzap)" = "$(doc applied)" ]
	[ "$(jq .stats.localhost.changed "$T/play.json")" = 1 ]
	[ -z "$(calls lszap)" ]
}

@test "chzap answers changed false: the task reports no change" {
	answer chzap unchanged.json
	play <<< "config: $(desired)"
	[ "$(result .changed)" = false ]
	[ "$(jq .stats.localhost.changed "$T/play.json")" = 0 ]
	[ "$(jq .stats.localhost.failures "$T/play.json")" = 0 ]
}

@test "persistent: both passes -p, persistent passes -P, live neither" {
	answer chzap unchanged.json
	play <<-EOF
	config: $(desired)
	persistent: both
	EOF
	play <<-EOF
	config: $(desired)
	persistent: persistent
	EOF
	play <<-EOF
	config: $(desired)
	persistent: live
	EOF
	[ "$(calls chzap)" = "--apply - -p --json
--apply - -P --json
--apply - --json" ]
}

@test "prune, force and lock_timeout pass --prune, --force and --lock-timeout" {
	answer chzap unchanged.json
	play <<-EOF
	config: $(desired)
	persistent: both
	prune: true
	force: true
	lock_timeout: 0
	EOF
	[ "$(calls chzap)" = "--apply - -p --prune --force --lock-timeout=0 --json" ]
}

@test "src: chzap reads the file itself, nothing on stdin" {
	answer chzap applied.json
	play <<< "src: $DOCS/guest.json"
	[ "$(calls chzap)" = "--apply $DOCS/guest.json --json" ]
	[ ! -e "$ZAP_FAKE_DIR/chzap.stdin" ]
	[ "$(result .changed)" = true ]
}

@test "ansible ad hoc with -M ansible/library runs the module" {
	answer chzap unchanged.json
	cd "$ZAP_TOP"
	run ansible localhost -i localhost, -c local -M ansible/library \
		-m zap_config -a "src=$DOCS/guest.json persistent=both prune=yes"
	assert_success
	[ "$(calls chzap)" = "--apply $DOCS/guest.json -p --prune --json" ]
}

@test "check mode runs only chzap --dry-run and reports the change it would make" {
	answer chzap applied.json
	play --check <<< "config: $(desired)"
	[ "$(calls chzap)" = "--apply - --dry-run --json" ]
	[ "$(result .changed)" = true ]
	[ "$(jq -cS . "$ZAP_FAKE_DIR/chzap.stdin")" = "$(doc desired)" ]
}

@test "check mode: writes listed by the dry run count as a change, none as no change" {
	jq '.changed = false' "$DOCS/applied.json" > "$ZAP_FAKE_DIR/chzap.out"
	play --check <<< "config: $(desired)"
	[ "$(result .changed)" = true ]
	answer chzap unchanged.json
	play --check <<< "config: $(desired)"
	[ "$(result .changed)" = false ]
	[ "$(calls chzap)" = "--apply - --dry-run --json
--apply - --dry-run --json" ]
}

@test "--diff: before is lszap --export, after the document with the unmentioned mdevs kept" {
	answer chzap applied.json
	answer lszap export.json
	play --diff <<< "config: $(desired)"
	[ "$(calls lszap)" = "--export" ]
	[ "$(diff_doc before)" = "$(doc export)" ]
	[ "$(diff_doc after)" = "$(doc after)" ]
}

@test "--diff of a document that changes nothing: before and after are the same text" {
	answer chzap unchanged.json
	answer lszap export.json
	play --diff <<< "config: $(doc export)"
	[ "$(result .diff.before)" = "$(result .diff.after)" ]
	[ "$(result .changed)" = false ]
}

@test "--diff with prune: the unmentioned mdevs are gone from after" {
	answer chzap applied.json
	answer lszap export.json
	play --diff <<-EOF
	config: $(desired)
	prune: true
	EOF
	[ "$(diff_doc after)" = "$(doc after-pruned)" ]
}

@test "--diff with persistent: persistent compares with lszap --export --persistent" {
	answer chzap unchanged.json
	answer lszap export.json
	play --diff <<-EOF
	config: $(desired)
	persistent: persistent
	EOF
	[ "$(calls lszap)" = "--export --persistent" ]
	answer lszap export.json
	play --diff <<-EOF
	config: $(desired)
	persistent: both
	EOF
	[ "$(calls lszap)" = "--export --persistent
--export" ]
}

@test "--diff of a one-mdev document from src: the host part and the other mdevs stay" {
	answer chzap applied.json
	answer lszap export.json
	play --diff <<< "src: $DOCS/guest.json"
	[ "$(diff_doc after)" = "$(jq -cS '.mdevs |= map(
		if .uuid == "cef03c3c-903d-4ecc-9a83-40694cb8aee4"
		then .control_domains = [71] else . end)' "$DOCS/export.json")" ]
}

@test "--check --diff: the diff of a dry run, nothing applied" {
	answer chzap applied.json
	answer lszap export.json
	play --check --diff <<< "config: $(desired)"
	[ "$(calls chzap)" = "--apply - --dry-run --json" ]
	[ "$(diff_doc after)" = "$(doc after)" ]
}

@test "--diff on the screen: the default callback shows the lines removed and added" {
	answer chzap applied.json
	answer lszap export.json
	ANSIBLE_STDOUT_CALLBACK=default play --diff <<-EOF
	config: $(desired)
	prune: true
	EOF
	grep -qx -- '--- before' "$T/play.json"
	grep -qx -- '+++ after' "$T/play.json"
	grep -q '^-  *{"uuid": "4d2b8e1a-6c3f-4b7e-9a05-1f2e3d4c5b6a",' "$T/play.json"
	grep -q '^+  *{"uuid": "11111111-2222-4333-8444-555555555555",' "$T/play.json"
	grep -q '^-  *{"uuid": "62177883-.*"control_domains": \[\],' "$T/play.json"
	grep -q '^+  *{"uuid": "62177883-.*"control_domains": \[4, 171\],' "$T/play.json"
	grep -q '^   *{"uuid": "cef03c3c-903d-4ecc-9a83-40694cb8aee4",' "$T/play.json"
	! grep -q '^[-+]  *{"uuid": "cef03c3c' "$T/play.json"
}

@test "without --diff lszap is never run" {
	answer chzap applied.json
	echo 2 > "$ZAP_FAKE_DIR/lszap.rc"
	play <<< "config: $(desired)"
	[ -z "$(calls lszap)" ]
	[ "$(jq .stats.localhost.failures "$T/play.json")" = 0 ]
}

@test "--diff when lszap --export fails: the task fails with lszap's message, chzap never runs" {
	echo "lszap: no AP bus in /sys (is this an IBM Z machine?)" > "$ZAP_FAKE_DIR/lszap.err"
	echo 2 > "$ZAP_FAKE_DIR/lszap.rc"
	run play --diff <<< "config: $(desired)"
	assert_failure 2
	[ "$(result .msg)" = '"lszap --export failed: no AP bus in /sys (is this an IBM Z machine?)"' ]
	[ "$(result .rc)" = 2 ]
	[ -z "$(calls chzap)" ]
}

@test "a refused document (exit 3) fails the task with chzap's message, rc 3 and the refusals" {
	answer chzap refused.json 3
	run play <<< "config: $(desired)"
	assert_failure 2
	[ "$(result .failed)" = true ]
	[ "$(result .msg)" = "$(doc refused error)" ]
	[ "$(result .rc)" = 3 ]
	[ "$(result .changed)" = false ]
	[ "$(result .chzap.refused)" = "$(doc refused refused)" ]
	[ "$(jq .stats.localhost.failures "$T/play.json")" = 1 ]
}

@test "a bad document (exit 1) fails the task with chzap's message and rc 1" {
	answer chzap usage.json 1
	run play <<< "config: $(desired)"
	assert_failure 2
	[ "$(result .msg)" = "$(doc usage error)" ]
	[ "$(result .rc)" = 1 ]
}

@test "a write that failed and was not undone (exit 6) fails the task and reports the change" {
	jq '.error = "writing to /sys/bus/ap/aqmask failed; undoing it failed too"' \
		"$DOCS/applied.json" > "$ZAP_FAKE_DIR/chzap.out"
	echo 6 > "$ZAP_FAKE_DIR/chzap.rc"
	run play <<< "config: $(desired)"
	assert_failure 2
	[ "$(result .rc)" = 6 ]
	[ "$(result .changed)" = true ]
	[ "$(result .msg)" = '"writing to /sys/bus/ap/aqmask failed; undoing it failed too"' ]
}

@test "a chzap without JSON on stdout fails the task with its error line" {
	echo "chzap: --apply: unknown option" > "$ZAP_FAKE_DIR/chzap.err"
	echo 1 > "$ZAP_FAKE_DIR/chzap.rc"
	run play <<< "config: $(desired)"
	assert_failure 2
	[ "$(result .msg)" = '"--apply: unknown option"' ]
	[ "$(result .rc)" = 1 ]
}

@test "config and src together, or neither, fail before chzap runs" {
	run play <<-EOF
	config: $(desired)
	src: $DOCS/guest.json
	EOF
	assert_failure 2
	result .msg | grep -q 'mutually exclusive: config|src'
	run play <<< "persistent: both"
	assert_failure 2
	result .msg | grep -q 'one of the following is required: config, src'
	[ -z "$(calls chzap)" ]
}

@test "chzap_path and lszap_path name the tools" {
	mkdir "$T/sbin"
	ln -s "$ZAP_TOP/tests/ansible/fake-tool" "$T/sbin/chzap"
	ln -s "$ZAP_TOP/tests/ansible/fake-tool" "$T/sbin/lszap"
	answer chzap unchanged.json
	answer lszap export.json
	PATH=${PATH#"$ZAP_TOP/tests/ansible/bin:"} play --diff <<-EOF
	config: $(desired)
	chzap_path: $T/sbin/chzap
	lszap_path: $T/sbin/lszap
	EOF
	[ "$(result .cmd[0])" = "\"$T/sbin/chzap\"" ]
	[ "$(calls lszap)" = "--export" ]
	[ "$(jq .stats.localhost.failures "$T/play.json")" = 0 ]
}

@test "ansible-doc renders the module's documentation" {
	run ansible-doc -M "$ZAP_TOP/ansible/library" zap_config
	assert_success
	assert_output --partial "> ZAP_CONFIG"
	assert_output --partial "EXAMPLES:"
	assert_output --partial "RETURN VALUES:"
}

@test "every option of the module is documented with its type, default and choices, and nothing else is" {
	run /usr/bin/python3 -B "$ZAP_TOP/tests/ansible/check_docs.py" \
		"$ZAP_TOP/ansible/library/zap_config.py"
	assert_success
	assert_output "8 options documented"
}

@test "the documents of these tests are zap-config documents (the format's JSON Schema)" {
	local schema="$ZAP_TOP/tests/schema/zap-config.schema.json" doc
	[ -f "$schema" ] || skip "no zap-config JSON Schema in this tree"
	for doc in export desired after after-pruned guest; do
		/usr/bin/python3 -c 'import json, sys, jsonschema
jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))' \
			"$schema" "$DOCS/$doc.json"
	done
}

@test "mdevs templated from variables reach chzap as JSON integers" {
	answer chzap unchanged.json
	cat > "$T/play.yml" <<-'EOF2'
	- hosts: localhost
	  gather_facts: false
	  vars:
	    guests:
	      - uuid: cef03c3c-903d-4ecc-9a83-40694cb8aee4
	        adapters: [5]
	        domains: [71, 255]
	        control_domains: []
	        autostart: true
	  tasks:
	    - zap_config:
	        config:
	          version: 1
	          mdevs: "{{ guests }}"
	EOF2
	ansible-playbook -i localhost, -c local "$T/play.yml" > "$T/play.json"
	[ "$(jq -cS . "$ZAP_FAKE_DIR/chzap.stdin")" = "$(doc guest 'mdevs[0].control_domains = []')" ]
}

@test "the module's EXAMPLES run as written (without become)" {
	answer chzap unchanged.json
	/usr/bin/python3 -B -c 'import sys, yaml
sys.path.insert(0, sys.argv[1])
import zap_config
tasks = yaml.safe_load(zap_config.EXAMPLES)
for task in tasks:
	task.pop("become", None)
yaml.safe_dump([{"hosts": "localhost", "gather_facts": False, "tasks": tasks}],
	       sys.stdout)' "$ZAP_TOP/ansible/library" > "$T/play.yml"
	ansible-playbook -i localhost, -c local "$T/play.yml" > "$T/play.json"
	[ "$(jq '.plays[0].tasks | length' "$T/play.json")" = 4 ]
	[ "$(jq .stats.localhost.failures "$T/play.json")" = 0 ]
	[ "$(jq .stats.localhost.ok "$T/play.json")" = 4 ]
	[ "$(wc -l < "$ZAP_FAKE_DIR/chzap.calls")" = 4 ]
	grep -qx -- '--apply /root/guest.json --dry-run --json' "$ZAP_FAKE_DIR/chzap.calls"
}
