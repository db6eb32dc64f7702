#!/usr/bin/env bash
# Debian packages the platform and its tests need: gettext (compilemessages),
# Chromium (browser tests; never Playwright's own download), pango (WeasyPrint PDFs).
set -euo pipefail
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
missing=()
command -v msgfmt >/dev/null 2>&1 || missing+=(gettext)
if [ "${1:-}" = "--with-browser" ]; then
  [ -x /usr/bin/chromium ] || missing+=(chromium)
fi
ldconfig -p 2>/dev/null | grep -q libpango-1.0 || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  if [ ! -f /tmp/.umkm-apt-updated ]; then as_root apt-get update -qq && touch /tmp/.umkm-apt-updated; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
fi
