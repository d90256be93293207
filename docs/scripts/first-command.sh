#!/usr/bin/env bash
# The README's first command on a fresh clone with an empty target directory, old and new.
set -u
# OLD_REV and NEW_REV: the commits to compare (REPO: the repository, default .).
for pair in "old ${OLD_REV:-fde47e6}" "new ${NEW_REV:-HEAD}"; do
  set -- $pair
  dir=/tmp/first-$1; rm -rf $dir
  git clone -q "${REPO:-.}" $dir && (cd $dir && git checkout -q $2)
  s=$(date +%s.%N)
  (cd $dir && cargo run -p vpc-demo --locked > /tmp/first-$1.out 2>&1); rc=$?
  e=$(date +%s.%N)
  printf "%s (%s): %.1f s rc=%d\n" $1 $(cd $dir && git rev-parse --short HEAD) "$(echo "$e - $s" | bc)" $rc
  rm -rf $dir/target
done
