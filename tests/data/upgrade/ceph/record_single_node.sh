#!/bin/bash
# Make a single-node Ceph (1 mon, 1 mgr, 1 file-backed BlueStore OSD) on loopback, all state
# under $D (first argument), to record `ceph ... -f json` outputs for tests/data/upgrade/ceph. Stop it with:
#   for p in $(pgrep -f "$D/ceph.conf"); do kill $p; done
# (needs Debian bookworm's ceph-mon ceph-mgr ceph-osd ceph-common; run as root)
set -euo pipefail
D=${1:-/tmp/upg-ceph/c}
rm -rf $D; mkdir -p $D/{mon,mgr,osd0,run,log}
FSID=$(uuidgen)
cat > $D/ceph.conf <<CONF
[global]
fsid = $FSID
mon host = [v2:127.0.0.1:3300,v1:127.0.0.1:6789]
mon initial members = a
public network = 127.0.0.0/8
ms bind ipv4 = true
ms bind ipv6 = false
auth cluster required = cephx
auth service required = cephx
auth client required = cephx
osd pool default size = 1
osd pool default min size = 1
mon allow pool size one = true
mon warn on pool no redundancy = false
osd crush chooseleaf type = 0
run dir = $D/run
admin socket = $D/run/\$name.asok
log file = $D/log/\$name.log
keyring = $D/keyring
[mon]
mon data = $D/mon
mon data avail warn = 1
mon data avail crit = 0
[mgr]
mgr data = $D/mgr
[osd]
osd data = $D/osd0
osd objectstore = bluestore
bluestore block path = $D/osd0.block
bluestore block create = true
bluestore block size = 4294967296
bluestore fsck on mkfs = false
osd max object name len = 460
osd max object namespace len = 64
CONF
C="-c $D/ceph.conf"
ceph-authtool --create-keyring $D/keyring --gen-key -n mon. --cap mon 'allow *' >/dev/null
ceph-authtool $D/keyring --gen-key -n client.admin --cap mon 'allow *' --cap osd 'allow *' --cap mgr 'allow *' --cap mds 'allow *' >/dev/null
monmaptool --create --addv a '[v2:127.0.0.1:3300,v1:127.0.0.1:6789]' --fsid $FSID $D/monmap >/dev/null
ceph-mon $C --mkfs -i a --monmap $D/monmap --keyring $D/keyring
ceph-mon $C -i a
timeout 60 ceph $C --connect-timeout 20 -s >/dev/null
ceph $C auth get-or-create mgr.x mon 'allow profile mgr' osd 'allow *' mds 'allow *' -o $D/mgr/keyring
ceph-mgr $C -i x --keyring $D/mgr/keyring
U=$(uuidgen)
ID=$(ceph $C osd new $U)
ceph-authtool --create-keyring $D/osd0/keyring --gen-key -n osd.$ID >/dev/null
ceph $C auth add osd.$ID osd 'allow *' mon 'allow profile osd' mgr 'allow profile osd' -i $D/osd0/keyring
ceph-osd $C -i $ID --mkfs --osd-uuid $U --keyring $D/osd0/keyring
ceph-osd $C -i $ID --keyring $D/osd0/keyring
echo "up: fsid $FSID osd.$ID"
