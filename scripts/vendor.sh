#!/usr/bin/env bash
# Re-create src/motcua/static/vendor from the npm registry (no CDN at run time:
# government networks are often closed). Versions are pinned here and in VENDOR.md.
set -euo pipefail
dest="$(cd "$(dirname "$0")/.." && pwd)/src/motcua/static/vendor"
tmp=$(mktemp -d)
cd "$tmp"
npm pack --silent htmx.org@2.0.11 bootstrap@5.3.8 echarts@6.1.0 axe-core@4.14.1 >/dev/null
for f in *.tgz; do mkdir -p "${f%.tgz}"; tar xzf "$f" -C "${f%.tgz}"; done
cp bootstrap-5.3.8/package/dist/css/bootstrap.min.css bootstrap-5.3.8/package/dist/js/bootstrap.bundle.min.js bootstrap-5.3.8/package/LICENSE "$dest/bootstrap/"
cp htmx.org-2.0.11/package/dist/htmx.min.js htmx.org-2.0.11/package/LICENSE "$dest/htmx/"
cp echarts-6.1.0/package/dist/echarts.common.min.js echarts-6.1.0/package/LICENSE "$dest/echarts/"
cp axe-core-4.14.1/package/axe.min.js axe-core-4.14.1/package/LICENSE "$dest/axe/"
echo "vendored into $dest"
