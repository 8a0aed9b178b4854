#!/usr/bin/env python3
"""Rewrites an image layer tar in place so that one directory belongs to the service's user.

The layer is made with every file owned by root (so building needs no root); the state directory, which the
image declares as a volume, must belong to the non-root user the image runs as. tar cannot set one file's owner.
Usage: chown-layer.py LAYER.tar PATH UID
"""
import os
import sys
import tarfile

layer, path, uid = sys.argv[1], sys.argv[2].strip("/"), int(sys.argv[3])
temp = layer + ".tmp"
with tarfile.open(layer) as src, tarfile.open(temp, "w", format=tarfile.PAX_FORMAT) as dst:
    for member in src:
        name = member.name.lstrip("./")
        if name == path or name.startswith(path + "/"):
            member.uid = member.gid = uid
            member.uname = member.gname = "edgellm"
        dst.addfile(member, src.extractfile(member) if member.isfile() else None)
os.replace(temp, layer)
