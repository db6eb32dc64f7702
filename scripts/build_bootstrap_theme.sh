#!/usr/bin/env bash
# Rebuild static/vendor/bootstrap/bootstrap.min.css from static_src/bootstrap_theme.scss:
# Bootstrap's Sass sources (npm, pinned) with our theme colours. Needs node/npm; the output is committed.
set -euo pipefail
cd "$(dirname "$0")/.."
BOOTSTRAP_VERSION=5.3.9
SASS_VERSION=1.108.2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm install --silent --no-audit --no-fund "bootstrap@$BOOTSTRAP_VERSION" "sass@$SASS_VERSION" >/dev/null)
"$work/node_modules/.bin/sass" --style=compressed --no-source-map --quiet-deps --silence-deprecation=import,global-builtin,color-functions \
  --load-path="$work/node_modules" static_src/bootstrap_theme.scss static/vendor/bootstrap/bootstrap.min.css
echo "static/vendor/bootstrap/bootstrap.min.css rebuilt ($(wc -c <static/vendor/bootstrap/bootstrap.min.css) bytes)"
