#!/usr/bin/env bash
# CI for the documentation site (run after the tests): install the docs extra and Debian's Chromium if
# missing, build the site with warnings as errors and every page in its quick version (HOPOPT_FAST=1), then
# check it with docs/check_site.py (pictures, links, nothing from the network, every notebook runs).
# Prints the time of each step; exits non-zero when any step fails. Run from anywhere: bash docs/ci.sh
# (--no-install skips the pip step, where the docs extra is installed already).
set -uo pipefail
install=1
for argument in "$@"; do
    case "$argument" in
        --no-install) install=0 ;;
        *) echo "docs/ci.sh: unknown argument $argument (usage: bash docs/ci.sh [--no-install])" >&2; exit 2 ;;
    esac
done
cd "$(dirname "$0")/.."

BUILD=docs/_build/html
status=0
started=$SECONDS

step_start() { step_t0=$SECONDS; echo "==> docs/ci.sh: $1"; }
step_end() { echo "==> docs/ci.sh: $1 took $((SECONDS - step_t0)) s (exit status $2)"; }

# 1. the docs extra (Sphinx, sphinx-gallery, numpydoc, the theme, nbclient, ipykernel, playwright)
if [ $install -eq 1 ]; then
    step_start "pip install -e .[docs]"
    python -m pip install --quiet -e ".[docs]"
    rc=$?
    step_end "pip install" $rc
    [ $rc -eq 0 ] || exit $rc
fi

# 2. Debian's Chromium for the browser check (playwright never downloads a browser here)
if [ -x /usr/bin/chromium ]; then
    echo "==> docs/ci.sh: /usr/bin/chromium is there"
else
    step_start "apt-get install chromium"
    if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo -n); fi
    log=$(mktemp)
    { "${sudo[@]}" apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends chromium
    } >"$log" 2>&1
    rc=$?
    [ $rc -eq 0 ] || tail -n 20 "$log"
    rm -f "$log"
    step_end "apt-get install chromium" $rc
    [ $rc -eq 0 ] || exit $rc
fi

# 3. the site, warnings as errors, every example and course page in its quick version
step_start "sphinx build"
HOPOPT_FAST=1 python -m sphinx -W --keep-going -q -b html docs "$BUILD"
rc=$?
step_end "sphinx build" $rc
[ $rc -eq 0 ] || status=$rc

# 4. the check (also after a build that warned, as long as it wrote the site: one CI run tells all)
if [ -f "$BUILD/index.html" ]; then
    step_start "check_site.py"
    python docs/check_site.py "$BUILD"
    rc=$?
    step_end "check_site.py" $rc
    [ $rc -eq 0 ] || status=$rc
else
    echo "==> docs/ci.sh: no $BUILD/index.html: the site was not built, nothing to check"
    [ $status -ne 0 ] || status=1
fi

echo "==> docs/ci.sh: done in $((SECONDS - started)) s, exit status $status"
exit $status
