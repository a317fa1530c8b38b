#!/bin/sh
# dockerd in a container that is not --privileged (this kind of machine withholds
# CAP_SYS_RESOURCE, which --privileged asks for). With the other capabilities it makes
# /sys writable and mounts the cgroup (v1) hierarchies afresh, read-write, which the engine
# needs to run containers; its containers' cgroups go under /<hostname> so that the
# engines' cgroups never meet. The API listens on the nodes' own network too: the test
# drives the manager from the host.
set -eu
mount -o remount,rw /sys
if [ "$(stat -fc %T /sys/fs/cgroup)" = tmpfs ]; then
  for dir in /sys/fs/cgroup/*/; do
    name=$(basename "$dir")
    case "$name" in unified) continue ;; systemd) opts=none,name=systemd ;; *) opts=$name ;; esac
    umount "$dir" && mount -t cgroup -o "$opts" cgroup "$dir"
  done
fi
exec dockerd --host=unix:///var/run/docker.sock --host=tcp://0.0.0.0:2375 --cgroup-parent="/$(hostname)" "$@"
