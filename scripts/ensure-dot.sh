#!/usr/bin/env bash
# Make sure Graphviz's `dot` program is on PATH: install it with apt-get when we are root on
# Debian/Ubuntu, otherwise say how to get it. Exit status 0 when dot is available.
set -u
if command -v dot >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Graphviz (the 'dot' program) with apt-get ..."
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null
  command -v dot >/dev/null 2>&1 && exit 0
fi
cat >&2 <<'MSG'
Graphviz's `dot` program is missing: chainrule can still build DOT text, but not render diagrams.
Install it, then run make again:
  Debian/Ubuntu:  sudo apt-get install graphviz
  Fedora:         sudo dnf install graphviz
  macOS:          brew install graphviz
  Windows:        winget install graphviz   (or: choco install graphviz)
MSG
exit 1
