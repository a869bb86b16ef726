#!/usr/bin/env bash
# Builds the scenario CIBs from base.xml with Pacemaker's own tools (no cluster, no
# daemons: CIB_file), then renders each with the real crm_mon into
# tests/fixtures/pacemaker/NAME.crm_mon.xml for the parser tests. Needs Debian's
# pacemaker-cli-utils. tests/peer_pacemaker.rs checks the renders still match crm_mon.
set -euo pipefail
cd "$(dirname "$0")"
out=../fixtures/pacemaker

# healthy: every resource started where the scheduler puts it
cp base.xml healthy.xml
crm_simulate -x healthy.xml -S -O healthy.xml >/dev/null

# degraded: db3 in standby, pgsql banned from db1, web's monitor failed on db1
cp healthy.xml degraded.xml
CIB_file=$PWD/degraded.xml crm_standby -N db3 -v on
CIB_file=$PWD/degraded.xml crm_resource --resource pgsql --ban --node db1 >/dev/null 2>&1
crm_simulate -x degraded.xml -S -i "web_monitor_10000@db1=7" -O degraded.xml >/dev/null

# maintenance: db2 in maintenance, vip and the stopped report unmanaged
cp healthy.xml maintenance.xml
CIB_file=$PWD/maintenance.xml crm_attribute --node db2 --name maintenance --update true
CIB_file=$PWD/maintenance.xml crm_resource --resource vip --meta \
  --set-parameter is-managed --parameter-value false >/dev/null
CIB_file=$PWD/maintenance.xml crm_resource --resource report --meta \
  --set-parameter is-managed --parameter-value false >/dev/null

# lost-quorum: db1 and db3 gone, db2 alone without quorum
cp healthy.xml lost-quorum.xml
crm_simulate -x lost-quorum.xml -S --node-down db3 --node-down db1 -O lost-quorum.xml >/dev/null
sed -i 's/have-quorum="1"/have-quorum="0"/' lost-quorum.xml

mkdir -p "$out"
for name in healthy degraded maintenance lost-quorum; do
  CIB_file=$PWD/$name.xml crm_mon -1 --output-as=xml >"$out/$name.crm_mon.xml"
done
