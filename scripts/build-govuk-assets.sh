#!/usr/bin/env bash
# Rebuilds the committed GOV.UK Frontend assets in cspr/web/static/govuk from the npm package.
# Run only when upgrading govuk-frontend: running the product needs no Node.
set -euo pipefail
version="${1:-6.6.0}"
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm install --silent --no-audit --no-fund "govuk-frontend@$version")
dist="$work/node_modules/govuk-frontend/dist/govuk"
out="$here/cspr/web/static/govuk"
rm -rf "$out" && mkdir -p "$out/assets"
cp -r "$dist/assets/fonts" "$dist/assets/images" "$dist/assets/manifest.json" "$out/assets/"
# The compiled CSS points at /assets/; the product serves static files under /static/.
sed 's#url(/assets/#url(/static/govuk/assets/#g' "$dist/govuk-frontend.min.css" > "$out/govuk-frontend.min.css"
cp "$dist/govuk-frontend.min.js" "$out/"
cp "$work/node_modules/govuk-frontend/LICENSE.txt" "$out/" 2>/dev/null || true
echo "govuk-frontend $version assets written to $out"
