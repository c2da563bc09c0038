#!/usr/bin/env bash
# Make sure headless Chromium and ChromeDriver are available for the browser tests of the HTML
# stepper: install them with apt-get when we are root on Debian/Ubuntu, otherwise say how.
set -u
have() { command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || command -v google-chrome >/dev/null 2>&1; }
if have && command -v chromedriver >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Chromium and ChromeDriver with apt-get (for the HTML stepper tests) ..."
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  have && command -v chromedriver >/dev/null 2>&1 && exit 0
fi
cat >&2 <<'MSG'
Chromium/ChromeDriver are missing: the browser tests of the HTML stepper will be skipped.
  Debian/Ubuntu:  sudo apt-get install chromium chromium-driver
  macOS:          brew install --cask chromium && brew install chromedriver
  Windows:        winget install Chromium   (and ChromeDriver from the same version)
MSG
exit 1
